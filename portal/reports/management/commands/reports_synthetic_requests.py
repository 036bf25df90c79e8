"""Make synthetic requests to measure the reports at size:
`manage.py reports_synthetic_requests --count 100000 --seed 1`."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.reports.synthetic import synthetic_requests_create


class Command(BaseCommand):
    help = (
        "Create synthetic requests, their history, runs and access-log entries (not in production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(
        self, *args: object, count: int, seed: int, batch_size: int, **options: object
    ) -> None:
        if settings.PRODUCTION:
            raise CommandError("Synthetic requests are never made in production.")
        if count < 1 or batch_size < 1:
            raise CommandError("--count and --batch-size must be at least 1.")
        started = time.perf_counter()
        summary = synthetic_requests_create(count=count, seed=seed, batch_size=batch_size)
        self.stdout.write(
            f"Made {summary.requests} requests, {summary.events} status changes, "
            f"{summary.runs} source runs, {summary.access_entries} access-log entries and "
            f"{summary.corrections} corrections in {time.perf_counter() - started:.1f} s."
        )
