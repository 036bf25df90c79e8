"""The resident's pages for linking an account with a City bill."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus
from portal.profiles.models import Profile

pytestmark = pytest.mark.django_db

KIND = reverse("identity:account_knowledge")
NUMBER = reverse("identity:account_knowledge_number")
AMOUNT = reverse("identity:account_knowledge_amount")
NAME = reverse("identity:account_knowledge_name")
CHECK = reverse("identity:account_knowledge_check")


@pytest.fixture
def sent(monkeypatch):
    ids = []
    monkeypatch.setattr(
        "tasks.identity.account_knowledge_check.delay", lambda attempt_id: ids.append(attempt_id)
    )
    return ids


def _attempt_url(attempt):
    return reverse("identity:account_knowledge_attempt", args=[attempt.pk])


def _answer_all(client):
    client.post(KIND, {"kind": "water_sewer_account"})
    client.post(NUMBER, {"number": "ws 0010007"})
    return client.post(AMOUNT, {"amount": "$84.20"})


@pytest.mark.parametrize("url", [KIND, NUMBER, AMOUNT, NAME, CHECK])
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_questions_lead_to_check_your_answers(client, named_resident, water_source, sent):
    client.force_login(named_resident)

    response = client.get(KIND)
    assert response.status_code == 200
    assert "A water and sewer bill" in response.text
    assert client.post(KIND, {"kind": "water_sewer_account"}).url == NUMBER
    assert client.post(NUMBER, {"number": "ws 0010007"}).url == AMOUNT
    assert client.post(AMOUNT, {"amount": "$84.2"}).url == CHECK

    page = client.get(CHECK)
    assert page.status_code == 200
    assert "WS-0010007" in page.text
    assert "$84.20" in page.text
    assert "Alice Archer" in page.text
    assert AccountKnowledgeAttempt.objects.count() == 0


def test_sending_the_answers_starts_a_check_and_shows_it_pending(
    client, named_resident, water_source, sent
):
    client.force_login(named_resident)
    _answer_all(client)

    response = client.post(CHECK)

    attempt = AccountKnowledgeAttempt.objects.get()
    assert response.url == _attempt_url(attempt)
    assert attempt.identifier == "WS-0010007"
    assert attempt.amount_cents == 8420
    page = client.get(_attempt_url(attempt))
    assert "We are checking your details" in page.text
    assert "Check again" in page.text
    assert "attempt-status.js" in page.text
    assert client.session.get("identity_account_knowledge") is None


def test_a_change_link_returns_to_check_your_answers(client, named_resident, water_source):
    client.force_login(named_resident)
    _answer_all(client)

    response = client.post(f"{AMOUNT}?change=1", {"amount": "12.00"})

    assert response.url == CHECK
    assert "$12.00" in client.get(CHECK).text


def test_changing_the_kind_keeps_the_answers_when_nothing_else_changes(
    client, named_resident, water_source
):
    client.force_login(named_resident)
    _answer_all(client)

    response = client.post(f"{KIND}?change=1", {"kind": "water_sewer_account"})

    assert response.url == CHECK


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (KIND, {}, "Choose which bill you have."),
        (KIND, {"kind": "vehicle_plate"}, "Choose which bill you have."),
        (NUMBER, {"number": ""}, "Enter the number."),
        (NUMBER, {"number": "12345"}, "Enter the number in the right format"),
        (AMOUNT, {"amount": ""}, "Enter the amount, in dollars and cents."),
        (AMOUNT, {"amount": "about forty"}, "Enter the amount in dollars and cents"),
    ],
)
def test_bad_answers_get_a_clear_message_and_keep_what_was_typed(
    client, named_resident, water_source, url, data, message
):
    client.force_login(named_resident)
    client.post(KIND, {"kind": "water_sewer_account"})
    client.post(NUMBER, {"number": "WS-0010007"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.text.count(message) == 2  # the summary and the field
    assert "<title>Error:" in response.text
    assert 'class="error-summary"' in response.text
    for value in data.values():
        if value and url != KIND:
            assert f'value="{value}"' in response.text


def test_later_questions_send_the_resident_back_to_the_first_unanswered(
    client, named_resident, water_source
):
    client.force_login(named_resident)

    assert client.get(NUMBER).url == KIND
    assert client.get(AMOUNT).url == KIND
    assert client.get(CHECK).url == KIND
    client.post(KIND, {"kind": "water_sewer_account"})
    assert client.get(CHECK).url == NUMBER
    assert client.get(NAME).url == NUMBER


def test_without_a_profile_name_the_name_is_asked_and_saved_on_sending(
    client, resident, water_source, sent
):
    client.force_login(resident)
    response = _answer_all(client)
    assert response.url == NAME
    assert client.get(CHECK).url == NAME

    bad = client.post(NAME, {"first": "", "last": ""})
    assert "Enter your first name." in bad.text
    assert "Enter your last name." in bad.text
    assert client.post(NAME, {"first": "Alice", "last": "Archer"}).url == CHECK
    assert "Alice Archer" in client.get(CHECK).text
    assert not Profile.objects.filter(user=resident).exists()

    client.post(CHECK)

    profile = Profile.objects.get(user=resident)
    assert profile.legal_name == "Alice Archer"


def test_the_name_question_is_skipped_when_the_profile_has_a_name(
    client, named_resident, water_source
):
    client.force_login(named_resident)
    _answer_all(client)

    assert client.get(NAME).url == CHECK


def test_while_a_try_is_checked_the_questions_show_that_try(
    client, named_resident, water_source, sent
):
    client.force_login(named_resident)
    _answer_all(client)
    client.post(CHECK)
    attempt = AccountKnowledgeAttempt.objects.get()

    for url in (KIND, NUMBER, AMOUNT, NAME, CHECK):
        assert client.get(url).url == _attempt_url(attempt)


def test_a_locked_account_is_told_when_it_can_try_again(client, named_resident, water_source):
    for _ in range(5):
        AccountKnowledgeAttempt.objects.create(
            user=named_resident,
            identifier_kind="water_sewer_account",
            identifier_last4="0007",
            identifier_digest="x",
            source=water_source,
            status=AttemptStatus.FAILED,
        )
    client.force_login(named_resident)

    response = client.get(KIND)

    assert "You have tried too many times" in response.text
    until = timezone.localtime(timezone.now() + timedelta(hours=24))
    assert until.strftime("%B %Y") in response.text


def test_when_the_sending_is_refused_the_resident_is_told_why(
    client, named_resident, water_source, sent
):
    client.force_login(named_resident)
    _answer_all(client)
    water_source.configuration["lookups"] = {"other": {"sql": "SELECT 1", "key": "x"}}
    water_source.save()
    water_source.department.sources.create(
        slug="second-water",
        name="Water",
        kind="sql",
        responsible_officer="Superintendent",
        enabled=False,
    )

    response = client.post(CHECK, follow=True)

    assert "You cannot link a bill at the moment" in response.text


def test_without_any_source_linking_by_bill_is_unavailable(client, named_resident):
    client.force_login(named_resident)

    response = client.get(KIND)

    assert "You cannot link a bill at the moment" in response.text


def test_another_residents_try_is_not_found(client, named_resident, other_resident, water_source):
    attempt = AccountKnowledgeAttempt.objects.create(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier_last4="0007",
        identifier_digest="x",
        source=water_source,
    )
    client.force_login(other_resident)

    assert client.get(_attempt_url(attempt)).status_code == 404
    status_url = reverse("identity:account_knowledge_attempt_status", args=[attempt.pk])
    assert client.get(status_url).status_code == 404


def test_the_attempt_pages_need_sign_in(client, named_resident, water_source):
    attempt = AccountKnowledgeAttempt.objects.create(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier_last4="0007",
        identifier_digest="x",
        source=water_source,
    )
    status_url = reverse("identity:account_knowledge_attempt_status", args=[attempt.pk])

    assert client.get(_attempt_url(attempt)).status_code == 302
    assert client.get(status_url).status_code == 302


@pytest.mark.parametrize(
    ("status", "failure_reason", "text"),
    [
        (AttemptStatus.PASSED, "", "Your account is linked to your City records"),
        (AttemptStatus.FAILED, "name_mismatch", "Those details don\u2019t match our records"),
        (AttemptStatus.FAILED, "detail_mismatch", "Those details don\u2019t match our records"),
        (AttemptStatus.FAILED, "no_record", "Those details don\u2019t match our records"),
        (AttemptStatus.UNAVAILABLE, "", "This did not count as one of your tries."),
        (AttemptStatus.LOCKED, "", "You have tried too many times"),
    ],
)
def test_each_result_is_told_in_plain_words_without_saying_which_part_was_wrong(
    client, named_resident, water_source, status, failure_reason, text
):
    attempt = AccountKnowledgeAttempt.objects.create(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier_last4="0007",
        identifier_digest="x",
        source=water_source,
        status=status,
        failure_reason=failure_reason,
    )
    client.force_login(named_resident)

    response = client.get(_attempt_url(attempt))

    assert text in response.text
    for telling in ("name", "amount", "account number was"):
        assert f"The {telling}" not in response.text
    assert "attempt-status.js" not in response.text


def test_a_failed_try_says_how_many_tries_are_left(client, named_resident, water_source):
    attempt = AccountKnowledgeAttempt.objects.create(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier_last4="0007",
        identifier_digest="x",
        source=water_source,
        status=AttemptStatus.FAILED,
    )
    client.force_login(named_resident)

    assert "You can try 4 more times today." in client.get(_attempt_url(attempt)).text


def test_the_status_answers_json_for_the_pages_script(client, named_resident, water_source):
    attempt = AccountKnowledgeAttempt.objects.create(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier_last4="0007",
        identifier_digest="x",
        source=water_source,
    )
    client.force_login(named_resident)

    response = client.get(reverse("identity:account_knowledge_attempt_status", args=[attempt.pk]))

    assert response.json() == {"status": "pending"}


def test_a_try_waiting_too_long_is_sent_to_a_worker_again(
    client, named_resident, water_source, sent, django_capture_on_commit_callbacks
):
    attempt = AccountKnowledgeAttempt.objects.create(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier_last4="0007",
        identifier_digest="x",
        source=water_source,
        created_at=timezone.now() - timedelta(minutes=5),
    )
    client.force_login(named_resident)

    with django_capture_on_commit_callbacks(execute=True):
        client.get(_attempt_url(attempt))

    assert sent == [attempt.pk]


def test_the_question_pages_refuse_other_methods(client, named_resident, water_source):
    client.force_login(named_resident)

    assert client.put(KIND).status_code == 405
    assert client.post(reverse("identity:dashboard")).status_code == 405


def test_a_try_refused_when_sent_is_explained_on_the_first_question(
    client, named_resident, water_source, monkeypatch
):
    from portal.identity import services

    client.force_login(named_resident)
    _answer_all(client)

    def refuse(**kwargs):
        raise services.IdentityError("We cannot check this kind of account.", code="unavailable")

    monkeypatch.setattr(services, "account_knowledge_attempt_start", refuse)
    response = client.post(CHECK, follow=True)

    assert response.redirect_chain[-1][0] == KIND
    assert "We cannot check this kind of account." in response.text
