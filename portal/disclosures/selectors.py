"""Reads for disclosures and legal process. Every lookup of an object someone asks for by id
goes through `visible` (portal.access.scope)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.access.scope import visible
from portal.accounts.models import Role, User
from portal.disclosures.models import Disclosure, LegalProcess
from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus
from portal.profiles.models import ResidentIdentifier
from requests.corrections.models import DisagreementStatement


def disclosures_for(*, user: Any) -> QuerySet[Disclosure]:
    return visible(user, Disclosure).select_related("subject", "recorded_by", "legal_process")


def statements_sent(*, disclosure: Disclosure) -> list[DisagreementStatement]:
    """The resident's statements of disagreement that went with this disclosure, reached
    through it: whoever may see the disclosure may see what was sent with it."""
    return list(
        DisagreementStatement.objects.filter(
            pk__in=disclosure.statements_sent or [], subject_id=disclosure.subject_id
        )
        .select_related("source__department")
        .order_by("filed_at", "pk")
    )


def legal_processes_for(*, user: Any) -> QuerySet[LegalProcess]:
    return visible(user, LegalProcess).select_related("subject", "recorded_by")


def legal_process_blocking(*, subject: User, on: date | None = None) -> QuerySet[LegalProcess]:
    """Open legal process for `subject` whose waiting period has not passed on `on` (today), and
    that no court order dispensing with notice frees: while any exists, nothing it seeks may be
    released by any path."""
    on = on or timezone.localdate()
    return LegalProcess.objects.filter(
        subject=subject,
        withdrawn_at__isnull=True,
        released_at__isnull=True,
        notice_dispensed_at__isnull=True,
    ).filter(Q(release_not_before__isnull=True) | Q(release_not_before__gt=on))


# --- A legal process's state, in words ------------------------------------------------------

WITHDRAWN = "withdrawn"
RELEASED = "released"
WAITING = "waiting"
DISPENSED = "dispensed"
MAY_RELEASE = "may_release"
NO_NOTICE = "no_notice"


@dataclass(frozen=True)
class LegalProcessState:
    code: str
    words: str
    tag: str  # the colour class of its badge; the words always say it too

    @property
    def may_release(self) -> bool:
        return self.code in (DISPENSED, MAY_RELEASE)

    @property
    def is_open(self) -> bool:
        return self.code not in (WITHDRAWN, RELEASED)


def _day(value: Any) -> str:
    return date_format(timezone.localdate(value) if hasattr(value, "tzinfo") else value, "j F Y")


def legal_process_state(
    legal_process: LegalProcess, *, on: date | None = None
) -> LegalProcessState:
    on = on or timezone.localdate()
    if legal_process.withdrawn_at is not None:
        return LegalProcessState(
            WITHDRAWN,
            _("%(how)s on %(day)s. Nothing may be released.")
            % {
                "how": legal_process.get_withdrawal_kind_display() or _("Withdrawn"),
                "day": _day(legal_process.withdrawn_at),
            },
            "tag--grey",
        )
    if legal_process.released_at is not None:
        return LegalProcessState(
            RELEASED,
            _("Released to %(issuer)s on %(day)s.")
            % {"issuer": legal_process.issuer, "day": _day(legal_process.released_at)},
            "tag--green",
        )
    if legal_process.notice_dispensed_at is not None:
        return LegalProcessState(
            DISPENSED,
            _("A court order dispensed with notice. The information may be released now."),
            "tag--yellow",
        )
    if legal_process.release_not_before is None:
        return LegalProcessState(
            NO_NOTICE, _("The resident has not been sent the notice yet."), "tag--red"
        )
    if on < legal_process.release_not_before:
        return LegalProcessState(
            WAITING,
            _("Waiting until %(day)s so the resident can ask a court to quash it.")
            % {"day": _day(legal_process.release_not_before)},
            "tag--blue",
        )
    return LegalProcessState(
        MAY_RELEASE,
        _("The waiting period ended on %(day)s. The information may be released.")
        % {"day": _day(legal_process.release_not_before)},
        "tag--yellow",
    )


# --- Finding the resident -------------------------------------------------------------------


class ResidentNotFound(Exception):
    """No single resident matches; the message says what to do."""


def resident_find(*, query: str) -> User:
    """The resident with this email address (as the clerk's "file for a resident" form finds
    them), or who proved they hold this City account number."""
    query = (query or "").strip()
    residents = User.objects.filter(role=Role.RESIDENT, is_active=True)
    if "@" in query:
        found = residents.filter(email__iexact=query).first()
        if found is None:
            raise ResidentNotFound(_("No resident has an account with this email address."))
        return found
    # Only numbers the resident proved they hold (a passed account check that still stands):
    # anyone can type a number into their profile.
    proven = AccountKnowledgeAttempt.objects.filter(
        status=AttemptStatus.PASSED,
        verification__revoked_at__isnull=True,
        resident_identifier__isnull=False,
    ).values("resident_identifier")
    matches = list(
        residents.filter(
            profile__identifiers__in=ResidentIdentifier.objects.filter(
                value__iexact=query, pk__in=proven
            )
        ).distinct()[:2]
    )
    if not matches:
        raise ResidentNotFound(
            _(
                "No resident has proved they hold this account number. Enter their email "
                "address instead."
            )
        )
    if len(matches) > 1:
        raise ResidentNotFound(
            _("More than one resident holds this account number. Enter their email address.")
        )
    return matches[0]
