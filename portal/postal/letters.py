"""The print batch: one tagged, accessible PDF with one letter a page, from an HTML template."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

# The letter's stylesheet sits in the app's static folder; WeasyPrint reads it from disk.
STATIC_DIR = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class PrintedLetter:
    reference: str
    name: str
    address_lines: list[str]
    code: str


def letters_html(
    *, letters: list[PrintedLetter], mailed_on: dt.date, valid_until: dt.date, enter_url: str
) -> str:
    return render_to_string(
        "postal/letters.html",
        {
            "letters": letters,
            "mailed_on": mailed_on,
            "valid_until": valid_until,
            "enter_url": enter_url,
            "CITY_NAME": settings.CITY_NAME,
            "return_address": settings.POSTAL_RETURN_ADDRESS,
            "RECORDS_ACCESS_OFFICER_EMAIL": settings.RECORDS_ACCESS_OFFICER_EMAIL,
            "RECORDS_ACCESS_OFFICER_PHONE": settings.RECORDS_ACCESS_OFFICER_PHONE,
        },
    )


def letters_pdf(
    *, letters: list[PrintedLetter], mailed_on: dt.date, valid_until: dt.date, enter_url: str
) -> bytes:
    html = letters_html(
        letters=letters, mailed_on=mailed_on, valid_until=valid_until, enter_url=enter_url
    )
    return HTML(string=html, base_url=str(STATIC_DIR)).write_pdf(pdf_variant="pdf/ua-1")
