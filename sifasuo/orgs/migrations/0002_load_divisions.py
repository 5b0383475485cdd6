"""Load Xi'an's divisions (NBS 2023 codes) from orgs/data/divisions.csv; see PROVENANCE.md."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "divisions.csv"
LEVEL_ORDER = {"district": 0, "town": 1, "village": 2}


def forwards(apps, schema_editor):
    Division = apps.get_model("orgs", "Division")
    city, _ = Division.objects.get_or_create(
        code="610100", defaults={"name": "西安市", "level": "city"}
    )
    with DATA.open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: (LEVEL_ORDER[r["level"]], r["code"]))
    ids = {"6101": city.pk, "610100": city.pk}
    for level in ("district", "town", "village"):
        batch = [
            Division(code=r["code"], name=r["name"], level=level, parent_id=ids[r["parent_code"]])
            for r in rows
            if r["level"] == level
        ]
        Division.objects.bulk_create(batch, batch_size=1000)
        ids.update(
            Division.objects.filter(level=level).values_list("code", "pk")
        )


def backwards(apps, schema_editor):
    Division = apps.get_model("orgs", "Division")
    for level in ("village", "town", "district", "city"):
        Division.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
