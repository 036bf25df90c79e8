"""Who may open each URL, tried for every URL the site serves.

The URL configuration is walked (tests/access_matrix/resolver.py), so a URL added anywhere is
found here. Every URL that takes an argument (an object's id or number) must have a row in
`TABLE`: which of alice's objects to build its arguments from, the HTTP method to try, and who
may reach it (an audience). Each URL is then tried as each persona:

- anonymous people are sent to sign in (unless the page is public);
- anyone outside the audience gets 404, as if the object did not exist (never 403, which would
  say that it does);
- anyone inside the audience gets the page, or a redirect to somewhere other than sign-in where
  the row says so. A 405 means the row names the wrong method: fix the row.

POST-only views are sent an empty form: someone inside the audience gets the form again with
its errors, or a redirect; never a 404.

A URL without a row fails `test_every_url_with_an_argument_has_a_row`, and a row whose URL is
gone fails `test_every_row_names_a_url_that_exists`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from requests.services import request_assign
from tests.access_matrix.builders import BUILDERS
from tests.access_matrix.objects import (
    ACCEPTED_REPRESENTATIVE,
    ANONYMOUS,
    AUDITOR,
    CLERK,
    OTHER_RESIDENT,
    OWNER,
    PENDING_REPRESENTATIVE,
    PERSONAS,
    PRIVACY_OFFICER,
    STEWARD_A,
    STEWARD_B,
    World,
)
from tests.access_matrix.resolver import (
    UNNAMED,
    site_urls,
    urls_with_arguments,
    urls_without_arguments,
)

# --- Audiences: who may reach a URL ---------------------------------------------------------

OWNER_RESIDENT = frozenset({OWNER})
# alice, and whoever acts for her under an accepted grant covering that kind of request.
OWNER_OR_REPRESENTATIVE = frozenset({OWNER, ACCEPTED_REPRESENTATIVE})
# The person who asked to act for alice, on the page that confirms their request was sent.
REPRESENTATIVE_WHO_ASKED = frozenset({PENDING_REPRESENTATIVE})
# The representative acting for alice under an accepted grant.
ACTING_REPRESENTATIVE = frozenset({ACCEPTED_REPRESENTATIVE})
# Staff, by what they do (portal/access/scope.py).
REQUEST_STAFF = frozenset({CLERK, PRIVACY_OFFICER})
IDENTITY_STAFF = frozenset({CLERK, PRIVACY_OFFICER})
GRANT_STAFF = frozenset({CLERK, PRIVACY_OFFICER})
POSTAL_STAFF = frozenset({CLERK, PRIVACY_OFFICER})
DISCLOSURE_STAFF = frozenset({CLERK, PRIVACY_OFFICER})
AUDIT_READERS = frozenset({AUDITOR, PRIVACY_OFFICER})
PRIVACY_OFFICER_ONLY = frozenset({PRIVACY_OFFICER})
# The steward of the department a work item is for (the Assessors: alice's request names them).
# Clerks follow the search on the request page; only the steward answers it.
ITEMS_STEWARD = frozenset({STEWARD_A})
# A proposed correction: the steward of its department (the Assessors) decides it; the clerk and
# the privacy officer see it through the request.
CORRECTION_VIEWERS = frozenset({STEWARD_A, CLERK, PRIVACY_OFFICER})
CORRECTION_STEWARD = frozenset({STEWARD_A})
RECIPIENT_NOTICE_STAFF = frozenset({CLERK, PRIVACY_OFFICER})
# Public pages: anyone, signed in or not.
EVERYONE = frozenset(PERSONAS)

# Tried on every URL: the people who must not get in, and the owner and the privacy officer, so
# the table is proven both ways. Anyone else an audience names is tried on that URL too.
MATRIX_PERSONAS = (
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

PAGE = (200,)


@dataclass(frozen=True)
class Row:
    builder: str  # a function in tests/access_matrix/builders.py
    audience: frozenset[str]
    method: str = "GET"  # POST only where the view takes nothing else
    # What someone inside the audience gets; 302 means a redirect elsewhere than sign-in.
    answers: tuple[int, ...] = PAGE


# url name -> how to reach it. Add a row here for every new URL that takes an argument.
TABLE: dict[str, Row] = {
    # Identity: the resident's own tries at level 2; the staff desk.
    "identity:account_knowledge_attempt": Row("knowledge_attempt", OWNER_RESIDENT),
    "identity:account_knowledge_attempt_status": Row("knowledge_attempt", OWNER_RESIDENT),
    "identity:staff_resident": Row("resident_account", IDENTITY_STAFF),
    "identity:staff_in_person": Row("resident_account", IDENTITY_STAFF),
    "identity:staff_override_request": Row("resident_account", IDENTITY_STAFF),
    "identity:staff_document": Row("identity_document", IDENTITY_STAFF),
    "identity:staff_document_image": Row("identity_document", IDENTITY_STAFF),
    "identity:staff_override": Row("identity_override", IDENTITY_STAFF),
    "identity:staff_revoke": Row("identity_verification", IDENTITY_STAFF),
    # Representatives.
    "representatives:ask_sent": Row("pending_grant", REPRESENTATIVE_WHO_ASKED),
    "representatives:detail": Row("accepted_grant", ACTING_REPRESENTATIVE),
    "representatives:resident_revoke": Row("accepted_grant", OWNER_RESIDENT),
    "representatives:staff_detail": Row("pending_grant", GRANT_STAFF),
    "representatives:staff_proof": Row("pending_grant", GRANT_STAFF),
    "representatives:staff_accept": Row("pending_grant", GRANT_STAFF),
    "representatives:staff_refuse": Row("pending_grant", GRANT_STAFF),
    "representatives:staff_revoke": Row("accepted_grant", GRANT_STAFF),
    # The resident's profile.
    "profiles:previous_address_change": Row("previous_address", OWNER_RESIDENT),
    "profiles:previous_address_remove": Row("previous_address", OWNER_RESIDENT),
    "profiles:identifier_remove": Row("profile_identifier", OWNER_RESIDENT),
    # Codes by post. Without an address typed on the page before, the address check sends the
    # resident back to type one.
    "postal:request_detail": Row("mailed_code", OWNER_RESIDENT),
    "postal:give_address": Row("mailed_code", OWNER_RESIDENT),
    "postal:give_address_check": Row("mailed_code", OWNER_RESIDENT, answers=(302,)),
    "postal:staff_batch_detail": Row("print_batch", POSTAL_STAFF),
    "postal:staff_batch_download": Row("print_batch", POSTAL_STAFF),
    "postal:staff_review": Row("mailed_code", POSTAL_STAFF),
    # Requests: the resident's pages. Her representative reads them; replying and withdrawing
    # are for the person who filed the request (alice here).
    "requests:detail": Row("own_request", OWNER_OR_REPRESENTATIVE),
    "requests:submitted": Row("own_request", OWNER_OR_REPRESENTATIVE),
    "requests:reply": Row("own_request", OWNER_RESIDENT),
    "requests:withdraw": Row("own_request", OWNER_RESIDENT),
    "requests:letter": Row("request_letter", OWNER_OR_REPRESENTATIVE),
    "requests:letter_pdf": Row("request_letter", OWNER_OR_REPRESENTATIVE),
    "requests:document": Row("request_document", OWNER_OR_REPRESENTATIVE),
    # Appealing a denied correction and filing a statement of disagreement, by the person who
    # filed the request or the resident it is about: the change is named by `?change=` inside
    # the request (none named: back to the request's page).
    "requests:correction_appeal": Row("own_request", OWNER_RESIDENT, answers=(302,)),
    "requests:correction_statement": Row("own_request", OWNER_RESIDENT, answers=(302,)),
    # Requests: the clerk's workbench.
    "requests:staff_detail": Row("own_request", REQUEST_STAFF),
    "requests:staff_assign": Row("own_request", REQUEST_STAFF, "POST", answers=(302,)),
    "requests:staff_messages": Row("own_request", REQUEST_STAFF),
    "requests:staff_history": Row("own_request", REQUEST_STAFF),
    "requests:staff_letters": Row("own_request", REQUEST_STAFF),
    "requests:staff_letter_new": Row("own_request", REQUEST_STAFF),
    "requests:staff_letter": Row("request_letter", REQUEST_STAFF),
    "requests:staff_letter_pdf": Row("request_letter", REQUEST_STAFF),
    "requests:staff_document": Row("request_document", REQUEST_STAFF),
    "requests:staff_action": Row("request_action", REQUEST_STAFF),
    # A denial of access contested: alice files it; only the privacy officer decides it.
    "requests:contest_denial": Row("denied_request", OWNER_RESIDENT),
    "requests:staff_contest": Row("denial_contest", PRIVACY_OFFICER_ONLY),
    # A department source of alice's request that failed: it may be tried again; skipping is
    # only for a source still running, so the skip page says it cannot be done now (409).
    "requests:staff_run_retry": Row("source_run", REQUEST_STAFF),
    "requests:staff_run_skip": Row("source_run", REQUEST_STAFF, answers=(409,)),
    # The review of alice's records. Her request is not in review: the review page shows what
    # was decided, each action's empty form comes back with its problem, and the release and
    # its approval say they cannot be done now (409).
    "requests:staff_review": Row("own_request", REQUEST_STAFF),
    "requests:staff_review_decide": Row("own_request", REQUEST_STAFF, method="POST"),
    "requests:staff_review_match": Row("own_request", REQUEST_STAFF, method="POST"),
    "requests:staff_review_redact": Row("own_request", REQUEST_STAFF, method="POST"),
    "requests:staff_review_redact_value": Row("own_request", REQUEST_STAFF, method="POST"),
    "requests:staff_review_withdraw": Row("own_request", REQUEST_STAFF, method="POST"),
    "requests:staff_review_other_redact": Row("own_request", REQUEST_STAFF, method="POST"),
    "requests:staff_review_other_release": Row("own_request", REQUEST_STAFF, method="POST"),
    "requests:staff_release": Row("own_request", REQUEST_STAFF, answers=(409,)),
    "requests:staff_release_approve": Row("own_request", REQUEST_STAFF, answers=(409,)),
    # The download of alice's ready package: she (or her representative) is first asked for
    # the password again (a redirect to reauthenticate, not to sign in). Reissuing it: her
    # request was never released, so the reissue page says it cannot be done now (409).
    "requests:package_download": Row("release_package", OWNER_OR_REPRESENTATIVE, answers=(302,)),
    "requests:staff_package_reissue": Row("release_package", REQUEST_STAFF, answers=(409,)),
    # A clerk says why before opening a request not assigned to them. alice's request is
    # assigned to the clerk persona, and the privacy officer is logged, never asked: both are
    # sent straight on to the request.
    "requests:staff_purpose": Row("own_request", REQUEST_STAFF, answers=(302,)),
    # A steward's search of their department's records for alice's request, still to do.
    "requests:work_item": Row("work_item", ITEMS_STEWARD),
    # Corrections on the staff side. Nothing waits to be applied by hand: sent back to the change.
    "requests:staff_correction": Row("proposed_change", CORRECTION_VIEWERS),
    "requests:staff_correction_evidence": Row("correction_evidence", CORRECTION_VIEWERS),
    "requests:staff_correction_decide": Row("proposed_change", CORRECTION_STEWARD, method="POST"),
    "requests:staff_correction_applied": Row(
        "proposed_change", CORRECTION_STEWARD, method="POST", answers=(302,)
    ),
    # Its write-back has not failed: the steward is sent back to the change with a message.
    "requests:staff_correction_retry": Row(
        "proposed_change", CORRECTION_STEWARD, method="POST", answers=(302,)
    ),
    "requests:staff_appeal": Row("correction_appeal", PRIVACY_OFFICER_ONLY),
    "requests:staff_recipient_notice_done": Row(
        "recipient_notice", RECIPIENT_NOTICE_STAFF, method="POST"
    ),
    # Disclosures and legal process.
    "disclosures:detail": Row("disclosure", DISCLOSURE_STAFF),
    "disclosures:consent": Row("disclosure", DISCLOSURE_STAFF),
    "disclosures:legal_detail": Row("legal_process", DISCLOSURE_STAFF),
    "disclosures:legal_notice_pdf": Row("legal_process", DISCLOSURE_STAFF),
    # The copy of a court order dispensing with notice exists once one is recorded; recording
    # one is open only until then.
    "disclosures:legal_order": Row("dispensed_legal_process", DISCLOSURE_STAFF),
    "disclosures:legal_dispense": Row("legal_process", DISCLOSURE_STAFF),
    "disclosures:legal_release": Row("legal_process", DISCLOSURE_STAFF),
    "disclosures:legal_withdraw": Row("legal_process", DISCLOSURE_STAFF),
    # The privacy policy: published versions are public; drafts are the privacy officer's.
    "policies:version": Row("published_policy", EVERYONE),
    "policies:staff_draft": Row("policy_draft", PRIVACY_OFFICER_ONLY),
    "policies:staff_edit": Row("policy_draft", PRIVACY_OFFICER_ONLY),
    "policies:staff_publish": Row("policy_draft", PRIVACY_OFFICER_ONLY),
    # The audit trail and the access log.
    "audit:event": Row("audit_event", AUDIT_READERS),
    "access:flag_review": Row("flagged_access", PRIVACY_OFFICER_ONLY),
}

# URLs without an argument that anyone may open without signing in.
PUBLIC_WITHOUT_ARGUMENTS = frozenset(
    {
        "home",
        "healthz",
        "policies:privacy",
        # Public when REPORTS_PUBLIC_PAGE is on (switched on below), 404 otherwise.
        "reports:public",
        "reports:public_annual",
        "reports:public_annual_pdf",
    }
)
# URLs without an argument whose views take only POST.
POST_ONLY_WITHOUT_ARGUMENTS = frozenset(
    {"accounts:session_extend", "profiles:start", "profiles:discard", "requests:bulk_assign"}
)

TABLE_PLACE = "TABLE in tests/test_url_access_matrix.py"


def _personas(row: Row) -> list[str]:
    return [*MATRIX_PERSONAS, *sorted(row.audience - set(MATRIX_PERSONAS))]


MATRIX = [
    pytest.param(name, persona, id=f"{name}-{persona}")
    for name, row in TABLE.items()
    for persona in _personas(row)
]


def _sign_in_path() -> str:
    return urlsplit(resolve_url(settings.LOGIN_URL)).path


def _sends_to_sign_in(response) -> bool:
    return response.status_code == 302 and urlsplit(response.url).path == _sign_in_path()


def _ask(client, method: str, url: str):
    return client.post(url, {}) if method == "POST" else client.get(url)


# --- The table matches the URL configuration ------------------------------------------------


def unclassified(found: dict) -> list[str]:
    return sorted(set(found) - set(TABLE))


def test_every_url_with_an_argument_has_a_row():
    missing = unclassified(urls_with_arguments())

    assert not missing, (
        f"URLs nobody has classified: {', '.join(missing)}. Add a row for each to {TABLE_PLACE} "
        "(a builder in tests/access_matrix/builders.py, the method, and who may reach it)."
    )


def test_a_new_url_nobody_classified_is_named(settings):
    """The check above is not vacuous: a URL added to the configuration, by path() or by
    re_path(), is found and named."""
    before = set(unclassified(urls_with_arguments()))
    settings.ROOT_URLCONF = "tests.access_matrix.urls_with_new_urls"

    after = set(unclassified(urls_with_arguments()))

    assert after - before == {"new_by_path", "new_by_regex"}


def test_every_url_has_a_name():
    unnamed = [url.route for url in site_urls() if UNNAMED in url.name]

    assert not unnamed, f"URL patterns without a name (give each one): {unnamed}"


def test_every_row_names_a_url_that_exists():
    gone = sorted(set(TABLE) - set(urls_with_arguments()))

    assert not gone, f"Rows for URLs that no longer exist: {', '.join(gone)}. Remove them."


def test_every_row_names_a_builder():
    unknown = {name: row.builder for name, row in TABLE.items() if row.builder not in BUILDERS}

    assert not unknown, f"Rows naming builders missing from builders.py: {unknown}"


def test_lists_of_urls_without_arguments_name_urls_that_exist():
    known = set(urls_without_arguments())

    assert not (PUBLIC_WITHOUT_ARGUMENTS | POST_ONLY_WITHOUT_ARGUMENTS) - known


# --- The matrix -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "persona"), MATRIX)
def test_url_answers_each_persona_as_its_audience_says(client, request, name, persona):
    site_url = urls_with_arguments().get(name)
    if site_url is None:
        pytest.skip(f"{name} is not in the URL configuration (see the row check)")
    row = TABLE[name]
    world = World(request.getfixturevalue)
    kwargs = BUILDERS[row.builder](world)
    assert set(kwargs) == set(site_url.arguments), f"{row.builder} does not fit {site_url.route}"
    url = reverse(name, kwargs=kwargs)
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)

    response = _ask(client, row.method, url)

    where = f"{row.method} {url} as {persona}"
    if persona in row.audience:
        assert response.status_code in row.answers, f"{where}: {response.status_code}"
        assert not _sends_to_sign_in(response), f"{where}: sent to sign in"
    elif persona == ANONYMOUS:
        assert _sends_to_sign_in(response), f"{where}: {response.status_code}, not sign-in"
    else:
        assert response.status_code == 404, f"{where}: {response.status_code}, not 404"


@pytest.mark.django_db
def test_a_clerk_not_assigned_the_request_is_asked_why_first(client, request):
    """Why alice's request is assigned to the clerk persona: without the assignment, the
    clerk's answer on every page of it would be the purpose page, not the page."""
    world = World(request.getfixturevalue)
    request_assign(requests=[world.request], assignee=None, actor=world.clerk)
    client.force_login(world.clerk)

    response = client.get(reverse("requests:staff_detail", args=[world.request.number]))

    assert response.status_code == 302
    purpose = reverse("requests:staff_purpose", args=[world.request.number])
    assert urlsplit(response.url).path == purpose


# --- URLs without an argument: anonymous people sign in first ------------------------------

WITHOUT_ARGUMENTS = sorted(name for name in urls_without_arguments() if UNNAMED not in name)
STAFF_WITHOUT_ARGUMENTS = sorted(
    name for name in WITHOUT_ARGUMENTS if urls_without_arguments()[name].route.startswith("staff/")
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", WITHOUT_ARGUMENTS)
def test_anonymous_people_sign_in_first_unless_the_page_is_public(client, settings, name):
    settings.REPORTS_PUBLIC_PAGE = True
    method = "POST" if name in POST_ONLY_WITHOUT_ARGUMENTS else "GET"

    response = _ask(client, method, reverse(name))

    if name in PUBLIC_WITHOUT_ARGUMENTS:
        # Its own answer, whatever it is (the health check says 503 with no worker running).
        assert response.status_code not in (404, 405)
        assert not _sends_to_sign_in(response)
    else:
        assert _sends_to_sign_in(response), (
            f"{method} {reverse(name)}: {response.status_code}, not sign-in. If it is public, "
            "add it to PUBLIC_WITHOUT_ARGUMENTS; if it takes only POST, to "
            "POST_ONLY_WITHOUT_ARGUMENTS."
        )


@pytest.mark.django_db
@pytest.mark.parametrize("name", STAFF_WITHOUT_ARGUMENTS)
def test_residents_get_404_on_staff_pages(client, other_resident, name):
    client.force_login(other_resident)
    method = "POST" if name in POST_ONLY_WITHOUT_ARGUMENTS else "GET"

    assert _ask(client, method, reverse(name)).status_code == 404
