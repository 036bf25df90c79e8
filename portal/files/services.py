import hashlib
import uuid
from collections.abc import Collection
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from portal import crypto
from portal.files.checks import upload_check
from portal.files.models import FileKind, StoredFile


def _storage():
    return storages["private"]


def stored_file_create(
    *,
    upload: UploadedFile,
    purpose: str,
    uploaded_by: object | None,
    allowed: Collection[FileKind],
    max_bytes: int | None = None,
) -> StoredFile:
    """Check the upload by its content, encrypt it and keep it privately.

    Raises ValidationError with a message for the person who uploaded it.
    """
    kind, data = upload_check(
        upload, allowed=allowed, max_bytes=max_bytes or settings.UPLOAD_MAX_BYTES
    )
    storage_name = f"{purpose}/{uuid.uuid4().hex}.bin"
    saved_name = _storage().save(storage_name, ContentFile(crypto.encrypt(data)))
    stored = StoredFile(
        purpose=purpose,
        kind=kind,
        original_name=(upload.name or "upload")[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_name=saved_name,
        uploaded_by=uploaded_by,
    )
    try:
        stored.save()
    except Exception:
        _storage().delete(saved_name)
        raise
    return stored


def stored_file_read(stored: StoredFile) -> bytes:
    """The decrypted contents. Callers check access and write the access-log entry first."""
    if stored.is_purged:
        raise FileNotFoundError(f"{stored.id} was purged on {stored.purged_at:%Y-%m-%d}")
    with _storage().open(stored.storage_name, "rb") as encrypted:
        return crypto.decrypt(encrypted.read())


def stored_file_schedule_purge(*, stored: StoredFile, purge_after: datetime) -> None:
    stored.purge_after = purge_after
    stored.save(update_fields=["purge_after"])


@transaction.atomic
def stored_file_purge(*, stored: StoredFile) -> None:
    """Delete the bytes; keep the row (who, when, what kind, its hash) for the record."""
    locked = StoredFile.objects.select_for_update().get(pk=stored.pk)
    if locked.is_purged:
        return
    _storage().delete(locked.storage_name)
    locked.purged_at = timezone.now()
    locked.save(update_fields=["purged_at"])
    stored.purged_at = locked.purged_at


def stored_files_purge_due(*, now: datetime | None = None) -> int:
    """Purge every file whose retention has ended; returns how many."""
    now = now or timezone.now()
    due = StoredFile.objects.filter(purge_after__lte=now, purged_at__isnull=True)
    count = 0
    for stored in due.iterator():
        stored_file_purge(stored=stored)
        count += 1
    return count
