"""Reads of the privacy policy's versions: which is in force, which is coming, which are past."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from portal.access.scope import visible
from portal.accounts.models import Role, User
from portal.policies.diff import PolicyDiff, policy_diff
from portal.policies.models import PolicyVersion

IN_FORCE = "in_force"
UPCOMING = "upcoming"
PAST = "past"
DRAFT = "draft"


@dataclass(frozen=True)
class TimelineEntry:
    """A published version and where it stands on `today`."""

    version: PolicyVersion
    state: str  # IN_FORCE, UPCOMING or PAST
    # The last day it governed new data, for a past version.
    until: dt.date | None = None


@dataclass(frozen=True)
class PolicyTimeline:
    entries: list[TimelineEntry]  # oldest first

    def _first(self, state: str) -> TimelineEntry | None:
        return next((entry for entry in self.entries if entry.state == state), None)

    @property
    def in_force(self) -> TimelineEntry | None:
        return self._first(IN_FORCE)

    @property
    def upcoming(self) -> list[TimelineEntry]:
        return [entry for entry in self.entries if entry.state == UPCOMING]

    @property
    def past(self) -> list[TimelineEntry]:
        """Newest first, as a list of earlier versions is read."""
        return [entry for entry in reversed(self.entries) if entry.state == PAST]

    def entry(self, number: int) -> TimelineEntry | None:
        return next((entry for entry in self.entries if entry.version.number == number), None)

    def before(self, version: PolicyVersion) -> PolicyVersion | None:
        """The version this one replaces (the one published before it)."""
        earlier = [entry.version for entry in self.entries if entry.version.number < version.number]
        return earlier[-1] if earlier else None


def published_versions() -> QuerySet[PolicyVersion]:
    """In the order they govern: by the day they take effect, then by number (a later number
    on the same day replaces an earlier one)."""
    return PolicyVersion.objects.filter(number__isnull=False).order_by("effective_on", "number")


def policy_timeline(*, today: dt.date | None = None) -> PolicyTimeline:
    """Every published version, each marked in force, upcoming or past on `today`. One query."""
    today = today or timezone.localdate()
    versions = list(published_versions())
    started = [version for version in versions if version.effective_on <= today]
    in_force = started[-1] if started else None
    entries = []
    for index, version in enumerate(versions):
        if version.effective_on > today:
            entries.append(TimelineEntry(version, UPCOMING))
        elif version is in_force:
            entries.append(TimelineEntry(version, IN_FORCE))
        else:
            following = versions[index + 1].effective_on
            until = following - dt.timedelta(days=1) if following > version.effective_on else None
            entries.append(TimelineEntry(version, PAST, until=until))
    return PolicyTimeline(entries)


def policy_version_upcoming(*, today: dt.date | None = None) -> PolicyVersion | None:
    """The next published version not yet in force: while there is one, residents are in its
    notice period."""
    today = today or timezone.localdate()
    return (
        published_versions()
        .filter(effective_on__gt=today)
        .only("number", "effective_on", "substantive")
        .first()
    )


def policy_versions_for_staff(*, user: Any, today: dt.date | None = None) -> list[PolicyVersion]:
    """Drafts first (newest first), then published versions, newest first; each with `state`
    and how many of its emails were sent (`emails_sent` of `emails_total`). One query."""
    today = today or timezone.localdate()
    versions = list(
        visible(user, PolicyVersion)
        .select_related("posted_by")
        .defer("text", "summary", "correction_reason")
        .annotate(
            emails_total=Count("notices"),
            emails_sent=Count("notices", filter=Q(notices__sent_at__isnull=False)),
        )
        .order_by(F("number").desc(nulls_first=True), "-created_at")
    )
    started = sorted(
        (v for v in versions if v.is_published and v.effective_on <= today),
        key=lambda v: (v.effective_on, v.number),
    )
    in_force = started[-1] if started else None
    for version in versions:
        if not version.is_published:
            version.state = DRAFT
        elif version.effective_on > today:
            version.state = UPCOMING
        else:
            version.state = IN_FORCE if version is in_force else PAST
    return versions


def policy_draft_for_staff(*, user: Any, pk: int) -> PolicyVersion | None:
    return visible(user, PolicyVersion).filter(pk=pk, number__isnull=True).first()


def policy_version_public(*, user: Any, number: int) -> PolicyVersion | None:
    return visible(user, PolicyVersion).filter(number=number).first()


def policy_diff_from_previous(
    *, version: PolicyVersion, timeline: PolicyTimeline
) -> tuple[PolicyVersion | None, PolicyDiff | None]:
    """The version `version` replaces, and what changes from it (None for the first).
    A draft is compared with the newest published version."""
    if version.is_published:
        previous = timeline.before(version)
    else:
        previous = timeline.entries[-1].version if timeline.entries else None
    if previous is None:
        return None, None
    return previous, policy_diff(previous.text, version.text)


def residents_to_notify() -> QuerySet[User]:
    """Residents with an account and a confirmed email address: those told of a new version."""
    confirmed = EmailAddress.objects.filter(user_id=OuterRef("pk"), verified=True)
    return User.objects.filter(Exists(confirmed), role=Role.RESIDENT, is_active=True)
