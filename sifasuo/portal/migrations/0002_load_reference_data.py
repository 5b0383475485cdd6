"""Load the portal's deadline rules and version 1 of the personal-information notice."""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
NOTICE_VERSION = "1"
NOTICE_RETENTION_YEARS = 3


def _rules():
    with (DATA / "deadline_rules.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def forwards(apps, schema_editor):
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    PrivacyNotice = apps.get_model("portal", "PrivacyNotice")
    for row in _rules():
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
    text = (DATA / "privacy_notice_v1.txt").read_text(encoding="utf-8")
    PrivacyNotice.objects.get_or_create(
        version=NOTICE_VERSION,
        defaults={
            "title": "便民服务个人信息处理告知书",
            "body": text.replace("{retention_years}", str(NOTICE_RETENTION_YEARS)).strip(),
            "retention_years": NOTICE_RETENTION_YEARS,
            "effective_on": date(2024, 1, 1),
            "is_current": True,
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rules()]
    ).delete()
    apps.get_model("portal", "PrivacyNotice").objects.filter(version=NOTICE_VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_portal_records"), ("core", "0004_audit_refuse_truncate")]

    operations = [migrations.RunPython(forwards, backwards)]
