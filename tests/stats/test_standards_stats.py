"""The standardisation report agrees with a direct count of the assessments and rectifications.

The documented rule (``sifasuo/standards/measures.py``): an assessment counts under its
office in the period its campaign was opened; an indicator fails when its frozen result on
submission failed; rectifications open and overdue are counted now; a demonstration unit
counts in the periods of the year it was designated for.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Avg, Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from sifasuo.orgs.models import Unit
from sifasuo.standards import services
from sifasuo.standards.models import (
    Assessment,
    AssessmentItem,
    Campaign,
    DemonstrationUnit,
    GradeBand,
    Rectification,
)
from sifasuo.stats import reports
from sifasuo.stats.specs.standards import SPEC
from tests.standards import factories

pytestmark = pytest.mark.django_db

XIYILU, WEIQU = "610102001", "610116001"
YEARS = (2023, 2024)
CODES = ("610100", "610102", XIYILU, "610116", WEIQU)
API = "/api/v1/stats/standards/"
REGISTERED = pytest.mark.skipif(
    "standards" not in reports.REPORTS,
    reason="the API route appears once stats.specs.SPECS lists the standards report",
)


def _campaign(year: int, codes: list[str]) -> Campaign:
    return factories.open_campaign(codes, year=year, name=f"{year}年度评价（统计测试）")


def _submit(campaign: Campaign, code: str, *, manual_fail: str = "") -> Assessment:
    assessment = factories.assessment_of(campaign, code)
    factories.assess_manual(assessment)
    if manual_fail:
        item = assessment.items.select_related("indicator", "assessment").get(
            indicator__code=manual_fail
        )
        services.item_assess(actor=None, item=item, score=Decimal("0"))
    return services.assessment_submit(
        actor=None, assessment=assessment, today=date(campaign.year, 12, 2)
    )


@pytest.fixture
def ledger() -> dict[str, Any]:
    """Two offices in two districts, two years of campaigns, rectifications, 示范 units."""
    # 2023: 西一路 passes everything it can; 韦曲 stays a draft
    factories.passing_return(XIYILU, 2023)
    campaign_2023 = _campaign(2023, [XIYILU, WEIQU])
    xiyilu_2023 = _submit(campaign_2023, XIYILU)
    # 2024: 西一路 fails the area check and one manual item; 韦曲 passes
    factories.passing_return(XIYILU, 2024, business_area=Decimal("100.0"))
    factories.passing_return(WEIQU, 2024)
    campaign_2024 = _campaign(2024, [XIYILU, WEIQU])
    xiyilu_2024 = _submit(campaign_2024, XIYILU, manual_fail="ROTATION")
    weiqu_2024 = _submit(campaign_2024, WEIQU)
    services.assessment_district_accept(actor=None, assessment=weiqu_2024, today=date(2024, 12, 10))
    services.assessment_city_accept(actor=None, assessment=weiqu_2024, today=date(2024, 12, 15))
    # the manual item's rectification is done and verified; the others stay open (overdue)
    rotation = Rectification.objects.get(assessment=xiyilu_2024, indicator__code="ROTATION")
    services.rectification_update(
        actor=None,
        rectification=rotation,
        measure="制定轮岗计划",
        owner="所长",
        due_on=rotation.due_on,
    )
    rotation = services.rectification_done(
        actor=None, rectification=rotation, today=date(2025, 1, 10)
    )
    services.rectification_verify(actor=None, rectification=rotation, today=date(2025, 1, 20))
    services.demonstration_designate(actor=None, office=factories.office(WEIQU), year=2024)
    services.demonstration_designate(actor=None, office=factories.office(XIYILU), year=2023)
    return {"2023": xiyilu_2023, "xiyilu_2024": xiyilu_2024, "weiqu_2024": weiqu_2024}


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _in_year(field: str, year: int) -> dict[str, date]:
    return {f"{field}__gte": date(year, 1, 1), f"{field}__lt": date(year + 1, 1, 1)}


def expected(code: str, year: int) -> dict[str, Any]:
    """The documented rule, counted directly from the tables."""
    path = _unit(code).path
    today = timezone.localdate()
    assessments = Assessment.objects.filter(
        unit__path__startswith=path, **_in_year("campaign__opened_on", year)
    )
    submitted = assessments.filter(status__in=["SUBMITTED", "DISTRICT_ACCEPTED", "ACCEPTED"])
    bands = GradeBand.objects.filter(framework=OuterRef("campaign__framework"))
    meeting = submitted.filter(Exists(bands.filter(min_score__lte=OuterRef("submitted_score"))))
    top = [
        a
        for a in submitted.select_related("campaign__framework")
        if a.submitted_score >= max(b.min_score for b in a.campaign.framework.grade_bands.all())
    ]
    failed = AssessmentItem.objects.filter(
        assessment__unit__path__startswith=path,
        frozen_passed=False,
        **_in_year("assessment__campaign__opened_on", year),
    )
    rectifications = Rectification.objects.filter(unit__path__startswith=path)
    average = submitted.aggregate(a=Avg("submitted_score"))["a"]
    return {
        "assessments": assessments.count(),
        "submitted": submitted.count(),
        "accepted": assessments.filter(status="ACCEPTED").count(),
        "returned": assessments.filter(status="RETURNED").count(),
        "assessments_overdue": assessments.exclude(status="ACCEPTED")
        .filter(due_on__lt=today)
        .count(),
        "meeting_standard": meeting.count(),
        "top_grade": len(top),
        "failed_items": failed.count(),
        "by_indicator": dict(Counter(failed.values_list("indicator__code", flat=True))),
        "rectifications_opened": rectifications.filter(
            **_in_year("assessment__campaign__opened_on", year)
        ).count(),
        "rectifications_verified": rectifications.filter(
            status="VERIFIED", **_in_year("verified_on", year)
        ).count(),
        "rectifications_open": rectifications.exclude(status="VERIFIED").count(),
        "rectifications_overdue": rectifications.filter(
            status__in=["OPEN", "IN_PROGRESS"], due_on__lt=today
        ).count(),
        "demonstration_units": DemonstrationUnit.objects.filter(
            office__path__startswith=path, year=year
        ).count(),
        "average_score": round(float(average), 4) if average is not None else 0.0,
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
            for key in SPEC.figures:
                if key in want:
                    assert report.figures[key] == want[key], f"{where} {key}"
            assert report.breakdowns["by_indicator"] == want["by_indicator"], where
            assert report.rates["average_score"] == want["average_score"], where
            assert sum(report.breakdowns["by_rule"].values()) == want["failed_items"], where
            assert sum(report.breakdowns["by_dimension"].values()) == want["failed_items"]


def test_the_ledger_is_not_empty_where_it_matters(city_officer, ledger):
    # when
    city_2024 = compute(city_officer, "610100", 2024)
    xiyilu_2024 = compute(city_officer, XIYILU, 2024)
    city_2023 = compute(city_officer, "610100", 2023)
    # then
    figures = city_2024.figures
    assert figures["assessments"] == 2
    assert figures["submitted"] == 2
    assert figures["accepted"] == 1
    assert figures["demonstration_units"] == 1
    assert figures["rectifications_verified"] == 0  # verified in 2025
    assert xiyilu_2024.breakdowns["by_indicator"]["PREMISES_AREA"] == 1
    assert xiyilu_2024.breakdowns["by_indicator"]["ROTATION"] == 1
    assert xiyilu_2024.figures["rectifications_open"] >= 1
    assert xiyilu_2024.figures["rectifications_overdue"] >= 1
    weiqu = ledger["weiqu_2024"]
    weiqu.refresh_from_db()
    assert Decimal(str(figures["score_total"])) == (
        ledger["xiyilu_2024"].submitted_score + weiqu.submitted_score
    )
    assert city_2023.figures["assessments"] == 2
    assert city_2023.figures["submitted"] == 1
    assert city_2023.figures["demonstration_units"] == 1
    assert compute(city_officer, "610100", 2025).figures["rectifications_verified"] == 1


def test_a_month_counts_only_that_month(city_officer, ledger):
    # when: the campaigns were opened in November
    november = compute(city_officer, "610100", 2024, 11)
    march = compute(city_officer, "610100", 2024, 3)
    # then: the designation of 2024 stands in every month of 2024
    assert november.figures["assessments"] == 2
    assert march.figures["assessments"] == 0
    assert march.figures["failed_items"] == 0
    assert march.figures["demonstration_units"] == 1


def test_a_district_is_the_sum_of_its_offices(city_officer, ledger):
    # when
    city = compute(city_officer, "610100", 2024)
    # then
    assert [row.code for row in city.by_unit] == ["610102", "610116"]
    assert sum(row.total for row in city.by_unit) == city.figures["meeting_standard"]
    districts = [compute(city_officer, row.code, 2024) for row in city.by_unit]
    for key in ("assessments", "submitted", "failed_items", "rectifications_open"):
        assert sum(d.figures[key] for d in districts) == city.figures[key], key


def test_an_office_sees_its_own_figures_only(office_clerk, district_reviewer, ledger):
    # when
    own = compute(office_clerk, XIYILU, 2024)
    district = compute(district_reviewer, "610102", 2024)
    # then
    assert own.figures == {k: expected(XIYILU, 2024).get(k, v) for k, v in own.figures.items()}
    assert district.figures["assessments"] == own.figures["assessments"]
    with pytest.raises(Http404):
        reports.report_unit(user=office_clerk, code=WEIQU)
    with pytest.raises(Http404):
        reports.report_unit(user=district_reviewer, code="610116")
    # the office's own unit is the default, and a clerk's city figure is out of scope
    assert reports.report_unit(user=office_clerk, code="").code == XIYILU
    with pytest.raises(Http404):
        reports.report_unit(user=office_clerk, code="610100")


def test_every_measure_drills_down_to_as_many_records(city_officer, ledger):
    # given
    report = compute(city_officer, "610100", 2024)
    period = reports.Period(2024)
    city = _unit("610100")
    # then: each counted figure is the count of its records list
    for key in SPEC.figures:
        measure = SPEC.measure(key)
        if measure.sum_field:
            continue
        records = measure.queryset(city_officer, unit=city, start=period.start, end=period.end)
        assert records.count() == report.figures[key], key


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
        if key in want:
            assert body[key] == want[key], key
    assert refused.status_code == 404


@REGISTERED
def test_the_endpoint_is_in_the_schema(client_for, city_officer):
    # when
    response = client_for(city_officer).get("/api/schema/", {"format": "json"})
    # then
    assert response.status_code == 200
    schema = response.json() if "json" in response["Content-Type"] else None
    text = response.content.decode()
    assert API in text
    if schema is not None:
        assert API in schema["paths"]
    for key in SPEC.figures:
        assert key in text
