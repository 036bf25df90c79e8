"""A recorded disclosure and a subpoena served a few days ago, for the first demo resident, so the
disclosure and legal-process pages have something to show. Synthetic names and numbers; made
once through the services (so the notice letter is written as for a real one) and kept."""

from datetime import date, timedelta

from django.utils import timezone

from portal.accounts.models import User
from portal.demo.accounts import STAFF_ACCOUNTS
from portal.demo.model import Person
from portal.disclosures.models import (
    Disclosure,
    DisclosureBasis,
    LegalProcess,
    LegalProcessKind,
    RecipientKind,
)
from portal.disclosures.services import disclosure_record, legal_process_record
from requests.models import Department

DEMO_RECIPIENT = "Pioneer Valley Title Services (public records request PRR-2026-0142)"
DEMO_ISSUER = "Hampden County Superior Court, on behalf of a plaintiff's attorney"
SERVED_DAYS_AGO = 3


def _demo_clerk() -> User:
    email = next(account.email for account in STAFF_ACCOUNTS if account.role == "clerk")
    return User.objects.get(email=email)


def demo_disclosures_ensure(*, people: list[Person], today: date | None = None) -> None:
    if not people:
        return
    today = today or timezone.localdate()
    resident = User.objects.get(email=people[0].email.lower())
    clerk = _demo_clerk()
    if not Disclosure.objects.filter(subject=resident, recipient_name=DEMO_RECIPIENT).exists():
        disclosure_record(
            actor=clerk,
            subject=resident,
            recipient_name=DEMO_RECIPIENT,
            recipient_kind=RecipientKind.PUBLIC_RECORDS,
            basis=DisclosureBasis.LAW,
            legal_basis="M.G.L. c. 66 §10 (the property record card is a public record)",
            written_request_reference="",
            intended_use="A title search before a sale of the neighbouring lot.",
            data_disclosed="Owner name and assessed value on the assessors' property record card.",
            departments=Department.objects.filter(slug="assessors"),
            disclosed_on=today - timedelta(days=30),
        )
    if not LegalProcess.objects.filter(subject=resident, issuer=DEMO_ISSUER).exists():
        legal_process_record(
            actor=clerk,
            subject=resident,
            kind=LegalProcessKind.SUBPOENA,
            issuer=DEMO_ISSUER,
            issuer_reference="2679CV00412",
            served_on=today - timedelta(days=SERVED_DAYS_AGO),
            data_sought=(
                "Water and sewer billing and payment history for the resident's account, "
                "January 2024 to date."
            ),
            departments=Department.objects.filter(slug="water_sewer"),
        )
