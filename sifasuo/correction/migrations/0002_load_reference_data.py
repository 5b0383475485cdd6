"""Load the correction deadline rules, class rules, limits, discipline rules and the
certificate's document type (data files in ``correction/data/``)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
DOC_TYPE = "correction.release_certificate"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    DocumentType = apps.get_model("core", "DocumentType")
    ClassRule = apps.get_model("correction", "SupervisionClassRule")
    Limit = apps.get_model("correction", "CorrectionLimit")
    Rule = apps.get_model("correction", "DisciplineRule")
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
    for row in _rows("class_rules.csv"):
        ClassRule.objects.get_or_create(
            supervision_class=row["supervision_class"],
            defaults={
                "report_every_days": int(row["report_every_days"]),
                "visit_every_days": int(row["visit_every_days"]),
                "education_hours": row["education_hours"],
                "service_hours": row["service_hours"],
                "confidence": row["confidence"],
                "source": row["source"],
            },
        )
    for row in _rows("limits.csv"):
        Limit.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "value": int(row["value"]),
                "unit_label": row["unit_label"],
                "confidence": row["confidence"],
                "source": row["source"],
            },
        )
    for row in _rows("discipline_rules.csv"):
        Rule.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "trigger": row["trigger"],
                "threshold": int(row["threshold"]),
                "proposes": row["proposes"],
                "confidence": row["confidence"],
                "source": row["source"],
            },
        )
    DocumentType.objects.get_or_create(
        code=DOC_TYPE, defaults={"name": "解除社区矫正证明书", "type_word": "矫解"}
    )


def backwards(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rows("deadline_rules.csv")]
    ).delete()
    apps.get_model("core", "DocumentType").objects.filter(code=DOC_TYPE).delete()
    for model in ("SupervisionClassRule", "CorrectionLimit", "DisciplineRule"):
        apps.get_model("correction", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("correction", "0001_subjects_and_supervision"), ("core", "0004_audit_refuse_truncate")]

    operations = [migrations.RunPython(forwards, backwards)]
