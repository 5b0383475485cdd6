"""Create the bureaus: the city bureau, 13 district and county bureaus, 3 development zones."""

from django.db import migrations

DEVZONES = [
    ("6101A1", "西咸新区司法局", "西咸新区"),
    ("6101A2", "高新区司法局", "高新区"),
    ("6101A3", "国际港务区司法局", "国际港务区"),
]


def forwards(apps, schema_editor):
    Division = apps.get_model("orgs", "Division")
    Unit = apps.get_model("orgs", "Unit")
    city_division = Division.objects.get(code="610100")
    city = Unit.objects.create(
        code="610100", name="西安市司法局", short_name="西安", kind="CITY",
        division=city_division, path="/610100/",
    )
    for district in Division.objects.filter(level="district").order_by("code"):
        Unit.objects.create(
            code=district.code,
            name=f"{district.name}司法局",
            short_name=district.name.rstrip("区县") or district.name,
            kind="DISTRICT",
            parent=city,
            division=district,
            path=f"/610100/{district.code}/",
        )
    for code, name, short in DEVZONES:
        Unit.objects.create(
            code=code, name=name, short_name=short, kind="DEVZONE", parent=city,
            path=f"/610100/{code}/",
        )


def backwards(apps, schema_editor):
    Unit = apps.get_model("orgs", "Unit")
    Unit.objects.filter(kind__in=["DISTRICT", "DEVZONE"]).delete()
    Unit.objects.filter(kind="CITY").delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_load_divisions")]

    operations = [migrations.RunPython(forwards, backwards)]
