"""Saving a data source checks its connector's configuration, its attribute map and its
sensitivity, in the admin and wherever DataSource.clean() runs."""

import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from requests.models import DataSource
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/requests/datasource/add/"
NOTICE = {
    "responsible_officer": "Superintendent of Water",
    "purpose": "Billing water and sewer charges.",
    "categories_of_data": "Names, service addresses, bills, payments.",
    "approximate_number_of_persons": "13500",
    "retention_and_disposal": "Six years after the account closes, then shredded.",
    "sources_of_data": "Account holders; meter readings.",
    "uses_and_users": "Billing staff; the billing vendor under contract.",
}
SQL = {
    "database_url": "sqlite:////srv/water.sqlite3",
    "lookups": {
        "account": {
            "sql": "SELECT * FROM accounts WHERE account_number = :identifier",
            "key": "account_number",
        }
    },
}


def _form(department, **changes):
    data = {
        "department": department.pk,
        "slug": "water-billing",
        "name": "Water billing",
        "enabled": "on",
        "kind": "sql",
        "configuration": json.dumps(SQL),
        "attribute_map": json.dumps({"water_sewer_account": "identifier"}),
        "timeout_seconds": "30",
        "max_concurrent_runs": "2",
        "required_identity_level": "2",
        **NOTICE,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _post(client, privacy_officer, data):
    client.force_login(privacy_officer)
    return client.post(ADD, data)


def test_a_complete_source_is_saved(client, privacy_officer):
    response = _post(client, privacy_officer, _form(DepartmentFactory()))

    assert response.status_code == 302
    source = DataSource.objects.get(slug="water-billing")
    assert source.purpose == NOTICE["purpose"]
    assert source.approximate_number_of_persons == 13500
    assert source.attribute_map == {"water_sewer_account": "identifier"}


def test_a_sql_query_that_could_write_is_refused_with_the_reason(client, privacy_officer):
    configuration = {
        **SQL,
        "lookups": {"account": {"sql": "UPDATE accounts SET x = 1", "key": "x"}},
    }

    response = _post(
        client,
        privacy_officer,
        _form(DepartmentFactory(), configuration=json.dumps(configuration), attribute_map="{}"),
    )

    assert response.status_code == 200
    assert "lookup &#x27;account&#x27;: the query must start with SELECT or WITH" in (
        response.content.decode()
    )
    assert not DataSource.objects.exists()


def test_an_http_source_off_the_allow_list_is_refused(client, privacy_officer):
    configuration = {
        "base_url": "https://water.example.gov/api",
        "lookups": {"account": {"path": "/accounts/{identifier}", "key": "account_number"}},
    }

    response = _post(
        client,
        privacy_officer,
        _form(DepartmentFactory(), kind="http", configuration=json.dumps(configuration)),
    )

    assert response.status_code == 200
    assert "water.example.gov is not on CONNECTOR_HTTP_ALLOWED_HOSTS" in response.content.decode()
    assert not DataSource.objects.exists()


def test_a_csv_source_whose_file_leaves_its_folder_is_refused(client, privacy_officer, tmp_path):
    configuration = {
        "folder": str(tmp_path),
        "file": "../../etc/passwd",
        "lookups": {"a": {"match": {"ACCOUNT": "identifier"}, "key": "ACCOUNT"}},
    }

    response = _post(
        client,
        privacy_officer,
        _form(DepartmentFactory(), kind="csv", configuration=json.dumps(configuration)),
    )

    assert response.status_code == 200
    assert "file must be a name in the folder" in response.content.decode()
    assert not DataSource.objects.exists()


@pytest.mark.parametrize("field", ["purpose", "approximate_number_of_persons", "uses_and_users"])
def test_a_missing_notice_field_is_refused(client, privacy_officer, field):
    response = _post(client, privacy_officer, _form(DepartmentFactory(), **{field: ""}))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == [field]
    assert not DataSource.objects.exists()


def test_a_sensitive_source_needs_identity_level_3(client, privacy_officer):
    department = DepartmentFactory()

    refused = _post(client, privacy_officer, _form(department, sensitive="on"))
    saved = _post(
        client, privacy_officer, _form(department, sensitive="on", required_identity_level="3")
    )

    assert "A sensitive source needs identity level 3." in refused.content.decode()
    assert saved.status_code == 302
    assert DataSource.objects.get().sensitive


def test_the_attribute_map_must_name_parameters_the_lookups_take(client, privacy_officer):
    response = _post(
        client,
        privacy_officer,
        _form(DepartmentFactory(), attribute_map=json.dumps({"date_of_birth": "dob"})),
    )

    assert "No lookup of this source takes the parameter dob." in response.content.decode()
    assert not DataSource.objects.exists()


@pytest.mark.parametrize(
    ("mapping", "words"),
    [
        (["date_of_birth"], "Give a JSON object"),
        ({"date of birth": "identifier"}, "must both be plain names"),
        ({"date_of_birth": 7}, "must both be plain names"),
    ],
)
def test_an_attribute_map_of_the_wrong_shape_is_refused(mapping, words):
    source = DataSource(
        department=DepartmentFactory(), kind="sql", configuration=SQL, attribute_map=mapping
    )

    with pytest.raises(ValidationError) as caught:
        source.clean()

    assert words in " ".join(caught.value.message_dict["attribute_map"])


def test_a_manual_source_is_saved_enabled_without_configuration(client, privacy_officer):
    department = DepartmentFactory()
    manual = {"kind": "manual", "attribute_map": "{}"}

    refused = _post(client, privacy_officer, _form(department, **manual, configuration='{"a": 1}'))
    saved = _post(client, privacy_officer, _form(department, **manual, configuration="{}"))

    assert "A manual source has no configuration" in refused.content.decode()
    assert saved.status_code == 302
    assert DataSource.objects.get().enabled


def test_clerks_cannot_add_sources(client, clerk):
    client.force_login(clerk)

    response = client.post(ADD, _form(DepartmentFactory()))

    assert response.status_code in (302, 403, 404)
    assert not DataSource.objects.exists()


def test_the_database_refuses_a_sensitive_source_below_level_3():
    with pytest.raises(IntegrityError), transaction.atomic():
        DataSource.objects.create(
            department=DepartmentFactory(),
            slug="plans",
            name="Plans",
            kind="manual",
            responsible_officer="Superintendent",
            sensitive=True,
            required_identity_level=2,
        )


def test_the_migration_marks_existing_level_3_sources_sensitive():
    migration = importlib.import_module("requests.migrations.0008_datasource_notice")
    department = DepartmentFactory()
    plans = DataSource.objects.create(
        department=department,
        slug="plans",
        name="Plans",
        kind="manual",
        responsible_officer="Superintendent",
        required_identity_level=3,
    )
    bills = DataSource.objects.create(
        department=department,
        slug="bills",
        name="Bills",
        kind="manual",
        responsible_officer="Superintendent",
        required_identity_level=2,
    )

    migration.mark_level_3_sources_sensitive(apps, None)

    plans.refresh_from_db()
    bills.refresh_from_db()
    assert plans.sensitive
    assert not bills.sensitive
