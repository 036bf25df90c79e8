"""What an upload really is, from its bytes."""

import io
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from portal.files.models import IMAGE_KINDS, FileKind

_SIGNATURES = (
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"%PDF-", FileKind.PDF),
)


def sniff_kind(data: bytes) -> FileKind | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def _is_whole_image(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def _is_whole_pdf(data: bytes) -> bool:
    return b"%%EOF" in data[-2048:]


def _describe(kinds: Collection[FileKind]) -> str:
    labels = [str(FileKind(kind).label) for kind in sorted(kinds)]
    return ", ".join(labels[:-1]) + _(" or ") + labels[-1] if len(labels) > 1 else labels[0]


def upload_check(
    upload: UploadedFile, *, allowed: Collection[FileKind], max_bytes: int
) -> tuple[FileKind, bytes]:
    """The upload's kind and bytes, or a ValidationError a person can act on."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file must be smaller than %(limit)s.") % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file must be smaller than %(limit)s.") % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if not data:
        raise ValidationError(_("The selected file is empty."), code="empty")
    kind = sniff_kind(data)
    whole = kind is not None and (
        _is_whole_image(data) if kind in IMAGE_KINDS else _is_whole_pdf(data)
    )
    if kind not in allowed or not whole:
        raise ValidationError(
            _("The selected file must be a %(kinds)s. This file is not, whatever its name says.")
            % {"kinds": _describe(allowed)},
            code="wrong_type",
        )
    return kind, data
