"""PostgreSQL only: a trigram index for the locator's and unit list's name search."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS orgs_unit_name_trgm ON orgs_unit USING gin (name gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS orgs_unit_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_create_bureaus")]

    operations = [migrations.RunPython(forwards, backwards)]
