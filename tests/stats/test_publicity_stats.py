"""The publicity report agrees with a direct count of the publicity ledgers.

The documented rule (``sifasuo/publicity/measures.py``): activities, appointments,
trainings, titles conferred, adviser services and town advisers' matters count in the
period of their date, under their office; 法律明白人 serving, households, titles standing and
advisers under contract are counted now; coverage is the villages served with enough
法律明白人 over the villages served.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from sifasuo.orgs.choices import DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.publicity import selectors, services
from sifasuo.publicity.choices import NORM_LITERATES_PER_VILLAGE, DesignationLevel, Target
from sifasuo.publicity.models import (
    AdviserServiceLog,
    DemonstrationHousehold,
    DemonstrationVillage,
    LegalLiterate,
    LiterateTraining,
    PublicityActivity,
    TownAdviser,
    TownAdviserMatter,
    VillageAdviser,
)
from sifasuo.stats import reports
from sifasuo.stats.specs.publicity import SPEC
from tests.publicity import factories

pytestmark = pytest.mark.django_db

XIYILU, WEIQU = "610102001", "610116001"
YEARS = (2023, 2024)
CODES = ("610100", "610102", XIYILU, "610116", WEIQU)
API = "/api/v1/stats/publicity/"
REGISTERED = pytest.mark.skipif(
    "publicity" not in reports.REPORTS,
    reason="the API route appears once stats.specs.SPECS lists the publicity report",
)


@pytest.fixture
def ledger(office_clerk: Any, other_clerk: Any) -> None:
    """Two offices in two districts, records dated in 2023 and 2024, and standing stocks."""
    # activities
    factories.activity(actor=office_clerk, held_on=date(2023, 6, 1), participants=40)
    factories.activity(
        actor=office_clerk, held_on=date(2024, 3, 5), participants=100, target=Target.SCHOOLS
    )
    factories.activity(actor=office_clerk, held_on=date(2024, 3, 20), laws=factories.laws("MINORS"))
    factories.activity(actor=other_clerk, code=WEIQU, held_on=date(2024, 7, 1), participants=7)
    # 法律明白人: three in 西一路's first village (the target), one removed, one in 韦曲
    for _ in range(3):
        literate = factories.literate(actor=office_clerk, appointed_on=date(2024, 2, 1))
    services.literate_add_training(
        actor=office_clerk,
        literate=literate,
        trained_on=date(2024, 4, 1),
        hours=Decimal("3.0"),
        topic="民法典",
    )
    factories.literate(actor=office_clerk, n=1, appointed_on=date(2023, 5, 1))
    factories.literate(actor=other_clerk, code=WEIQU, appointed_on=date(2024, 9, 1))
    # households and titles
    factories.household(actor=office_clerk, year=2023)
    factories.household(actor=other_clerk, code=WEIQU, year=2024)
    factories.title(actor=office_clerk, designated_on=date(2023, 10, 1), year=2023)
    factories.title(
        actor=other_clerk,
        code=WEIQU,
        designated_on=date(2024, 10, 1),
        year=2024,
        level=DesignationLevel.PROVINCIAL,
    )
    # advisers: a past contract with services in both years; a current one in 韦曲
    past = factories.adviser(
        actor=office_clerk,
        contract_start=date(2023, 1, 1),
        contract_end=date(2024, 12, 31),
    )
    factories.log(past, date(2023, 11, 2), actor=office_clerk)
    factories.log(past, date(2024, 1, 8), actor=office_clerk, lectures=1)
    factories.log(past, date(2024, 2, 9), actor=office_clerk)
    current = factories.adviser(actor=other_clerk, code=WEIQU)
    factories.log(current, timezone.localdate() - timedelta(days=3), actor=other_clerk)
    town = factories.town_adviser(
        actor=office_clerk, contract_start=date(2024, 1, 1), contract_end=date(2024, 12, 31)
    )
    services.town_adviser_add_matter(
        actor=office_clerk,
        adviser=town,
        handled_on=date(2024, 5, 6),
        matter="合同审查",
        kind="CONTRACT",
    )
    factories.town_adviser(actor=other_clerk, code=WEIQU)


def _path(code: str) -> str:
    return Unit.objects.get(code=code).path


def _in_year(field: str, year: int) -> dict[str, date]:
    return {f"{field}__gte": date(year, 1, 1), f"{field}__lt": date(year + 1, 1, 1)}


def expected(code: str, year: int) -> dict[str, Any]:
    """The documented rule, counted directly from the tables."""
    path = _path(code)
    today = timezone.localdate()
    mine = {"unit__path__startswith": path}
    by_adviser = {"adviser__unit__path__startswith": path}
    activities = PublicityActivity.objects.filter(**mine, **_in_year("held_on", year))
    offices = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True, path__startswith=path)
    villages = Division.objects.filter(
        level=DivisionLevel.VILLAGE, parent_id__in=selectors.offices_town_ids(offices)
    )
    serving = LegalLiterate.objects.filter(status="ACTIVE", appointed_on__lt=date(year + 1, 1, 1))
    at_target = villages.annotate(
        n=Count("legal_literates", filter=Q(legal_literates__in=serving))
    ).filter(n__gte=services.norm(NORM_LITERATES_PER_VILLAGE))
    titles = DemonstrationVillage.objects.filter(**mine).exclude(
        review_result__in=["REVOKED", "CANCELLED"]
    )
    current = {"contract_start__lte": today, "contract_end__gte": today}
    advisers = VillageAdviser.objects.filter(**mine)
    met = selectors.advisers_meeting_norms(advisers, date(year, 1, 1), date(year + 1, 1, 1))
    reach = activities.aggregate(p=Sum("participants"), m=Sum("materials"))
    return {
        "activities": activities.count(),
        "participants": reach["p"] or 0,
        "materials": reach["m"] or 0,
        "legal_literates": LegalLiterate.objects.filter(**mine, status="ACTIVE").count(),
        "literates_appointed": LegalLiterate.objects.filter(
            **mine, **_in_year("appointed_on", year)
        ).count(),
        "literate_trainings": LiterateTraining.objects.filter(
            literate__unit__path__startswith=path, **_in_year("trained_on", year)
        ).count(),
        "villages_served": villages.count(),
        "villages_at_target": at_target.count(),
        "demonstration_households": DemonstrationHousehold.objects.filter(
            **mine, status="ACTIVE"
        ).count(),
        "demonstration_villages": titles.count(),
        "villages_named": DemonstrationVillage.objects.filter(
            **mine, **_in_year("designated_on", year)
        ).count(),
        "village_reviews_overdue": titles.filter(review_due__lt=today).count(),
        "advisers": advisers.filter(**current).count(),
        "adviser_services": AdviserServiceLog.objects.filter(
            **by_adviser, **_in_year("served_on", year)
        ).count(),
        "advisers_meeting_norms": len(met),
        "town_advisers": TownAdviser.objects.filter(**mine, **current).count(),
        "town_adviser_matters": TownAdviserMatter.objects.filter(
            **by_adviser, **_in_year("handled_on", year)
        ).count(),
        "by_target": dict(Counter(activities.values_list("target", flat=True))),
        "by_form": dict(Counter(activities.values_list("form", flat=True))),
        "by_law": dict(Counter(activities.values_list("laws__code", flat=True))),
    }


def compute(user: Any, code: str, year: int, month: int | None = None) -> reports.ModuleReport:
    unit = reports.report_unit(user=user, code=code)
    return reports.compute(SPEC, user=user, unit=unit, period=reports.Period(year, month))


def test_every_figure_is_the_direct_count(city_officer, ledger):
    for code in CODES:
        for year in YEARS:
            # given
            want = expected(code, year)
            # when
            report = compute(city_officer, code, year)
            # then
            where = f"{code} {year}"
            assert set(want) >= set(SPEC.figures)
            for key in SPEC.figures:
                assert report.figures[key] == want[key], f"{where} {key}"
            for name in SPEC.breakdowns:
                assert report.breakdowns[name] == want[name], f"{where} {name}"
            served = want["villages_served"]
            coverage = round(want["villages_at_target"] / served, 4) if served else 0.0
            assert report.rates["literate_coverage"] == coverage, where


def test_the_ledger_is_not_empty_where_it_matters(city_officer, ledger):
    # when
    city = compute(city_officer, "610100", 2024)
    xiyilu = compute(city_officer, XIYILU, 2024)
    # then
    assert city.figures["activities"] == 3
    assert city.figures["participants"] == 100 + 80 + 7
    assert city.breakdowns["by_target"] == {"SCHOOLS": 1, "COMMUNITIES": 2}
    assert xiyilu.figures["literates_appointed"] == 3
    assert xiyilu.figures["villages_at_target"] >= 1
    assert xiyilu.figures["adviser_services"] == 2
    assert xiyilu.figures["town_adviser_matters"] == 1
    assert city.figures["advisers"] == 1  # the 韦曲 contract runs now
    assert city.figures["villages_named"] == 1
    assert [row.code for row in city.by_unit] == ["610102", "610116"]
    assert [row.total for row in city.by_unit] == [2, 1]


def test_a_month_counts_only_that_month(city_officer, ledger):
    # when
    march = compute(city_officer, "610100", 2024, 3)
    # then
    assert march.figures["activities"] == 2
    assert march.figures["participants"] == 180
    assert march.figures["adviser_services"] == 0
    assert march.figures["legal_literates"] == 5  # a stock: the month does not apply


def test_an_office_sees_its_own_figures_only(office_clerk, other_clerk, district_reviewer, ledger):
    # when
    own = compute(office_clerk, XIYILU, 2024)
    other = compute(other_clerk, WEIQU, 2024)
    district = compute(district_reviewer, "610102", 2024)
    # then
    want = expected(XIYILU, 2024)
    assert own.figures == {key: want[key] for key in SPEC.figures}
    assert other.figures["activities"] == 1
    assert district.figures["activities"] == own.figures["activities"]
    for user, code in ((office_clerk, WEIQU), (other_clerk, XIYILU), (district_reviewer, "610116")):
        with pytest.raises(Http404):
            reports.report_unit(user=user, code=code)


def test_a_district_is_the_sum_of_its_offices(city_officer, ledger):
    city = compute(city_officer, "610100", 2024)
    districts = [compute(city_officer, row.code, 2024) for row in city.by_unit]
    for key in ("activities", "participants", "literates_appointed", "adviser_services"):
        assert sum(d.figures[key] for d in districts) == city.figures[key], key


@REGISTERED
def test_the_api_answers_every_key(client_for, city_officer, office_clerk, ledger):
    # when
    response = client_for(city_officer).get(API, {"unit": "610102", "year": 2024})
    refused = client_for(office_clerk).get(API, {"unit": WEIQU, "year": 2024})
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    keys = {"unit", "unit_name", "year", "month", *SPEC.figures, *SPEC.rates, *SPEC.breakdowns}
    assert set(body) == keys | {"by_unit"}
    want = expected("610102", 2024)
    for key in SPEC.figures:
        value = body[key]
        assert (Decimal(value) if isinstance(value, str) else value) == want[key], key
    assert refused.status_code == 404


@REGISTERED
def test_the_endpoint_is_in_the_schema(client_for, city_officer):
    response = client_for(city_officer).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    text = response.content.decode()
    assert API in text
    for key in SPEC.figures:
        assert key in text
