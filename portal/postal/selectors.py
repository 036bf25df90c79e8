"""Reads for codes by post. Residents reach only their own requests; clerks and the privacy
officer reach the queue and the print batches; anyone else gets a 404."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from portal.access.scope import may_manage_mailed_codes, visible
from portal.postal.models import MailedCode, MailedCodeStatus, PrintBatch


@dataclass(frozen=True)
class ProfileDetails:
    """The name and date of birth the lookup will use, and what is missing from them."""

    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    date_of_birth: dt.date | None

    @property
    def legal_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)
        return f"{name} {self.suffix}".strip() if self.suffix else name

    @property
    def is_complete(self) -> bool:
        return bool(self.first_name and self.last_name and self.date_of_birth)


def postal_profile_details(*, user: Any) -> ProfileDetails:
    from portal.profiles.models import Profile

    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return ProfileDetails("", "", "", "", None)
    return ProfileDetails(
        first_name=profile.legal_first_name.strip(),
        middle_name=profile.legal_middle_name.strip(),
        last_name=profile.legal_last_name.strip(),
        suffix=profile.name_suffix.strip(),
        date_of_birth=profile.date_of_birth,
    )


def _open_filter(today: dt.date) -> Q:
    return Q(
        status__in=[
            MailedCodeStatus.FINDING,
            MailedCodeStatus.NEEDS_REVIEW,
            MailedCodeStatus.READY,
        ]
    ) | Q(status=MailedCodeStatus.MAILED, valid_until__gte=today)


def mailed_codes_of(*, user: Any) -> QuerySet[MailedCode]:
    """The resident's own requests, newest first."""
    if not getattr(user, "is_authenticated", False):
        return MailedCode.objects.none()
    return MailedCode.objects.filter(user=user)


def mailed_code_of(*, user: Any, pk: object) -> MailedCode:
    """One of the resident's own requests; anyone else's is a 404."""
    mailed_code = mailed_codes_of(user=user).filter(pk=pk).first()
    if mailed_code is None:
        raise Http404("no such request for this account")
    return mailed_code


def mailed_code_latest(*, user: Any) -> MailedCode | None:
    return mailed_codes_of(user=user).order_by("-created_at").first()


def mailed_code_open(*, user: Any, today: dt.date | None = None) -> MailedCode | None:
    today = today or timezone.localdate()
    return mailed_codes_of(user=user).filter(_open_filter(today)).order_by("-created_at").first()


def mailed_code_requests_recent(*, user: Any, now: dt.datetime | None = None) -> int:
    """How many requests the resident made in the last 30 days (the monthly limit)."""
    since = (now or timezone.now()) - dt.timedelta(days=30)
    return mailed_codes_of(user=user).filter(created_at__gte=since).count()


def mailed_code_state(*, mailed_code: MailedCode, today: dt.date | None = None) -> str:
    """The status as the resident should see it now: a mailed code past its last day is expired
    even before anyone tries it."""
    today = today or timezone.localdate()
    if (
        mailed_code.status == MailedCodeStatus.MAILED
        and mailed_code.valid_until is not None
        and mailed_code.valid_until < today
    ):
        return MailedCodeStatus.EXPIRED
    return mailed_code.status


def mailed_code_waiting_for_entry(*, user: Any, today: dt.date | None = None) -> MailedCode | None:
    """The mailed letter whose code the resident can enter now, if any."""
    today = today or timezone.localdate()
    return (
        mailed_codes_of(user=user)
        .filter(status=MailedCodeStatus.MAILED, valid_until__gte=today)
        .order_by("-created_at")
        .first()
    )


# --- Staff ----------------------------------------------------------------------------------


def postal_staff_may_manage(*, user: Any) -> bool:
    return may_manage_mailed_codes(user)


def _staff_only(user: Any) -> None:
    if not postal_staff_may_manage(user=user):
        raise Http404("not a page for this account")


def mailed_codes_ready(*, user: Any) -> QuerySet[MailedCode]:
    """Letters whose address is settled and that no batch has printed yet, oldest first."""
    _staff_only(user)
    return (
        MailedCode.objects.filter(status=MailedCodeStatus.READY)
        .select_related("user")
        .order_by("created_at")
    )


def mailed_codes_for_review(*, user: Any, now: dt.datetime | None = None) -> QuerySet[MailedCode]:
    """The review queue: requests a clerk must decide, and lookups that have not finished in
    POSTAL_LOOKUP_STALLED_MINUTES (a lost broker message), oldest first."""
    _staff_only(user)
    stalled_before = (now or timezone.now()) - dt.timedelta(
        minutes=settings.POSTAL_LOOKUP_STALLED_MINUTES
    )
    return (
        MailedCode.objects.filter(
            Q(status=MailedCodeStatus.NEEDS_REVIEW)
            | Q(status=MailedCodeStatus.FINDING, created_at__lt=stalled_before)
        )
        .select_related("user")
        .annotate(candidate_count=Count("candidates"))
        .order_by("created_at")
    )


def mailed_code_for_staff(*, user: Any, pk: object) -> MailedCode:
    _staff_only(user)
    mailed_code = (
        visible(user, MailedCode)
        .select_related("user", "decided_by", "batch")
        .prefetch_related("candidates")
        .filter(pk=pk)
        .first()
    )
    if mailed_code is None:
        raise Http404("no such request")
    return mailed_code


def print_batches_recent(*, user: Any, limit: int = 20) -> QuerySet[PrintBatch]:
    _staff_only(user)
    return (
        PrintBatch.objects.select_related("created_by", "pdf")
        .annotate(download_count=Count("downloads"))
        .order_by("-created_at")[:limit]
    )


def print_batch_for_staff(*, user: Any, pk: object) -> PrintBatch:
    _staff_only(user)
    batch = visible(user, PrintBatch).select_related("created_by", "pdf").filter(pk=pk).first()
    if batch is None:
        raise Http404("no such batch")
    return batch
