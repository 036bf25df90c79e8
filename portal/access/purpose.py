"""A stated purpose: a clerk who opens a request not assigned to them says why first.

The rule (who must say why) is `portal.access.scope.needs_stated_purpose`; this module keeps what
they said for the rest of their session, keyed by the request's id, and gives every access-log
entry written under it the purpose and the `outside_assignment` flag the privacy officer reviews.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from portal.access.scope import needs_stated_purpose
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record

SESSION_KEY = "access_stated_purposes"


class PurposeKind(models.TextChoices):
    COVERING = "covering", _("I am covering for a colleague")
    CALLER = "caller", _("I am answering the requester's call or visit")
    SUPERVISOR = "supervisor", _("Supervisor review")
    OTHER = "other", _("Another reason")


@dataclass(frozen=True)
class AccessCircumstances:
    """What every access-log entry written now for this request carries."""

    purpose: str = ""
    outside_assignment: bool = False


def _stated(session: MutableMapping[str, Any]) -> dict[str, str]:
    return dict(session.get(SESSION_KEY) or {})


def stated_purpose(*, session: MutableMapping[str, Any], request: Any) -> str | None:
    """The purpose stated for this request in this session, if any."""
    return _stated(session).get(str(request.pk))


def purpose_missing(*, user: Any, session: MutableMapping[str, Any], request: Any) -> bool:
    """True while this person must still say why before they see the request."""
    return needs_stated_purpose(user, request) and not stated_purpose(
        session=session, request=request
    )


def access_circumstances(
    *, user: Any, session: MutableMapping[str, Any], request: Any
) -> AccessCircumstances:
    if not needs_stated_purpose(user, request):
        return AccessCircumstances()
    return AccessCircumstances(
        purpose=stated_purpose(session=session, request=request) or "",
        outside_assignment=True,
    )


def purpose_text(*, kind: str, description: str) -> str:
    """The purpose as the access log keeps it: the reason chosen, then the clerk's words."""
    return f"{PurposeKind(kind).label}: {description.strip()}"


def purpose_state(
    *,
    user: Any,
    session: MutableMapping[str, Any],
    request: Any,
    kind: str,
    description: str,
) -> str:
    """Keep the purpose for this request for the rest of the session; audited (the words stay in
    the access log, not in the audit trail)."""
    if not needs_stated_purpose(user, request):
        raise ValidationError(_("You do not need to say why you are opening this request."))
    text = purpose_text(kind=kind, description=description)
    stated = _stated(session)
    stated[str(request.pk)] = text
    session[SESSION_KEY] = stated
    audit_record(
        action="access.purpose_stated",
        category=AuditCategory.SECURITY,
        actor=user,
        obj=request,
        details={"purpose_kind": PurposeKind(kind).value},
    )
    return text


@transaction.atomic
def request_assign_to_self(*, user: Any, request: Any) -> bool:
    """ "Assign it to me": only while nobody has it, so it never takes a request from a colleague
    who was given it a moment ago. Returns False when someone else has it now."""
    from requests.models import Request
    from requests.services import request_assign

    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.assignee_id is not None:
        request.assignee_id = locked.assignee_id
        return locked.assignee_id == user.pk
    request_assign(requests=[locked], assignee=user, actor=user)
    request.assignee = user
    return True
