import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    """What a file really is, judged from its bytes, never from its name or the browser's word."""

    JPEG = "jpeg", _("JPEG image")
    PNG = "png", _("PNG image")
    PDF = "pdf", _("PDF document")


IMAGE_KINDS = frozenset({FileKind.JPEG, FileKind.PNG})
DOCUMENT_KINDS = frozenset({FileKind.JPEG, FileKind.PNG, FileKind.PDF})


class StoredFile(models.Model):
    """One private file. The bytes live encrypted in the `private` storage; this row keeps what is
    needed to audit it after the bytes are purged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(_("purpose"), max_length=50, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    original_name = models.CharField(_("file name as uploaded"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 of the contents"), max_length=64)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    purge_after = models.DateTimeField(_("purge after"), null=True, blank=True, db_index=True)
    purged_at = models.DateTimeField(_("purged"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("private file")
        verbose_name_plural = _("private files")

    def __str__(self) -> str:
        return f"{self.purpose}: {self.original_name}"

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None

    @property
    def content_type(self) -> str:
        return {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}[self.kind]
