"""Helpers for the request tests: residents who proved who they are, and filed requests."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from portal.identity.models import IdentityLevel, VerificationMethod
from portal.identity.services import identity_verification_record
from requests.services import request_submit
from tests.factories import search_by_hand_source

BOSTON = ZoneInfo("America/New_York")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment in Westfield's time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=BOSTON)


def verify(user, level=IdentityLevel.REMOTE):
    return identity_verification_record(
        user=user,
        level=level,
        method=VerificationMethod.ACCOUNT_KNOWLEDGE
        if level == IdentityLevel.REMOTE
        else VerificationMethod.IN_PERSON_ID,
        evidence={"test": True},
    )


@pytest.fixture(autouse=True)
def _a_department_searches_by_hand(db):
    """Filed requests rest in gathering, where the clerk's moves these tests make start from."""
    return search_by_hand_source()


@pytest.fixture
def verified_resident(resident):
    verify(resident)
    return resident


@pytest.fixture
def file_request():
    def _file(requester, kind="access", **kwargs):
        return request_submit(requester=requester, subject=requester, kind=kind, **kwargs)

    return _file


@pytest.fixture
def postgresql_only():
    """Some guarantees (row locks between connections) only PostgreSQL can show. Outside CI a
    SQLite run skips them; CI runs on PostgreSQL, so there a skip would hide a failure."""
    if connection.vendor != "postgresql":
        message = "needs two PostgreSQL connections (row locks); SQLite serialises writers"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
