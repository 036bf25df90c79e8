"""The access log's pages: the resident's "Who has seen my data" (c. 66A §2(g)), the staff access
log with its CSV export (auditors and the privacy officer), and the privacy officer's review of
accesses made outside an assignment.

Staff pages answer 404 to anyone without the role, so their existence is not revealed; everything
under /staff/ also passes the staff middleware (second factor, safeguards acknowledged).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import wording
from portal.access.forms import AccessLogFilterForm, FlagReviewForm
from portal.access.models import AccessAction, AccessLogEntry
from portal.access.scope import may_read_audit, may_review_flagged_access
from portal.access.selectors import (
    access_log_entries,
    flagged_entry,
    flagged_unreviewed,
    resident_access_log,
    same_case_entries,
)
from portal.access.services import access_flag_review, access_log_export_record
from portal.representatives.selectors import active_grant_for_representative

PAGE_SIZE = 50
View = Callable[..., HttpResponse]
FILTER_NAMES = ("date_from", "date_to", "actor", "subject", "request_number", "flagged")
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_role",
    "action",
    "item",
    "item_label",
    "object_type",
    "object_id",
    "subject_id",
    "request_number",
    "outside_assignment",
    "purpose",
    "disclosure_id",
    "reviewed",
    "record_ids",
)


def _role_required(may: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


log_reader_required = _role_required(may_read_audit)
flag_reviewer_required = _role_required(may_review_flagged_access)


def _page_context(page: Any) -> dict[str, Any]:
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)}


# --- The resident's page ---------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentRow:
    when: Any
    who: str
    what: str
    why: str
    outside_assignment: bool
    disclosure: Any


@dataclass(frozen=True)
class Day:
    day: date
    rows: list[ResidentRow]


def _resident_days(entries: list[AccessLogEntry]) -> list[Day]:
    days: list[Day] = []
    for entry in entries:
        row = ResidentRow(
            when=entry.occurred_at,
            who=wording.actor_description(entry),
            what=wording.resident_sentence(entry),
            why=wording.resident_reason(entry),
            outside_assignment=entry.outside_assignment,
            disclosure=entry.disclosure if entry.action == AccessAction.DISCLOSURE else None,
        )
        day = timezone.localtime(entry.occurred_at).date()
        if not days or days[-1].day != day:
            days.append(Day(day=day, rows=[]))
        days[-1].rows.append(row)
    return days


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Http404 from None


@login_required
@require_GET
def my_log(request: HttpRequest) -> HttpResponse:
    """Who has seen my data. `?for=<grant>`: a representative reads the log of the resident they
    act for, while the grant is in force and covers `access_log`."""
    subject = request.user
    grant = None
    if "for" in request.GET:
        grant = active_grant_for_representative(
            representative=request.user, grant_id=_whole_number(request.GET["for"])
        )
        if grant is None or grant.resident is None or "access_log" not in grant.scope:
            raise Http404
        subject = grant.resident
    outside_only = request.GET.get("show") == "outside"
    entries = resident_access_log(user=request.user, subject=subject, outside_only=outside_only)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = QueryDict(mutable=True)
    if grant is not None:
        query["for"] = str(grant.pk)
    all_query = query.urlencode()
    if outside_only:
        query["show"] = "outside"
    return render(
        request,
        "access/my_log.html",
        {
            **_page_context(page),
            "days": _resident_days(list(page.object_list)),
            "grant": grant,
            "outside_only": outside_only,
            "page_query": query.urlencode(),
            "all_query": all_query,
        },
    )


# --- The staff access log --------------------------------------------------------------------


def _filter_form(request: HttpRequest) -> AccessLogFilterForm:
    data = request.GET.copy()
    data.pop("page", None)
    form = AccessLogFilterForm(data or None)
    form.is_valid()
    return form


def _filter_query(query: QueryDict) -> QueryDict:
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


def _filter_tags(form: AccessLogFilterForm, query: QueryDict) -> list[FilterTag]:
    tags = []
    for name, value in form.filters().items():
        shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
        label = str(form.fields[name].label) if name != "flagged" else None
        remaining = query.copy()
        remaining.pop(name, None)
        tags.append(
            FilterTag(
                label=f"{label}: {shown}" if label else str(form.fields[name].label),
                remove_url="?" + remaining.urlencode(),
            )
        )
    return tags


@log_reader_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    entries = access_log_entries(user=request.user, filters=form.filters())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _filter_query(request.GET)
    for entry in page.object_list:
        entry.item_label = wording.staff_label(entry.item)
    return render(
        request,
        "access/log.html",
        {
            **_page_context(page),
            "form": form,
            "page_query": query.urlencode(),
            "tags": _filter_tags(form, query),
            "may_review_flags": may_review_flagged_access(request.user),
        },
    )


class _Echo:
    """csv.writer writes to this, and the row comes back as text to stream."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    """A spreadsheet must not run what a staff member typed as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_rows(entries: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for entry in entries.iterator(chunk_size=2000):
        reviewed = getattr(entry, "review", None) is not None
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    entry.pk,
                    entry.occurred_at.astimezone(UTC).isoformat(),
                    "" if entry.actor_id is None else entry.actor_id,
                    entry.actor_role,
                    entry.action,
                    entry.item,
                    wording.staff_label(entry.item),
                    entry.object_type,
                    entry.object_id,
                    entry.subject_id,
                    entry.request.number if entry.request_id else "",
                    "yes" if entry.outside_assignment else "no",
                    entry.purpose,
                    "" if entry.disclosure_id is None else entry.disclosure_id,
                    "yes" if reviewed else ("no" if entry.outside_assignment else ""),
                    " ".join(str(record_id) for record_id in entry.record_ids or []),
                )
            ]
        )


def _audit_filters(filters: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in filters.items()
    }


@log_reader_required
@require_GET
def log_export(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    if form.errors:
        # The list page shows what is wrong with the filters.
        return redirect(reverse("access:log") + "?" + _filter_query(request.GET).urlencode())
    filters = form.filters()
    # The rows as they stand now: later entries do not slip into a file already counted.
    entries = access_log_entries(user=request.user, filters=filters)
    newest = entries.values_list("pk", flat=True).first()
    entries = entries.filter(pk__lte=newest or 0)
    access_log_export_record(
        actor=request.user, filters=_audit_filters(filters), rows=entries.count()
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- The privacy officer's review of flagged accesses ----------------------------------------


@flag_reviewer_required
@require_GET
def flagged(request: HttpRequest) -> HttpResponse:
    page = Paginator(flagged_unreviewed(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for entry in page.object_list:
        entry.item_label = wording.staff_label(entry.item)
    return render(request, "access/flagged.html", _page_context(page))


@flag_reviewer_required
@require_http_methods(["GET", "POST"])
def flag_review(request: HttpRequest, pk: int) -> HttpResponse:
    entry = flagged_entry(user=request.user, pk=pk)
    case = list(same_case_entries(user=request.user, entry=entry))
    for item in case:
        item.item_label = wording.staff_label(item.item)
    entry.item_label = wording.staff_label(entry.item)
    newest_id = max([item.pk for item in case] or [entry.pk])
    reviewed = getattr(entry, "review", None)
    form = FlagReviewForm(
        request.POST if request.method == "POST" else None, initial={"up_to": newest_id}
    )
    if request.method == "POST" and reviewed is None and form.is_valid():
        try:
            reviews = access_flag_review(
                entry=entry,
                reviewer=request.user,
                note=form.cleaned_data["note"],
                up_to_id=form.cleaned_data["up_to"] or entry.pk,
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Your conclusion is recorded for %(count)d flagged accesses.")
                % {"count": len(reviews)}
                if len(reviews) != 1
                else _("Your conclusion is recorded."),
            )
            return redirect("access:flagged")
    unreviewed = [
        item for item in case if item.outside_assignment and getattr(item, "review", None) is None
    ]
    return render(
        request,
        "access/flag_review.html",
        {
            "entry": entry,
            "case": case,
            "reviewed": reviewed,
            "form": form,
            "unreviewed_count": len(unreviewed),
        },
        status=400 if form.is_bound and form.errors else 200,
    )
