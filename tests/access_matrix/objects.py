"""The people and objects the access matrix tries every URL with.

Almost everything belongs to the resident alice (or to the clerks' work on her): her request
naming the Assessors, its letter, document and message, her photo ID, override and check, her
profile's rows, grants to act for her, her codes by post, a disclosure and a legal process about
her, the Assessors' steward's search for her request, an audit event and a flagged access to
her data. The privacy policy's versions are the City's. Each is made the first time a builder
asks for it, so a test makes only what its URL needs.

The personas are the suite's own (tests/conftest.py) where it has them, fetched through pytest
so they are exactly the people every other test uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal import crypto
from tests.factories import (
    PROOF_PDF_BYTES,
    GrantFactory,
    IdentityOverrideFactory,
    IdentityVerificationFactory,
    MailedCodeFactory,
    ProfileAddressFactory,
    ProfileFactory,
    ResidentIdentifierFactory,
    StaffFactory,
    UserFactory,
)
from tests.factories import identity_document as stored_identity_document

# --- Personas -------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
OWNER = "owner"  # alice, whose objects these are
OTHER_RESIDENT = "other_resident"  # bob, nothing to do with alice
PENDING_REPRESENTATIVE = "pending_representative"  # asked to act for alice; not accepted yet
ACCEPTED_REPRESENTATIVE = "accepted_representative"  # acts for alice under an accepted grant
STEWARD_A = "steward_a"  # steward of the Assessors, who searches their card index for alice
STEWARD_B = "steward_b"  # steward of Water and Sewer; alice's request names the Assessors
CLERK = "clerk"  # alice's request is assigned to this clerk
AUDITOR = "auditor"
PRIVACY_OFFICER = "privacy_officer"

PERSONAS = (
    ANONYMOUS,
    OWNER,
    OTHER_RESIDENT,
    PENDING_REPRESENTATIVE,
    ACCEPTED_REPRESENTATIVE,
    STEWARD_A,
    STEWARD_B,
    CLERK,
    AUDITOR,
    PRIVACY_OFFICER,
)

# Personas that are fixtures of the whole suite (tests/conftest.py).
SUITE_FIXTURES = {
    OWNER: "resident",
    OTHER_RESIDENT: "other_resident",
    STEWARD_A: "steward_a",
    STEWARD_B: "steward_b",
    CLERK: "clerk",
    PRIVACY_OFFICER: "privacy_officer",
}


def _stored_pdf(*, purpose: str, uploaded_by: Any, name: str = "document.pdf") -> Any:
    from portal.files.models import FileKind
    from portal.files.services import stored_file_create

    return stored_file_create(
        upload=SimpleUploadedFile(name, PROOF_PDF_BYTES, "application/pdf"),
        purpose=purpose,
        uploaded_by=uploaded_by,
        allowed={FileKind.PDF},
    )


class World:
    """alice's objects and the personas, each made on first use. `fixture` is pytest's
    `request.getfixturevalue`."""

    def __init__(self, fixture: Callable[[str], Any]) -> None:
        self._fixture = fixture

    def persona(self, name: str) -> Any:
        """The person signed in as `name` (None for anonymous). A representative persona comes
        with their grant, since the grant is what makes them one."""
        if name == ANONYMOUS:
            return None
        if name in SUITE_FIXTURES:
            return self._fixture(SUITE_FIXTURES[name])
        if name == PENDING_REPRESENTATIVE:
            return self.pending_grant.representative
        if name == ACCEPTED_REPRESENTATIVE:
            return self.accepted_grant.representative
        return getattr(self, name)

    # --- People -----------------------------------------------------------------------------

    @cached_property
    def alice(self) -> Any:
        return self.persona(OWNER)

    @cached_property
    def clerk(self) -> Any:
        return self.persona(CLERK)

    @cached_property
    def auditor(self) -> Any:
        return StaffFactory(
            email="audrey.auditor@example.org",
            first_name="Audrey",
            last_name="Adler",
            role="auditor",
        )

    @cached_property
    def pending_representative(self) -> Any:
        return UserFactory(email="rhea.rep@example.org", first_name="Rhea", last_name="Reyes")

    @cached_property
    def accepted_representative(self) -> Any:
        return UserFactory(email="arlo.attorney@example.org", first_name="Arlo", last_name="Ames")

    # --- Requests -----------------------------------------------------------------------------

    @cached_property
    def request(self) -> Any:
        """alice's access request naming the Assessors, assigned to the clerk persona: a clerk
        opening a request not assigned to them is first asked why (requests:staff_purpose), so
        the assignment is what lets the clerk's answer be the page itself."""
        from requests.services import request_assign, request_submit

        department_a = self._fixture("department_a")
        filed = request_submit(
            requester=self.alice,
            subject=self.alice,
            kind="access",
            description="Everything the Assessors hold about my house.",
            departments=[department_a],
        )
        request_assign(requests=[filed], assignee=self.clerk, actor=self.clerk)
        filed.refresh_from_db()
        return filed

    @cached_property
    def letter(self) -> Any:
        """A written response, stored as the letter service stores one. Made directly: the
        service renders the PDF with WeasyPrint, a second per test for nothing this test
        looks at."""
        from requests.models import LetterKind, RequestLetter

        return RequestLetter.objects.create(
            request=self.request,
            kind=LetterKind.WRITTEN_RESPONSE,
            title="Written response",
            html_encrypted=crypto.encrypt(b"<p>We hold records about you.</p>"),
            pdf=_stored_pdf(
                purpose="request_letter", uploaded_by=self.clerk, name="written-response.pdf"
            ),
            created_by=self.clerk,
        )

    @cached_property
    def message(self) -> Any:
        """alice's reply with a PDF attached: the message and the document in one."""
        from requests.services import request_reply

        return request_reply(
            request=self.request,
            requester=self.alice,
            body="Here is my deed.",
            uploads=[SimpleUploadedFile("deed.pdf", PROOF_PDF_BYTES, "application/pdf")],
        )

    @cached_property
    def document(self) -> Any:
        return self.message.documents.get()

    @cached_property
    def source_run(self) -> Any:
        """A department source of the Assessors that failed for alice's request, which is
        finding records: the clerk may try it again or skip it. Made directly: a real run
        needs a connector and a worker."""
        from requests.gathering.models import RunStatus, SourceRun
        from requests.models import ConnectorKind, DataSource
        from requests.states import RequestStatus, request_transition

        if self.request.status == RequestStatus.AWAITING_IDENTITY:
            request_transition(request=self.request, to=RequestStatus.GATHERING, actor=None)
        source = DataSource.objects.create(
            department=self._fixture("department_a"),
            slug="assessors-owners",
            name="Assessors' owner records",
            kind=ConnectorKind.SQL,
            configuration={},
            responsible_officer="Chief Assessor",
        )
        return SourceRun.objects.create(
            request=self.request, source=source, status=RunStatus.FAILED
        )

    @cached_property
    def work_item(self) -> Any:
        """The Assessors' steward's search of their card index for alice's request, still to
        do. Made as the gathering leaves it, but directly, for the reason given at
        `source_run`."""
        from requests.gathering.models import RunStatus, SourceRun, WorkItem
        from requests.models import ConnectorKind, DataSource
        from requests.states import RequestStatus, request_transition

        if self.request.status == RequestStatus.AWAITING_IDENTITY:
            request_transition(request=self.request, to=RequestStatus.GATHERING, actor=None)
        department_a = self._fixture("department_a")
        source = DataSource.objects.create(
            department=department_a,
            slug="assessors-card-index",
            name="Assessors' card index",
            kind=ConnectorKind.MANUAL,
            configuration={},
            responsible_officer="Chief Assessor",
        )
        run = SourceRun.objects.create(
            request=self.request, source=source, status=RunStatus.WAITING_FOR_STEWARD
        )
        return WorkItem.objects.create(
            run=run, department=department_a, due_on=timezone.localdate() + dt.timedelta(days=10)
        )

    # --- Identity -----------------------------------------------------------------------------

    @cached_property
    def identity_document(self) -> Any:
        return stored_identity_document(user=self.alice)

    @cached_property
    def identity_override(self) -> Any:
        return IdentityOverrideFactory(user=self.alice, requested_by=self.clerk)

    @cached_property
    def identity_verification(self) -> Any:
        return IdentityVerificationFactory(user=self.alice)

    @cached_property
    def knowledge_attempt(self) -> Any:
        """A finished try at level 2 (a pending one would be sent to the worker again)."""
        from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus
        from requests.models import ConnectorKind, DataSource

        source = DataSource.objects.create(
            department=self._fixture("department_b"),
            slug="water-sewer-billing",
            name="Water and sewer billing",
            kind=ConnectorKind.SQL,
            configuration={},
            responsible_officer="Superintendent of Water",
        )
        return AccountKnowledgeAttempt.objects.create(
            user=self.alice,
            identifier_kind="water_sewer_account",
            identifier_last4="0007",
            identifier_digest="x",
            source=source,
            status=AttemptStatus.PASSED,
        )

    # --- Profile --------------------------------------------------------------------------------

    @cached_property
    def profile(self) -> Any:
        return ProfileFactory(user=self.alice)

    @cached_property
    def previous_address(self) -> Any:
        return ProfileAddressFactory(profile=self.profile, kind="previous")

    @cached_property
    def identifier(self) -> Any:
        return ResidentIdentifierFactory(profile=self.profile)

    # --- Representatives ----------------------------------------------------------------------

    @cached_property
    def pending_grant(self) -> Any:
        """The pending representative's request to act for alice, not yet decided. Linked to
        her account already (a clerk links it only on accepting): the hardest case, where only
        the missing acceptance keeps her data from them."""
        return GrantFactory(representative=self.pending_representative, resident=self.alice)

    @cached_property
    def accepted_grant(self) -> Any:
        """Another representative's grant for alice's account, accepted by the clerk."""
        return GrantFactory(
            representative=self.accepted_representative,
            resident=self.alice,
            accepted=True,
            decided_by=self.clerk,
        )

    # --- Codes by post ----------------------------------------------------------------------------

    @cached_property
    def mailed_code(self) -> Any:
        """alice's request for a code by post, waiting for a clerk (so she may give an address)."""
        return MailedCodeFactory(user=self.alice, status="needs_review")

    @cached_property
    def print_batch(self) -> Any:
        """A print batch holding a letter to alice. Made directly, for the reason given at
        `letter`: the batch service renders its PDF with WeasyPrint."""
        from portal.postal.models import PrintBatch

        today = timezone.localdate()
        batch = PrintBatch.objects.create(
            created_by=self.clerk,
            mailed_on=today,
            valid_until=today + dt.timedelta(days=30),
            letter_count=1,
            pdf=_stored_pdf(purpose="mailed_code_batch", uploaded_by=self.clerk, name="batch.pdf"),
        )
        MailedCodeFactory(user=self.alice, ready=True, status="mailed", batch=batch)
        return batch

    # --- Disclosures and legal process ----------------------------------------------------------

    @cached_property
    def disclosure(self) -> Any:
        """alice's data given to her lender with her written consent (a file to download)."""
        from portal.disclosures.models import DisclosureBasis, RecipientKind
        from portal.disclosures.services import disclosure_record

        return disclosure_record(
            actor=self.clerk,
            subject=self.alice,
            recipient_name="Pioneer Valley Credit Union",
            recipient_kind=RecipientKind.AGENCY,
            basis=DisclosureBasis.CONSENT,
            legal_basis="",
            consent_file=SimpleUploadedFile("consent.pdf", PROOF_PDF_BYTES, "application/pdf"),
            written_request_reference="",
            intended_use="Checking the assessed value for a mortgage.",
            data_disclosed="The assessment of 12 Elm Street.",
            departments=[],
            disclosed_on=timezone.localdate(),
        )

    @cached_property
    def legal_process(self) -> Any:
        """A subpoena for alice's data, served today; she was sent the notice and the waiting
        period runs. Made as the service leaves it, but directly, for the reason given at
        `letter`: the service renders the notice with WeasyPrint."""
        from django.conf import settings

        from portal.disclosures.models import LegalProcess, LegalProcessKind

        return LegalProcess.objects.create(
            subject=self.alice,
            kind=LegalProcessKind.SUBPOENA,
            issuer="Hampden County Superior Court",
            issuer_reference="2026-CV-0042",
            served_on=timezone.localdate(),
            data_sought="Water and sewer billing history.",
            notice_period_business_days=settings.LEGAL_PROCESS_NOTICE_BUSINESS_DAYS,
            notice_sent_at=timezone.now(),
            notice_html_encrypted=crypto.encrypt(b"<p>Notice of a subpoena.</p>"),
            notice_letter=_stored_pdf(
                purpose="legal_process_notice", uploaded_by=self.clerk, name="notice.pdf"
            ),
            release_not_before=timezone.localdate() + dt.timedelta(days=14),
            recorded_by=self.clerk,
        )

    @cached_property
    def dispensed_legal_process(self) -> Any:
        """The subpoena above, after a court order dispensed with notice (a copy to download):
        no longer open to recording one."""
        from portal.disclosures.services import legal_process_dispense_notice

        return legal_process_dispense_notice(
            actor=self.clerk,
            legal_process=self.legal_process,
            order_reference="Hampden Superior Court, 2026-CV-0042, order of 3 March",
            order_file=SimpleUploadedFile("order.pdf", PROOF_PDF_BYTES, "application/pdf"),
        )

    # --- The audit trail and the access log -------------------------------------------------

    @cached_property
    def audit_event(self) -> Any:
        from portal.audit.models import AuditCategory
        from portal.audit.services import audit_record

        return audit_record(
            action="grant.accepted",
            category=AuditCategory.DECISION,
            actor=self.clerk,
            object_type="representatives.grant",
            object_id="1",
            details={"status": "accepted"},
        )

    @cached_property
    def flagged_access(self) -> Any:
        """A clerk saw alice's request outside their assignment: flagged for review."""
        from portal.access.services import access_record

        return access_record(
            actor=self.clerk,
            subject=self.alice,
            item="request",
            obj=self.request,
            request=self.request,
            purpose="Covering for a colleague on leave.",
            outside_assignment=True,
        )

    # --- Corrections ------------------------------------------------------------------------

    @cached_property
    def owner_record(self) -> Any:
        """An Assessors' owner record of alice's, as a source run keeps it. Made directly, for
        the reason given at `source_run`."""
        from requests.gathering.models import GatheredRecord
        from requests.gathering.services import fields_encrypt

        return GatheredRecord.objects.create(
            run=self.source_run,
            key="owner/P-0042",
            record_type="owner",
            fields_encrypted=fields_encrypt(
                {"name": "Alice Archer", "mailing_address": "12 Elm Street"}
            ),
        )

    def _proposed_change_create(self, field_name: str, **decided: Any) -> Any:
        from requests.corrections.models import ProposedChange
        from requests.corrections.values import value_encrypt

        return ProposedChange.objects.create(
            request=self.request,
            record=self.owner_record,
            source=self.source_run.source,
            department=self.source_run.source.department,
            record_key=self.owner_record.key,
            record_type=self.owner_record.record_type,
            field_name=field_name,
            current_value_encrypted=value_encrypt("12 Elm Street"),
            proposed_value_encrypted=value_encrypt("14 Elm Street"),
            reason="I moved next door.",
            proposed_by=self.alice,
            **decided,
        )

    @cached_property
    def proposed_change(self) -> Any:
        """alice's proposed change to her owner record's mailing address, with her deed as
        evidence, back with the Assessors' steward to decide again after the value changed
        meanwhile (a conflict is open for a decision whatever the request's state). Made directly
        on her request, so the clerk persona is its assignee."""
        change = self._proposed_change_create(
            "mailing_address", status="conflict", decided_at=timezone.now()
        )
        change.evidence.add(self.document)
        return change

    @cached_property
    def appeal(self) -> Any:
        """alice's appeal of the Assessors' denial of a change to her name, for the privacy
        officer. Made directly, as the denial and the appeal leave them."""
        from requests.corrections.models import Appeal

        denied = self._proposed_change_create(
            "name",
            status="denied",
            decision="denied",
            decision_reason="The deed shows the name as held.",
            decided_by=self.persona(STEWARD_A),
            decided_at=timezone.now(),
        )
        return Appeal.objects.create(
            change=denied,
            filed_by=self.alice,
            reason="The deed was amended.",
            due_on=timezone.localdate() + dt.timedelta(days=30),
        )

    @cached_property
    def recipient_notice(self) -> Any:
        """The clerk's task of telling alice's lender that her mailing address was corrected."""
        from requests.corrections.models import RecipientNotice

        return RecipientNotice.objects.create(
            disclosure=self.disclosure, change=self.proposed_change
        )

    # --- The privacy policy (the City's, not alice's) ---------------------------------------

    def _policy_draft_create(self) -> Any:
        from portal.policies.services import policy_draft_create

        return policy_draft_create(
            author=self.persona(PRIVACY_OFFICER),
            text="# Privacy policy\n\nWe keep your information safe.",
            summary="Plainer words about how we keep your information.",
        )

    @cached_property
    def policy_draft(self) -> Any:
        """A draft of the next version: the privacy officer's alone until published."""
        return self._policy_draft_create()

    @cached_property
    def published_policy(self) -> Any:
        """A version published today, taking effect on the first day the law allows."""
        from portal.policies.services import earliest_substantive_date, policy_version_publish

        return policy_version_publish(
            version=self._policy_draft_create(),
            actor=self.persona(PRIVACY_OFFICER),
            effective_on=earliest_substantive_date(),
        )

    @cached_property
    def release_package(self) -> Any:
        """A ready package of alice's request, as a finished build leaves it. Made directly: a
        real build needs a release after a review; no answer here reads the file, since the
        download asks for the password again first (force_login records no sign-in)."""
        from datetime import timedelta

        from django.utils import timezone

        from requests.release.models import PackageStatus, ReleasePackage

        return ReleasePackage.objects.create(
            request=self.request,
            status=PackageStatus.READY,
            released_by=self.clerk,
            stored_name="packages/built.zip.enc",
            size=1,
            built_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=30),
        )

    @cached_property
    def denied_request(self) -> Any:
        """A second access request of alice's, denied by the clerk: she may contest it."""
        from requests.services import request_deny, request_submit
        from tests.gathering.conftest import verify

        # Denied only after her identity is checked: a request waiting for it cannot be.
        verify(self.alice)
        filed = request_submit(
            requester=self.alice, subject=self.alice, kind="access", description="My dog licence."
        )
        filed.refresh_from_db()
        request_deny(request=filed, actor=self.clerk, reason="Exempt.", exemptions=["26a"])
        filed.refresh_from_db()
        return filed

    @cached_property
    def denial_contest(self) -> Any:
        """alice's contest of that denial, waiting for the privacy officer."""
        from requests.corrections.contest import denial_contest_submit

        return denial_contest_submit(
            requester=self.alice, contested=self.denied_request, reason="The records are mine."
        )
