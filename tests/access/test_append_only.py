"""The access log is append-only like the audit trail: on PostgreSQL a trigger refuses to change
or remove an entry, so what residents read on "Who has seen my data" cannot be edited away."""

import pytest
from django.db import DatabaseError, connection, transaction

from portal.access.models import AccessLogEntry
from portal.access.services import access_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE access_accesslogentry SET purpose = 'nothing to see'",
        "DELETE FROM access_accesslogentry",
        # The flag reviews refer to the entries, so only TRUNCATE ... CASCADE gets as far as
        # the trigger.
        "TRUNCATE access_accesslogentry CASCADE",
    ],
)
def test_postgresql_refuses_to_change_the_access_log(statement, clerk, resident):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    entry = access_record(actor=clerk, subject=resident, item="profile")
    entries = AccessLogEntry.objects.count()
    with connection.cursor() as cursor:
        # Check the new entry's foreign keys now, as a commit would, so PostgreSQL has no pending
        # trigger events of its own to refuse the TRUNCATE for.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert AccessLogEntry.objects.count() == entries
    assert AccessLogEntry.objects.get(pk=entry.pk).purpose == ""
