"""Scoring an office's return against a framework: methods, manual items, figures, totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sifasuo.offices import services as office_services
from sifasuo.offices.models import OfficeReturn
from sifasuo.staff import services as staff_services
from sifasuo.staff.choices import Establishment
from sifasuo.standards import scoring
from sifasuo.standards.checks import CHECK_CODES, with_check_data
from sifasuo.standards.choices import RuleType, ScoringMethod
from sifasuo.standards.models import AssessmentItem, Framework, Indicator
from tests.mediation import factories as mediation_factories
from tests.standards import factories as f

D = Decimal


def table(year: int = 2024) -> scoring.FrameworkTable:
    return scoring.load_framework(f.framework(year))


def fresh(office_return: OfficeReturn) -> OfficeReturn:
    return with_check_data(OfficeReturn.objects.filter(pk=office_return.pk)).get()


def manual_items(t: scoring.FrameworkTable, *, full: bool = True) -> dict[int, AssessmentItem]:
    """Unsaved items scoring every manual indicator in full (or 0)."""
    return {
        i.pk: AssessmentItem(indicator=i, manual_score=i.points if full else D("0"))
        for i in t.indicators
        if i.rule_type == RuleType.MANUAL
    }


def full_rate(t: scoring.FrameworkTable) -> dict[int, scoring.MeasureValue]:
    return {i.pk: scoring.MeasureValue(D("19"), D("20")) for i in t.measure_indicators}


def points_of(card: scoring.ScoreCard, code: str) -> Decimal:
    result = card.result_for(code)
    assert result is not None
    return result.score


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_the_seeded_frameworks_score_out_of_100_with_the_nine_checks(demo, year):
    # when
    t = table(year)
    # then: 100 points, each dimension's budget is the sum of its indicators, nine checks
    assert t.total_points == D("100")
    for dimension in t.dimensions:
        assert dimension.points == sum(
            i.points for i in t.indicators if i.dimension_id == dimension.pk
        )
    assert [d.name for d in t.dimensions] == [
        "组织机构建设好",
        "人员队伍发展好",
        "体制机制完善好",
        "基础设施配备好",
        "经费保障落实好",
        "职能作用发挥好",
    ]
    assert sorted(i.check_code for i in t.indicators if i.rule_type == RuleType.AUTO) == sorted(
        CHECK_CODES
    )
    (rate,) = t.measure_indicators
    assert (rate.measure_code, rate.denominator_code) == (
        "mediation.succeeded",
        "mediation.accepted",
    )
    assert t.framework.milestone.startswith(str(year))


def test_a_complete_office_scores_100_and_reaches_the_top_grade(demo):
    # given
    t = table()
    office_return = fresh(f.passing_return())
    # when
    card = scoring.score(t, office_return, manual=manual_items(t), measures=full_rate(t))
    # then
    assert card.all_checks_passed
    assert card.total == D("100")
    assert card.grade is not None
    assert card.grade.name == "示范"
    assert sum(card.by_dimension.values()) == D("100")


def test_without_a_return_or_assessment_the_score_is_0(demo):
    # when
    card = scoring.score(table(), None)
    # then
    assert card.total == D("0")
    assert not card.all_checks_passed
    assert card.checks_passed == 0
    assert card.grade is None


@pytest.mark.parametrize(("area", "points"), [("119.9", D("0")), ("120", D("6"))])
def test_all_or_nothing_gives_the_points_only_when_the_check_passes(demo, area, points):
    # given
    office_return = fresh(f.passing_return(business_area=D(area)))
    # when
    card = scoring.score(table(), office_return)
    # then
    assert points_of(card, "PREMISES_AREA") == points


@pytest.mark.parametrize(("missing", "points"), [(0, D("7")), (2, D("5")), (7, D("0"))])
def test_deduct_per_missing_room_takes_1_point_a_room(demo, missing, points):
    # given
    office_return = fresh(f.passing_return(rooms_missing=missing))
    # when
    card = scoring.score(table(), office_return)
    # then
    assert points_of(card, "PREMISES_ROOMS") == points


def test_deduct_per_missing_funding_category(demo):
    # given: two of the five categories unfunded
    office_return = fresh(f.passing_return(funding_public=D("0"), funding_infrastructure=D("0")))
    # when
    card = scoring.score(table(), office_return)
    # then
    assert points_of(card, "FUNDING") == D("3")


def test_a_failed_count_check_deducts_at_least_one_element(demo):
    # given: a quota of 0 fails STAFF_FULL although nobody is "missing"
    office_return = fresh(f.passing_return(establishment_quota=0))
    t = table()
    staff_full = next(i for i in t.indicators if i.code == "STAFF_FULL")
    staff_full.scoring_method = ScoringMethod.DEDUCT_PER_MISSING
    staff_full.deduct_points = D("2")
    # when
    card = scoring.score(t, office_return)
    # then
    assert points_of(card, "STAFF_FULL") == D("6")


def test_proportional_training_scores_the_share_of_staff_trained(demo):
    # given: two staff on post, one of them trained 12 days
    office_return = f.passing_return()
    staff_services.staff_add(
        actor=None,
        office_return=office_return,
        row=staff_services.StaffInput(
            person=f.person(office_return.unit, "未培训"),
            establishment=Establishment.CONTRACT,
            on_post_on=date(2021, 1, 1),
        ),
    )
    # when
    card = scoring.score(table(), fresh(office_return))
    # then: 6 points × 1/2
    assert points_of(card, "STAFF_TRAINING") == D("3.0")


def test_manual_items_count_only_once_assessed(demo):
    # given
    t = table()
    office_return = fresh(f.passing_return())
    systems = next(i for i in t.indicators if i.code == "SYSTEMS")
    # when
    before = scoring.score(t, office_return)
    after = scoring.score(
        t,
        office_return,
        manual={systems.pk: AssessmentItem(indicator=systems, manual_score=D("5"))},
    )
    # then
    result = before.result_for("SYSTEMS")
    assert result is not None
    assert not result.assessed
    assert result.score == D("0")
    assert points_of(after, "SYSTEMS") == D("5")
    assert after.total - before.total == D("5")
    assert before.total == D("46")  # the nine checks' points only


@pytest.mark.parametrize(
    ("succeeded", "accepted", "points", "passed"),
    [(19, 20, D("6"), True), (10, 20, D("3.2"), False), (0, 20, D("0"), False)],
)
def test_the_success_rate_is_scored_in_proportion_to_its_target(
    demo, succeeded, accepted, points, passed
):
    # given
    t = table()
    (rate,) = t.measure_indicators
    figures = {rate.pk: scoring.MeasureValue(D(succeeded), D(accepted))}
    # when
    card = scoring.score(t, None, measures=figures)
    # then
    result = card.result_for("MEDIATION_SUCCESS")
    assert result is not None
    assert (result.score, result.passed) == (points, passed)
    assert result.threshold == D("0.95")


def test_no_case_gives_no_rate_and_no_points(demo):
    # given
    t = table()
    (rate,) = t.measure_indicators
    # when
    card = scoring.score(t, None, measures={rate.pk: scoring.MeasureValue(D("0"), D("0"))})
    # then
    result = card.result_for("MEDIATION_SUCCESS")
    assert result is not None
    assert result.value is None
    assert result.score == D("0")
    assert not result.passed


def test_figures_come_from_the_registry_for_the_office_and_the_year(demo, city_officer):
    # given: at 西一路's committee in 2024, one agreement of two accepted cases; one in 2023
    mediation_factories.agreed(received_on=date(2024, 4, 1))
    mediation_factories.failed(received_on=date(2024, 5, 1))
    mediation_factories.agreed(received_on=date(2023, 5, 1))
    office, other = f.office(), f.office("610116001")
    t = table()
    (rate,) = t.measure_indicators
    # when
    figures = scoring.measure_values(t, [office, other], 2024, city_officer)
    system = scoring.measure_values(t, [office], 2024, None)
    # then
    assert figures[office.pk][rate.pk] == scoring.MeasureValue(D("1"), D("2"))
    assert figures[other.pk][rate.pk] == scoring.MeasureValue(D("0"), D("0"))
    assert system[office.pk][rate.pk].value == D("0.5")


def test_an_unregistered_measure_is_reported_not_counted(demo, city_officer):
    # given
    t = table()
    (rate,) = t.measure_indicators
    rate.measure_code = "nowhere.figure"
    # when
    figures = scoring.measure_values(t, [f.office()], 2024, city_officer)
    card = scoring.score(t, None, measures=figures[f.office().pk])
    # then
    result = card.result_for("MEDIATION_SUCCESS")
    assert result is not None
    assert "nowhere.figure" in result.explanation
    assert result.score == D("0")


@pytest.mark.parametrize(("total", "grade"), [("79.9", None), ("80", "达标"), ("90", "示范")])
def test_grade_bands(demo, total, grade):
    # when
    band = table().grade(D(total))
    # then
    assert (band.name if band else None) == grade


def test_thresholds_are_per_framework(demo):
    # given: a city whose table asks for 100 m² only
    framework = f.framework()
    framework.thresholds = {**framework.thresholds, "min_area": "100"}
    office_return = fresh(f.passing_return(business_area=D("110")))
    # when
    card = scoring.score(scoring.load_framework(framework), office_return)
    # then
    assert points_of(card, "PREMISES_AREA") == D("6")
    assert scoring.score(table(), office_return).result_for("PREMISES_AREA").score == D("0")  # type: ignore[union-attr]


def test_the_api_lists_the_nine_checks_first(demo):
    # given
    card = scoring.score(table(), fresh(f.passing_return()))
    # when
    rows = scoring.score_dict(card)
    # then
    assert [r["code"] for r in rows[:9]] == list(CHECK_CODES)
    assert len(rows) == len({r["code"] for r in rows}) == 9 + 16  # 16 non-automatic items


def test_an_indicator_must_name_what_it_is_computed_from(demo):
    # given
    framework = Framework.objects.get(year=2024)
    dimension = framework.dimensions.first()
    auto = Indicator(
        framework=framework,
        dimension=dimension,
        code="X1",
        content="x",
        points=D("1"),
        rule_type=RuleType.AUTO,
        evidence_method="AUTO",
    )
    manual = Indicator(
        framework=framework,
        dimension=dimension,
        code="X2",
        content="x",
        points=D("2"),
        rule_type=RuleType.MANUAL,
        scoring_method=ScoringMethod.DEDUCT_PER_MISSING,
        deduct_points=D("1"),
        evidence_method="LEDGER",
    )
    # when / then
    with pytest.raises(ValidationError) as auto_error:
        auto.full_clean()
    assert "check_code" in auto_error.value.message_dict
    with pytest.raises(ValidationError) as manual_error:
        manual.full_clean()
    assert "elements" in manual_error.value.message_dict


def test_a_return_update_changes_the_score(demo):
    # given: re-scoring when the data changes
    office_return = f.passing_return(business_area=D("100"))
    before = scoring.score(table(), fresh(office_return)).total
    # when
    office_services.return_update(actor=None, office_return=office_return, business_area=D("130"))
    after = scoring.score(table(), fresh(office_return)).total
    # then
    assert after - before == D("6")
