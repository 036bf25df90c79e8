"""Writing the access log. Views call `access_record` after they have found the object (through
portal.access.scope) and before they show or send it."""

from __future__ import annotations

from typing import Any

from portal.access.models import AccessAction, AccessLogEntry


def access_record(
    *,
    actor: Any,
    subject: Any,
    item: str,
    action: str = AccessAction.VIEW,
    obj: Any = None,
    request: Any = None,
    purpose: str = "",
    outside_assignment: bool = False,
    disclosure: Any = None,
) -> AccessLogEntry:
    """One access to `subject`'s personal data. `item` is a code from portal.access.wording that
    says in plain words what was seen; `obj` the object shown; `request` its request, if any."""
    AccessAction(action)
    return AccessLogEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=getattr(actor, "role", "") or "",
        subject=subject,
        action=action,
        item=item,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        request=request,
        purpose=purpose,
        outside_assignment=outside_assignment,
        disclosure=disclosure,
    )
