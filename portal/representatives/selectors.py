"""Reads of representative grants.

`active_grant` is the one place any part of the portal asks "may this person act for that
resident?". Every other read here is scoped by the person asking: a representative sees their
own grants, a resident the grants made for them, and only clerks and the privacy officer the
queue.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from portal.access import scope
from portal.accounts.models import Role, User
from portal.representatives.models import Grant, GrantStatus


def _day(on: dt.date | dt.datetime | None) -> dt.date:
    if on is None:
        return timezone.localdate()
    if isinstance(on, dt.datetime):
        return timezone.localdate(on)
    return on


def grants_for_representative(*, user: object) -> QuerySet[Grant]:
    """Every request the user made to act for someone, newest first, whatever its status."""
    if not getattr(user, "is_authenticated", False):
        return Grant.objects.none()
    return Grant.objects.filter(representative=user).select_related("proof")


def active_grant(
    *,
    representative: object,
    resident: object,
    request_type: str | None = None,
    on: dt.date | dt.datetime | None = None,
) -> Grant | None:
    """The grant that lets `representative` act for `resident` on the day `on` (today by
    default): accepted, not past its last day, not stopped, and covering `request_type` when one
    is given. None when there is none."""
    if not getattr(representative, "is_authenticated", False) or resident is None:
        return None
    candidates = Grant.objects.active(on=_day(on)).filter(
        representative=representative, resident=resident
    )
    for grant in candidates.order_by("-expires_on", "-pk"):
        if request_type is None or request_type in grant.scope:
            return grant
    return None


def active_grant_for_representative(
    *, representative: object, grant_id: int, on: dt.date | dt.datetime | None = None
) -> Grant | None:
    """One of the representative's own grants by id, only while it is active."""
    if not getattr(representative, "is_authenticated", False):
        return None
    return (
        Grant.objects.active(on=_day(on))
        .filter(representative=representative, pk=grant_id)
        .select_related("representative", "resident")
        .first()
    )


def grant_for_representative(*, representative: object, grant_id: int) -> Grant | None:
    """One of the representative's own requests by id, whatever its status."""
    return grants_for_representative(user=representative).filter(pk=grant_id).first()


def grants_for_resident(*, resident: object) -> QuerySet[Grant]:
    """Grants a clerk accepted for this resident's account: current ones and past ones."""
    if not getattr(resident, "is_authenticated", False):
        return Grant.objects.none()
    return (
        Grant.objects.filter(
            resident=resident, status__in=[GrantStatus.ACCEPTED, GrantStatus.REVOKED]
        )
        .select_related("representative")
        .order_by("-decided_at", "-pk")
    )


def active_grant_for_resident(
    *, resident: object, grant_id: int, on: dt.date | dt.datetime | None = None
) -> Grant | None:
    """A grant made for this resident that is still active, which they may stop."""
    return grants_for_resident(resident=resident).active(on=_day(on)).filter(pk=grant_id).first()


def may_review_grants(*, user: object) -> bool:
    return scope.may_review_grants(user)


def grants_for_review(*, user: object, status: str = GrantStatus.PENDING) -> QuerySet[Grant]:
    """The clerks' queue: oldest first, so the longest-waiting request is at the top."""
    if not may_review_grants(user=user):
        return Grant.objects.none()
    return (
        scope.visible(user, Grant)
        .filter(status=status)
        .select_related("representative", "resident")
        .order_by("created_at", "pk")
    )


def grant_for_review(*, user: object, grant_id: int) -> Grant | None:
    if not may_review_grants(user=user):
        return None
    return (
        scope.visible(user, Grant)
        .filter(pk=grant_id)
        .select_related("representative", "resident", "decided_by", "revoked_by", "proof")
        .first()
    )


def resident_account_by_email(*, email: str, representative: object) -> User | None:
    """The resident account a clerk may link a grant to: an active resident with this email
    address, never the representative themself."""
    if not email:
        return None
    account = User.objects.filter(
        email__iexact=email.strip(), is_active=True, role=Role.RESIDENT
    ).first()
    if account is None or account.pk == getattr(representative, "pk", None):
        return None
    return account


@dataclass(frozen=True)
class AccountComparison:
    """How the details the representative gave compare with the account's own profile. None
    where the profile does not say."""

    name_matches: bool | None
    date_of_birth_matches: bool | None


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.casefold()))


def account_comparison(*, grant: Grant, account: User) -> AccountComparison:
    profile = getattr(account, "profile", None)
    if profile is None:
        return AccountComparison(name_matches=None, date_of_birth_matches=None)
    name_matches = None
    if profile.legal_first_name and profile.legal_last_name:
        wanted = _words(profile.legal_first_name) | _words(profile.legal_last_name)
        name_matches = wanted <= _words(grant.resident_name)
    born_matches = None
    if profile.date_of_birth:
        born_matches = profile.date_of_birth == grant.resident_date_of_birth
    return AccountComparison(name_matches=name_matches, date_of_birth_matches=born_matches)
