"""Which privacy policy version governs a piece of personal data.

Every model holding personal data the portal collects has a `policy_version` foreign key whose
default is `policy_version_in_force_id`: the row records the version in force at the moment it is
created. Services that collect data again (a resident changing a profile field) call `stamp`.

A version takes effect at the start of its day in the City's time zone (TIME_ZONE).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from django.utils import timezone

POLICY_VERSION_FIELD = "policy_version"


def _day(moment: dt.datetime | dt.date | None) -> dt.date:
    if moment is None:
        return timezone.localdate()
    if isinstance(moment, dt.datetime):
        return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    return moment


def policy_version_in_force_id(moment: dt.datetime | dt.date | None = None) -> int | None:
    """The id of the published version in force at `moment` (now by default), or None before
    the first one. Used as the default of every `policy_version` field."""
    from portal.policies.models import PolicyVersion

    return (
        PolicyVersion.objects.filter(number__isnull=False, effective_on__lte=_day(moment))
        .order_by("-effective_on", "-number")
        .values_list("pk", flat=True)
        .first()
    )


def policy_version_lookup() -> Callable[[dt.datetime | dt.date | None], int | None]:
    """For stamping many rows at once (data loaded in bulk): one query, then a function from a
    moment to the id of the version in force then."""
    from portal.policies.models import PolicyVersion

    rows = list(
        PolicyVersion.objects.filter(number__isnull=False)
        .order_by("effective_on", "number")
        .values_list("effective_on", "pk")
    )
    days = [day for day, _pk in rows]

    def version_at(moment: dt.datetime | dt.date | None) -> int | None:
        index = bisect_right(days, _day(moment))
        return rows[index - 1][1] if index else None

    return version_at


def stamp(obj: Any) -> str:
    """Record on `obj` (not saved) that its data is being collected now, under the version in
    force. Returns the field name, for `save(update_fields=...)`."""
    obj.policy_version_id = policy_version_in_force_id()
    return POLICY_VERSION_FIELD
