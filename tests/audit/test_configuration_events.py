"""Configuration changes (departments, data sources, letter and reply templates, closure days,
who may do what) are recorded with the names of the fields that changed and, in the admin, the
person who changed them."""

from html.parser import HTMLParser

import pytest

from portal.accounts.models import Role, User
from portal.audit.models import AuditCategory, AuditEvent
from portal.profiles.models import Profile
from requests.models import DataSource
from tests.factories import ClosureDayFactory, DepartmentFactory, ReplyTemplateFactory, UserFactory

pytestmark = pytest.mark.django_db


def _latest(action, obj=None):
    events = AuditEvent.objects.filter(action=action)
    if obj is not None:
        events = events.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return events.order_by("-sequence").first()


class _FormFields(HTMLParser):
    """The values a browser would send for each POST form of an admin page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._select = None
        self._textarea = None
        self._in_form = False

    @property
    def data(self):
        return self.forms[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._in_form = True
            self.forms.append({})
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            checkable = attrs.get("type") in ("checkbox", "radio")
            if checkable and "checked" not in attrs:
                return
            value = attrs.get("value")
            self.data.setdefault(name, []).append(value or ("on" if checkable else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                self.data[self._textarea][0] = self.data[self._textarea][0].lstrip("\n")
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def _admin_form(client, url):
    """The change form's fields as the page shows them (the page's biggest POST form)."""
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    return max(parser.forms, key=len)


def test_privacy_officer_changing_a_department_in_the_admin_is_recorded_with_who_and_what(
    client, privacy_officer, steward_a, department_a
):
    client.force_login(privacy_officer)
    url = f"/admin/requests/department/{department_a.pk}/change/"
    data = _admin_form(client, url)
    data["name"] = ["Board of Assessors"]
    data["stewards"] = []

    response = client.post(url, data)

    assert response.status_code == 302, (data, response.context["adminform"].form.errors)
    changed = _latest("config.changed", department_a)
    assert changed.category == AuditCategory.CONFIGURATION
    assert changed.actor_id == privacy_officer.pk
    assert changed.actor_role == "privacy_officer"
    assert changed.field_names == ["name"]
    assert changed.details == {}
    stewards = _latest("department.stewards_changed")
    assert stewards.actor_id == privacy_officer.pk
    assert stewards.object_id == str(department_a.pk)
    assert stewards.details == {"added_user_ids": [], "removed_user_ids": [steward_a.pk]}


def test_privacy_officer_changing_a_role_in_the_admin_is_recorded(
    client, privacy_officer, department_b
):
    person = UserFactory(email="new.clerk@example.org", role=Role.CLERK)
    client.force_login(privacy_officer)
    url = f"/admin/accounts/user/{person.pk}/change/"
    data = _admin_form(client, url)
    data["role"] = [Role.STEWARD]
    prefix = next(name for name in data if name.endswith("-TOTAL_FORMS")).removesuffix(
        "-TOTAL_FORMS"
    )
    data[f"{prefix}-TOTAL_FORMS"] = ["1"]
    data[f"{prefix}-0-department"] = [str(department_b.pk)]
    data[f"{prefix}-0-user"] = [str(person.pk)]

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.role == Role.STEWARD
    changed = _latest("user.access_changed", person)
    assert changed.actor_id == privacy_officer.pk
    assert changed.field_names == ["role"]
    assert changed.details == {"role_before": "clerk", "role": "steward"}
    assert list(person.steward_departments.all()) == [department_b], data
    stewards = _latest("department.stewards_changed")
    assert stewards.actor_id == privacy_officer.pk
    assert stewards.object_id == str(department_b.pk)
    assert stewards.details == {"added_user_ids": [person.pk], "removed_user_ids": []}


def test_signing_in_saves_the_user_but_changes_no_access(client, resident):
    count = AuditEvent.objects.filter(category=AuditCategory.CONFIGURATION).count()

    client.force_login(resident)
    resident.first_name = "Alicia"
    resident.save()

    assert AuditEvent.objects.filter(category=AuditCategory.CONFIGURATION).count() == count


def test_a_new_account_and_a_deactivated_one_are_recorded_without_the_address():
    user = User.objects.create_user("walker@example.org", "a long passphrase 1")
    created = _latest("user.created", user)
    assert created.details == {
        "role": "resident",
        "is_staff": False,
        "is_superuser": False,
        "is_active": True,
    }

    user.is_active = False
    user.save(update_fields=["is_active"])

    changed = _latest("user.access_changed", user)
    assert changed.field_names == ["is_active"]
    assert changed.details == {"is_active_before": True, "is_active": False}
    assert changed.actor_id is None  # no web request: the system
    assert "walker" not in str(created.details) + str(changed.details)


@pytest.mark.parametrize(
    ("factory", "change"),
    [
        (DepartmentFactory, {"description": "Holds deeds"}),
        (ReplyTemplateFactory, {"active": False}),
        (ClosureDayFactory, {"reason": "Ice storm"}),
    ],
)
def test_each_configuration_kind_records_creation_change_and_removal(factory, change):
    item = factory()
    created = _latest("config.created", item)
    assert created is not None
    assert set(change) <= set(created.field_names)

    for name, value in change.items():
        setattr(item, name, value)
    item.save()
    assert _latest("config.changed", item).field_names == sorted(change)

    count = AuditEvent.objects.count()
    item.save()  # nothing changed: nothing to record
    assert AuditEvent.objects.count() == count

    pk = item.pk
    item.delete()
    deleted = AuditEvent.objects.filter(action="config.deleted").latest("sequence")
    assert deleted.object_id == str(pk)


def test_a_data_source_change_names_its_fields(department_a):
    source = DataSource.objects.create(
        department=department_a,
        slug="deeds",
        name="Deeds",
        kind="manual",
        responsible_officer="Chief Assessor",
    )
    source.enabled = False
    source.timeout_seconds = 30
    source.save()

    assert _latest("config.changed", source).field_names == ["enabled", "timeout_seconds"]


def test_stewards_changed_from_either_side_and_cleared_are_recorded(department_a, clerk):
    department_a.stewards.add(clerk)
    assert _latest("department.stewards_changed").details == {
        "added_user_ids": [clerk.pk],
        "removed_user_ids": [],
    }
    clerk.steward_departments.remove(department_a)
    assert _latest("department.stewards_changed").details == {
        "added_user_ids": [],
        "removed_user_ids": [clerk.pk],
    }
    department_a.stewards.add(clerk)
    department_a.stewards.clear()
    latest = _latest("department.stewards_changed")
    assert latest.details == {"added_user_ids": [], "removed_user_ids": [clerk.pk]}
    assert latest.object_id == str(department_a.pk)


def test_models_that_are_not_configuration_are_not_recorded_here(resident):
    count = AuditEvent.objects.filter(category=AuditCategory.CONFIGURATION).count()

    Profile.objects.create(user=resident)

    assert AuditEvent.objects.filter(category=AuditCategory.CONFIGURATION).count() == count
