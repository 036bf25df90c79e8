"""The demo City's data sources reach the demo stores, and answer the identity check."""

import sqlite3

import pytest

from portal.demo.setup import demo_setup
from portal.demo.sources import demo_sources_ensure
from portal.identity.selectors import account_knowledge_sources
from requests.models import ConnectorKind, DataSource
from requests.sources import data_source_problems
from tasks.connectors.registry import connector_for
from tasks.connectors.sql import dispose_engines

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory, django_db_setup, django_db_blocker):
    """One small demo City for the module (the stores are files; the database rows are made
    again by each test)."""
    from django.conf import settings

    directory = tmp_path_factory.mktemp("demo")
    original = settings.DEMO_DATA_DIR
    settings.DEMO_DATA_DIR = directory
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            demo_setup(seed=7, residents=200, log=lambda line: None)
            transaction.set_rollback(True)
    settings.DEMO_DATA_DIR = original
    yield directory
    dispose_engines()


@pytest.fixture
def sources(demo_dir):
    from portal.demo.setup import departments_ensure

    departments_ensure()
    return {source.slug: source for source in demo_sources_ensure(directory=demo_dir)}


def test_every_demo_source_is_valid_with_a_responsible_officer(sources):
    assert {
        "water-sewer-billing",
        "water-sewer-payment-plans",
        "treasurer-real-estate-tax",
        "city-clerk-addresses",
    } <= set(sources)
    for source in sources.values():
        assert data_source_problems(source=source) == {}, source.slug
        assert source.responsible_officer
        assert source.enabled


def test_sensitive_payment_plans_need_level_3(sources):
    assert sources["water-sewer-payment-plans"].required_identity_level == 3
    assert sources["water-sewer-billing"].required_identity_level == 2


def test_running_it_again_changes_nothing(sources, demo_dir):
    demo_sources_ensure(directory=demo_dir)

    assert DataSource.objects.count() == len(sources)


def test_the_identity_check_can_ask_water_and_tax_sources(sources):
    assert account_knowledge_sources() == {
        "water_sewer_account": sources["water-sewer-billing"],
        "real_estate_bill": sources["treasurer-real-estate-tax"],
    }


def _most_recent_water_bill(demo_dir):
    with sqlite3.connect(demo_dir / "water_sewer.sqlite3") as connection:
        return connection.execute(
            "SELECT a.account_number, a.billing_name, b.amount_due FROM accounts a "
            "JOIN bills b ON b.account_number = a.account_number "
            "ORDER BY b.bill_date DESC, b.bill_number DESC LIMIT 1"
        ).fetchone()


def test_the_water_lookup_returns_the_accounts_most_recent_bill(sources, demo_dir):
    number, name, amount = _most_recent_water_bill(demo_dir)

    records = connector_for(sources["water-sewer-billing"]).lookup(
        name="account_knowledge_water_sewer_account", parameters={"identifier": number}
    )

    assert records[0].fields["billing_name"] == name
    assert records[0].fields["amount_due"] == amount


def test_only_the_latest_tax_years_bill_counts(sources, demo_dir):
    with sqlite3.connect(demo_dir / "treasurer.sqlite3") as connection:
        parcel, latest, older = connection.execute(
            "SELECT parcel_id, MAX(bill_number), MIN(bill_number) FROM real_estate_bills "
            "GROUP BY parcel_id LIMIT 1"
        ).fetchone()
    connector = connector_for(sources["treasurer-real-estate-tax"])

    current = connector.lookup(
        name="account_knowledge_real_estate_bill", parameters={"identifier": latest}
    )
    stale = connector.lookup(
        name="account_knowledge_real_estate_bill", parameters={"identifier": older}
    )

    assert parcel
    assert len(current) == 1 and current[0].fields["amount_due"] > 0
    assert stale == []


def test_every_lookup_by_identifier_runs_on_the_demo_stores(sources, demo_dir):
    number, _name, _amount = _most_recent_water_bill(demo_dir)
    ran = 0
    for source in sources.values():
        if source.kind != ConnectorKind.SQL:
            continue
        connector = connector_for(source)
        for name, lookup in source.configuration["lookups"].items():
            if ":identifier" in lookup.get("sql", ""):
                connector.lookup(name=name, parameters={"identifier": number})
                ran += 1
    assert ran >= 9
