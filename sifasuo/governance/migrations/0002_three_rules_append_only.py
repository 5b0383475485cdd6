"""The three-rules register is evidence: the database refuses to rewrite a submitted entry
or any annotation (UPDATE triggers; PostgreSQL and SQLite). Deleting stays possible for
the test suite's flush; the application refuses it (models.py) and annotations PROTECT
their entry."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION governance_interference_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'governance_interferencerecord' AND OLD.status <> 'SUBMITTED' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only once submitted: UPDATE refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_interference_no_update BEFORE UPDATE
    ON governance_interferencerecord
    FOR EACH ROW EXECUTE FUNCTION governance_interference_refuse_change();
CREATE TRIGGER governance_annotation_no_update BEFORE UPDATE
    ON governance_interferenceannotation
    FOR EACH ROW EXECUTE FUNCTION governance_interference_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS governance_interference_no_update ON governance_interferencerecord;
DROP TRIGGER IF EXISTS governance_annotation_no_update ON governance_interferenceannotation;
DROP FUNCTION IF EXISTS governance_interference_refuse_change();
"""
SQLITE_UP = [
    """CREATE TRIGGER governance_interference_no_update BEFORE UPDATE
       ON governance_interferencerecord WHEN OLD.status = 'SUBMITTED'
       BEGIN SELECT RAISE(ABORT, 'a submitted three-rules entry cannot be changed'); END;""",
    """CREATE TRIGGER governance_annotation_no_update BEFORE UPDATE
       ON governance_interferenceannotation
       BEGIN SELECT RAISE(ABORT, 'an annotation cannot be changed'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS governance_interference_no_update;",
    "DROP TRIGGER IF EXISTS governance_annotation_no_update;",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_UP])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [PG_DOWN])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_rule_of_law_ledgers")]

    operations = [migrations.RunPython(forwards, backwards)]
