"""The letter that goes with released records: what each department source answered, every
redaction with the exemption it cites (c. 66 §10(b)), and what was removed automatically."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from requests import letters
from requests.release.masking import KIND_LABELS
from requests.release.models import Redaction, SourceAnswer, SourceDecision

TITLE = "Your records"


@dataclass(frozen=True)
class SummaryLine:
    department: str
    source: str
    answer: str
    outcome: str


def _exemption_labels(codes: list[str]) -> list[str]:
    return [str(settings.REQUESTS_EXEMPTIONS.get(code, code)) for code in codes]


def release_summary(*, request: Any) -> list[SummaryLine]:
    """One line per department source asked, with its answer in words."""
    from requests.release.build import released_records

    counts = dict(
        released_records(request_id=request.pk)
        .order_by()
        .values("run__source_id")
        .annotate(n=Count("pk"))
        .values_list("run__source_id", "n")
    )
    lines = []
    decisions = SourceDecision.objects.filter(request=request).select_related("source__department")
    for decision in decisions.order_by("source__department__name", "source__name"):
        if decision.answer == SourceAnswer.HELD:
            n = counts.get(decision.source_id, 0)
            outcome = _("%(n)d records released") % {"n": n} if n else _("No records found")
        elif decision.answer == SourceAnswer.NOT_HELD:
            outcome = _("No records held")
        else:
            outcome = _("Records held back: %(laws)s") % {
                "laws": "; ".join(_exemption_labels(decision.exemptions))
            }
        lines.append(
            SummaryLine(
                department=decision.source.department.name,
                source=decision.source.name,
                answer=decision.answer,
                outcome=outcome,
            )
        )
    return lines


def _redaction_lines(request: Any) -> list[str]:
    rows = (
        Redaction.objects.filter(request=request, withdrawn_at__isnull=True)
        .select_related("record__run__source")
        .order_by("created_at", "pk")
    )
    lines = []
    for row in rows:
        label = settings.REQUESTS_EXEMPTIONS.get(row.exemption, row.exemption)
        if row.record_id:
            where = _("the field “%(field)s” of a record from %(source)s") % {
                "field": row.field,
                "source": row.record.run.source.name,
            }
        else:
            where = _("a name or number, wherever it appeared in your records")
        lines.append(f"{where}: {label}")
    return lines


def release_letter_html(*, request: Any, summary: list[SummaryLine]) -> str:
    context = letters.letter_context(request=request)
    body = render_to_string(
        "release/letter_body.html",
        {
            "letter": context,
            "summary": summary,
            "withheld": [line for line in summary if line.answer == SourceAnswer.WITHHELD],
            "redactions": _redaction_lines(request),
            "masked_kinds": sorted(set(KIND_LABELS.values())),
            "link_days": settings.RELEASE_LINK_DAYS,
        },
    )
    fragment = letters.letter_fragment(title=TITLE, body=body, context=context)
    return letters.letter_document(title=TITLE, fragment=fragment)


def release_letter_pdf(*, request: Any, summary: list[SummaryLine]) -> bytes:
    return letters.letter_pdf(document=release_letter_html(request=request, summary=summary))
