"""The resident's correction pages: pick information from released records, one form per piece,
check the answers, send; then the request's page with each change, the appeal and the statement
of disagreement. Anyone else's records and changes answer 404; bad input loses nothing."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.access.models import AccessLogEntry
from portal.audit.models import AuditEvent
from requests.corrections.models import (
    Appeal,
    ChangeStatus,
    DisagreementStatement,
    ProposedChange,
)
from requests.corrections.selectors import correctable_fields
from requests.corrections.services import (
    Proposal,
    change_decide,
    correction_request_submit,
)
from requests.corrections.values import value_decrypt
from requests.models import Request, RequestKind
from requests.states import RequestStatus
from tests.factories import PROOF_PDF_BYTES

PICK = reverse("requests:correction_pick")
CHANGE = reverse("requests:correction_change")
CHECK = reverse("requests:correction_check")
START = reverse("requests:correction_start")


def _choice(record, field):
    return f"{record.pk}:{field}"


def _denied_change(alice, record, steward, field="name", value="Alice B. Archer"):
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(record=record, field_name=field, proposed_value=value, reason="It changed")
        ],
    )
    change = request.proposed_changes.get()
    change_decide(change=change, actor=steward, decision="denied", reason="The deed says so")
    change.refresh_from_db()
    return change


# --- Starting -----------------------------------------------------------------------------------


def test_the_released_request_page_offers_a_correction(client, alice, released):
    client.force_login(alice)
    content = client.get(reverse("requests:detail", args=[released.number])).content.decode()
    assert "Ask for a correction" in content
    assert START in content


def test_without_released_records_the_resident_is_told_to_ask_for_a_copy_first(client, alice):
    client.force_login(alice)
    response = client.get(START)
    content = response.content.decode()
    assert response.status_code == 200
    assert "First ask for a copy of your records" in content
    assert reverse("requests:start") in content


def test_choosing_correction_in_the_new_request_wizard_leads_to_the_records(
    client, alice, released
):
    client.force_login(alice)
    response = client.post(reverse("requests:new_kind"), {"kind": "contest"})
    assert response.status_code == 302
    assert response.url == START + "?kind=contest"
    response = client.get(response.url)
    assert response.url == PICK
    content = client.get(PICK).content.decode()
    assert str(RequestKind.CONTEST.label) in content
    assert "Which information do you want to challenge?" in content


# --- The whole flow --------------------------------------------------------------------------


def test_pick_form_errors_review_and_submit(client, alice, owner_record, water_record):
    client.force_login(alice)
    client.get(START)
    content = client.get(PICK).content.decode()
    assert "Alice Archer" in content  # the current value is shown beside its box
    assert _choice(owner_record, "name") in content

    response = client.post(PICK, {"pick": []})
    assert "Choose at least one piece of information to correct." in response.content.decode()

    response = client.post(PICK, {"pick": [_choice(owner_record, "name")]})
    assert response.url == CHANGE + "?n=1"
    content = client.get(response.url).content.decode()
    assert "What the City holds now" in content and "Alice Archer" in content

    # Errors: each beside its field, and everything typed is kept.
    response = client.post(CHANGE + "?n=1", {"ground": "accuracy", "proposed_value": "Al Archer"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in content
    assert "Say why the information should change." in content
    assert 'href="#id_reason"' in content
    assert 'value="Al Archer"' in content

    response = client.post(
        CHANGE + "?n=1",
        {
            "ground": "accuracy",
            "proposed_value": "Alice B. Archer",
            "reason": "I added my middle initial",
            "evidence": SimpleUploadedFile("deed.pdf", PROOF_PDF_BYTES, "application/pdf"),
        },
    )
    assert response.url == CHECK
    content = client.get(CHECK).content.decode()
    assert "Check your corrections before sending them" in content
    assert "Alice B. Archer" in content and "I added my middle initial" in content
    assert "deed.pdf" in content
    assert CHANGE + "?n=1&amp;change=1" in content

    response = client.post(CHECK)
    filed = Request.objects.get(kind=RequestKind.CORRECTION)
    assert response.url == reverse("requests:submitted", args=[filed.number])
    assert filed.status == RequestStatus.IN_REVIEW
    change = filed.proposed_changes.get()
    assert change.field_name == "name" and change.record_id == owner_record.pk
    assert value_decrypt(change.proposed_value_encrypted) == "Alice B. Archer"
    evidence = change.evidence.get()
    assert evidence.stored_file.original_name == "deed.pdf"
    assert evidence.stored_file.purge_after is None
    assert "corrections_draft" not in client.session

    content = client.get(reverse("requests:submitted", args=[filed.number])).content.decode()
    assert filed.number in content
    content = client.get(reverse("requests:detail", args=[filed.number])).content.decode()
    assert "The information you asked us to correct" in content
    assert "Waiting for the department" in content


def test_the_change_link_returns_to_the_review(client, alice, owner_record):
    client.force_login(alice)
    client.get(START)
    client.post(PICK, {"pick": [_choice(owner_record, "name")]})
    answers = {"ground": "accuracy", "proposed_value": "Alice B. Archer", "reason": "Married"}
    client.post(CHANGE + "?n=1", answers)
    response = client.post(CHANGE + "?n=1&change=1", {**answers, "reason": "Divorced"})
    assert response.url == CHECK
    assert "Divorced" in client.get(CHECK).content.decode()


def test_a_ground_without_a_value_needs_no_new_value(client, alice, owner_record):
    client.force_login(alice)
    client.get(START + "?kind=contest")
    client.post(PICK, {"pick": [_choice(owner_record, "name")]})
    response = client.post(
        CHANGE + "?n=1", {"ground": "dissemination", "proposed_value": "", "reason": "Private"}
    )
    assert response.url == CHECK
    client.post(CHECK)
    change = ProposedChange.objects.get()
    assert change.request.kind == RequestKind.CONTEST
    assert change.proposed_value_encrypted is None


def test_a_bad_upload_is_refused_beside_the_field_and_the_answers_are_kept(
    client, alice, owner_record
):
    client.force_login(alice)
    client.get(START)
    client.post(PICK, {"pick": [_choice(owner_record, "name")]})
    response = client.post(
        CHANGE + "?n=1",
        {
            "ground": "accuracy",
            "proposed_value": "Alice B. Archer",
            "reason": "Married",
            "evidence": SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/pdf"),
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_evidence"' in content
    assert 'value="Alice B. Archer"' in content and "Married" in content


def test_a_forged_or_someone_elses_record_is_refused(client, alice, other_resident, owner_record):
    client.force_login(other_resident)
    response = client.get(START)
    assert "First ask for a copy of your records" in response.content.decode()

    client.force_login(alice)
    client.get(START)
    for forged in (f"{owner_record.pk + 1000}:name", f"{owner_record.pk}:no_such_field", "x"):
        response = client.post(PICK, {"pick": [forged]})
        assert response.status_code == 200
        assert "not one of your records" in response.content.decode()
    # A draft naming a record that is not hers (the session edited) is dropped, not a 500.
    session = client.session
    session["corrections_draft"] = {
        "kind": "correction",
        "items": [{"record": owner_record.pk + 1000, "field": "name"}],
    }
    session.save()
    response = client.get(CHANGE + "?n=1")
    assert response.url == PICK
    response = client.get(CHANGE + "?n=7")
    assert response.url == PICK


def test_a_field_already_waiting_for_a_decision_is_explained(client, alice, owner_record):
    correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(record=owner_record, field_name="name", proposed_value="A", reason="B")
        ],
    )
    client.force_login(alice)
    client.get(START)
    client.post(PICK, {"pick": [_choice(owner_record, "name")]})
    response = client.post(
        CHANGE + "?n=1", {"ground": "accuracy", "proposed_value": "Alice B. Archer", "reason": "x"}
    )
    assert "it is waiting for a decision" in response.content.decode()


def test_residents_reading_their_own_records_write_no_access_log(client, alice, owner_record):
    client.force_login(alice)
    client.get(START)
    before = AccessLogEntry.objects.count()
    client.get(PICK)
    assert AccessLogEntry.objects.count() == before


# --- After the decision -------------------------------------------------------------------------


def test_a_denied_change_shows_why_and_how_to_appeal(client, alice, owner_record, steward_a):
    change = _denied_change(alice, owner_record, steward_a)
    client.force_login(alice)
    content = client.get(reverse("requests:detail", args=[change.request.number])).content.decode()
    assert "The deed says so" in content
    deadline = change.decided_at.date() + dt.timedelta(days=30)
    assert f"{deadline.day} {deadline:%B %Y}" in content
    number = change.request.number
    assert reverse("requests:correction_appeal", args=[number]) + f"?change={change.pk}" in content
    assert (
        reverse("requests:correction_statement", args=[number]) + f"?change={change.pk}" in content
    )


def test_appeal_form_files_the_appeal_and_refuses_an_empty_one(
    client, alice, owner_record, steward_a
):
    change = _denied_change(alice, owner_record, steward_a)
    url = reverse("requests:correction_appeal", args=[change.request.number])
    client.force_login(alice)
    assert client.get(url + f"?change={change.pk}").status_code == 200

    response = client.post(url, {"change": change.pk, "reason": "  "})
    assert "Say why the decision is wrong." in response.content.decode()
    assert not Appeal.objects.exists()

    response = client.post(url, {"change": change.pk, "reason": "The deed was amended"})
    assert response.status_code == 302
    assert Appeal.objects.get().change_id == change.pk
    content = client.get(reverse("requests:detail", args=[change.request.number])).content
    assert "Waiting for the privacy officer" in content.decode()


def test_an_appeal_after_the_deadline_is_explained(client, alice, owner_record, steward_a):
    change = _denied_change(alice, owner_record, steward_a)
    # Decided 31 days ago.
    ProposedChange.objects.filter(pk=change.pk).update(
        decided_at=change.decided_at - dt.timedelta(days=31)
    )
    url = reverse("requests:correction_appeal", args=[change.request.number])
    client.force_login(alice)
    content = client.get(url + f"?change={change.pk}").content.decode()
    assert "The time to appeal this decision ended" in content
    response = client.post(url, {"change": change.pk, "reason": "Late"})
    assert "have passed" in response.content.decode()
    assert not Appeal.objects.exists()


def test_statement_form_keeps_a_too_long_statement_and_files_a_short_one(
    client, alice, owner_record, steward_a, settings
):
    settings.CORRECTIONS_STATEMENT_MAX_CHARS = 50
    change = _denied_change(alice, owner_record, steward_a)
    url = reverse("requests:correction_statement", args=[change.request.number])
    client.force_login(alice)
    assert "50 characters or fewer" in client.get(url + f"?change={change.pk}").content.decode()

    response = client.post(url, {"change": change.pk, "text": "y" * 60})
    content = response.content.decode()
    assert "<title>Error:" in content and "it has 60" in content
    assert "y" * 60 in content
    response = client.post(url, {"change": change.pk, "text": ""})
    assert "Write your statement." in response.content.decode()

    response = client.post(url, {"change": change.pk, "text": "My name is Alice B. Archer."})
    assert response.status_code == 302
    assert DisagreementStatement.objects.get().text == "My name is Alice B. Archer."
    assert AuditEvent.objects.filter(action="correction.statement_filed").exists()
    content = client.get(reverse("requests:detail", args=[change.request.number])).content
    assert "My name is Alice B. Archer." in content.decode()
    assert url not in content.decode()


def test_another_residents_change_answers_404(
    client, alice, other_resident, owner_record, steward_a
):
    change = _denied_change(alice, owner_record, steward_a)
    number = change.request.number
    client.force_login(other_resident)
    for name in ("correction_appeal", "correction_statement"):
        url = reverse(f"requests:{name}", args=[number]) + f"?change={change.pk}"
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"change": change.pk, "text": "x", "reason": "x"}).status_code == 404
        )
    assert not Appeal.objects.exists() and not DisagreementStatement.objects.exists()


def test_a_change_of_another_request_or_a_forged_id_answers_404(
    client, alice, owner_record, steward_a, released
):
    change = _denied_change(alice, owner_record, steward_a)
    client.force_login(alice)
    # The change exists, but not on this request.
    url = reverse("requests:correction_appeal", args=[released.number])
    assert client.get(url + f"?change={change.pk}").status_code == 404
    assert client.get(url + "?change=abc").status_code == 404
    # No change named: back to the request's page.
    assert client.get(url).status_code == 302


def test_an_approved_change_that_was_applied_shows_the_date(client, alice, owner_record, steward_a):
    from requests.corrections.services import change_applied

    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(record=owner_record, field_name="name", proposed_value="A", reason="B")
        ],
    )
    change = change_decide(
        change=request.proposed_changes.get(), actor=steward_a, decision="approved"
    )
    change.refresh_from_db()
    change_applied(change=change, actor=steward_a)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED
    client.force_login(alice)
    content = client.get(reverse("requests:detail", args=[request.number])).content.decode()
    assert f"Corrected on {change.applied_at.day} {change.applied_at:%B %Y}" in content


def test_the_request_page_query_count_does_not_grow_with_changes(
    client, alice, owner_record, water_record
):
    def page_queries(request):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("requests:detail", args=[request.number]))
        assert response.status_code == 200
        return len(queries)

    client.force_login(alice)
    one = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(record=owner_record, field_name="name", proposed_value="A", reason="B")
        ],
    )
    more = [
        Proposal(record=water_record, field_name=name, proposed_value="Z", reason="B")
        for name in correctable_fields(water_record)
    ]
    assert len(more) >= 2
    many = correction_request_submit(requester=alice, subject=alice, proposals=more)
    page_queries(one)  # the session's first page reads a little more
    assert page_queries(many) == page_queries(one)


def test_a_representative_proposes_for_the_resident_under_an_accepted_grant(
    client, alice, owner_record
):
    from tests.factories import GrantFactory

    grant = GrantFactory(accepted=True, resident=alice)
    representative = grant.representative
    client.force_login(representative)
    response = client.get(START + f"?for={grant.pk}")
    assert response.url == PICK
    client.post(PICK, {"pick": [_choice(owner_record, "name")]})
    client.post(
        CHANGE + "?n=1",
        {"ground": "accuracy", "proposed_value": "Alice B. Archer", "reason": "Married"},
    )
    client.post(CHECK)
    filed = Request.objects.get(kind=RequestKind.CORRECTION)
    assert filed.requester_id == representative.pk and filed.subject_id == alice.pk
    assert filed.representation_grant_id == grant.pk


def test_a_grant_that_does_not_cover_corrections_says_so(client, alice, owner_record):
    from tests.factories import GrantFactory

    grant = GrantFactory(accepted=True, resident=alice, scope=["inquiry", "access"])
    client.force_login(grant.representative)
    response = client.get(START + f"?for={grant.pk}", follow=True)
    text = response.content.decode()
    assert "does not include “Correct my information”" in text
    assert not Request.objects.filter(kind=RequestKind.CORRECTION).exists()


def test_someone_elses_grant_answers_404(client, alice, other_resident):
    from tests.factories import GrantFactory

    grant = GrantFactory(accepted=True, resident=alice)
    client.force_login(other_resident)
    assert client.get(START + f"?for={grant.pk}").status_code == 404
    assert client.get(START + "?for=abc").status_code == 404


def test_records_are_shown_twenty_a_page_and_ticks_survive_a_page_change(
    client, alice, owner_record, monkeypatch
):
    from requests.views import corrections_resident

    monkeypatch.setattr(corrections_resident, "RECORDS_PER_PAGE", 1)
    client.force_login(alice)
    client.get(START)
    first = client.get(PICK).content.decode()
    assert "Page 1 of 2" in first
    response = client.post(
        PICK, {"pick": [_choice(owner_record, "name")], "page": "1", "go": "page:2"}
    )
    assert response.url == PICK + "?page=2"
    second = client.get(response.url).content.decode()
    assert "Page 2 of 2" in second
    assert "You have also chosen 1 piece of information on another page." in second
    assert _choice(owner_record, "name") not in second


def test_a_representative_who_did_not_file_the_request_cannot_appeal_for_it(
    client, alice, owner_record, steward_a
):
    from tests.factories import GrantFactory

    grant = GrantFactory(accepted=True, resident=alice)
    change = _denied_change(alice, owner_record, steward_a)
    client.force_login(grant.representative)
    detail = client.get(reverse("requests:detail", args=[change.request.number]))
    url = reverse("requests:correction_appeal", args=[change.request.number])
    assert detail.status_code == 200
    assert url not in detail.content.decode()
    response = client.post(url, {"change": change.pk, "reason": "Wrong"})
    assert response.status_code == 404
    assert not Appeal.objects.exists()
