"""Load the Chinese public holidays and make-up working days from core/data/holidays.csv."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "holidays.csv"


def forwards(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    Holiday.objects.bulk_create(
        [Holiday(date=r["date"], kind=r["kind"], name=r["name"], source=r["source"]) for r in rows],
        ignore_conflicts=True,
    )


def backwards(apps, schema_editor):
    Holiday = apps.get_model("core", "Holiday")
    with DATA.open(encoding="utf-8") as handle:
        dates = [r["date"] for r in csv.DictReader(handle)]
    Holiday.objects.filter(date__in=dates).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
