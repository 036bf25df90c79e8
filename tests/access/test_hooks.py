"""Every staff page, download or export that shows a resident's personal data writes exactly
one access-log entry about that resident (c. 66A §2(f)); lists do not, nor does a POST that
only redirects."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.access.models import AccessLogEntry
from portal.postal.services import print_batch_create
from requests.models import LetterKind
from requests.services import request_assign, request_letter_send, request_reply
from tests.access.conftest import last_entry_id, new_entries
from tests.factories import (
    PROOF_PDF_BYTES,
    GrantFactory,
    IdentityOverrideFactory,
    MailedCodeFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(filed, clerk):
    request_assign(requests=[filed], assignee=clerk, actor=clerk)
    return filed


@pytest.fixture
def as_clerk(client, clerk):
    client.force_login(clerk)
    return client


def _one_entry(client, url, **expected):
    before = last_entry_id()
    response = client.get(url)
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    entries = new_entries(before)
    assert len(entries) == 1, (url, entries)
    entry = entries[0]
    for name, value in expected.items():
        assert getattr(entry, name) == value, (url, name)
    return entry


def test_each_page_of_a_request_writes_one_entry(as_clerk, clerk, resident, assigned):
    letter = request_letter_send(request=assigned, kind=LetterKind.WRITTEN_RESPONSE, actor=clerk)
    request_reply(
        request=assigned,
        requester=resident,
        body="My lease",
        uploads=[SimpleUploadedFile("lease.pdf", PROOF_PDF_BYTES)],
    )
    document = assigned.documents.get()
    number = assigned.number
    pages = [
        (reverse("requests:staff_detail", args=[number]), "request", "view", assigned),
        (reverse("requests:staff_messages", args=[number]), "request_messages", "view", assigned),
        (reverse("requests:staff_history", args=[number]), "request_history", "view", assigned),
        (reverse("requests:staff_letters", args=[number]), "request_letter", "view", None),
        (reverse("requests:staff_letter_new", args=[number]), "request_letter", "view", None),
        (reverse("requests:staff_action", args=[number, "ask"]), "request", "view", assigned),
        (
            reverse("requests:staff_letter", args=[number, letter.pk]),
            "request_letter",
            "view",
            letter,
        ),
        (
            reverse("requests:staff_letter_pdf", args=[number, letter.pk]),
            "request_letter_pdf",
            "download",
            letter,
        ),
        (
            reverse("requests:staff_document", args=[number, document.pk]),
            "request_document",
            "download",
            document,
        ),
    ]

    for url, item, action, obj in pages:
        entry = _one_entry(
            as_clerk,
            url,
            subject=resident,
            actor=clerk,
            actor_role="clerk",
            item=item,
            action=action,
            request=assigned,
            outside_assignment=False,
            purpose="",
        )
        assert entry.object_id == (str(obj.pk) if obj else ""), url


def test_the_queue_and_a_redirecting_post_write_nothing(as_clerk, assigned):
    before = last_entry_id()

    as_clerk.get(reverse("requests:queue"))
    response = as_clerk.post(
        reverse("requests:staff_messages", args=[assigned.number]), {"body": "We found them."}
    )

    assert response.status_code == 302
    assert new_entries(before) == []


def test_a_post_that_shows_the_page_again_writes_one(as_clerk, resident, assigned):
    before = last_entry_id()

    response = as_clerk.post(reverse("requests:staff_history", args=[assigned.number]), {})

    assert response.status_code == 200
    assert [entry.item for entry in new_entries(before)] == ["request_history"]


def test_a_request_filed_by_a_representative_logs_the_resident_it_is_about(
    as_clerk, clerk, resident, other_resident
):
    from tests.requests.conftest import verify

    verify(other_resident)
    grant = GrantFactory(representative=other_resident, resident=resident, accepted=True)
    from requests.services import request_submit

    filed = request_submit(requester=other_resident, subject=resident, kind="access", grant=grant)
    request_assign(requests=[filed], assignee=clerk, actor=clerk)

    _one_entry(as_clerk, reverse("requests:staff_detail", args=[filed.number]), subject=resident)


def test_identity_pages_write_one_entry_each(as_clerk, clerk, resident, photo_id):
    override = IdentityOverrideFactory(user=resident, requested_by=StaffFactory())
    pages = [
        (reverse("identity:staff_resident", args=[resident.pk]), "identity_record", resident),
        (reverse("identity:staff_document", args=[photo_id.pk]), "identity_document", photo_id),
        (
            reverse("identity:staff_document_image", args=[photo_id.pk]),
            "identity_document_image",
            photo_id,
        ),
        (reverse("identity:staff_override", args=[override.pk]), "identity_override", override),
    ]

    for url, item, obj in pages:
        entry = _one_entry(as_clerk, url, subject=resident, actor=clerk, item=item, request=None)
        assert (entry.object_type, entry.object_id) == (obj._meta.label_lower, str(obj.pk))


def test_identity_lists_write_nothing(as_clerk, photo_id):
    before = last_entry_id()

    as_clerk.get(reverse("identity:staff_home") + "?q=alice")
    as_clerk.get(reverse("identity:staff_documents"))
    as_clerk.get(reverse("identity:staff_overrides"))

    assert new_entries(before) == []


def test_a_grant_and_its_proof_write_one_entry_each(as_clerk, resident, other_resident):
    grant = GrantFactory(representative=other_resident, resident=resident, accepted=True)

    _one_entry(
        as_clerk,
        reverse("representatives:staff_detail", args=[grant.pk]),
        subject=resident,
        item="representative_grant",
        action="view",
    )
    _one_entry(
        as_clerk,
        reverse("representatives:staff_proof", args=[grant.pk]),
        subject=resident,
        item="representative_proof",
        action="download",
    )
    before = last_entry_id()
    as_clerk.get(reverse("representatives:staff_queue"))
    assert new_entries(before) == []


def test_a_grant_not_yet_linked_to_an_account_logs_the_representative(as_clerk, other_resident):
    grant = GrantFactory(representative=other_resident)

    _one_entry(
        as_clerk,
        reverse("representatives:staff_detail", args=[grant.pk]),
        subject=other_resident,
        item="representative_grant",
    )


def test_mailed_code_review_writes_one_entry(as_clerk, resident):
    mailed_code = MailedCodeFactory(
        user=resident, status="needs_review", review_reason="typed_address"
    )

    _one_entry(
        as_clerk,
        reverse("postal:staff_review", kwargs={"pk": mailed_code.pk}),
        subject=resident,
        item="mailed_code_review",
    )


def test_a_print_batch_writes_one_entry_per_resident_in_it(as_clerk, clerk):
    people = [UserFactory(email=f"batch{n}@example.org") for n in range(3)]
    for person in people:
        MailedCodeFactory(user=person, ready=True)
    batch = print_batch_create(clerk=clerk, enter_url="http://testserver/account/mailed-code/")
    before = last_entry_id()

    as_clerk.get(reverse("postal:staff_batches"))
    assert new_entries(before) == []
    as_clerk.get(reverse("postal:staff_batch_detail", kwargs={"pk": batch.pk}))
    viewed = new_entries(before)
    before = last_entry_id()
    response = as_clerk.get(reverse("postal:staff_batch_download", kwargs={"pk": batch.pk}))
    downloaded = new_entries(before)

    assert response.status_code == 200
    assert sorted(entry.subject_id for entry in viewed) == sorted(p.pk for p in people)
    assert {(entry.item, entry.action) for entry in viewed} == {("mailed_code_batch", "view")}
    assert sorted(entry.subject_id for entry in downloaded) == sorted(p.pk for p in people)
    assert {entry.action for entry in downloaded} == {"download"}
    assert {entry.object_id for entry in viewed + downloaded} == {str(batch.pk)}


def test_pages_refused_to_someone_write_nothing(client, resident, steward_a, filed, photo_id):
    client.force_login(steward_a)

    assert client.get(reverse("requests:staff_detail", args=[filed.number])).status_code == 404
    assert client.get(reverse("identity:staff_document", args=[photo_id.pk])).status_code == 404
    assert AccessLogEntry.objects.count() == 0


def test_pages_where_staff_decide_about_a_resident_write_one_entry_on_showing(
    as_clerk, clerk, resident, other_resident
):
    from portal.identity.models import IdentityVerification
    from tests.factories import IdentityVerificationFactory

    verification = IdentityVerificationFactory(user=resident)
    pending = GrantFactory(representative=other_resident, resident=resident)
    accepted = GrantFactory(representative=UserFactory(), resident=resident, accepted=True)
    pages = [
        (reverse("identity:staff_in_person", args=[resident.pk]), "identity_record", resident),
        (
            reverse("identity:staff_override_request", args=[resident.pk]),
            "identity_record",
            resident,
        ),
        (reverse("identity:staff_revoke", args=[verification.pk]), "identity_record", verification),
        (
            reverse("representatives:staff_accept", args=[pending.pk]),
            "representative_grant",
            pending,
        ),
        (
            reverse("representatives:staff_refuse", args=[pending.pk]),
            "representative_grant",
            pending,
        ),
        (
            reverse("representatives:staff_revoke", args=[accepted.pk]),
            "representative_grant",
            accepted,
        ),
    ]

    for url, item, obj in pages:
        entry = _one_entry(as_clerk, url, subject=resident, actor=clerk, item=item)
        assert (entry.object_type, entry.object_id) == (obj._meta.label_lower, str(obj.pk))
    assert IdentityVerification.objects.filter(pk=verification.pk, revoked_at=None).exists()


def test_the_posts_that_follow_a_decision_page_write_no_second_entry(as_clerk, resident):
    url = reverse("identity:staff_override_request", args=[resident.pk])
    before = last_entry_id()

    as_clerk.post(url, {"level": "", "reason": ""})

    assert new_entries(before) == []
