"""The portal connector: what the portal holds about one account, and nothing about anyone else."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.webforms.models import FormSubmission
from requests.models import MessageDirection, Request, RequestDocument, RequestMessage
from requests.sources import data_source_problems
from tasks.connectors.base import ConnectorError
from tasks.connectors.registry import configuration_problems, connector_for, parameter_names
from tests.factories import (
    ProfileAddressFactory,
    ProfileFactory,
    ResidentIdentifierFactory,
    stored_proof,
)

pytestmark = pytest.mark.django_db

ALL = {"include": ["profile", "web_forms", "messages"]}
HOSTILE = [
    "1 OR 1=1",
    "1; DROP TABLE profiles_profile; --",
    "../2",
    "1.5",
    "-1",
    "0",
    "",
    None,
    True,
    ["1"],
    {"id": 1},
    " 1",
    2**64,
]


def _request(requester, subject=None) -> Request:
    today = timezone.localdate()
    return Request.objects.create(
        number=f"FIPA-2099-{Request.objects.count() + 1:06d}",
        kind="access",
        requester=requester,
        subject=subject or requester,
        received_at=timezone.now(),
        received_on=today,
        final_due_on=today,
    )


def _holdings(user, *, email, street, number):
    """A profile with an address and an identifier, a web form, a request with a message and an
    upload: everything the portal holds about `user`."""
    profile = ProfileFactory(user=user, legal_first_name=user.first_name, phone="413-555-0100")
    ProfileAddressFactory(profile=profile, kind="current", street=street)
    ResidentIdentifierFactory(profile=profile, value=number)
    FormSubmission.objects.create(
        form_name="Pothole report",
        submitted_at=timezone.now() - dt.timedelta(days=3),
        name=user.get_full_name(),
        email=email,
        message=f"Pothole in front of {street}",
        answers={"Location": street},
    )
    request = _request(user)
    message = RequestMessage.objects.create(
        request=request, direction=MessageDirection.FROM_REQUESTER, author=user, body="Hello"
    )
    RequestDocument.objects.create(
        request=request,
        stored_file=stored_proof(uploaded_by=user),
        message=message,
        uploaded_by=user,
    )
    return profile


@pytest.fixture
def source(make_source):
    return make_source("portal", ALL, attribute_map={"account_id": "account_id"})


@pytest.fixture
def holdings(resident, other_resident):
    _holdings(resident, email="ALICE@example.org", street="12 Elm Street", number="WS-0000001")
    _holdings(other_resident, email="bob@example.org", street="9 Oak Street", number="WS-0000002")


def _everything(source, account_id):
    connector = connector_for(source)
    return [
        record
        for name in connector.lookup_names()
        for record in connector.lookup(name=name, parameters={"account_id": account_id})
    ]


def _all_text(records) -> str:
    return " ".join(str(value) for record in records for value in record.fields.values())


def test_the_lookups_return_the_accounts_profile_addresses_identifiers_forms_and_messages(
    source, holdings, resident
):
    records = _everything(source, resident.pk)

    by_type = {}
    for record in records:
        by_type.setdefault(record.record_type, []).append(record)
    assert set(by_type) == {
        "portal_profile",
        "portal_address",
        "portal_identifier",
        "web_form_submission",
        "request_message",
        "request_upload",
    }
    profile = by_type["portal_profile"][0].fields
    assert profile["first_name"] == "Alice"
    assert profile["date_of_birth"] == "1980-03-27"
    assert profile["email"] == "alice@example.org"
    assert by_type["portal_address"][0].fields["street"] == "12 Elm Street"
    assert by_type["portal_identifier"][0].fields["number"] == "WS-0000001"
    assert by_type["web_form_submission"][0].fields["answers"] == "Location: 12 Elm Street"
    assert by_type["request_message"][0].fields["message"] == "Hello"
    upload = by_type["request_upload"][0].fields
    assert upload["file_name"] == "proof.pdf"
    assert upload["added_by"] == "the requester"
    # Plain fields: text only, dates as ISO text.
    assert all(isinstance(value, str) for record in records for value in record.fields.values())


def test_an_upload_is_described_but_its_contents_never_returned(source, holdings, resident):
    records = connector_for(source).lookup(name="messages", parameters={"account_id": resident.pk})

    upload = next(record for record in records if record.record_type == "request_upload")
    assert set(upload.fields) == {
        "request",
        "file_name",
        "file_kind",
        "size_bytes",
        "added_at",
        "added_by",
        "sent_with_message",
        "contents_deleted",
    }


def test_another_residents_data_is_never_returned(source, holdings, resident, other_resident):
    text = _all_text(_everything(source, resident.pk))

    assert "Bob" not in text
    assert "bob@example.org" not in text
    assert "9 Oak Street" not in text
    assert "WS-0000002" not in text
    assert "Alice" in text and "12 Elm Street" in text


def test_web_forms_need_a_confirmed_email_address(source, holdings, resident):
    EmailAddress.objects.filter(user=resident).update(verified=False)

    records = connector_for(source).lookup(name="web_forms", parameters={"account_id": resident.pk})

    assert records == []


def test_messages_on_a_request_someone_else_made_about_the_resident_are_not_theirs(
    source, resident, other_resident
):
    request = _request(other_resident, subject=resident)
    RequestMessage.objects.create(
        request=request,
        direction=MessageDirection.FROM_REQUESTER,
        author=other_resident,
        body="I act for my neighbour",
    )

    records = connector_for(source).lookup(name="messages", parameters={"account_id": resident.pk})

    assert records == []


def test_keys_are_stable_between_lookups(source, holdings, resident):
    first = [record.key for record in _everything(source, resident.pk)]
    second = [record.key for record in _everything(source, str(resident.pk))]

    assert first == second
    assert first[0] == "profile"
    prefixes = {key.split(":", 1)[0] for key in first}
    assert prefixes == {"profile", "address", "identifier", "form", "message", "upload"}


def test_an_account_with_nothing_held_gives_no_records(source, resident):
    EmailAddress.objects.filter(user=resident).delete()

    assert _everything(source, 999_999) == []
    assert [record.key for record in _everything(source, resident.pk)] == ["profile"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_parameter_that_is_not_a_whole_number_is_refused_before_any_query(
    source, holdings, value
):
    connector = connector_for(source)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ConnectorError) as caught:
        connector.lookup(name="profile", parameters={"account_id": value})

    assert caught.value.permanent
    assert "account_id" in caught.value.message and "whole number" in caught.value.message
    assert len(queries) == 0


def test_a_missing_parameter_is_refused(source):
    with pytest.raises(ConnectorError) as caught:
        connector_for(source).lookup(name="profile", parameters={"resident": 1})

    assert caught.value.permanent


def test_only_the_included_lookups_run(make_source, holdings, resident):
    source = make_source("portal", {"include": ["profile"]})

    assert connector_for(source).lookup_names() == ["profile"]
    with pytest.raises(ConnectorError) as caught:
        connector_for(source).lookup(name="messages", parameters={"account_id": resident.pk})
    assert caught.value.permanent


@pytest.mark.parametrize(
    ("configuration", "problem"),
    [
        ({}, "include must list at least one of profile, web_forms, messages"),
        ({"include": []}, "include must list at least one"),
        ({"include": "profile"}, "include must list at least one"),
        ({"include": ["profile", "files"]}, "'files' is not one of"),
        ({"include": ["profile", "profile"]}, "more than once"),
        ({"include": ["profile"], "sql": "SELECT 1"}, "unknown setting 'sql'"),
    ],
)
def test_configuration_problems_are_named(configuration, problem):
    problems = configuration_problems(kind="portal", configuration=configuration)

    assert any(problem in found for found in problems), problems


def test_a_good_configuration_has_no_problems_and_takes_only_the_account_id():
    assert configuration_problems(kind="portal", configuration=ALL) == []
    assert parameter_names(kind="portal", configuration=ALL) == {"account_id"}


def test_a_portal_source_may_now_be_saved_enabled(source):
    assert source.enabled
    assert data_source_problems(source=source) == {}


def test_a_portal_source_mapping_another_parameter_is_refused(source):
    source.attribute_map = {"legal_name": "name"}

    assert "attribute_map" in data_source_problems(source=source)
