"""Letter templates: wording the privacy officer changes, rendered safely, as HTML and PDF/UA."""

import re
import zlib

import pytest
from django.core.exceptions import ValidationError

from requests.letters import letter_document, letter_pdf, letter_template_check, render_sandboxed
from requests.models import LetterKind, LetterTemplate
from requests.services import letter_html, request_letter_send, request_submit
from tests.requests.conftest import verify

pytestmark = pytest.mark.django_db


def test_default_wording_is_seeded_for_each_letter():
    kinds = set(LetterTemplate.objects.values_list("kind", flat=True))

    assert kinds == {LetterKind.WRITTEN_RESPONSE, LetterKind.DENIAL}


def test_written_response_wording_carries_what_the_law_asks():
    body = LetterTemplate.objects.get(kind=LetterKind.WRITTEN_RESPONSE).body

    for part in (
        "We received your request",
        "Records we do not hold",
        "Records we are holding back",
        "When you will get your records",
        "narrow your request",
        "What it costs",
        "Supervisor of Records",
        "90 calendar days",
    ):
        assert part in body


@pytest.mark.parametrize(
    "wording",
    [
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% debug %}",
        "{% url 'home' %}",
        "{% csrf_token %}",
        "{{ requester_name|safe }}",
        "{% autoescape off %}{{ requester_name }}{% endautoescape %}",
        "{% if %}",
    ],
)
def test_unsafe_or_broken_wording_is_refused(wording):
    with pytest.raises(ValidationError, match="mistake in its template code"):
        letter_template_check(wording)


def test_values_are_escaped_in_letters():
    html = render_sandboxed(
        "<p>{{ description }}</p>", {"description": "<script>alert(1)</script>"}
    )

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_linebreaks_make_paragraphs_and_still_escape():
    html = render_sandboxed(
        "{{ withheld|linebreaks }}", {"withheld": "First part\n\nSecond <b>part</b>"}
    )

    assert html == "<p>First part</p>\n\n<p>Second &lt;b&gt;part&lt;/b&gt;</p>"


def test_only_plain_values_reach_a_letter(resident):
    with pytest.raises(TypeError):
        render_sandboxed("{{ requester }}", {"requester": resident})


def test_privacy_officer_changes_the_wording_without_a_code_change(resident, clerk):
    verify(resident)
    template = LetterTemplate.objects.get(kind=LetterKind.WRITTEN_RESPONSE)
    template.body = "<p>New wording for {{ requester_name }}, request {{ number }}.</p>"
    template.save(update_fields=["body"])
    request = request_submit(requester=resident, subject=resident, kind="access")

    letter = request_letter_send(request=request, kind=LetterKind.WRITTEN_RESPONSE, actor=clerk)

    assert f"New wording for Alice Archer, request {request.number}." in letter_html(letter=letter)


def test_pdf_is_tagged_pdf_ua():
    document = letter_document(title="A letter", fragment="<article><h1>A letter</h1></article>")

    pdf = letter_pdf(document=document)

    assert pdf.startswith(b"%PDF")
    objects = _inflated(pdf)
    assert b"pdfuaid:part" in objects
    assert b"/StructTreeRoot" in objects
    assert b"/Lang" in objects


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (where the tags and metadata live) inflated."""
    parts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            parts.append(stream.group(1))
    return b"".join(parts)


def test_admin_refuses_broken_wording(client, privacy_officer):
    client.force_login(privacy_officer)
    template = LetterTemplate.objects.get(kind=LetterKind.DENIAL)

    response = client.post(
        f"/admin/requests/lettertemplate/{template.pk}/change/",
        {"kind": template.kind, "title": template.title, "body": "{% include 'x.html' %}"},
    )

    assert response.status_code == 200
    assert "mistake in its template code" in response.content.decode()
    template.refresh_from_db()
    assert "include" not in template.body


def test_a_deleted_wording_comes_back_as_the_first_wording(resident, clerk):
    verify(resident)
    LetterTemplate.objects.filter(kind=LetterKind.DENIAL).delete()
    request = request_submit(requester=resident, subject=resident, kind="access")

    letter = request_letter_send(
        request=request,
        kind=LetterKind.DENIAL,
        actor=clerk,
        fields={"denial_reason": "Exempt", "exemptions": ["c. 4 §7 cl. 26 (n)"]},
    )

    assert "Your right to appeal" in letter_html(letter=letter)
    assert LetterTemplate.objects.filter(kind=LetterKind.DENIAL).exists()
