"""Load the deadline rules of tasks from above and the task-number document type."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
DOC_TYPE = "workorders.task"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DocumentType = apps.get_model("core", "DocumentType")
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
        code=DOC_TYPE, defaults={"name": "上级交办任务", "type_word": "交"}
    )


def backwards(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rows("deadline_rules.csv")]
    ).delete()
    # The sequences only number tasks, which reversing 0001 removes with them.
    apps.get_model("core", "DocumentSequence").objects.filter(doc_type__code=DOC_TYPE).delete()
    apps.get_model("core", "DocumentType").objects.filter(code=DOC_TYPE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0001_tasks_notices_and_replies"),
        ("core", "0004_audit_refuse_truncate"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
