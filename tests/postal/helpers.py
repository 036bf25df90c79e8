"""Helpers for the codes-by-post tests: a City Clerk street listing to fill, and profiles."""

import datetime as dt
import re
import sqlite3
from pathlib import Path

from portal.demo.stores import city_clerk
from portal.profiles.models import Profile

ALICE_BORN = dt.date(1980, 3, 14)


class StreetListing:
    """A City Clerk store with the demo's schema, filled row by row by each test."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._number = 0
        with sqlite3.connect(path) as connection:
            connection.executescript(city_clerk.SCHEMA)

    def add(
        self,
        *,
        first: str,
        last: str,
        born: dt.date,
        address: str,
        years: tuple[int, ...] = (2026,),
        middle: str | None = None,
        suffix: str | None = None,
        resident_number: str | None = None,
        zip_code: str = "01085",
    ) -> str:
        """One person, listed in each of `years` at `address`; returns their resident number."""
        if resident_number is None:
            self._number += 1
            resident_number = f"WF{self._number:07d}"
        with sqlite3.connect(self.path) as connection:
            for year in years:
                connection.execute(
                    "INSERT INTO street_listing (listing_year, resident_number, last_name, "
                    "first_name, middle_name, suffix, date_of_birth, occupation, "
                    "residential_address, street_number, street_name, unit, zip, ward_precinct, "
                    "veteran) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 1, 'Elm Street', NULL, ?, "
                    "'1A', 'N')",
                    (
                        year,
                        resident_number,
                        last,
                        first,
                        middle,
                        suffix,
                        born.isoformat(),
                        address,
                        zip_code,
                    ),
                )
        return resident_number

    def remove(self, *, address: str) -> None:
        with sqlite3.connect(self.path) as connection:
            connection.execute(
                "DELETE FROM street_listing WHERE residential_address = ?", (address,)
            )


def profile_set(
    user,
    *,
    first: str = "Alice",
    last: str = "Archer",
    born: dt.date | None = ALICE_BORN,
    middle: str = "",
    suffix: str = "",
) -> Profile:
    profile, _ = Profile.objects.update_or_create(
        user=user,
        defaults={
            "legal_first_name": first,
            "legal_middle_name": middle,
            "legal_last_name": last,
            "name_suffix": suffix,
            "date_of_birth": born,
        },
    )
    return profile


def batch_letters_text(batch) -> list[str]:
    """The text of each page of a print batch's PDF, extracted with pypdf."""
    import io

    from pypdf import PdfReader

    from portal.files.services import stored_file_read

    reader = PdfReader(io.BytesIO(stored_file_read(batch.pdf)))
    return [page.extract_text() for page in reader.pages]


_CODE = re.compile(r"\b([A-Z0-9]{5}-[A-Z0-9]{5})\b")
_REFERENCE = re.compile(r"Reference: ([0-9A-F]{8})")


def batch_codes(batch) -> dict[str, str]:
    """Each letter's printed code (as printed, with the dash), by the letter's reference."""
    codes = {}
    for text in batch_letters_text(batch):
        codes[_REFERENCE.search(text).group(1)] = _CODE.search(text).group(1)
    return codes
