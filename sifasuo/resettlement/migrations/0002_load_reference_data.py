"""Load the assistance periods per release type and the hand-over deadline rules."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    AssistancePeriodRule = apps.get_model("resettlement", "AssistancePeriodRule")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for row in _rows("assistance_periods.csv"):
        AssistancePeriodRule.objects.get_or_create(
            release_type=row["release_type"],
            defaults={
                "years": int(row["years"]),
                "confidence": row["confidence"],
                "source": row["source"],
            },
        )
    for row in _rows("deadline_rules.csv"):
        DeadlineRule.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "days": int(row["days"]),
                "count": row["count"],
                "remind_days_before": int(row["remind_days_before"]),
                "confidence": row["confidence"],
                "source": row["source"],
            },
        )


def backwards(apps, schema_editor):
    apps.get_model("resettlement", "AssistancePeriodRule").objects.filter(
        release_type__in=[r["release_type"] for r in _rows("assistance_periods.csv")]
    ).delete()
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rows("deadline_rules.csv")]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("resettlement", "0001_released_persons_and_visitation")]

    operations = [migrations.RunPython(forwards, backwards)]
