"""The moves of a release package between its states, each a conditional update: it changes
the row only while the row still matches `where` (its state, its claim), so two workers, or a
worker and a clerk, can never both move one package. Returns how many rows moved (0 or 1)."""

from typing import Any

from django.db.models import Q

from requests.release.models import ReleasePackage


def package_move(*, package_id: int, where: Q | None = None, to: str, **changes: Any) -> int:
    rows = ReleasePackage.objects.filter(pk=package_id)
    if where is not None:
        rows = rows.filter(where)
    return rows.update(status=to, **changes)
