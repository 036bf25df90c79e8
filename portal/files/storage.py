from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that have no URL: views stream them after checking access."""

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; stream them through a view")
