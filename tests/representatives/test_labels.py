"""What others use to mark actions done on a resident's behalf."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from portal.representatives.labels import on_behalf_label, representative_display_name
from tests.factories import GrantFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_label_names_the_representative_their_role_and_the_resident(other_resident):
    grant = GrantFactory(accepted=True, representative=other_resident, relationship="guardian")

    assert on_behalf_label(grant) == "Bob Booker, their guardian, on behalf of Alice Archer"


def test_a_representative_without_a_name_is_named_by_email():
    user = UserFactory(email="nameless@example.org", first_name="", last_name="")

    assert representative_display_name(user) == "nameless@example.org"


def test_the_template_filter_gives_the_same_label(other_resident):
    grant = GrantFactory(accepted=True, representative=other_resident, relationship="executor")

    rendered = Template("{% load representatives %}{{ grant|on_behalf_label }}").render(
        Context({"grant": grant})
    )

    assert rendered == "Bob Booker, the executor of their estate, on behalf of Alice Archer"


def test_the_banner_says_whom_the_representative_acts_for(other_resident):
    grant = GrantFactory(accepted=True, representative=other_resident, relationship="attorney")

    html = render_to_string("representatives/includes/on_behalf_banner.html", {"grant": grant})

    assert "You are acting on behalf of Alice Archer" in html
    assert "their attorney" in html
    assert grant.expires_on.strftime("%Y") in html
