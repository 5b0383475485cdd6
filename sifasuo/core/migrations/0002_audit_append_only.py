"""Make the audit trail append-only: a trigger refuses UPDATE and DELETE (PostgreSQL, SQLite)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_no_update ON core_auditevent;
DROP TRIGGER IF EXISTS core_auditevent_no_delete ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only: DELETE refused'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]


def _run(schema_editor, statements):
    for statement in statements:
        # params=None: the SQL is sent as is (PostgreSQL's schema editor would otherwise
        # read the "%" of RAISE EXCEPTION's format string as a query placeholder).
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_UP])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)
    else:
        raise RuntimeError(f"no append-only trigger for database vendor {vendor!r}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_DOWN])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
