"""`{% collection_notice "<form>" %}` beside a form that collects personal data, and
`{% collected_under obj %}` beside data already collected."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context
from django.utils import timezone

from portal.policies.models import PolicyVersion
from portal.policies.notices import collection_notice as notice_for

register = template.Library()

_CACHE_ATTRIBUTE = "_policy_versions_by_id"


def _versions(context: Context) -> dict[int, PolicyVersion]:
    """Every published version by id, read once per HTTP request however many rows a page
    shows (the table holds a handful of rows)."""
    request = context.get("request")
    versions = getattr(request, _CACHE_ATTRIBUTE, None)
    if versions is None:
        versions = {
            version.pk: version
            for version in PolicyVersion.objects.filter(number__isnull=False).only(
                "number", "effective_on"
            )
        }
        if request is not None:
            setattr(request, _CACHE_ATTRIBUTE, versions)
    return versions


@register.inclusion_tag("policies/collection_notice.html", takes_context=True)
def collection_notice(context: Context, key: str) -> dict[str, Any]:
    """What this form's answers are for, whether they are required, what happens without
    them (portal/policies/notices.py), and the policy they will be kept under."""
    notice = notice_for(key)
    today = timezone.localdate()
    in_force = max(
        (version for version in _versions(context).values() if version.effective_on <= today),
        key=lambda version: (version.effective_on, version.number),
        default=None,
    )
    return {
        "purpose": notice.purpose,
        "required": notice.required,
        "consequence": notice.consequence,
        "version": in_force,
        "notice_id": f"collection-notice-{key.replace('_', '-')}",
    }


@register.inclusion_tag("policies/collected_under.html", takes_context=True)
def collected_under(context: Context, obj: Any) -> dict[str, Any]:
    """ "Collected under the privacy policy of <date> (version N)" for a row that records it."""
    version_id = getattr(obj, "policy_version_id", None)
    return {"version": _versions(context).get(version_id) if version_id else None}
