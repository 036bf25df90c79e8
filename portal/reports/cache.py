"""Figures are kept for a few minutes: statistics need not be to the second, and the dashboard
then answers at once to the next person who asks for the same filters. The page says when the
figures were worked out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from portal.reports.figures import ReportFilters
from portal.reports.tables import Table

CACHE_SECONDS = 300


@dataclass(frozen=True)
class Figures:
    tables: list[Table]
    computed_at: datetime


def figures_cached(
    *, name: str, filters: ReportFilters, compute: Callable[[ReportFilters], list[Table]]
) -> Figures:
    """The tables `compute` gives for these filters, worked out at most CACHE_SECONDS ago."""
    identity = json.dumps(
        {
            **filters.codes(),
            "name": name,
            "unusual": settings.REPORTS_UNUSUAL_RESIDENTS,
            "today": timezone.localdate().isoformat(),  # open requests age by the day
        },
        sort_keys=True,
    )
    key = "reports:" + hashlib.sha256(identity.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = Figures(tables=compute(filters), computed_at=timezone.now())
        cache.set(key, found, CACHE_SECONDS)
    return found
