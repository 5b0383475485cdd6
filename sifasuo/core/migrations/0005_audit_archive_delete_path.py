"""PostgreSQL: one sanctioned way to delete audit rows, for the retention job only.

The row trigger keeps refusing UPDATE always, and DELETE unless the session has set
``sifasuo.audit_archive`` to ``on`` for the transaction (``SET LOCAL``: only
``sifasuo.core.audit.archive_old_events`` does, after writing and verifying the archive file)
**and** the row is older than 180 days, so even that path can never remove a young row.
TRUNCATE stays refused (migration 0004). SQLite keeps its plain triggers (the archive job
lifts the DELETE trigger inside its own transaction).
"""

from django.db import migrations

UP = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('sifasuo.audit_archive', true) = 'on'
       AND OLD.ts < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
DOWN = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_refuse_truncate")]

    operations = [migrations.RunPython(forwards, backwards)]
