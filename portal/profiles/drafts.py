"""Answers the resident gave but has not yet confirmed on the "Check your answers" page.

They live in the session until saved or discarded, so nothing reaches the profile without the
review step (WCAG 3.3.4). Values are kept as JSON: dates as ISO strings.
"""

import datetime as dt
from typing import Any

from portal.profiles.services import (
    Address,
    Identifier,
    LegalName,
    PreviousAddress,
    ProfileChanges,
)

SESSION_KEY = "profile_draft"
# The questions a new resident answers one after another before checking them all at once.
SETUP_STEPS = ("name", "date_of_birth", "address", "phone", "language")
SECTIONS = (*SETUP_STEPS, "previous_address", "identifier")


class ProfileDraft:
    def __init__(self, session: Any) -> None:
        self._session = session
        stored = session.get(SESSION_KEY) or {}
        self.setup: bool = bool(stored.get("setup"))
        self.answers: dict[str, Any] = {
            key: value for key, value in (stored.get("answers") or {}).items() if key in SECTIONS
        }

    def _store(self) -> None:
        self._session[SESSION_KEY] = {"setup": self.setup, "answers": self.answers}

    def get(self, section: str) -> Any:
        return self.answers.get(section)

    def put(self, section: str, value: Any) -> None:
        self.answers[section] = value
        self._store()

    def drop(self, section: str) -> None:
        self.answers.pop(section, None)
        self._store()

    def start_setup(self) -> None:
        self.setup = True
        self.answers = {}
        self._store()

    def clear(self) -> None:
        self._session.pop(SESSION_KEY, None)
        self.setup = False
        self.answers = {}

    @property
    def is_empty(self) -> bool:
        return not self.answers

    def changes(self) -> ProfileChanges:
        answers = self.answers
        name = answers.get("name")
        born = answers.get("date_of_birth")
        current = answers.get("address")
        previous = answers.get("previous_address")
        identifier = answers.get("identifier")
        return ProfileChanges(
            name=LegalName(
                first=name["first_name"],
                middle=name["middle_name"],
                last=name["last_name"],
                suffix=name["suffix"],
                other_names=name["other_names"],
            )
            if name
            else None,
            date_of_birth=dt.date.fromisoformat(born) if born else None,
            current_address=address_from_answer(current) if current else None,
            phone=answers.get("phone"),
            preferred_language=answers.get("language"),
            previous_address=PreviousAddress(
                address=address_from_answer(previous),
                from_year=previous["from_year"],
                until_year=previous["until_year"],
                address_id=previous.get("address_id"),
            )
            if previous
            else None,
            identifier=Identifier(kind=identifier["kind"], value=identifier["value"])
            if identifier
            else None,
        )


ADDRESS_KEYS = ("street", "unit", "city", "state", "postal_code")


def address_from_answer(answer: dict[str, Any]) -> Address:
    return Address(**{key: answer[key] for key in ADDRESS_KEYS})
