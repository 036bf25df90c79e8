"""Private files: checked by content, encrypted at rest, purged on time."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from portal import checks, crypto
from portal.files.models import DOCUMENT_KINDS, IMAGE_KINDS, StoredFile
from portal.files.services import (
    stored_file_create,
    stored_file_read,
    stored_file_schedule_purge,
    stored_files_purge_due,
)

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def _save(name: str, data: bytes, allowed=IMAGE_KINDS, **kwargs) -> StoredFile:
    return stored_file_create(
        upload=SimpleUploadedFile(name, data),
        purpose="identity_document",
        uploaded_by=None,
        allowed=allowed,
        **kwargs,
    )


def test_html_named_as_image_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        _save("passport.jpg", b"<html><script>alert(1)</script></html>")
    assert "must be a JPEG image or PNG image" in refused.value.messages[0]
    assert StoredFile.objects.count() == 0


def test_truncated_image_is_refused():
    with pytest.raises(ValidationError):
        _save("id.png", png_bytes()[:30])


def test_file_over_the_limit_is_refused():
    with pytest.raises(ValidationError, match="smaller than"):
        _save("id.png", png_bytes(), max_bytes=10)


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        _save("id.png", b"")


def test_pdf_accepted_where_documents_are():
    stored = _save("proof.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n", allowed=DOCUMENT_KINDS)
    assert stored.kind == "pdf"
    assert stored.content_type == "application/pdf"


def test_stored_bytes_are_not_plaintext_and_read_back_whole():
    data = png_bytes()
    stored = _save("id.png", data)

    with storages["private"].open(stored.storage_name, "rb") as raw:
        on_disk = raw.read()

    assert data not in on_disk
    assert b"PNG" not in on_disk
    assert stored_file_read(stored) == data
    assert stored.size == len(data)


def test_private_storage_has_no_public_url():
    stored = _save("id.png", png_bytes())
    with pytest.raises(ValueError):
        storages["private"].url(stored.storage_name)


def test_old_files_stay_readable_after_a_new_key_is_added(settings):
    data = png_bytes()
    stored = _save("id.png", data)

    settings.FIELD_ENCRYPTION_KEYS = [crypto.new_key(), *settings.FIELD_ENCRYPTION_KEYS]

    assert stored_file_read(stored) == data


def test_reencrypt_moves_data_to_the_newest_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    token = crypto.encrypt(b"evidence")
    settings.FIELD_ENCRYPTION_KEYS = [crypto.new_key(), old_key]

    rotated = crypto.reencrypt(token)
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]

    assert crypto.decrypt(rotated) == b"evidence"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_unusable_key_fails_the_system_check(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    assert [error.id for error in checks.check_encryption_keys()] == ["portal.E015"]


def test_file_is_gone_after_its_retention_and_its_record_stays():
    stored = _save("id.png", png_bytes())
    stored_file_schedule_purge(stored=stored, purge_after=timezone.now() + timedelta(days=30))

    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert stored_files_purge_due() == 0
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert stored_files_purge_due() == 1

    stored.refresh_from_db()
    assert stored.is_purged
    assert not storages["private"].exists(stored.storage_name)
    assert len(stored.sha256) == 64
    with pytest.raises(FileNotFoundError):
        stored_file_read(stored)
    assert stored_files_purge_due() == 0
