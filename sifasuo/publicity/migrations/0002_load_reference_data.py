"""Load the laws covered, the publicity norms and the publicity deadline rules."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    LawTopic = apps.get_model("publicity", "LawTopic")
    PublicityNorm = apps.get_model("publicity", "PublicityNorm")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for row in _rows("law_topics.csv"):
        LawTopic.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "sort_order": int(row["sort_order"])}
        )
    for row in _rows("norms.csv"):
        PublicityNorm.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "value": int(row["value"]),
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
    apps.get_model("publicity", "LawTopic").objects.filter(
        code__in=[r["code"] for r in _rows("law_topics.csv")]
    ).delete()
    apps.get_model("publicity", "PublicityNorm").objects.filter(
        code__in=[r["code"] for r in _rows("norms.csv")]
    ).delete()
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rows("deadline_rules.csv")]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_publicity_ledgers"), ("core", "0004_audit_refuse_truncate")]

    operations = [migrations.RunPython(forwards, backwards)]
