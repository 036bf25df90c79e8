"""Reads about identity assurance: levels, the resident's steps, tries, and the clerks' queues."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from portal.access.scope import may_review_identity
from portal.accounts.models import User
from portal.identity.matching import PersonName
from portal.identity.models import (
    AccountKnowledgeAttempt,
    AttemptStatus,
    DocumentStatus,
    IdentityDocument,
    IdentityLevel,
    IdentityOverride,
    IdentityVerification,
    OverrideStatus,
)
from portal.profiles.models import IdentifierKind, Profile, ResidentIdentifier
from requests.models import DataSource

# The kinds of City account a resident can prove they hold, and the lookup a department's data
# source must configure to answer for each (see `account_knowledge_lookup_name`).
ACCOUNT_KNOWLEDGE_KINDS = (IdentifierKind.WATER_SEWER_ACCOUNT, IdentifierKind.REAL_ESTATE_BILL)


def identity_level(*, user: object) -> IdentityLevel:
    """The highest level the account holds now: 2 or 3 from a standing verification, 1 for a
    confirmed email address, otherwise none."""
    if not getattr(user, "is_authenticated", False):
        return IdentityLevel.NONE
    highest = IdentityVerification.objects.filter(user=user, revoked_at__isnull=True).aggregate(
        highest=Max("level")
    )["highest"]
    if highest:
        return IdentityLevel(highest)
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return IdentityLevel.EMAIL
    return IdentityLevel.NONE


def identity_staff_may_act(*, user: object) -> bool:
    return may_review_identity(user)


def profile_name(*, user: User) -> PersonName | None:
    """The resident's legal name from their profile, or None until first and last are given."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None or not profile.legal_first_name.strip() or not profile.legal_last_name:
        return None
    return PersonName(
        first=profile.legal_first_name,
        middle=profile.legal_middle_name,
        last=profile.legal_last_name,
        suffix=profile.name_suffix,
    )


# --- Level 2 by account knowledge -----------------------------------------------------------


def account_knowledge_lookup_name(kind: str) -> str:
    """A data source answers account-knowledge checks for `kind` when its connector configures a
    lookup of this name. It takes the parameter `identifier` and returns the account's most recent
    bill first, with the columns `billing_name` and `amount_due`."""
    return f"account_knowledge_{kind}"


def account_knowledge_sources() -> dict[str, DataSource]:
    """Each kind of City account that an enabled data source can check, with that source."""
    sources: dict[str, DataSource] = {}
    for kind in ACCOUNT_KNOWLEDGE_KINDS:
        source = (
            DataSource.objects.filter(
                enabled=True,
                configuration__lookups__has_key=account_knowledge_lookup_name(kind),
            )
            .order_by("slug")
            .first()
        )
        if source is not None:
            sources[kind] = source
    return sources


def _window_start(now: datetime) -> datetime:
    return now - timedelta(hours=settings.IDENTITY_ACCOUNT_KNOWLEDGE_WINDOW_HOURS)


def _locked_until(failures: QuerySet[AccountKnowledgeAttempt], now: datetime) -> datetime | None:
    limit = settings.IDENTITY_ACCOUNT_KNOWLEDGE_MAX_FAILURES
    recent = list(
        failures.filter(status=AttemptStatus.FAILED, created_at__gt=_window_start(now))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[limit - 1] + timedelta(hours=settings.IDENTITY_ACCOUNT_KNOWLEDGE_WINDOW_HOURS)


def account_knowledge_locked_until(
    *,
    user: User,
    identifier_digest: str = "",
    exclude_id: int | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """When the account (whatever kind of number it tries), or this one City account number
    (whichever portal account tries it), may try again; None when it may try now."""
    now = now or timezone.now()
    attempts = AccountKnowledgeAttempt.objects.exclude(pk=exclude_id)
    times = [_locked_until(attempts.filter(user=user), now)]
    if identifier_digest:
        times.append(_locked_until(attempts.filter(identifier_digest=identifier_digest), now))
    known = [time for time in times if time is not None]
    return max(known) if known else None


def account_knowledge_failures_left(*, user: User, now: datetime | None = None) -> int:
    now = now or timezone.now()
    failed = AccountKnowledgeAttempt.objects.filter(
        user=user, status=AttemptStatus.FAILED, created_at__gt=_window_start(now)
    ).count()
    return max(0, settings.IDENTITY_ACCOUNT_KNOWLEDGE_MAX_FAILURES - failed)


def account_knowledge_attempts_for(*, user: User) -> QuerySet[AccountKnowledgeAttempt]:
    """The resident's own tries: every resident-facing lookup of an attempt goes through this."""
    return AccountKnowledgeAttempt.objects.filter(user=user)


def account_knowledge_attempt_pending(*, user: User) -> AccountKnowledgeAttempt | None:
    return account_knowledge_attempts_for(user=user).filter(status=AttemptStatus.PENDING).first()


def proven_identifiers(*, user: User) -> QuerySet[ResidentIdentifier]:
    """The City account numbers the resident proved they hold (with a standing verification):
    exact keys for gathering their records."""
    return ResidentIdentifier.objects.filter(
        profile__user=user,
        pk__in=AccountKnowledgeAttempt.objects.filter(
            user=user,
            status=AttemptStatus.PASSED,
            verification__revoked_at__isnull=True,
            resident_identifier__isnull=False,
        ).values("resident_identifier"),
    )


# --- Level 3 by photo ID --------------------------------------------------------------------


def identity_documents_for(*, user: User) -> QuerySet[IdentityDocument]:
    """The resident's own uploads: every resident-facing lookup of a document goes through this."""
    return IdentityDocument.objects.filter(user=user).select_related("stored_file")


def identity_document_draft(*, user: User) -> IdentityDocument | None:
    return (
        identity_documents_for(user=user)
        .filter(status=DocumentStatus.DRAFT, stored_file__purged_at__isnull=True)
        .first()
    )


def identity_document_pending(*, user: User) -> IdentityDocument | None:
    return (
        identity_documents_for(user=user)
        .filter(status=DocumentStatus.PENDING, stored_file__purged_at__isnull=True)
        .first()
    )


def identity_document_latest_decision(*, user: User) -> IdentityDocument | None:
    return (
        identity_documents_for(user=user)
        .filter(status__in=[DocumentStatus.APPROVED, DocumentStatus.REFUSED])
        .order_by("-decided_at")
        .first()
    )


def identity_documents_awaiting_review() -> QuerySet[IdentityDocument]:
    return (
        IdentityDocument.objects.filter(
            status=DocumentStatus.PENDING, stored_file__purged_at__isnull=True
        )
        .select_related("user", "user__profile")
        .order_by("submitted_at", "pk")
    )


# --- The resident's page --------------------------------------------------------------------


class StepStatus:
    DONE = "done"
    NOT_STARTED = "not_started"
    WAITING = "waiting"
    LOCKED = "locked"


@dataclass(frozen=True)
class IdentitySteps:
    """What the "Your account" page shows: the level, and each step's state."""

    level: IdentityLevel
    email_confirmed: bool
    has_name: bool
    link_status: str
    link_pending: AccountKnowledgeAttempt | None
    link_locked_until: datetime | None
    link_kinds: list[str]
    photo_status: str
    photo_pending: IdentityDocument | None
    photo_refused: IdentityDocument | None
    verifications: list[IdentityVerification] = field(default_factory=list)


def identity_steps(*, user: User) -> IdentitySteps:
    level = identity_level(user=user)
    email_confirmed = EmailAddress.objects.filter(user=user, verified=True).exists()
    has_name = profile_name(user=user) is not None
    pending_attempt = account_knowledge_attempt_pending(user=user)
    locked_until = account_knowledge_locked_until(user=user)
    link_kinds = list(account_knowledge_sources())
    if level >= IdentityLevel.REMOTE:
        link_status = StepStatus.DONE
    elif pending_attempt is not None:
        link_status = StepStatus.WAITING
    elif locked_until is not None:
        link_status = StepStatus.LOCKED
    else:
        link_status = StepStatus.NOT_STARTED
    pending_document = identity_document_pending(user=user)
    latest_decision = identity_document_latest_decision(user=user)
    if level >= IdentityLevel.ATTENDED:
        photo_status = StepStatus.DONE
    elif pending_document is not None:
        photo_status = StepStatus.WAITING
    elif not has_name:
        # The clerk compares the photo ID with the name on the profile.
        photo_status = StepStatus.LOCKED
    else:
        photo_status = StepStatus.NOT_STARTED
    refused = (
        latest_decision
        if latest_decision is not None
        and latest_decision.status == DocumentStatus.REFUSED
        and photo_status == StepStatus.NOT_STARTED
        else None
    )
    verifications = list(
        IdentityVerification.objects.filter(user=user, revoked_at__isnull=True).order_by(
            "-verified_at"
        )
    )
    return IdentitySteps(
        level=level,
        email_confirmed=email_confirmed,
        has_name=has_name,
        link_status=link_status,
        link_pending=pending_attempt,
        link_locked_until=locked_until,
        link_kinds=link_kinds,
        photo_status=photo_status,
        photo_pending=pending_document,
        photo_refused=refused,
        verifications=verifications,
    )


# --- Staff ----------------------------------------------------------------------------------


def residents_search(*, query: str) -> QuerySet[User]:
    """Accounts whose email or name (account or profile) contains every word of the query."""
    accounts = User.objects.select_related("profile").order_by("email")
    words = query.split()
    if not words:
        return accounts.none()
    for word in words:
        accounts = accounts.filter(
            Q(email__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(profile__legal_first_name__icontains=word)
            | Q(profile__legal_last_name__icontains=word)
        )
    return accounts.distinct()


def identity_verifications_of(*, user: User) -> QuerySet[IdentityVerification]:
    return (
        IdentityVerification.objects.filter(user=user)
        .select_related("verified_by", "revoked_by")
        .order_by("-verified_at")
    )


def identity_overrides_of(*, user: User) -> QuerySet[IdentityOverride]:
    return IdentityOverride.objects.filter(user=user).select_related("requested_by", "decided_by")


def identity_overrides_pending() -> QuerySet[IdentityOverride]:
    return (
        IdentityOverride.objects.filter(status=OverrideStatus.PENDING)
        .select_related("user", "requested_by")
        .order_by("requested_at", "pk")
    )


def identity_overrides_recent(*, limit: int = 20) -> list[IdentityOverride]:
    return list(
        IdentityOverride.objects.exclude(status=OverrideStatus.PENDING)
        .select_related("user", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )
