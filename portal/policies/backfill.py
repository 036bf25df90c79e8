"""For the migrations that add `policy_version` to models holding personal data: rows collected
before the field existed get the version that was in force when they were collected, judged by
one of their own timestamps.

Migrations call `policy_version_backfill(...)` with historical models only, so this keeps
working whatever the models become later. The field is added without its default first (the
default reads the live PolicyVersion model, which a migration must never do), filled here, and
given its default afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

RunPythonFunction = Callable[[Any, Any], None]


def policy_version_backfill(app_label: str, model_name: str, moment: str) -> RunPythonFunction:
    """A RunPython function: `moment` names the timestamp (a lookup path, like
    "profile__updated_at") that says when a row's data was collected."""

    def run(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        versions = (
            apps.get_model("policies", "PolicyVersion")
            .objects.filter(number__isnull=False)
            .order_by("effective_on", "number")
            .values_list("effective_on", "pk")
        )
        zone = ZoneInfo(settings.TIME_ZONE)
        # In order, each version takes every row from its first day on; a later one takes over.
        for effective_on, version_id in versions:
            start = dt.datetime.combine(effective_on, dt.time.min, tzinfo=zone)
            model.objects.filter(**{f"{moment}__gte": start}).update(policy_version_id=version_id)

    return run
