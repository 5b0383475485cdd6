"""Load the consultation topics, legal aid case types, the eligibility standard, the
windows of the workstation and the deadline rules of public legal services."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    Topic = apps.get_model("legalservice", "ConsultationTopic")
    CaseType = apps.get_model("legalservice", "LegalAidCaseType")
    Standard = apps.get_model("legalservice", "EligibilityStandard")
    Window = apps.get_model("legalservice", "ServiceWindow")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    for row in _rows("consultation_topics.csv"):
        Topic.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "sort_order": int(row["sort_order"])}
        )
    for row in _rows("legal_aid_case_types.csv"):
        CaseType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "in_scope": row["in_scope"] == "1",
                "means_test_exempt": row["means_test_exempt"] == "1",
                "legal_basis": row["legal_basis"],
                "materials": "\n".join(row["materials"].split("|")),
                "sort_order": int(row["sort_order"]),
            },
        )
    for row in _rows("eligibility_standards.csv"):
        Standard.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "region_code": row["region_code"],
                "monthly_income_limit": Decimal(row["monthly_income_limit"]),
                "confidence": row["confidence"],
                "source": row["source"],
            },
        )
    for row in _rows("service_windows.csv"):
        Window.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "is_core": row["is_core"] == "1",
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


def backwards(apps, schema_editor):
    for model, name in (
        ("ConsultationTopic", "consultation_topics.csv"),
        ("LegalAidCaseType", "legal_aid_case_types.csv"),
        ("EligibilityStandard", "eligibility_standards.csv"),
        ("ServiceWindow", "service_windows.csv"),
    ):
        apps.get_model("legalservice", model).objects.filter(
            code__in=[r["code"] for r in _rows(name)]
        ).delete()
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rows("deadline_rules.csv")]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("legalservice", "0001_initial"), ("core", "0004_audit_refuse_truncate")]

    operations = [migrations.RunPython(forwards, backwards)]
