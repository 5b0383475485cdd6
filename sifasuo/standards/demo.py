"""Demo data of the six-good standard, through the services (actor None), idempotent.

Runs after ``offices.demo`` made the 2022–2024 returns: the city's 2022 acceptance of the
third batch (第三批, 44 offices), and the 2024 campaign over every office with a realistic
spread of states (some accepted, some at the district or the city, some returned, many
drafts); the failed indicators of each submission open rectifications, some of which are in
hand or verified; 2–4 demonstration units in most districts, one district with only one so
that the page shows its warning. Offices without a return of the year are left alone. A
second run adds nothing.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifasuo.core.calendar import add_working_days
from sifasuo.core.errors import ApplicationError
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.standards import services
from sifasuo.standards.checks import run_checks, with_check_data
from sifasuo.standards.choices import (
    AssessmentStatus,
    RectificationStatus,
    RuleType,
    ScoringMethod,
)
from sifasuo.standards.models import (
    Assessment,
    AssessmentItem,
    Campaign,
    DemonstrationUnit,
    Framework,
    Rectification,
)

CAMPAIGN_2024 = "2024年度“六好司法所”建设评价"
CAMPAIGN_2022 = "2022年度第三批“六好司法所”创建验收"
BATCH_SIZE = 44
ONE_DEMONSTRATION_DISTRICT = "610124"  # 周至县: shows the "fewer than 2" warning
CITY_RETURNED = "CITY_RETURNED"  # returned by the city after the district accepted
RETURN_COMMENT = "请补充“三会一课”会议记录和七项管理制度文本等台账资料后重新提交。"
CITY_RETURN_COMMENT = "业务用房面积与实地查看不符，请核实后重新提交。"


def _bucket(*parts: str) -> int:
    """A stable number 0–99 from text (the same office always lands in the same state)."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return int(digest[:8], 16) % 100


def _target(code: str) -> str:
    """The state an office's 2024 assessment is taken to."""
    n = _bucket("2024", code)
    if n < 22:
        return AssessmentStatus.ACCEPTED
    if n < 34:
        return AssessmentStatus.DISTRICT_ACCEPTED
    if n < 46:
        return AssessmentStatus.SUBMITTED
    if n < 52:
        return AssessmentStatus.RETURNED
    if n < 55:
        return CITY_RETURNED
    return AssessmentStatus.DRAFT


def _assess(items: list[AssessmentItem], code: str, *, share: int = 100) -> None:
    """Assess the manual items not assessed yet: most in full, some partly, a few not met."""
    manual = [i for i in items if i.indicator.rule_type == RuleType.MANUAL]
    for n, item in enumerate(manual):
        if item.manual_score is not None or n * 100 >= share * len(manual):
            continue
        indicator = item.indicator
        roll = _bucket(code, indicator.code)
        if indicator.scoring_method == ScoringMethod.DEDUCT_PER_MISSING and indicator.elements:
            missing = [indicator.elements[roll % len(indicator.elements)]] if roll < 18 else []
            services.item_assess(actor=None, item=item, missing_elements=missing)
            continue
        if roll < 8:
            score = Decimal("0")
        elif roll < 16 and indicator.scoring_method == ScoringMethod.PROPORTIONAL:
            score = (indicator.points / 2).quantize(Decimal("0.1"))
        else:
            score = indicator.points
        if indicator.scoring_method == ScoringMethod.ALL_OR_NOTHING and score not in (
            Decimal("0"),
            indicator.points,
        ):
            score = indicator.points
        note = "台账资料齐全，详见附件。" if roll % 5 == 0 and score == indicator.points else ""
        services.item_assess(actor=None, item=item, score=score, note=note)


def _take_to(assessment: Assessment, target: str, submitted_on: date) -> None:
    """Submit ``assessment`` and take it through the steps to ``target``."""
    code = assessment.unit.code
    items = list(assessment.items.select_related("indicator"))
    _assess(items, code)
    comment = "已按评价指标逐项自评，请审核。"
    services.assessment_submit(
        actor=None, assessment=assessment, comment=comment, today=submitted_on
    )
    if target == AssessmentStatus.SUBMITTED:
        return
    district_day = add_working_days(submitted_on, 3 + _bucket("district", code) % 5)
    if target == AssessmentStatus.RETURNED:
        services.assessment_district_return(
            actor=None, assessment=assessment, comment=RETURN_COMMENT, today=district_day
        )
        return
    services.assessment_district_accept(
        actor=None, assessment=assessment, comment="经审核，同意报市局验收。", today=district_day
    )
    if target == AssessmentStatus.DISTRICT_ACCEPTED:
        return
    city_day = add_working_days(district_day, 2 + _bucket("city", code) % 6)
    if target == CITY_RETURNED:
        services.assessment_city_return(
            actor=None, assessment=assessment, comment=CITY_RETURN_COMMENT, today=city_day
        )
        return
    services.assessment_city_accept(
        actor=None, assessment=assessment, comment="验收通过。", today=city_day
    )


def _offices_with_return(year: int) -> set[int]:
    return set(OfficeReturn.objects.filter(year=year).values_list("unit_id", flat=True))


def _campaign(
    framework: Framework, year: int, name: str, due_on: date, opened_on: date, **kwargs: Any
) -> tuple[Campaign, bool]:
    found = Campaign.objects.filter(year=year, name=name).first()
    if found is not None:
        return found, False
    campaign = services.campaign_open(
        actor=None,
        framework=framework,
        year=year,
        name=name,
        due_on=due_on,
        opened_on=opened_on,
        **kwargs,
    )
    return campaign, True


def _untouched(campaign: Campaign, offices: set[int]) -> list[Assessment]:
    """Drafts never submitted, of offices with a return (the ones the demo may still move)."""
    return list(
        Assessment.objects.filter(
            campaign=campaign, status=AssessmentStatus.DRAFT, unit__in=offices, events__isnull=True
        )
        .select_related("unit", "campaign", "campaign__framework")
        .order_by("unit__code")
    )


def _batch_2022(counts: dict[str, int]) -> Campaign | None:
    framework = Framework.objects.filter(year=2022, is_active=True).first()
    with_return = _offices_with_return(2022)
    if framework is None or not with_return:
        return None
    existing = Campaign.objects.filter(year=2022, name=CAMPAIGN_2022).first()
    if existing is not None:
        return existing
    candidates = Unit.objects.filter(pk__in=with_return).order_by("code")
    batch = sorted(candidates, key=lambda u: (_bucket("batch3", u.code), u.code))[:BATCH_SIZE]
    campaign, created = _campaign(
        framework,
        2022,
        CAMPAIGN_2022,
        date(2022, 11, 30),
        date(2022, 9, 1),
        offices=sorted(batch, key=lambda u: u.path),
        batch="第三批",
    )
    counts["campaigns"] += created
    for n, assessment in enumerate(_untouched(campaign, with_return)):
        submitted_on = add_working_days(date(2022, 11, 1), n % 15)
        _take_to(assessment, AssessmentStatus.ACCEPTED, submitted_on)
        counts["accepted"] += 1
    return campaign


def _campaign_2024(counts: dict[str, int]) -> Campaign | None:
    framework = Framework.objects.filter(year=2024, is_active=True).first()
    if framework is None:
        return None
    campaign, created = _campaign(
        framework, 2024, CAMPAIGN_2024, date(2024, 12, 20), date(2024, 11, 1)
    )
    counts["campaigns"] += created
    with_return = _offices_with_return(2024)
    for assessment in _untouched(campaign, with_return):
        code = assessment.unit.code
        target = _target(code)
        if target == AssessmentStatus.DRAFT:
            # A draft half done: some manual items assessed, the rest still open.
            if _bucket("draft", code) < 60:
                _assess(list(assessment.items.select_related("indicator")), code, share=50)
            continue
        submitted_on = add_working_days(date(2024, 12, 2), _bucket("submit", code) % 12)
        _take_to(assessment, target, submitted_on)
        counts["returned" if target == CITY_RETURNED else target.lower()] += 1
    return campaign


def _rectifications(campaign: Campaign, counts: dict[str, int], *, settled: bool = False) -> None:
    """Offices at work on rectifications; the district verified those done.

    ``settled``: a past campaign whose problems were fixed where the later returns show it.
    """
    today = timezone.localdate()
    opened = (
        Rectification.objects.filter(
            assessment__campaign=campaign, status=RectificationStatus.OPEN, measure=""
        )
        .select_related("indicator", "unit", "assessment", "assessment__campaign")
        .order_by("unit__code", "indicator__code")
    )
    year = campaign.year
    for rectification in opened:
        roll = _bucket("rectify", rectification.unit.code, rectification.indicator.code)
        if not settled and roll >= 70:
            continue  # not started yet
        due = today + timedelta(days=15 + roll) if not settled and roll < 45 else None
        services.rectification_update(
            actor=None,
            rectification=rectification,
            measure=f"针对“{rectification.indicator.content[:24]}”制定整改方案，明确专人负责，限期完成。",
            owner="所长",
            due_on=due or rectification.due_on,
        )
        services.rectification_start(actor=None, rectification=rectification)
        counts["rectifications_in_hand"] += 1
        if not settled and (rectification.indicator.rule_type != RuleType.MANUAL or roll >= 30):
            continue
        try:
            services.rectification_done(
                actor=None, rectification=rectification, today=date(year + 1, 3, 1)
            )
        except ApplicationError:
            continue  # the check still fails on the latest return
        if settled or roll < 15:
            services.rectification_verify(
                actor=None,
                rectification=rectification,
                note="经实地核查，整改到位。",
                today=date(year + 1, 3, 10),
            )


def _all_nine(offices: set[int], year: int) -> set[int]:
    returns = with_check_data(OfficeReturn.objects.filter(year=year, unit__in=offices))
    return {r.unit_id for r in returns if all(c.passed for c in run_checks(r))}


def _demonstrations(counts: dict[str, int]) -> None:
    year = 2024
    if DemonstrationUnit.objects.filter(year=year).exists():
        return
    with_return = _offices_with_return(year)
    best = _all_nine(with_return, year)
    bureaus = Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.DEVZONE]).order_by("code")
    offices = list(Unit.objects.filter(kind=UnitKind.OFFICE, pk__in=with_return).order_by("code"))
    for bureau in bureaus:
        mine = [o for o in offices if o.path.startswith(bureau.path)]
        mine.sort(key=lambda o: (o.pk not in best, _bucket("demo", o.code), o.code))
        wanted = 1 if bureau.code == ONE_DEMONSTRATION_DISTRICT else 2 + _bucket(bureau.code) % 3
        for office in mine[:wanted]:
            services.demonstration_designate(
                actor=None, office=office, year=year, note="规范化建设成效突出，示范引领作用明显。"
            )
            counts["demonstration_units"] += 1


@transaction.atomic
def create_demo_standards() -> dict[str, int]:
    """Create the standards demo records; return how many of each were made."""
    counts = {
        "campaigns": 0,
        "submitted": 0,
        "district_accepted": 0,
        "returned": 0,
        "accepted": 0,
        "rectifications_in_hand": 0,
        "demonstration_units": 0,
    }
    batch = _batch_2022(counts)
    if batch is not None:
        _rectifications(batch, counts, settled=True)
    campaign = _campaign_2024(counts)
    if campaign is not None:
        _rectifications(campaign, counts)
    _demonstrations(counts)
    return counts
