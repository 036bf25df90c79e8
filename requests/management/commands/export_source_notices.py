"""`manage.py export_source_notices`: the notice of every data source (c. 30 §63) as CSV on
standard output, for filing; recorded in the audit trail like the download on the staff pages."""

from typing import Any

from django.core.management.base import BaseCommand

from requests.sources import source_notices_export


class Command(BaseCommand):
    help = (
        "Write the notice of every data source (name, purpose, categories, persons, retention "
        "and disposal, sources, uses and users, responsible officer) as CSV to standard output."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(source_notices_export(actor=None, channel="command"), ending="")
