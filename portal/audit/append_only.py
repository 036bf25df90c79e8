"""PostgreSQL triggers that make a table append-only: UPDATE, DELETE and TRUNCATE are refused.

Used by the migrations of the audit trail and the access log. Other databases (SQLite in
development) have no such triggers; there the hash chain still shows a change.

TRUNCATE is let through only inside a transaction that set `portal.allow_append_only_truncate`:
the test suite does so when it empties the database between tests; the portal never does.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION portal_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND current_setting('portal.allow_append_only_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'table % is append-only: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _create(table: str) -> list[str]:
    return [
        FUNCTION_SQL,
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION portal_refuse_change();",
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION portal_refuse_change();",
    ]


def _drop(table: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";',
        f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";',
    ]


def _run(statements: list[str]) -> Any:
    def apply(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return apply


def append_only_operation(table: str) -> migrations.RunPython:
    return migrations.RunPython(_run(_create(table)), _run(_drop(table)), elidable=False)
