"""The auditor's pages: the audit trail with filters, one event, a CSV export and the chain check.

Open to auditors and the privacy officer; anyone else signed in gets 404, so the pages' existence
is not revealed. (Everything under /staff/ also passes the staff middleware: second factor and
the safeguards acknowledgment.) The trail holds no personal data, so reading it is not an access
to be logged; exporting it and checking its chain are audit events of their own.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from portal.access.scope import may_read_audit
from portal.audit.forms import AuditFilterForm
from portal.audit.models import AuditCategory
from portal.audit.selectors import (
    audit_actions,
    audit_event,
    audit_events,
    audit_object_types,
)
from portal.audit.services import audit_record
from portal.audit.verify import audit_chain_verify

PAGE_SIZE = 50
FILTER_NAMES = (
    "date_from",
    "date_to",
    "category",
    "action",
    "actor_id",
    "object_type",
    "object_id",
)
CSV_COLUMNS = (
    "sequence",
    "occurred_at",
    "category",
    "action",
    "actor_id",
    "actor_role",
    "object_type",
    "object_id",
    "field_names",
    "details",
    "previous_hash",
    "hash",
)


def audit_reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_read_audit(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    data = request.GET.copy()
    data.pop("page", None)
    form = AuditFilterForm(
        data or None,
        actions=audit_actions(user=request.user),
        object_types=audit_object_types(user=request.user),
    )
    form.is_valid()
    return form


def _filter_query(query: QueryDict) -> QueryDict:
    """Only the filters, without the page number or anything else."""
    kept = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        value = query.get(name, "")
        if value:
            kept[name] = value
    return kept


@dataclass(frozen=True)
class FilterTag:
    label: str
    remove_url: str


def _filter_tags(form: AuditFilterForm, query: QueryDict) -> list[FilterTag]:
    data = getattr(form, "cleaned_data", {})
    tags = []
    for name in FILTER_NAMES:
        if name not in data or data[name] in (None, ""):
            continue
        field = form.fields[name]
        value = data[name]
        if hasattr(field, "choices"):
            shown = str(dict(field.choices).get(value, value))
        elif hasattr(value, "isoformat"):
            shown = value.isoformat()
        else:
            shown = str(value)
        remaining = query.copy()
        remaining.pop(name, None)
        encoded = remaining.urlencode()
        tags.append(FilterTag(label=f"{field.label}: {shown}", remove_url="?" + encoded))
    return tags


@audit_reader_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    page = Paginator(audit_events(user=request.user, filters=form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = _filter_query(request.GET)
    return render(
        request,
        "audit/events.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "page_query": query.urlencode(),
            "tags": _filter_tags(form, query),
        },
    )


@audit_reader_required
@require_GET
def event(request: HttpRequest, sequence: int) -> HttpResponse:
    found = audit_event(user=request.user, sequence=sequence)
    if found is None:
        raise Http404
    return render(
        request,
        "audit/event.html",
        {
            "event": found,
            "details": sorted(found.details.items()),
            "details_json": json.dumps(found.details, sort_keys=True, indent=2),
        },
    )


class _Echo:
    """csv.writer writes to this, and the row comes back as text to stream."""

    def write(self, value: str) -> str:
        return value


def _csv_rows(events: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for item in events.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                item.sequence,
                item.occurred_at.astimezone(UTC).isoformat(),
                item.category,
                item.action,
                "" if item.actor_id is None else item.actor_id,
                item.actor_role,
                item.object_type,
                item.object_id,
                ";".join(item.field_names),
                json.dumps(item.details, sort_keys=True, ensure_ascii=False),
                item.previous_hash,
                item.hash,
            ]
        )


@audit_reader_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if form.errors:
        # The list page shows what is wrong with the filters.
        return redirect(reverse("audit:events") + "?" + _filter_query(request.GET).urlencode())
    filters = form.filters()
    recorded = audit_record(
        action="audit.exported",
        category=AuditCategory.RECORD,
        actor=request.user,
        details={**filters.codes(), "format": "csv"},
    )
    # The export shows the trail as it stood when asked for: up to the event that records it.
    rows = audit_events(user=request.user, filters=filters).filter(sequence__lt=recorded.sequence)
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


@audit_reader_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    report = None
    if request.method == "POST":
        report = audit_chain_verify()
        audit_record(
            action="audit.chain_verified",
            category=AuditCategory.SECURITY,
            actor=request.user,
            details={
                "intact": report.intact,
                "checked": report.checked,
                "broken_at": report.broken_at,
            },
        )
    return render(request, "audit/verify.html", {"report": report})
