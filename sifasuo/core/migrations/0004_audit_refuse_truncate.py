"""PostgreSQL: refuse TRUNCATE of the audit trail too (a row trigger does not see it).

The test suite's database flush sets ``sifasuo.allow_audit_truncate`` for its own session
(tests/conftest.py); nothing in the application does.
"""

from django.db import migrations

UP = """
CREATE OR REPLACE FUNCTION core_auditevent_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('sifasuo.allow_audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only: TRUNCATE refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_refuse_truncate();
"""
DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_refuse_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UP, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOWN, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_load_holidays")]

    operations = [migrations.RunPython(forwards, backwards)]
