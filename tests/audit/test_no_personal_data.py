"""The audit trail names people and objects by id and lists the fields that changed; it never
holds what a resident typed or what the City knows about them. A whole working day of the
portal is run through its services and every event is searched for the day's personal data."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.audit.models import AuditCategory, AuditEvent
from portal.audit.verify import audit_chain_verify
from portal.identity import services as identity
from portal.identity.models import AttemptStatus
from portal.postal import services as postal
from portal.profiles.models import Profile
from portal.profiles.services import Address, ProfileChanges, profile_changes_save
from portal.representatives.services import (
    GrantRequest,
    grant_accept,
    grant_request_submit,
    grant_revoke,
)
from requests.calendar import business_calendar
from requests.gathering.services import source_run_execute
from requests.services import (
    request_assign,
    request_close,
    request_deny,
    request_extend,
    request_information_ask,
    request_message_send,
    request_note_add,
    request_reply,
    request_submit,
)
from tests.factories import (
    ID_IMAGE_PNG_BYTES,
    PROOF_PDF_BYTES,
    ProfileFactory,
    UserFactory,
    stored_proof,
)
from tests.identity.conftest import (  # noqa: F401 (fixtures)
    _close_department_connections,
    water_source,
    water_store,
)
from tests.postal.conftest import street_listing  # noqa: F401 (a fixture)
from tests.postal.helpers import ALICE_BORN, batch_codes, profile_set

pytestmark = pytest.mark.django_db

STREET = "12 Quincewood Terrace"
TYPED_STREET = "7 Orchard Lane"
PHONE = "413-555-0199"
DESCRIPTION = "My tax abatement files about the Quincewood garage"
MESSAGE = "We found the garage permit in the archive"
QUESTION = "Which years of the abatement do you mean"
REPLY = "From the spring of the flood until now"
NOTE = "Spoke with her neighbour about the fence"
DENIAL = "The fence survey names the neighbours"
EXTENSION = "Three archives hold the abatement files"
ID_REFUSAL = "The photo of the licence is blurred"
OVERRIDE = "Known to the clerk from many years of counter visits"
EXPLANATION = "I hold her durable power of attorney since March"
CLOSING = "Answered in full and the file is complete"

SECRETS = [
    "Alice",
    "Archer",
    "alice@example.org",
    "Bob",
    "Booker",
    "bob@example.org",
    "Carl",
    "Cobbler",
    "carl@example.org",
    "rita@example.org",
    "Quincewood",
    "Orchard",
    PHONE,
    ALICE_BORN.isoformat(),
    "WS-0010014",
    DESCRIPTION,
    MESSAGE,
    QUESTION,
    REPLY,
    NOTE,
    DENIAL,
    EXTENSION,
    ID_REFUSAL,
    OVERRIDE,
    EXPLANATION,
    CLOSING,
    "Spoke with",
    "blurred",
    "power of attorney",
]


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """Services enqueue work for the worker; here the test calls the work itself."""
    monkeypatch.setattr("tasks.identity.account_knowledge_check.delay", lambda *args: None)
    monkeypatch.setattr("tasks.postal.find_address_of_record.delay", lambda *args: None)
    monkeypatch.setattr("tasks.representatives.send_grant_notice.delay", lambda *args: None)
    monkeypatch.setattr("tasks.identity.document_decision_notify.delay", lambda *args: None)


def _postal_day(alice, clerk, street_listing):  # noqa: F811
    """Alice proves her address with a code by post; Carl's typed address is refused."""
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address=STREET)
    profile_set(alice)
    asked = postal.mailed_code_request(user=alice)
    postal.mailed_code_find_address(mailed_code_id=str(asked.id))

    carl = UserFactory(email="carl@example.org", first_name="Carl", last_name="Cobbler")
    profile_set(carl, first="Carl", last="Cobbler")
    carls = postal.mailed_code_request(user=carl)
    postal.mailed_code_find_address(mailed_code_id=str(carls.id))
    postal.mailed_code_give_address(
        user=carl,
        mailed_code=carls,
        line1=TYPED_STREET,
        line2="",
        city="Westfield",
        state="MA",
        postal_code="01085",
    )
    postal.mailed_code_refuse(mailed_code=carls, clerk=clerk, reason="No record of Carl Cobbler")

    batch = postal.print_batch_create(clerk=clerk, enter_url="https://example.org/enter/")
    postal.print_batch_download(batch=batch, clerk=clerk)
    (code,) = batch_codes(batch).values()
    assert postal.mailed_code_enter(user=alice, code="ACDEF-GHJKM").outcome == "wrong"
    assert postal.mailed_code_enter(user=alice, code=code).outcome == "verified"


def _identity_day(alice, bob, clerk, privacy_officer, water_source):  # noqa: F811
    ProfileFactory(user=bob, legal_first_name="Bob", legal_last_name="Booker")
    attempt = identity.account_knowledge_attempt_start(
        user=bob, identifier_kind="water_sewer_account", identifier="WS-0010014", amount_cents=1
    )
    checked = identity.account_knowledge_attempt_check(attempt_id=attempt.pk)
    assert checked.status == AttemptStatus.FAILED
    override = identity.identity_override_request(
        user=bob, level=2, reason=OVERRIDE, requested_by=clerk
    )
    identity.identity_override_decide(override=override, decided_by=privacy_officer, approve=True)

    document = identity.identity_document_upload(
        user=alice,
        document_type="drivers_licence",
        upload=SimpleUploadedFile("licence.png", ID_IMAGE_PNG_BYTES),
    )
    identity.identity_document_submit(document=document)
    identity.identity_document_decide(
        document=document, decided_by=clerk, approve=False, reason=ID_REFUSAL
    )
    identity.identity_in_person_record(
        user=alice, verified_by=clerk, document_type="drivers_licence", number_last4="4321"
    )


def _representative_day(alice, clerk):
    rita = UserFactory(email="rita@example.org", first_name="Rita", last_name="Reyes")
    grant = grant_request_submit(
        representative=rita,
        answers=GrantRequest(
            relationship="power_of_attorney",
            resident_name="Alice Archer",
            resident_date_of_birth=ALICE_BORN,
            resident_street=STREET,
            resident_unit="",
            resident_city="Westfield",
            resident_state="MA",
            resident_postal_code="01085",
            resident_email="alice@example.org",
            explanation=EXPLANATION,
        ),
        proof_id=stored_proof(uploaded_by=rita).pk,
    )
    grant_accept(
        grant=grant,
        clerk=clerk,
        scope=["access", "inquiry"],
        expires_on=timezone.localdate() + dt.timedelta(days=90),
        resident=alice,
    )
    grant_revoke(grant=grant, by=alice)


def _profile_day(alice):
    profile_changes_save(
        profile=Profile.objects.get(user=alice),
        changes=ProfileChanges(
            phone=PHONE,
            current_address=Address(
                street=STREET, unit="", city="Westfield", state="MA", postal_code="01085"
            ),
        ),
    )


def _request_day(alice, clerk):
    filed = request_submit(requester=alice, subject=alice, kind="access", description=DESCRIPTION)
    request_assign(requests=[filed], assignee=clerk, actor=clerk)
    request_note_add(request=filed, author=clerk, text=NOTE)
    request_message_send(request=filed, author=clerk, body=MESSAGE)
    request_information_ask(request=filed, actor=clerk, question=QUESTION)
    request_reply(
        request=filed,
        requester=alice,
        body=REPLY,
        uploads=[SimpleUploadedFile("Quincewood-deed.pdf", PROOF_PDF_BYTES)],
    )
    filed.refresh_from_db()
    request_extend(
        request=filed,
        actor=clerk,
        new_due_on=business_calendar().add_business_days(filed.final_due_on, 3),
        reason=EXTENSION,
    )
    # The departments' sources answer (a worker runs each), and the request moves on to review.
    for run_id in filed.source_runs.values_list("pk", flat=True):
        source_run_execute(run_id=run_id, worker="worker@test")
    filed.refresh_from_db()
    assert filed.status == "in_review"
    request_deny(request=filed, actor=clerk, reason=DENIAL, exemptions=["26c"])
    request_close(request=filed, actor=clerk, reason=CLOSING)


def test_a_working_day_leaves_ids_and_field_names_but_no_personal_data(
    resident,
    other_resident,
    clerk,
    privacy_officer,
    street_listing,  # noqa: F811
    water_source,  # noqa: F811
):
    _postal_day(resident, clerk, street_listing)
    _identity_day(resident, other_resident, clerk, privacy_officer, water_source)
    _representative_day(resident, clerk)
    _profile_day(resident)
    _request_day(resident, clerk)

    events = list(AuditEvent.objects.order_by("sequence"))
    actions = {event.action for event in events}
    # The day reached every part of the portal that writes to the trail.
    assert {
        "postal.code_requested",
        "postal.address_looked_up",
        "postal.address_given",
        "postal.address_refused",
        "postal.batch_printed",
        "postal.batch_downloaded",
        "postal.code_failed",
        "postal.code_verified",
        "identity.account_check_started",
        "identity.account_check_finished",
        "identity.override_requested",
        "identity.override_approved",
        "identity.document_submitted",
        "identity.document_refused",
        "identity.in_person_checked",
        "identity.verification_granted",
        "grant.asked",
        "grant.accepted",
        "grant.revoked",
        "profile.changed",
        "request.filed",
        "request.assigned",
        "request.note_added",
        "request.message_sent",
        "request.clock_paused",
        "request.message_received",
        "request.clock_resumed",
        "request.extended",
        "request.denied",
        "request.letter_sent",
        "request.closed",
        "request.status_changed",
        "gathering.started",
        "gathering.run_succeeded",
    } <= actions
    for event in events:
        stored = json.dumps(
            {
                "action": event.action,
                "actor_role": event.actor_role,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "field_names": event.field_names,
                "details": event.details,
            },
            ensure_ascii=False,
        ).casefold()
        for secret in SECRETS:
            assert secret.casefold() not in stored, (event.sequence, event.action, secret)
    assert audit_chain_verify().intact


def test_a_profile_change_names_the_fields_that_changed(resident):
    ProfileFactory(user=resident)
    _profile_day(resident)

    event = AuditEvent.objects.filter(action="profile.changed").latest("sequence")

    assert event.category == AuditCategory.RECORD
    assert event.field_names == ["current_address", "phone"]
    assert event.actor_id == resident.pk
    assert event.object_type == "profiles.profile"
