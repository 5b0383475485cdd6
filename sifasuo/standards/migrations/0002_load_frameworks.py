"""Load the 2022–2024 frameworks of the plan and the assessment deadlines (data/README.md)."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
CITY_CODE = "610100"


def _rows(name):
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _years(row):
    return {int(y) for y in row["years"].split("|") if y}


def forwards(apps, schema_editor):
    Framework = apps.get_model("standards", "Framework")
    Dimension = apps.get_model("standards", "Dimension")
    Indicator = apps.get_model("standards", "Indicator")
    GradeBand = apps.get_model("standards", "GradeBand")
    Unit = apps.get_model("orgs", "Unit")
    DeadlineRule = apps.get_model("core", "DeadlineRule")
    city = Unit.objects.filter(code=CITY_CODE).first()
    dimensions = _rows("dimensions.csv")
    indicators = _rows("indicators.csv")
    bands = _rows("grade_bands.csv")
    for row in _rows("frameworks.csv"):
        year = int(row["year"])
        framework, created = Framework.objects.get_or_create(
            year=year,
            version=int(row["version"]),
            defaults={
                "name": row["name"],
                "issuing_unit": city,
                "is_active": True,
                "milestone": row["milestone"],
                "goal": row["goal"],
                "source": row["source"],
                "thresholds": {
                    "min_area": row["min_area"],
                    "training_days": row["training_days"],
                    "training_hours": row["training_hours"],
                    "independent_branch_members": int(row["independent_branch_members"]),
                },
            },
        )
        if not created:
            continue
        by_code = {}
        for d in dimensions:
            by_code[d["code"]] = Dimension.objects.create(
                framework=framework,
                code=d["code"],
                name=d["name"],
                order=int(d["order"]),
                points=Decimal(d["points"]),
            )
        for i in indicators:
            if year not in _years(i):
                continue
            Indicator.objects.create(
                framework=framework,
                dimension=by_code[i["dimension"]],
                code=i["code"],
                order=int(i["order"]),
                content=i["content"],
                points=Decimal(i["points"]),
                rule_type=i["rule_type"],
                check_code=i["check_code"],
                measure_code=i["measure_code"],
                denominator_code=i["denominator_code"],
                target=Decimal(i["target"]) if i["target"] else None,
                comparison=i["comparison"] or "GTE",
                scoring_method=i["scoring_method"],
                deduct_points=Decimal(i["deduct_points"]) if i["deduct_points"] else None,
                elements=[e for e in i["elements"].split("|") if e],
                evidence_method=i["evidence_method"],
                source=i["source"],
            )
        for b in bands:
            if year in _years(b):
                GradeBand.objects.create(
                    framework=framework, name=b["name"], min_score=Decimal(b["min_score"])
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
    # Plain deletes, children first: the collector of historical models trips over the
    # relations of the later models; frameworks a campaign uses stay.
    using = schema_editor.connection.alias
    Framework = apps.get_model("standards", "Framework")
    Campaign = apps.get_model("standards", "Campaign")
    used = set(Campaign.objects.values_list("framework_id", flat=True))
    ids = [
        pk
        for row in _rows("frameworks.csv")
        for pk in Framework.objects.filter(
            year=int(row["year"]), version=int(row["version"])
        ).values_list("pk", flat=True)
        if pk not in used
    ]
    for name in ("GradeBand", "Indicator", "Dimension"):
        apps.get_model("standards", name).objects.filter(framework_id__in=ids)._raw_delete(using)
    Framework.objects.filter(pk__in=ids)._raw_delete(using)
    apps.get_model("core", "DeadlineRule").objects.filter(
        code__in=[r["code"] for r in _rows("deadline_rules.csv")]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("standards", "0001_initial"),
        ("orgs", "0003_create_bureaus"),
        ("core", "0004_audit_refuse_truncate"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
