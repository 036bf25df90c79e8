"""The shapes of the numbers City departments key their records on, and how to tidy what people
type into those shapes. The formats are the ones the departments' systems use (the demo stores in
`portal/demo/stores/` write the same ones)."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.profiles.models import IdentifierKind


@dataclass(frozen=True)
class IdentifierFormat:
    pattern: re.Pattern[str]
    canonical: str
    example: str
    where_to_find: Promise


# Each pattern runs on the value upper-cased with spaces removed; its groups fill `canonical`.
IDENTIFIER_FORMATS: dict[str, IdentifierFormat] = {
    IdentifierKind.WATER_SEWER_ACCOUNT: IdentifierFormat(
        re.compile(r"WS-?(\d{7})"),
        "WS-{0}",
        "WS-0012345",
        _("It is at the top of your water and sewer bill."),
    ),
    IdentifierKind.PARCEL_ID: IdentifierFormat(
        re.compile(r"0*(\d{1,3})[-/]0*(\d{1,3})[-/]0*(\d{1,3})"),
        "{0}-{1}-{2}",
        "57-12-3",
        _("It is on your property tax bill, as map, block and lot."),
    ),
    IdentifierKind.REAL_ESTATE_BILL: IdentifierFormat(
        re.compile(r"(20\d{2})-?(\d{6})"),
        "{0}-{1}",
        "2026-001234",
        _("It is on your real-estate tax bill: the year, then six numbers."),
    ),
    IdentifierKind.EXCISE_BILL: IdentifierFormat(
        re.compile(r"MVE-?(20\d{2})-?(\d{6})"),
        "MVE-{0}-{1}",
        "MVE-2025-000123",
        _("It is on your motor-vehicle excise bill and starts with MVE."),
    ),
    IdentifierKind.VEHICLE_PLATE: IdentifierFormat(
        re.compile(r"([A-Z0-9]{2,7})"),
        "{0}",
        "1ABC23",
        _("The letters and numbers on your Massachusetts plate."),
    ),
    IdentifierKind.DOG_LICENCE: IdentifierFormat(
        re.compile(r"(20\d{2})-(\d{1,4})"),
        "{0}-{1:0>4}",
        "2025-0042",
        _("It is on your dog's licence tag: the year, then the number."),
    ),
    IdentifierKind.BUILDING_PERMIT: IdentifierFormat(
        re.compile(r"([BEPG])-?(20\d{2})-?(\d{4})"),
        "{0}-{1}-{2}",
        "B-2024-0123",
        _("It is on the permit: a letter (B, E, P or G), the year, then four numbers."),
    ),
}


def identifier_clean(*, kind: str, value: str) -> str:
    """The value in the department's own format, or a ValidationError that shows the format."""
    try:
        identifier_format = IDENTIFIER_FORMATS[kind]
    except KeyError:
        raise ValidationError(_("Choose which kind of number this is."), code="kind") from None
    typed = re.sub(r"\s+", "", value or "").upper()
    if kind == IdentifierKind.VEHICLE_PLATE:
        typed = typed.replace("-", "")
    if not typed:
        raise ValidationError(_("Enter the number."), code="required")
    match = identifier_format.pattern.fullmatch(typed)
    if match is None:
        raise ValidationError(
            _("Enter the number in the right format, like %(example)s.")
            % {"example": identifier_format.example},
            code="format",
        )
    return identifier_format.canonical.format(*match.groups())
