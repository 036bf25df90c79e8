"""The request's department sources, shown on the clerk's request page."""

from django import template

from portal.access.scope import may_work_requests
from requests.gathering.selectors import PARTIAL_RUN_STATUSES, request_source_runs
from requests.models import Request
from requests.views.sources_staff import run_may_retry, run_may_skip

register = template.Library()


@register.inclusion_tag("gathering/staff/sources.html", takes_context=True)
def request_sources(context: template.Context, record: Request) -> dict:
    runs = list(request_source_runs(record))
    request = context.get("request")
    may_act = request is not None and may_work_requests(request.user)
    rows = [
        {
            "run": run,
            "may_retry": may_act and run_may_retry(run, record),
            "may_skip": may_act and run_may_skip(run, record),
        }
        for run in runs
    ]
    return {
        "record": record,
        "rows": rows,
        "runs": runs,
        "may_act": may_act and any(row["may_retry"] or row["may_skip"] for row in rows),
        "partial": any(run.status in PARTIAL_RUN_STATUSES for run in runs),
    }
