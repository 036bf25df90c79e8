"""The request's department sources, shown on the clerk's request page."""

from django import template

from requests.gathering.selectors import PARTIAL_RUN_STATUSES, request_source_runs
from requests.models import Request

register = template.Library()


@register.inclusion_tag("gathering/staff/sources.html")
def request_sources(record: Request) -> dict:
    runs = list(request_source_runs(record))
    return {
        "runs": runs,
        "partial": any(run.status in PARTIAL_RUN_STATUSES for run in runs),
    }
