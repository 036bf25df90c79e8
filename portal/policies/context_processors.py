"""The notice of a coming change, on every page (base.html includes policies/banner.html)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.policies.selectors import policy_version_upcoming


def policy_change(request: HttpRequest) -> dict[str, object]:
    """`POLICY_CHANGE`: the next version during its notice period, else None. Looked up only
    when a page shows it (one small query)."""
    return {"POLICY_CHANGE": SimpleLazyObject(policy_version_upcoming)}
