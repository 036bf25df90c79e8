"""The demo City: stores, departments and accounts, built once and kept."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from portal.accounts.models import Role, User
from portal.demo.accounts import read_demo_logins
from portal.demo.departments import DEMO_DEPARTMENTS
from portal.demo.setup import demo_setup
from portal.profiles.models import Profile
from portal.webforms.models import FormSubmission
from requests.models import Department

pytestmark = pytest.mark.django_db

SMALL = 200


@pytest.fixture
def demo_dir(settings, tmp_path):
    settings.DEMO_DATA_DIR = tmp_path / "demo"
    return settings.DEMO_DATA_DIR


def test_builds_stores_departments_forms_and_accounts(demo_dir):
    result = demo_setup(seed=7, residents=SMALL, log=lambda line: None)

    assert result.rebuilt
    assert result.residents == SMALL
    assert set(result.stores) == set(DEMO_DEPARTMENTS)
    assert all(path.exists() for path in result.stores.values())
    assert set(Department.objects.values_list("slug", flat=True)) == set(DEMO_DEPARTMENTS)
    assert FormSubmission.objects.count() == result.form_submissions > 0
    roles = sorted(User.objects.values_list("role", flat=True))
    assert roles.count(Role.RESIDENT) == 2
    assert {Role.CLERK, Role.STEWARD, Role.PRIVACY_OFFICER, Role.AUDITOR} <= set(roles)
    assert EmailAddress.objects.filter(verified=True).count() == User.objects.count()
    assert Department.objects.get(slug="assessors").stewards.count() == 1


def test_logins_are_printed_from_a_private_file_and_work(demo_dir, client):
    demo_setup(seed=7, residents=SMALL, log=lambda line: None)
    logins = read_demo_logins()

    assert (demo_dir / "logins.json").stat().st_mode & 0o077 == 0
    resident = next(login for login in logins if login.role == str(Role.RESIDENT.label))
    assert client.login(username=resident.email, password=resident.password)


def test_second_run_keeps_stores_and_passwords(demo_dir):
    first = demo_setup(seed=7, residents=SMALL, log=lambda line: None)
    second = demo_setup(seed=7, residents=SMALL, log=lambda line: None)

    assert not second.rebuilt
    assert second.logins == first.logins
    assert FormSubmission.objects.count() == first.form_submissions
    assert User.objects.count() == len(first.logins)


def test_other_size_rebuilds_the_stores(demo_dir):
    demo_setup(seed=7, residents=SMALL, log=lambda line: None)
    assert demo_setup(seed=7, residents=SMALL + 50, log=lambda line: None).rebuilt


def test_command_refuses_production(settings, demo_dir):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("demo_setup", residents=SMALL)


def test_command_refuses_a_tiny_city(demo_dir):
    with pytest.raises(CommandError, match="at least 50"):
        call_command("demo_setup", residents=10)


def test_demo_residents_have_filled_profiles_with_their_moves(demo_dir):
    demo_setup(seed=7, residents=SMALL, log=lambda line: None)

    profiles = Profile.objects.filter(user__role=Role.RESIDENT)
    assert profiles.count() == 2
    for profile in profiles:
        assert profile.legal_first_name and profile.legal_last_name
        assert profile.date_of_birth is not None
        assert profile.addresses.filter(kind="current").count() == 1
    mover = profiles.filter(addresses__kind="previous").distinct()
    assert mover.count() >= 1


def test_a_profile_changed_in_the_demo_is_kept_on_the_next_start(demo_dir):
    demo_setup(seed=7, residents=SMALL, log=lambda line: None)
    profile = Profile.objects.filter(user__role=Role.RESIDENT).first()
    profile.phone = "413-555-0199"
    profile.save(update_fields=["phone"])

    demo_setup(seed=7, residents=SMALL, log=lambda line: None)

    profile.refresh_from_db()
    assert profile.phone == "413-555-0199"
