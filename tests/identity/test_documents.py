"""Level 3 by an uploaded photo ID that a clerk reviews; the image purged after the decision."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.files.models import StoredFile
from portal.files.services import stored_file_read, stored_files_purge_due
from portal.identity import services
from portal.identity.matching import PersonName
from portal.identity.models import (
    DocumentStatus,
    IdentityDocument,
    IdentityLevel,
    VerificationMethod,
)
from portal.identity.selectors import identity_level
from portal.profiles.models import Profile
from tests.factories import ID_IMAGE_PNG_BYTES, StaffFactory, identity_document

pytestmark = pytest.mark.django_db

UPLOAD = reverse("identity:id_upload")
UPLOAD_NAME = reverse("identity:id_upload_name")
UPLOAD_CHECK = reverse("identity:id_upload_check")
HTML_AS_IMAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def _png(name="licence.png"):
    return SimpleUploadedFile(name, ID_IMAGE_PNG_BYTES, content_type="image/png")


def _decide(document, clerk, *, approve=True, reason=""):
    return services.identity_document_decide(
        document=document, decided_by=clerk, approve=approve, reason=reason
    )


# --- Service --------------------------------------------------------------------------------


def test_an_html_file_named_like_an_image_is_refused(named_resident):
    with pytest.raises(Exception, match="must be a JPEG image or PNG image") as refused:
        services.identity_document_upload(
            user=named_resident,
            document_type="passport",
            upload=SimpleUploadedFile("passport.jpg", HTML_AS_IMAGE, content_type="image/jpeg"),
        )
    assert refused.type.__name__ == "ValidationError"
    assert not IdentityDocument.objects.exists()
    assert not StoredFile.objects.exists()


def test_a_stored_id_image_is_not_plaintext_on_disk(named_resident):
    document = services.identity_document_upload(
        user=named_resident, document_type="passport", upload=_png()
    )

    with storages["private"].open(document.stored_file.storage_name, "rb") as on_disk:
        raw = on_disk.read()
    assert ID_IMAGE_PNG_BYTES not in raw
    assert b"PNG" not in raw
    assert stored_file_read(document.stored_file) == ID_IMAGE_PNG_BYTES


def test_a_new_upload_replaces_an_unsent_draft_and_deletes_its_image(named_resident):
    first = services.identity_document_upload(
        user=named_resident, document_type="passport", upload=_png()
    )

    second = services.identity_document_upload(
        user=named_resident, document_type="state_id", upload=_png("id.png")
    )

    assert list(IdentityDocument.objects.all()) == [second]
    first.stored_file.refresh_from_db()
    assert first.stored_file.is_purged


def test_an_unsent_draft_is_purged_after_a_day(named_resident):
    document = services.identity_document_upload(
        user=named_resident, document_type="passport", upload=_png()
    )

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert stored_files_purge_due() == 1
    document.stored_file.refresh_from_db()
    assert document.stored_file.is_purged


def test_sending_puts_the_document_in_the_queue(named_resident):
    draft = services.identity_document_upload(
        user=named_resident, document_type="passport", upload=_png()
    )

    sent = services.identity_document_submit(document=draft)

    assert sent.status == DocumentStatus.PENDING
    assert sent.submitted_at is not None
    assert sent.stored_file.purge_after > timezone.now() + timedelta(days=59)


def test_a_document_cannot_be_sent_twice_or_after_its_image_is_gone(named_resident):
    draft = services.identity_document_upload(
        user=named_resident, document_type="passport", upload=_png()
    )
    services.identity_document_submit(document=draft)

    with pytest.raises(services.IdentityError):
        services.identity_document_submit(document=draft)


def test_a_second_upload_waits_for_the_clerks_decision(named_resident):
    identity_document(user=named_resident)

    with pytest.raises(services.IdentityError) as refused:
        services.identity_document_upload(
            user=named_resident, document_type="passport", upload=_png()
        )
    assert refused.value.code == "pending"


def test_sending_without_a_profile_name_needs_one_and_saves_it(resident):
    draft = identity_document(user=resident, status="draft")

    with pytest.raises(services.IdentityError):
        services.identity_document_submit(document=draft)
    services.identity_document_submit(
        document=draft, name=PersonName(first="Alice", middle="B", last="Archer")
    )

    assert Profile.objects.get(user=resident).legal_name == "Alice B Archer"


def test_approval_raises_the_level_to_3_and_records_the_clerk(named_resident, clerk):
    document = identity_document(user=named_resident)

    decided = _decide(document, clerk)

    assert decided.status == DocumentStatus.APPROVED
    assert identity_level(user=named_resident) == IdentityLevel.ATTENDED
    verification = decided.verification
    assert verification.method == VerificationMethod.ID_DOCUMENT_REVIEW
    assert verification.verified_by == clerk
    assert verification.evidence == {"document_id": document.pk, "document_type": "drivers_licence"}


def test_refusal_needs_a_reason_the_resident_reads_and_changes_no_level(named_resident, clerk):
    document = identity_document(user=named_resident)

    with pytest.raises(services.IdentityError):
        _decide(document, clerk, approve=False, reason="  ")
    decided = _decide(document, clerk, approve=False, reason="The photo is blurred.")

    assert decided.status == DocumentStatus.REFUSED
    assert decided.refuse_reason == "The photo is blurred."
    assert identity_level(user=named_resident) == IdentityLevel.EMAIL


def test_the_image_is_gone_after_the_retention_period_and_the_decision_stays(
    named_resident, clerk, settings
):
    settings.IDENTITY_DOCUMENT_RETENTION_DAYS = 30
    document = identity_document(user=named_resident)
    decided_at = timezone.now()
    with time_machine.travel(decided_at, tick=False):
        _decide(document, clerk)
    path = storages["private"].path(document.stored_file.storage_name)

    with time_machine.travel(decided_at + timedelta(days=29), tick=False):
        assert stored_files_purge_due() == 0
    with time_machine.travel(decided_at + timedelta(days=30, seconds=1), tick=False):
        assert stored_files_purge_due() == 1

    document.refresh_from_db()
    assert document.stored_file.is_purged
    assert not storages["private"].exists(document.stored_file.storage_name)
    assert not Path(path).exists()
    with pytest.raises(FileNotFoundError):
        stored_file_read(document.stored_file)
    assert document.status == DocumentStatus.APPROVED
    assert document.decided_by == clerk
    assert identity_level(user=named_resident) == IdentityLevel.ATTENDED


def test_a_refused_image_is_purged_on_the_same_schedule(named_resident, clerk):
    document = identity_document(user=named_resident)

    _decide(document, clerk, approve=False, reason="Expired licence.")

    document.stored_file.refresh_from_db()
    expected = timezone.now() + timedelta(days=30)
    assert abs(document.stored_file.purge_after - expected) < timedelta(minutes=1)


def test_a_document_is_decided_only_once(named_resident, clerk, privacy_officer):
    document = identity_document(user=named_resident)
    _decide(document, clerk)

    with pytest.raises(services.IdentityError) as refused:
        _decide(document, privacy_officer, approve=False, reason="No.")
    assert refused.value.code == "decided"


def test_a_clerk_cannot_approve_their_own_photo_id(clerk):
    document = identity_document(user=clerk)

    with pytest.raises(services.IdentityError) as refused:
        _decide(document, clerk)
    assert refused.value.code == "self"


def test_only_clerks_and_the_privacy_officer_decide(named_resident, steward_a, other_resident):
    document = identity_document(user=named_resident)

    for someone in (steward_a, other_resident):
        with pytest.raises(services.IdentityError) as refused:
            _decide(document, someone)
        assert refused.value.code == "role"


def test_the_resident_is_emailed_the_decision_after_it_is_saved(
    named_resident, clerk, django_capture_on_commit_callbacks, monkeypatch
):
    from tasks.identity import document_decision_notify

    monkeypatch.setattr(
        "tasks.identity.document_decision_notify.delay",
        lambda document_id: document_decision_notify(document_id),
    )
    document = identity_document(user=named_resident)

    with django_capture_on_commit_callbacks(execute=True):
        _decide(document, clerk, approve=False, reason="The photo is blurred.")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [named_resident.email]
    assert message.subject == "We could not accept your photo ID"
    assert "The photo is blurred." in message.body


def test_the_approval_email_says_the_new_level(named_resident, clerk):
    document = identity_document(user=named_resident)
    _decide(document, clerk)

    assert services.identity_document_decision_notify(document_id=document.pk)

    assert mail.outbox[0].subject == "Your photo ID is accepted"
    assert "level 3" in mail.outbox[0].body


def test_no_email_for_a_document_not_decided(named_resident):
    document = identity_document(user=named_resident)

    assert not services.identity_document_decision_notify(document_id=document.pk)
    assert mail.outbox == []


def test_an_unknown_document_type_is_refused(named_resident):
    with pytest.raises(services.IdentityError):
        services.identity_document_upload(
            user=named_resident, document_type="library_card", upload=_png()
        )


# --- Resident pages -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [UPLOAD, UPLOAD_NAME, UPLOAD_CHECK])
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_uploading_checking_and_sending_a_photo_id(client, named_resident):
    client.force_login(named_resident)
    assert client.get(UPLOAD).status_code == 200

    response = client.post(UPLOAD, {"document_type": "passport", "image": _png("me.png")})

    assert response.url == UPLOAD_CHECK
    page = client.get(UPLOAD_CHECK)
    assert "me.png" in page.text
    assert "Passport" in page.text
    assert "Alice Archer" in page.text
    response = client.post(UPLOAD_CHECK, follow=True)
    assert "We sent your photo ID to a clerk" in response.text
    assert IdentityDocument.objects.get().status == DocumentStatus.PENDING
    assert "A clerk is checking your photo ID" in client.get(UPLOAD).text


def test_an_html_upload_is_refused_with_a_clear_message_and_the_choice_kept(client, named_resident):
    client.force_login(named_resident)

    response = client.post(
        UPLOAD,
        {
            "document_type": "state_id",
            "image": SimpleUploadedFile("id.png", HTML_AS_IMAGE, content_type="image/png"),
        },
    )

    assert response.status_code == 200
    assert "<title>Error:" in response.text
    assert response.text.count("must be a JPEG image or PNG image") == 2
    assert re.search(r'<input[^>]*value="state_id"[^>]*checked', response.text)
    assert not IdentityDocument.objects.exists()


def test_a_missing_file_and_type_are_both_reported(client, named_resident):
    client.force_login(named_resident)

    response = client.post(UPLOAD, {})

    assert "Choose which photo ID it is." in response.text
    assert "Choose a photo of your ID to upload." in response.text


def test_without_a_profile_name_the_name_is_asked_before_sending(client, resident):
    client.force_login(resident)
    assert client.get(UPLOAD_NAME).url == UPLOAD
    assert client.get(UPLOAD_CHECK).url == UPLOAD

    response = client.post(UPLOAD, {"document_type": "passport", "image": _png()})

    assert response.url == UPLOAD_NAME
    assert client.get(UPLOAD_CHECK).url == UPLOAD_NAME
    assert client.post(UPLOAD_NAME, {"first": "Alice", "last": "Archer"}).url == UPLOAD_CHECK
    client.post(UPLOAD_CHECK)
    assert Profile.objects.get(user=resident).legal_name == "Alice Archer"


def test_a_resident_at_level_3_is_told_no_upload_is_needed(client, named_resident, clerk):
    services.identity_in_person_record(
        user=named_resident, verified_by=clerk, document_type="passport", number_last4="1234"
    )
    client.force_login(named_resident)

    assert "You do not need to send a photo ID" in client.get(UPLOAD).text


def test_sending_a_draft_that_was_purged_asks_for_a_new_upload(client, named_resident):
    client.force_login(named_resident)
    client.post(UPLOAD, {"document_type": "passport", "image": _png()})
    document = IdentityDocument.objects.get()
    document.stored_file.purged_at = timezone.now()
    document.stored_file.save()

    assert client.post(UPLOAD_CHECK).url == UPLOAD


def test_a_refused_send_is_explained(client, named_resident, monkeypatch):
    client.force_login(named_resident)
    client.post(UPLOAD, {"document_type": "passport", "image": _png()})

    def refuse(**kwargs):
        raise services.IdentityError("A clerk is already checking a photo ID you sent.", code="x")

    monkeypatch.setattr(services, "identity_document_submit", refuse)
    response = client.post(UPLOAD_CHECK, follow=True)

    assert "A clerk is already checking a photo ID you sent." in response.text


def test_a_refused_upload_is_explained(client, named_resident, monkeypatch):
    client.force_login(named_resident)

    def refuse(**kwargs):
        raise services.IdentityError("Try again later.", code="x")

    monkeypatch.setattr(services, "identity_document_upload", refuse)
    response = client.post(UPLOAD, {"document_type": "passport", "image": _png()})

    assert "Try again later." in response.text


# --- The clerk's view of the image ----------------------------------------------------------


def _image_url(document):
    return reverse("identity:staff_document_image", args=[document.pk])


def test_a_clerk_sees_the_image_never_cached(client, named_resident, clerk):
    document = identity_document(user=named_resident)
    client.force_login(clerk)

    response = client.get(_image_url(document))

    assert response.status_code == 200
    assert response.content == ID_IMAGE_PNG_BYTES
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]


def test_residents_even_the_owner_get_404_for_the_image(client, named_resident, other_resident):
    document = identity_document(user=named_resident)

    for someone in (named_resident, other_resident):
        client.force_login(someone)
        assert client.get(_image_url(document)).status_code == 404


def test_a_steward_gets_404_for_the_image(client, named_resident, steward_a):
    document = identity_document(user=named_resident)
    client.force_login(steward_a)

    assert client.get(_image_url(document)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in_for_the_image(client, named_resident):
    document = identity_document(user=named_resident)

    response = client.get(_image_url(document))

    assert response.status_code == 302


def test_a_purged_image_is_404_and_its_page_says_why(client, named_resident, clerk):
    document = identity_document(user=named_resident)
    _decide(document, clerk)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        stored_files_purge_due()
    client.force_login(StaffFactory(email="second.clerk@example.org"))

    assert client.get(_image_url(document)).status_code == 404
    page = client.get(reverse("identity:staff_document", args=[document.pk]))
    assert "The image was deleted" in page.text


def test_a_draft_is_not_visible_to_clerks(client, named_resident, clerk):
    document = identity_document(user=named_resident, status="draft")
    client.force_login(clerk)

    assert client.get(_image_url(document)).status_code == 404
    assert client.get(reverse("identity:staff_document", args=[document.pk])).status_code == 404


def test_a_draft_cannot_be_sent_while_another_photo_id_waits(named_resident):
    identity_document(user=named_resident)
    draft = identity_document(user=named_resident, status="draft")

    with pytest.raises(services.IdentityError) as refused:
        services.identity_document_submit(document=draft)
    assert refused.value.code == "pending"


def test_the_email_is_in_the_residents_language_when_the_portal_has_it(named_resident, clerk):
    Profile.objects.filter(user=named_resident).update(preferred_language="es")
    document = identity_document(user=named_resident)
    _decide(document, clerk)

    services.identity_document_decision_notify(document_id=document.pk)

    # Spanish is not offered yet (settings.LANGUAGES), so the email falls back to English.
    assert mail.outbox[0].subject == "Your photo ID is accepted"


@pytest.mark.parametrize("url", [UPLOAD, UPLOAD_NAME, UPLOAD_CHECK])
def test_while_a_photo_id_waits_every_upload_page_says_so(client, named_resident, url):
    identity_document(user=named_resident)
    client.force_login(named_resident)

    assert "A clerk is checking your photo ID" in client.get(url).text


def test_a_document_describes_itself(named_resident):
    assert str(identity_document(user=named_resident)) == (
        "alice@example.org drivers_licence pending"
    )
