"""Load the legality-review checklist, the juror exclusion grounds, the deadline rules and
the two numbered document types (review number, filing-register number)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
DOCUMENT_TYPES = (
    ("governance.review", "合法性审查登记", "审"),
    ("governance.filing", "规范性文件登记备案", "备"),
)


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    ChecklistItem = apps.get_model("governance", "ReviewChecklistItem")
    Ground = apps.get_model("governance", "JurorExclusionGround")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DocumentType = apps.get_model("core", "DocumentType")
    for row in _rows("checklist_items.csv"):
        ChecklistItem.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "guidance": row["guidance"],
                "sort_order": int(row["sort_order"]),
            },
        )
    for row in _rows("exclusion_grounds.csv"):
        Ground.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "basis": row["basis"],
                "sort_order": int(row["sort_order"]),
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
    for code, name, type_word in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "type_word": type_word}
        )


def backwards(apps, schema_editor):
    apps.get_model("governance", "ReviewChecklistItem").objects.all().delete()
    apps.get_model("governance", "JurorExclusionGround").objects.all().delete()
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rows("deadline_rules.csv")]
    ).delete()
    apps.get_model("core", "DocumentType").objects.filter(
        code__in=[c for c, _, _ in DOCUMENT_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_three_rules_append_only"),
        ("core", "0004_audit_refuse_truncate"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
