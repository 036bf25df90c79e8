from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.demo.setup import demo_setup


class Command(BaseCommand):
    help = "Build the demo City: department data stores, departments and demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="rebuild the stores anyway")

    def handle(self, *args: Any, residents: int, seed: int, force: bool, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo never runs in production.")
        if residents < 50:
            raise CommandError("The demo needs at least 50 residents.")
        result = demo_setup(seed=seed, residents=residents, force=force, log=self.stdout.write)
        state = "built" if result.rebuilt else "already current"
        self.stdout.write(
            f"Demo {state}: {result.residents} synthetic residents, {len(result.stores)} "
            f"department stores in {settings.DEMO_DATA_DIR}, "
            f"{result.form_submissions} web-form submissions, {len(result.logins)} demo accounts."
        )
