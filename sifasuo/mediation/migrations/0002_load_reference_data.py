"""Load the dispute categories, the mediation deadline rules and the case-number type."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    DisputeCategory = apps.get_model("mediation", "DisputeCategory")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DocumentType = apps.get_model("core", "DocumentType")
    for row in _rows("dispute_categories.csv"):
        DisputeCategory.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "sort_order": int(row["sort_order"])}
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
    DocumentType.objects.get_or_create(
        code="mediation.case", defaults={"name": "人民调解案件", "type_word": "调"}
    )


def backwards(apps, schema_editor):
    apps.get_model("mediation", "DisputeCategory").objects.filter(
        code__in=[r["code"] for r in _rows("dispute_categories.csv")]
    ).delete()
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rows("deadline_rules.csv")]
    ).delete()
    apps.get_model("core", "DocumentType").objects.filter(code="mediation.case").delete()


class Migration(migrations.Migration):
    dependencies = [("mediation", "0001_initial"), ("core", "0004_audit_refuse_truncate")]

    operations = [migrations.RunPython(forwards, backwards)]
