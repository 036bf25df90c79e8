"""Representatives' pages: asking with proof, the clerks' queue, and what each person may see."""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.files.models import StoredFile
from portal.files.services import stored_file_purge
from portal.representatives.models import Grant, GrantStatus
from portal.representatives.views import ASK_SESSION_KEY
from tests.factories import PROOF_PDF_BYTES, GrantFactory, ProfileFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "relationship": "power_of_attorney",
    "resident_name": "Alice Archer",
    "born_day": "27",
    "born_month": "3",
    "born_year": "1950",
    "street": "12 Elm St",
    "unit": "",
    "city": "Westfield",
    "state": "MA",
    "postal_code": "01085",
    "resident_email": "alice@example.org",
    "explanation": "I hold her power of attorney since March 2024.",
}


def _pdf(name: str = "proof.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PROOF_PDF_BYTES, content_type="application/pdf")


def _endpoints() -> list[tuple[str, str]]:
    return [
        ("get", reverse("representatives:list")),
        ("get", reverse("representatives:ask")),
        ("get", reverse("representatives:ask_check")),
        ("get", reverse("representatives:ask_sent", args=[1])),
        ("get", reverse("representatives:detail", args=[1])),
        ("get", reverse("representatives:for_me")),
        ("get", reverse("representatives:resident_revoke", args=[1])),
        ("get", reverse("representatives:staff_queue")),
        ("get", reverse("representatives:staff_detail", args=[1])),
        ("get", reverse("representatives:staff_proof", args=[1])),
        ("get", reverse("representatives:staff_accept", args=[1])),
        ("get", reverse("representatives:staff_refuse", args=[1])),
        ("get", reverse("representatives:staff_revoke", args=[1])),
        ("post", reverse("representatives:staff_accept", args=[1])),
    ]


@pytest.mark.parametrize(("method", "path"), _endpoints())
def test_anonymous_visitor_is_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_agreed_url_names():
    assert reverse("representatives:list") == "/account/representing/"
    assert reverse("representatives:staff_queue") == "/staff/representatives/"
    assert reverse("representatives:for_me") == "/account/profile/representatives/"


# --- Asking ----------------------------------------------------------------------------------


def test_asking_with_proof_then_checking_then_sending(client, other_resident):
    client.force_login(other_resident)
    assert client.get(reverse("representatives:ask")).status_code == 200

    response = client.post(reverse("representatives:ask"), {**ANSWERS, "proof": _pdf()})
    assert response["Location"] == reverse("representatives:ask_check")
    assert not Grant.objects.exists(), "nothing is sent before the check"

    check = client.get(reverse("representatives:ask_check")).content.decode()
    for shown in (
        "Holder of their power of attorney",
        "Alice Archer",
        "27 March 1950",
        "12 Elm St",
        "alice@example.org",
        "since March 2024",
        "proof.pdf",
    ):
        assert shown in check
    assert f'href="{reverse("representatives:ask")}#id_resident_name"' in check

    response = client.post(reverse("representatives:ask_check"))

    grant = Grant.objects.get()
    assert response["Location"] == reverse("representatives:ask_sent", args=[grant.pk])
    assert grant.representative == other_resident
    assert grant.status == GrantStatus.PENDING
    assert grant.resident_date_of_birth == dt.date(1950, 3, 27)
    assert ASK_SESSION_KEY not in client.session
    sent = client.get(response["Location"]).content.decode()
    assert grant.reference in sent and "What happens next" in sent


def test_an_html_file_named_proof_pdf_is_refused_and_the_typed_answers_are_kept(
    client, other_resident
):
    client.force_login(other_resident)

    response = client.post(
        reverse("representatives:ask"),
        {**ANSWERS, "proof": SimpleUploadedFile("proof.pdf", b"<html><script>x</script></html>")},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Ask to act for someone" in page
    assert '<a href="#id_proof">The selected file must be a' in page
    assert "your browser cannot keep a chosen file" in page
    for typed in (
        'value="Alice Archer"',
        'value="1950"',
        'value="12 Elm St"',
        'value="alice@example.org"',
        "since March 2024",
        'value="power_of_attorney" id="id_relationship_4" required checked',
    ):
        assert typed in page, typed
    assert not StoredFile.objects.exists()
    assert not Grant.objects.exists()


def test_a_good_proof_is_kept_when_other_answers_have_errors(client, other_resident):
    client.force_login(other_resident)

    page = client.post(
        reverse("representatives:ask"), {**ANSWERS, "resident_name": "", "proof": _pdf()}
    ).content.decode()

    assert "Enter their full name" in page
    assert "You uploaded <strong>proof.pdf</strong>" in page
    assert "Upload a different proof (optional)" in page
    response = client.post(reverse("representatives:ask"), ANSWERS)
    assert response["Location"] == reverse("representatives:ask_check")


def test_asking_needs_a_proof(client, other_resident):
    client.force_login(other_resident)

    page = client.post(reverse("representatives:ask"), ANSWERS).content.decode()

    assert "Choose the file that proves you may act for them" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"relationship": ""}, "Choose how you are related to them"),
        ({"born_year": "2999"}, "Their date of birth must be in the past"),
        ({"born_day": "31", "born_month": "2"}, "Their date of birth must be a real date"),
        ({"resident_email": "bob@example.org"}, "Enter their email address, not yours"),
        ({"resident_email": "not-an-email"}, "Enter an email address in the right format"),
        ({"explanation": ""}, "Tell us why you need to act for them"),
        ({"explanation": "x" * 1001}, "1,000 characters or fewer"),
        ({"postal_code": "ABCDE"}, "Enter a ZIP code"),
    ],
)
def test_bad_answers_are_named_and_kept(client, other_resident, changes, message):
    client.force_login(other_resident)

    response = client.post(reverse("representatives:ask"), {**ANSWERS, **changes, "proof": _pdf()})

    assert response.status_code == 400
    assert message in response.content.decode()


def test_going_back_from_the_check_page_shows_the_answers(client, other_resident):
    client.force_login(other_resident)
    client.post(reverse("representatives:ask"), {**ANSWERS, "proof": _pdf()})

    page = client.get(reverse("representatives:ask")).content.decode()

    assert 'value="Alice Archer"' in page and 'value="27"' in page
    assert "You do not need to choose it again" in page


def test_the_check_page_needs_answers_first(client, other_resident):
    client.force_login(other_resident)

    assert client.get(reverse("representatives:ask_check"))["Location"] == reverse(
        "representatives:ask"
    )
    assert client.post(reverse("representatives:ask_check"))["Location"] == reverse(
        "representatives:ask"
    )


def test_a_proof_deleted_before_sending_is_asked_for_again(client, other_resident):
    client.force_login(other_resident)
    client.post(reverse("representatives:ask"), {**ANSWERS, "proof": _pdf()})
    stored_file_purge(stored=StoredFile.objects.get())

    response = client.post(reverse("representatives:ask_check"))

    assert response["Location"] == reverse("representatives:ask")
    assert "proof" not in client.session[ASK_SESSION_KEY]
    assert not Grant.objects.exists()


def test_answers_kept_in_an_unreadable_form_are_asked_again_not_a_500(client, other_resident):
    client.force_login(other_resident)
    session = client.session
    session[ASK_SESSION_KEY] = {"answers": {"relationship": "attorney"}, "proof": {"id": "x"}}
    session.save()

    response = client.get(reverse("representatives:ask_check"))

    assert response["Location"] == reverse("representatives:ask")


def test_the_sent_page_is_only_the_representatives_and_only_while_pending(
    client, resident, other_resident
):
    grant = GrantFactory(representative=other_resident)
    decided = GrantFactory(representative=other_resident, refused=True)

    client.force_login(resident)
    assert client.get(reverse("representatives:ask_sent", args=[grant.pk])).status_code == 404
    client.force_login(other_resident)
    assert client.get(reverse("representatives:ask_sent", args=[grant.pk])).status_code == 200
    assert client.get(reverse("representatives:ask_sent", args=[decided.pk])).status_code == 404


# --- The representative's pages --------------------------------------------------------------


def test_the_list_shows_each_request_with_its_status(client, resident, other_resident):
    GrantFactory(representative=other_resident, resident_name="Pending Person")
    GrantFactory(
        representative=other_resident,
        refused=True,
        resident_name="Refused Person",
        refusal_reason="Not signed.",
    )
    active = GrantFactory(representative=other_resident, accepted=True, resident=resident)
    GrantFactory(representative=resident, resident_name="Someone Else's")
    client.force_login(other_resident)

    page = client.get(reverse("representatives:list")).content.decode()

    assert "Waiting for a clerk" in page and "Pending Person" in page
    assert "Not accepted" in page and "Not signed." in page
    assert f'href="{reverse("representatives:detail", args=[active.pk])}"' in page
    assert "Someone Else" not in page


def test_the_list_queries_do_not_grow_with_requests(
    client, other_resident, django_assert_max_num_queries
):
    GrantFactory(representative=other_resident)
    client.force_login(other_resident)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("representatives:list"))
    GrantFactory.create_batch(4, representative=other_resident, accepted=True)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("representatives:list"))


def test_an_active_grant_shows_the_resident_with_the_banner(client, resident, other_resident):
    grant = GrantFactory(
        representative=other_resident, accepted=True, resident=resident, scope=["access"]
    )
    client.force_login(other_resident)

    page = client.get(reverse("representatives:detail", args=[grant.pk])).content.decode()

    assert "You are acting on behalf of Alice Archer" in page
    assert "Get a copy of their information" in page
    assert "Ask the City to correct" not in page
    assert grant.expires_on.strftime("%Y") in page


@pytest.mark.parametrize("trait", ["pending", "refused", "revoked"])
def test_a_grant_not_accepted_answers_404(client, resident, other_resident, trait):
    traits = {"pending": {}, "refused": {"refused": True}, "revoked": {"revoked": True}}[trait]
    grant = GrantFactory(representative=other_resident, resident=resident, **traits)
    client.force_login(other_resident)

    assert client.get(reverse("representatives:detail", args=[grant.pk])).status_code == 404


def test_an_expired_grant_answers_404_from_the_day_after_its_last_day(
    client, resident, other_resident
):
    last_day = dt.datetime(2027, 3, 1, 12, tzinfo=timezone.get_current_timezone())
    grant = GrantFactory(
        representative=other_resident,
        accepted=True,
        resident=resident,
        expires_on=last_day.date(),
    )
    url = reverse("representatives:detail", args=[grant.pk])

    # Signed in afresh at each time, so the session time-out plays no part.
    with time_machine.travel(last_day.replace(hour=23, minute=59), tick=False):
        client.force_login(other_resident)
        assert client.get(url).status_code == 200
    with time_machine.travel(last_day + dt.timedelta(days=1), tick=False):
        client.force_login(other_resident)
        assert client.get(url).status_code == 404


def test_someone_elses_grant_answers_404(client, resident, other_resident):
    grant = GrantFactory(representative=other_resident, accepted=True, resident=resident)

    client.force_login(resident)
    assert client.get(reverse("representatives:detail", args=[grant.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("representatives:detail", args=[grant.pk])).status_code == 404


# --- The resident's page ---------------------------------------------------------------------


def test_the_resident_sees_who_may_act_for_them_and_can_stop_it(client, resident, other_resident):
    grant = GrantFactory(representative=other_resident, accepted=True, resident=resident)
    GrantFactory(representative=resident, accepted=True, resident=other_resident)
    client.force_login(resident)

    page = client.get(reverse("representatives:for_me")).content.decode()
    assert "Bob Booker" in page
    stop_url = reverse("representatives:resident_revoke", args=[grant.pk])
    assert f'href="{stop_url}"' in page
    assert "Stop Bob Booker acting for you?" in client.get(stop_url).content.decode()

    response = client.post(stop_url, {"reason": ""})

    assert response["Location"] == reverse("representatives:for_me")
    grant.refresh_from_db()
    assert (grant.status, grant.revoked_by) == (GrantStatus.REVOKED, resident)
    page = client.get(reverse("representatives:for_me")).content.decode()
    assert "Nobody can act for you at the moment." in page
    assert "People who could act for you before" in page


def test_the_resident_page_shows_nobody_when_nobody_may_act(client, resident, other_resident):
    GrantFactory(representative=other_resident, resident=resident)
    client.force_login(resident)

    page = client.get(reverse("representatives:for_me")).content.decode()

    assert "Nobody can act for you at the moment." in page
    assert "Bob Booker" not in page


def test_only_the_resident_may_stop_through_their_page(client, resident, other_resident):
    grant = GrantFactory(representative=other_resident, accepted=True, resident=resident)
    pending = GrantFactory(representative=other_resident, resident=resident)
    url = reverse("representatives:resident_revoke", args=[grant.pk])

    for stranger in (other_resident, UserFactory()):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    client.force_login(resident)
    assert (
        client.get(reverse("representatives:resident_revoke", args=[pending.pk])).status_code == 404
    )
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.ACCEPTED


def test_a_too_long_reason_is_refused_and_kept(client, resident, other_resident):
    grant = GrantFactory(representative=other_resident, accepted=True, resident=resident)
    client.force_login(resident)

    response = client.post(
        reverse("representatives:resident_revoke", args=[grant.pk]), {"reason": "x" * 2001}
    )

    assert "2,000 characters or fewer" in response.content.decode()
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.ACCEPTED


# --- Clerks ----------------------------------------------------------------------------------


def _staff_urls(grant: Grant) -> list[str]:
    return [
        reverse("representatives:staff_queue"),
        reverse("representatives:staff_detail", args=[grant.pk]),
        reverse("representatives:staff_proof", args=[grant.pk]),
        reverse("representatives:staff_accept", args=[grant.pk]),
        reverse("representatives:staff_refuse", args=[grant.pk]),
    ]


@pytest.mark.parametrize("who", ["resident", "steward", "auditor"])
def test_anyone_but_clerks_and_the_privacy_officer_gets_404(client, resident, who):
    grant = GrantFactory()
    user = resident if who == "resident" else StaffFactory(role=who)
    client.force_login(user)

    for url in _staff_urls(grant):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("representatives:staff_refuse", args=[grant.pk]),
            {"reason": "No.", "confirm": "yes"},
        ).status_code
        == 404
    )
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.PENDING


@pytest.mark.parametrize("persona", ["clerk", "privacy_officer"])
def test_clerks_and_the_privacy_officer_see_the_queue(client, request, persona):
    waiting = GrantFactory(resident_name="Waiting Person")
    GrantFactory(refused=True, resident_name="Refused Person")
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("representatives:staff_queue")).content.decode()

    assert waiting.reference in page and "Waiting Person" in page
    assert "Refused Person" not in page
    refused = client.get(reverse("representatives:staff_queue") + "?status=refused")
    assert "Refused Person" in refused.content.decode()
    unknown = client.get(reverse("representatives:staff_queue") + "?status=everything")
    assert "Waiting Person" in unknown.content.decode()


def test_the_queue_queries_do_not_grow_with_requests(client, clerk, django_assert_max_num_queries):
    GrantFactory()
    client.force_login(clerk)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("representatives:staff_queue"))
    GrantFactory.create_batch(4)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("representatives:staff_queue"))

    assert response.content.decode().count("REP-0") == 5


def test_the_clerk_sees_the_request_and_whether_an_account_matches(
    client, clerk, resident, other_resident
):
    ProfileFactory(user=resident, date_of_birth=dt.date(1950, 3, 27))
    grant = GrantFactory(representative=other_resident, resident_email="alice@example.org")
    client.force_login(clerk)

    page = client.get(reverse("representatives:staff_detail", args=[grant.pk])).content.decode()

    assert "Request to act for Alice Archer" in page
    assert "A resident account uses alice@example.org." in page
    assert "The name in their profile matches." in page
    assert "The date of birth in their profile matches." in page
    assert f'href="{reverse("representatives:staff_accept", args=[grant.pk])}"' in page


def test_the_proof_is_shown_inline_never_cached(client, clerk):
    grant = GrantFactory()
    client.force_login(clerk)

    response = client.get(reverse("representatives:staff_proof", args=[grant.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PROOF_PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert grant.reference in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_a_deleted_proof_answers_404_and_the_page_says_why(client, clerk):
    grant = GrantFactory(refused=True)
    stored_file_purge(stored=grant.proof)
    client.force_login(clerk)

    assert client.get(reverse("representatives:staff_proof", args=[grant.pk])).status_code == 404
    page = client.get(reverse("representatives:staff_detail", args=[grant.pk])).content.decode()
    assert "at the end of its retention period" in page


def test_accepting_goes_through_a_confirmation_page(client, clerk, resident, other_resident):
    grant = GrantFactory(representative=other_resident, resident_email="alice@example.org")
    client.force_login(clerk)
    url = reverse("representatives:staff_accept", args=[grant.pk])
    next_year = timezone.localdate() + dt.timedelta(days=200)
    answers = {
        "scope": ["inquiry", "access"],
        "expires_day": str(next_year.day),
        "expires_month": str(next_year.month),
        "expires_year": str(next_year.year),
        "resident_account_email": "alice@example.org",
    }

    form = client.get(url).content.decode()
    default = timezone.localdate().replace(year=timezone.localdate().year + 1)
    assert f'value="{default.year}"' in form, "the default is one year from today"
    assert 'value="alice@example.org"' in form, "the matching account is offered"

    confirm = client.post(url, answers).content.decode()
    assert "Accept this request?" in confirm
    assert "Bob Booker will be able to act for Alice Archer" in confirm
    assert "Linked to alice@example.org" in confirm
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.PENDING

    change = client.post(url, {**answers, "change": "yes"}).content.decode()
    assert "Accept the request</h1>" in change and 'value="inquiry"' in change

    response = client.post(url, {**answers, "confirm": "yes"})

    assert response["Location"] == reverse("representatives:staff_detail", args=[grant.pk])
    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACCEPTED
    assert grant.scope == ["inquiry", "access"]
    assert grant.expires_on == next_year
    assert grant.resident == resident
    assert client.get(url).status_code == 404, "a decided request cannot be accepted again"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scope": []}, "Choose what they may ask for"),
        ({"expires_year": "2001"}, "The last day must be in the future"),
        ({"expires_day": ""}, "The last day must include a day"),
        ({"resident_account_email": "nobody@example.org"}, "No resident account uses"),
        ({"resident_account_email": "carol.clerk@example.org"}, "No resident account uses"),
    ],
)
def test_accepting_with_bad_answers_shows_errors_and_changes_nothing(
    client, clerk, changes, message
):
    grant = GrantFactory()
    client.force_login(clerk)
    answers = {
        "scope": ["inquiry"],
        "expires_day": "1",
        "expires_month": "1",
        "expires_year": str(timezone.localdate().year + 1),
        "resident_account_email": "",
        **changes,
        "confirm": "yes",
    }

    response = client.post(reverse("representatives:staff_accept", args=[grant.pk]), answers)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<title>Error:" in response.content.decode()
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.PENDING


def test_a_clerk_cannot_accept_their_own_request(client, clerk):
    grant = GrantFactory(representative=clerk)
    client.force_login(clerk)
    detail = client.get(reverse("representatives:staff_detail", args=[grant.pk])).content.decode()
    assert "another clerk must decide it" in detail

    response = client.post(
        reverse("representatives:staff_accept", args=[grant.pk]),
        {
            "scope": ["inquiry"],
            "expires_day": "1",
            "expires_month": "1",
            "expires_year": str(timezone.localdate().year + 1),
            "confirm": "yes",
        },
    )

    assert response.status_code == 400
    assert "another clerk must decide" in response.content.decode()
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.PENDING


def test_refusing_needs_a_reason_and_a_confirmation(client, clerk):
    grant = GrantFactory()
    client.force_login(clerk)
    url = reverse("representatives:staff_refuse", args=[grant.pk])

    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert "Say why the request is not accepted" in empty.content.decode()
    confirm = client.post(url, {"reason": "The power of attorney is not signed."})
    assert "Refuse this request?" in confirm.content.decode()
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.PENDING

    client.post(url, {"reason": "The power of attorney is not signed.", "confirm": "yes"})

    grant.refresh_from_db()
    assert grant.status == GrantStatus.REFUSED
    assert grant.decided_by == clerk


def test_a_clerk_stops_an_accepted_grant_with_a_reason(client, clerk, resident):
    grant = GrantFactory(accepted=True, resident=resident)
    pending = GrantFactory()
    client.force_login(clerk)
    url = reverse("representatives:staff_revoke", args=[grant.pk])

    assert client.get(reverse("representatives:staff_revoke", args=[pending.pk])).status_code == 404
    assert client.post(url, {"reason": ""}).status_code == 400
    confirm = client.post(url, {"reason": "The court order ended."}).content.decode()
    assert "to them and to the resident" in confirm
    client.post(url, {"reason": "The court order ended.", "confirm": "yes"})

    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED
    assert grant.revoke_reason == "The court order ended."
    page = client.get(reverse("representatives:staff_detail", args=[grant.pk])).content.decode()
    assert "The court order ended." in page


def test_deciding_pages_refuse_other_methods(client, clerk):
    grant = GrantFactory()
    client.force_login(clerk)

    assert client.put(reverse("representatives:staff_accept", args=[grant.pk])).status_code == 405
    assert client.post(reverse("representatives:staff_queue")).status_code == 405


def test_a_request_refused_on_sending_goes_back_to_the_form_with_the_reason(client, other_resident):
    client.force_login(other_resident)
    client.post(reverse("representatives:ask"), {**ANSWERS, "proof": _pdf()})
    session = client.session
    session[ASK_SESSION_KEY]["answers"]["resident_email"] = other_resident.email
    session.save()

    response = client.post(reverse("representatives:ask_check"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("representatives:ask")
    assert "You cannot ask to act for yourself" in response.content.decode()
    assert "proof" in client.session[ASK_SESSION_KEY], "the proof is still good"
    assert not Grant.objects.exists()


def test_a_grant_stopped_meanwhile_by_a_clerk_is_not_stopped_twice(
    client, clerk, resident, other_resident
):
    grant = GrantFactory(representative=other_resident, accepted=True, resident=resident)
    client.force_login(resident)
    url = reverse("representatives:resident_revoke", args=[grant.pk])
    with mock.patch(
        "portal.representatives.views.selectors.active_grant_for_resident",
        return_value=Grant.objects.get(pk=grant.pk),
    ):
        from portal.representatives.services import grant_revoke

        grant_revoke(grant=Grant.objects.get(pk=grant.pk), by=clerk, reason="Court order ended.")
        response = client.post(url, {"reason": ""})

    assert "Someone else changed this request" in response.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_by == clerk


@pytest.mark.parametrize("name", ["staff_detail", "staff_proof", "staff_accept", "staff_refuse"])
def test_a_request_that_does_not_exist_answers_404_to_clerks(client, clerk, name):
    client.force_login(clerk)

    assert client.get(reverse(f"representatives:{name}", args=[999_999])).status_code == 404


@pytest.mark.parametrize("name", ["staff_accept", "staff_refuse"])
def test_a_decided_request_cannot_be_decided_again(client, clerk, name):
    grant = GrantFactory(refused=True)
    client.force_login(clerk)

    assert client.get(reverse(f"representatives:{name}", args=[grant.pk])).status_code == 404


def test_the_residents_page_queries_do_not_grow_with_grants(
    client, resident, django_assert_max_num_queries
):
    GrantFactory(accepted=True, resident=resident)
    client.force_login(resident)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("representatives:for_me"))
    GrantFactory.create_batch(3, accepted=True, resident=resident)
    GrantFactory.create_batch(2, revoked=True, resident=resident)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("representatives:for_me"))

    assert response.content.decode().count('href="/account/profile/representatives/') == 4


def test_the_error_summary_lists_problems_in_the_pages_order(client, other_resident):
    client.force_login(other_resident)

    page = client.post(reverse("representatives:ask"), {}).content.decode()

    order = [
        "#id_relationship_0",
        "#id_resident_name",
        "#id_born_day",
        "#id_street",
        "#id_postal_code",
        "#id_explanation",
        "#id_proof",
    ]
    positions = [page.index(f'<a href="{anchor}">') for anchor in order]
    assert positions == sorted(positions)
