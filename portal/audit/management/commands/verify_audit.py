"""`manage.py verify_audit`: check the audit trail's hash chain from the first event to the last."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.audit.verify import audit_chain_verify


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain and name the first event that was changed or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.intact:
            raise CommandError(
                f"The audit trail is broken at event {report.broken_at}: {report.problem}. "
                f"{report.checked} events before it are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(f"The audit trail is intact: {report.checked} events.")
        )
