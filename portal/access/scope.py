"""Need to know: the one place that answers "what may this user see?".

Every view, export, download and API reaches objects through `visible(user, Model)` (or one of
the named helpers below), so an object outside a person's reach is simply not found: 404.

- Residents: their own objects, and those of residents they represent under an accepted grant
  that is in force and covers that kind of request.
- Clerks: the requests they may work, all or only those assigned to them
  (`ACCESS_CLERKS_SEE`), and the identity, representative and mailed-code queues.
- Stewards: their departments' objects only (work items, source runs and corrections register
  here as they are built); no request pages.
- The privacy officer: everything staff can see, and the access log and audit trail.
- Auditors: the audit trail, the access log and reports, read-only; no personal data pages.
- Anyone else: nothing.

Later parts of the portal add their models with `@scope_for(Model)` in this module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from portal.accounts.models import Role

ScopeRule = Callable[[Any], QuerySet]
_RULES: dict[str, ScopeRule] = {}

# Who does what.
REQUEST_WORKERS = frozenset({Role.CLERK, Role.PRIVACY_OFFICER})
IDENTITY_REVIEWERS = frozenset({Role.CLERK, Role.PRIVACY_OFFICER})
GRANT_REVIEWERS = frozenset({Role.CLERK, Role.PRIVACY_OFFICER})
MAILED_CODE_STAFF = frozenset({Role.CLERK, Role.PRIVACY_OFFICER})
DISCLOSURE_RECORDERS = frozenset({Role.CLERK, Role.PRIVACY_OFFICER})
AUDIT_READERS = frozenset({Role.AUDITOR, Role.PRIVACY_OFFICER})
FLAG_REVIEWERS = frozenset({Role.PRIVACY_OFFICER})

CLERKS_SEE_ALL = "all"
CLERKS_SEE_ASSIGNED = "assigned"


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if _signed_in(user) else None


def is_resident(user: Any) -> bool:
    return _role(user) == Role.RESIDENT


def may_work_requests(user: Any) -> bool:
    return _role(user) in REQUEST_WORKERS


def may_review_identity(user: Any) -> bool:
    return _role(user) in IDENTITY_REVIEWERS


def may_review_grants(user: Any) -> bool:
    return _role(user) in GRANT_REVIEWERS


def may_manage_mailed_codes(user: Any) -> bool:
    return _role(user) in MAILED_CODE_STAFF


def may_record_disclosures(user: Any) -> bool:
    return _role(user) in DISCLOSURE_RECORDERS


def may_read_audit(user: Any) -> bool:
    return _role(user) in AUDIT_READERS


def may_read_reports(user: Any) -> bool:
    """The statistics dashboard and its exports: aggregates only, for the audit readers."""
    return _role(user) in AUDIT_READERS


def may_review_flagged_access(user: Any) -> bool:
    return _role(user) in FLAG_REVIEWERS


def may_manage_privacy_policy(user: Any) -> bool:
    """Drafting and publishing versions of the privacy policy: the privacy officer alone."""
    return _role(user) == Role.PRIVACY_OFFICER


def steward_department_ids(user: Any) -> list[int]:
    if _role(user) != Role.STEWARD:
        return []
    return list(user.steward_departments.values_list("pk", flat=True))


def needs_stated_purpose(user: Any, request: Any) -> bool:
    """A clerk opening a request that is not assigned to them says why first (flagged to the
    privacy officer). The privacy officer oversees every request and is logged, not asked."""
    return _role(user) == Role.CLERK and request.assignee_id != user.pk


# --- The registry ---------------------------------------------------------------------------


def scope_for(label: str) -> Callable[[ScopeRule], ScopeRule]:
    """Register the rule for a model, named "app_label.ModelName"."""

    def register(rule: ScopeRule) -> ScopeRule:
        _RULES[label.lower()] = rule
        return rule

    return register


def visible(user: Any, model: type[Model] | str) -> QuerySet:
    """The objects of `model` this user may see. A model with no rule is visible to nobody."""
    label = model if isinstance(model, str) else model._meta.label
    rule = _RULES.get(label.lower())
    if rule is None:
        return apps.get_model(label).objects.none()
    return rule(user)


def scoped_models() -> list[str]:
    return sorted(_RULES)


def _model(label: str) -> Any:
    return apps.get_model(label)


# --- Requests and what hangs off them -------------------------------------------------------


def _represented_requests(user: Any) -> Q:
    """Requests about residents this person represents, of kinds their grant covers."""
    from portal.representatives.models import Grant

    condition = Q(pk__in=[])
    grants = (
        Grant.objects.active(on=timezone.localdate())
        .filter(representative=user)
        .values("resident_id", "scope")
    )
    for grant in grants:
        condition |= Q(subject_id=grant["resident_id"], kind__in=list(grant["scope"] or []))
    return condition


@scope_for("requests.Request")
def _requests(user: Any) -> QuerySet:
    Request = _model("requests.Request")
    role = _role(user)
    if role == Role.RESIDENT:
        return Request.objects.filter(Q(subject=user) | _represented_requests(user))
    if role == Role.PRIVACY_OFFICER:
        return Request.objects.all()
    if role == Role.CLERK:
        if settings.ACCESS_CLERKS_SEE == CLERKS_SEE_ASSIGNED:
            return Request.objects.filter(assignee=user)
        return Request.objects.all()
    return Request.objects.none()


def _through_request(label: str) -> ScopeRule:
    def rule(user: Any) -> QuerySet:
        return _model(label).objects.filter(request__in=visible(user, "requests.Request"))

    return rule


for _label in (
    "requests.RequestDocument",
    "requests.RequestLetter",
    "requests.RequestMessage",
    "requests.RequestEvent",
):
    scope_for(_label)(_through_request(_label))


# --- Gathering: source runs, what they found, the stewards' work items ------------------------


def _gathering(label: str, *, request_path: str, department_path: str | None) -> ScopeRule:
    """Clerks and the privacy officer through the requests they see; a steward, the runs and
    work items of their departments (not the records gathered); residents nothing: what was
    gathered reaches them only when it is released."""

    def rule(user: Any) -> QuerySet:
        model = _model(label)
        if may_work_requests(user):
            requests = visible(user, "requests.Request")
            return model.objects.filter(**{f"{request_path}__in": requests})
        if department_path and _role(user) == Role.STEWARD:
            departments = steward_department_ids(user)
            return model.objects.filter(**{f"{department_path}__in": departments})
        return model.objects.none()

    return rule


for _label, _request_path, _department_path in (
    ("gathering.SourceRun", "request", "source__department"),
    ("gathering.GatheredRecord", "run__request", None),
    ("gathering.WorkItem", "run__request", "department"),
):
    scope_for(_label)(
        _gathering(_label, request_path=_request_path, department_path=_department_path)
    )


# --- Review and release: decisions, redactions, packages -------------------------------------


def _release_staff(label: str, *, request_path: str) -> ScopeRule:
    """The review's working papers: clerks and the privacy officer, through the requests they
    see. Residents learn the outcome from the letter and the package, never from these rows."""

    def rule(user: Any) -> QuerySet:
        model = _model(label)
        if may_work_requests(user):
            requests = visible(user, "requests.Request")
            return model.objects.filter(**{f"{request_path}__in": requests})
        return model.objects.none()

    return rule


for _label, _request_path in (
    ("release.SourceDecision", "request"),
    ("release.Redaction", "request"),
    ("release.OtherPersonRelease", "record__run__request"),
):
    scope_for(_label)(_release_staff(_label, request_path=_request_path))


@scope_for("release.ReleasePackage")
def _release_packages(user: Any) -> QuerySet:
    """Staff through the requests they see; the resident (or their representative) only the
    package that is ready, of a request they may see."""
    ReleasePackage = _model("release.ReleasePackage")
    requests = visible(user, "requests.Request")
    if may_work_requests(user):
        return ReleasePackage.objects.filter(request__in=requests)
    if is_resident(user):
        return ReleasePackage.objects.filter(request__in=requests, status="ready")
    return ReleasePackage.objects.none()


# --- Identity, representatives and mailed codes (staff queues) ------------------------------


def _staff_only(label: str, may: Callable[[Any], bool], **filters: Any) -> ScopeRule:
    def rule(user: Any) -> QuerySet:
        model = _model(label)
        return model.objects.filter(**filters) if may(user) else model.objects.none()

    return rule


@scope_for("accounts.User")
def _residents(user: Any) -> QuerySet:
    """Residents whose identity record staff may open (the identity desk)."""
    User = _model("accounts.User")
    if may_review_identity(user):
        return User.objects.filter(role=Role.RESIDENT, is_active=True)
    return User.objects.none()


@scope_for("identity.IdentityDocument")
def _identity_documents(user: Any) -> QuerySet:
    IdentityDocument = _model("identity.IdentityDocument")
    if may_review_identity(user):
        return IdentityDocument.objects.exclude(status="draft")
    if is_resident(user):
        return IdentityDocument.objects.filter(user=user)
    return IdentityDocument.objects.none()


scope_for("identity.IdentityOverride")(
    _staff_only("identity.IdentityOverride", may_review_identity)
)
scope_for("identity.IdentityVerification")(
    _staff_only("identity.IdentityVerification", may_review_identity)
)


@scope_for("representatives.Grant")
def _grants(user: Any) -> QuerySet:
    Grant = _model("representatives.Grant")
    if may_review_grants(user):
        return Grant.objects.all()
    if is_resident(user):
        return Grant.objects.filter(Q(representative=user) | Q(resident=user))
    return Grant.objects.none()


@scope_for("postal.MailedCode")
def _mailed_codes(user: Any) -> QuerySet:
    MailedCode = _model("postal.MailedCode")
    if may_manage_mailed_codes(user):
        return MailedCode.objects.all()
    if is_resident(user):
        return MailedCode.objects.filter(user=user)
    return MailedCode.objects.none()


scope_for("postal.PrintBatch")(_staff_only("postal.PrintBatch", may_manage_mailed_codes))


# --- Disclosures, legal process, the access log and the audit trail -------------------------


scope_for("disclosures.Disclosure")(_staff_only("disclosures.Disclosure", may_record_disclosures))
scope_for("disclosures.LegalProcess")(
    _staff_only("disclosures.LegalProcess", may_record_disclosures)
)


@scope_for("access.AccessLogEntry")
def _access_log(user: Any) -> QuerySet:
    """Residents read their own log, and that of a resident they represent under a grant in
    force that covers `access_log`; the privacy officer and auditors read all of it."""
    AccessLogEntry = _model("access.AccessLogEntry")
    if may_read_audit(user):
        return AccessLogEntry.objects.all()
    if is_resident(user):
        from portal.representatives.models import Grant

        # The scope is a JSON list; SQLite cannot search inside one, so it is read here.
        grants = (
            Grant.objects.active(on=timezone.localdate())
            .filter(representative=user, resident__isnull=False)
            .values_list("resident_id", "scope")
        )
        represented = [resident for resident, scope in grants if "access_log" in (scope or [])]
        return AccessLogEntry.objects.filter(Q(subject=user) | Q(subject_id__in=represented))
    return AccessLogEntry.objects.none()


scope_for("audit.AuditEvent")(_staff_only("audit.AuditEvent", may_read_audit))


# --- The privacy policy ---------------------------------------------------------------------


@scope_for("policies.PolicyVersion")
def _policy_versions(user: Any) -> QuerySet:
    """Published versions are public, for everyone, signed in or not; drafts are the privacy
    officer's alone."""
    PolicyVersion = _model("policies.PolicyVersion")
    if may_manage_privacy_policy(user):
        return PolicyVersion.objects.all()
    return PolicyVersion.objects.filter(number__isnull=False)


# --- Corrections: proposed changes, write-backs, appeals, statements, notices ----------------

# A steward sees a correction once its request is open for decisions, not while it waits for
# the resident's identity check.
_NOT_YET_FOR_STEWARDS = ("submitted", "awaiting_identity", "withdrawn")


def may_decide_appeals(user: Any) -> bool:
    return _role(user) == Role.PRIVACY_OFFICER


@scope_for("corrections.ProposedChange")
def _proposed_changes(user: Any) -> QuerySet:
    """The resident (or their representative) through their requests; clerks and the privacy
    officer through the requests they see; a steward, their departments' changes."""
    ProposedChange = _model("corrections.ProposedChange")
    if _role(user) == Role.STEWARD:
        return ProposedChange.objects.filter(department__in=steward_department_ids(user)).exclude(
            request__status__in=_NOT_YET_FOR_STEWARDS
        )
    if is_resident(user) or may_work_requests(user):
        return ProposedChange.objects.filter(request__in=visible(user, "requests.Request"))
    return ProposedChange.objects.none()


def _through_change(label: str, *, change_path: str, residents: bool) -> ScopeRule:
    def rule(user: Any) -> QuerySet:
        model = _model(label)
        if is_resident(user) and not residents:
            return model.objects.none()
        changes = visible(user, "corrections.ProposedChange")
        return model.objects.filter(**{f"{change_path}__in": changes})

    return rule


scope_for("corrections.WriteBack")(
    _through_change("corrections.WriteBack", change_path="change", residents=False)
)
scope_for("corrections.Appeal")(
    _through_change("corrections.Appeal", change_path="change", residents=True)
)


@scope_for("corrections.DisagreementStatement")
def _statements(user: Any) -> QuerySet:
    """A statement is read with the data it is about: by its resident, by a steward of the
    department holding the data, and by clerks for the residents whose requests they see."""
    Statement = _model("corrections.DisagreementStatement")
    if _role(user) == Role.STEWARD:
        return Statement.objects.filter(department__in=steward_department_ids(user))
    if is_resident(user):
        return Statement.objects.filter(change__request__in=visible(user, "requests.Request"))
    if may_work_requests(user):
        subjects = visible(user, "requests.Request").values("subject_id")
        return Statement.objects.filter(subject_id__in=subjects)
    return Statement.objects.none()


@scope_for("corrections.RecipientNotice")
def _recipient_notices(user: Any) -> QuerySet:
    """The clerks' task of telling outside recipients: staff who record disclosures."""
    RecipientNotice = _model("corrections.RecipientNotice")
    if not may_record_disclosures(user):
        return RecipientNotice.objects.none()
    requests = visible(user, "requests.Request")
    return RecipientNotice.objects.filter(
        Q(change__request__in=requests) | Q(statement__change__request__in=requests)
    )
