"""Reads of gathering: a request's source runs, and whether what was gathered is partial."""

from django.db.models import QuerySet

from requests.gathering.models import FINISHED_RUN_STATUSES, RunStatus, SourceRun
from requests.models import Request

PARTIAL_RUN_STATUSES = (RunStatus.FAILED, RunStatus.SKIPPED)


def request_source_runs(request: Request) -> QuerySet[SourceRun]:
    """The request's runs with their sources and departments, in one query."""
    return SourceRun.objects.filter(request=request).select_related("source", "source__department")


def request_is_partial(request: Request) -> bool:
    """Some source failed or was skipped: what was gathered may not be everything."""
    return SourceRun.objects.filter(request=request, status__in=PARTIAL_RUN_STATUSES).exists()


def request_has_unfinished_runs(request: Request) -> bool:
    return (
        SourceRun.objects.filter(request=request).exclude(status__in=FINISHED_RUN_STATUSES).exists()
    )
