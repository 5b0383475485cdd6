"""Reads of the six-good standard, always through scope, in a fixed number of queries.

The league table, the compliance API and the assessment page score offices with
``scoring``: returns are loaded with ``checks.with_check_data``, the framework once, the
assessment items and the demonstration units in one query each, the registry figures in
one grouped query per measure code — however many offices are shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch

from sifasuo.core.models import Attachment
from sifasuo.core.scope import get_for_user
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.standards import scoring
from sifasuo.standards.checks import Thresholds, run_checks, with_check_data
from sifasuo.standards.models import (
    Assessment,
    AssessmentItem,
    Campaign,
    DemonstrationUnit,
    Framework,
    Rectification,
)

PLAN_YEARS = (2022, 2023, 2024)
COVERAGE_DAY = date(2022, 12, 31)  # plan 二.18: remote visitation and video conferencing
DEMONSTRATION_MIN, DEMONSTRATION_MAX = 2, 4  # plan 一.(二) 2024: 2—4 per district


def safe_url(obj: Any) -> str:
    """The record's page, or "" while the page that shows it does not exist yet."""
    if obj is None:
        return ""
    try:
        return str(obj.get_absolute_url())
    except NoReverseMatch:
        return ""


# Frameworks --------------------------------------------------------------------------------


def framework_for_year(year: int) -> Framework | None:
    """The active framework of ``year``; else the latest before it; else the earliest after."""
    active = Framework.objects.filter(is_active=True)
    return (
        active.filter(year__lte=year).order_by("-year", "-version").first()
        or active.order_by("year", "-version").first()
    )


def framework_list() -> QuerySet[Framework]:
    """Every framework, newest first."""
    return Framework.objects.select_related("issuing_unit").order_by("-year", "-version")


def framework_get(*, year: int | None, version: int | None = None) -> Framework | None:
    """One framework by year (and version; else the active one of the year)."""
    if year is None:
        return framework_list().filter(is_active=True).first()
    qs = Framework.objects.filter(year=year)
    if version is not None:
        return qs.filter(version=version).first()
    return qs.order_by("-is_active", "-version").first()


# Campaigns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignRow:
    """A campaign with the counts of the assessments the user sees, by status."""

    campaign: Campaign
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def campaign_list(*, user: Any, year: int | None = None) -> QuerySet[Campaign]:
    """Campaigns in scope: the city's, and those shared with the user's offices."""
    qs = Campaign.objects.visible_to(user).select_related("framework")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-opened_on", "-pk")


def campaign_rows(*, user: Any, campaigns: Sequence[Campaign]) -> list[CampaignRow]:
    """Per campaign, the assessments the user sees counted by status (one query)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Assessment.objects.visible_to(user)
        .filter(campaign__in=[c.pk for c in campaigns])
        .order_by()
        .values_list("campaign_id", "status")
        .annotate(n=Count("pk"))
    )
    for campaign_id, status, n in rows:
        counts[campaign_id][status] = n
    return [CampaignRow(c, counts.get(c.pk, {})) for c in campaigns]


def campaign_for_user(*, user: Any, public_id: Any) -> Campaign:
    """One campaign: 404 alike for missing and out of scope."""
    return get_for_user(
        Campaign.objects.select_related("framework"), user, "view", public_id=public_id
    )


def campaign_assessments(
    *, user: Any, campaign: Campaign, status: str = "", district: str = ""
) -> QuerySet[Assessment]:
    """The assessments of a campaign the user sees, by office."""
    qs = (
        Assessment.objects.visible_to(user)
        .filter(campaign=campaign)
        .select_related("unit", "unit__parent")
    )
    if status:
        qs = qs.filter(status=status)
    if district:
        bureau = unit_for_user(user=user, code=district)
        qs = qs.filter(unit__path__startswith=bureau.path)
    return qs.order_by("unit__path")


# One assessment ----------------------------------------------------------------------------


def assessment_for_user(*, user: Any, public_id: Any, action: str = "view") -> Assessment:
    """One assessment: 404 alike for missing and out of scope, 403 without the right."""
    return get_for_user(
        Assessment.objects.select_related(
            "campaign", "campaign__framework", "unit", "unit__parent"
        ),
        user,
        action,
        public_id=public_id,
    )


def item_for_user(*, user: Any, public_id: Any) -> AssessmentItem:
    """One assessment item: 404 alike for missing and out of scope."""
    return get_for_user(
        AssessmentItem.objects.select_related(
            "assessment",
            "assessment__unit",
            "assessment__campaign",
            "assessment__campaign__framework",
            "indicator",
        ),
        user,
        "view",
        public_id=public_id,
    )


@dataclass(frozen=True)
class ItemRow:
    """An indicator's line on the assessment page: live result, frozen result, evidence."""

    item: AssessmentItem
    live: scoring.IndicatorResult
    evidence: list[Attachment]

    @property
    def changed_since_submission(self) -> bool:
        return self.item.frozen_passed is not None and self.item.frozen_passed != self.live.passed


@dataclass(frozen=True)
class AssessmentOverview:
    """Everything the assessment page and its PDF show."""

    assessment: Assessment
    card: scoring.ScoreCard
    dimensions: list[tuple[Any, Decimal, Decimal | None, list[ItemRow]]]
    events: list[Any]
    rectifications: list[Rectification]

    @property
    def frozen_total(self) -> Decimal | None:
        return self.assessment.submitted_score


def assessment_overview(*, assessment: Assessment, user: Any) -> AssessmentOverview:
    """Score the assessment live, side by side with what was frozen on submission."""
    items = list(assessment.items.select_related("indicator"))
    by_indicator = {i.indicator_id: i for i in items}
    table = scoring.load_framework(assessment.campaign.framework)
    office_return = (
        with_check_data(
            OfficeReturn.objects.filter(unit=assessment.unit_id, year=assessment.campaign.year)
        )
        .order_by()
        .first()
    )
    figures = scoring.measure_values(table, [assessment.unit], assessment.campaign.year, user)
    card = scoring.score(
        table, office_return, manual=by_indicator, measures=figures.get(assessment.unit_id)
    )
    files: dict[str, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(
        owner_type=AssessmentItem._meta.label_lower, owner_id__in=[str(i.pk) for i in items]
    ).order_by("created_at"):
        files[attachment.owner_id].append(attachment)
    dimensions = []
    for dimension, live_score, results in card.dimension_rows():
        rows = [
            ItemRow(
                by_indicator[r.indicator.pk], r, files.get(str(by_indicator[r.indicator.pk].pk), [])
            )
            for r in results
            if r.indicator.pk in by_indicator
        ]
        frozen = [row.item.frozen_score for row in rows if row.item.frozen_score is not None]
        dimensions.append(
            (dimension, live_score, sum(frozen, Decimal("0")) if frozen else None, rows)
        )
    events = list(assessment.events.select_related("created_by").order_by("created_at", "pk"))
    rectifications = list(
        assessment.rectifications.select_related("indicator").order_by("indicator__order", "pk")
    )
    return AssessmentOverview(assessment, card, dimensions, events, rectifications)


# Rectification ------------------------------------------------------------------------------


def rectification_list(*, user: Any, action: str = "view") -> QuerySet[Rectification]:
    """Rectifications in scope, with their office, indicator and campaign."""
    return (
        Rectification.objects.visible_to(user, action)
        .select_related("unit", "unit__parent", "indicator", "assessment", "assessment__campaign")
        .order_by("due_on", "pk")
    )


def rectification_for_user(*, user: Any, public_id: Any) -> Rectification:
    """One rectification: 404 alike for missing and out of scope."""
    return get_for_user(
        Rectification.objects.select_related(
            "unit",
            "unit__parent",
            "indicator",
            "assessment",
            "assessment__unit",
            "assessment__campaign",
            "assessment__campaign__framework",
        ),
        user,
        "view",
        public_id=public_id,
    )


def rectification_evidence(rectification: Rectification) -> QuerySet[Attachment]:
    """The evidence attached to a rectification."""
    return Attachment.objects.filter(
        owner_type=Rectification._meta.label_lower, owner_id=str(rectification.pk)
    ).order_by("created_at")


# Demonstration units ------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictDemonstrations:
    """A district's demonstration units of a year, and whether the count is out of 2–4."""

    bureau: Unit
    units: list[DemonstrationUnit]

    @property
    def count(self) -> int:
        return len(self.units)

    @property
    def too_few(self) -> bool:
        return self.count < DEMONSTRATION_MIN

    @property
    def too_many(self) -> bool:
        return self.count > DEMONSTRATION_MAX

    @property
    def warning(self) -> bool:
        return self.too_few or self.too_many


def bureaus_in_scope(user: Any) -> QuerySet[Unit]:
    """The district and development-zone bureaus the user sees."""
    return (
        Unit.objects.visible_to(user)
        .filter(kind__in=[UnitKind.DISTRICT, UnitKind.DEVZONE])
        .order_by("code")
    )


def demonstration_overview(*, user: Any, year: int) -> list[DistrictDemonstrations]:
    """Per district in scope, the year's demonstration units (two queries)."""
    bureaus = list(bureaus_in_scope(user))
    designated = (
        DemonstrationUnit.objects.visible_to(user)
        .filter(year=year)
        .select_related("office", "office__parent")
        .order_by("office__path")
    )
    by_bureau: dict[int, list[DemonstrationUnit]] = defaultdict(list)
    for unit in designated:
        bureau = next((b for b in bureaus if unit.office.path.startswith(b.path)), None)
        if bureau is not None:
            by_bureau[bureau.pk].append(unit)
    return [DistrictDemonstrations(b, by_bureau.get(b.pk, [])) for b in bureaus]


def demonstration_for_user(*, user: Any, public_id: Any) -> DemonstrationUnit:
    """One designation: 404 alike for missing and out of scope."""
    return get_for_user(
        DemonstrationUnit.objects.select_related("office"), user, "view", public_id=public_id
    )


# Scoring many offices ---------------------------------------------------------------------


def _latest_assessments(
    *, user: Any, offices: Iterable[int], year: int, framework: Framework, campaign: Campaign | None
) -> dict[int, Assessment]:
    """Per office, the assessment of its latest campaign of the year (items prefetched)."""
    qs = (
        Assessment.objects.visible_to(user)
        .filter(unit__in=list(offices), campaign__year=year, campaign__framework=framework)
        .select_related("campaign")
        .prefetch_related(Prefetch("items", queryset=AssessmentItem.objects.order_by()))
        .order_by("campaign__opened_on", "campaign_id")
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return {a.unit_id: a for a in qs}


def _manual_items(assessments: dict[int, Assessment]) -> dict[int, dict[int, AssessmentItem]]:
    return {
        office_id: {item.indicator_id: item for item in a.items.all()}
        for office_id, a in assessments.items()
    }


def compliance(*, user: Any, code: str, year: int | None) -> dict[str, Any]:
    """The compliance of an office in scope for a year (its latest return without a year).

    404 for an office out of scope or unknown, or without a return that year.
    """
    office = unit_for_user(user=user, code=code)
    if office.kind != UnitKind.OFFICE:
        raise Http404
    returns = OfficeReturn.objects.visible_to(user).filter(unit=office)
    if year is None:
        year = returns.order_by("-year").values_list("year", flat=True).first()
        if year is None:
            raise Http404
    office_return = with_check_data(returns.filter(year=year)).order_by().first()
    if office_return is None:
        raise Http404
    framework = framework_for_year(year)
    if framework is None:
        checks = run_checks(office_return)
        return {
            "office_code": office.code,
            "year": year,
            "passed": all(c.passed for c in checks),
            "score": 0.0,
            "indicators": [c.as_dict() for c in checks],
        }
    table = scoring.load_framework(framework)
    assessments = _latest_assessments(
        user=user, offices=[office.pk], year=year, framework=framework, campaign=None
    )
    cards = scoring.score_offices(
        table,
        [office],
        {office.pk: office_return},
        year=year,
        user=user,
        manual=_manual_items(assessments),
    )
    card = cards[office.pk]
    return {
        "office_code": office.code,
        "year": year,
        "passed": card.all_checks_passed,
        "score": float(card.total),
        "indicators": scoring.score_dict(card),
    }


# The league table --------------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    """One office in the league table, with the links of its cells."""

    office: Unit
    office_return: OfficeReturn | None
    assessment: Assessment | None
    card: scoring.ScoreCard
    demonstration: DemonstrationUnit | None
    return_url: str = ""
    assessment_url: str = ""

    @property
    def district(self) -> Unit | None:
        return self.office.parent

    @property
    def dimension_scores(self) -> list[tuple[Any, Decimal]]:
        return [
            (d, self.card.by_dimension.get(d.code, Decimal("0")))
            for d in self.card.table.dimensions
        ]

    @property
    def score_url(self) -> str:
        return self.assessment_url or self.return_url


@dataclass(frozen=True)
class Milestone:
    """A year of the plan with its progress: offices passing all nine checks / offices."""

    year: int
    label: str
    goal: str
    passing: int
    with_return: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.passing / self.total) if self.total else 0


@dataclass(frozen=True)
class Coverage:
    """Offices with a system installed by the end of 2022 / offices (plan 二.18)."""

    installed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.installed / self.total) if self.total else 0


@dataclass(frozen=True)
class LeagueTable:
    year: int
    table: scoring.FrameworkTable | None
    rows: list[LeagueRow]
    milestones: list[Milestone]
    remote_visit: Coverage
    video_conf: Coverage
    campaign: Campaign | None = None
    bureaus: list[Unit] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)


LEAGUE_SORTS = ("score", "office", "district", "checks", "grade")


def _sort_rows(rows: list[LeagueRow], key: str) -> list[LeagueRow]:
    descending = key.startswith("-")
    name = key.lstrip("-")
    keys: dict[str, Any] = {
        "office": lambda r: r.office.code,
        "district": lambda r: (r.office.parent.code if r.office.parent else "", r.office.code),
        "checks": lambda r: (r.card.checks_passed, r.card.total),
        "grade": lambda r: (
            r.card.grade.min_score if r.card.grade else Decimal("-1"),
            r.card.total,
        ),
        "score": lambda r: (r.card.total, r.card.checks_passed),
    }
    if name.startswith("dim_"):
        code = name[4:]
        keys[name] = lambda r: (r.card.by_dimension.get(code, Decimal("0")), r.card.total)
    if name not in keys:
        # The default: best first.
        return sorted(rows, key=lambda r: (-r.card.total, -r.card.checks_passed, r.office.code))
    return sorted(rows, key=keys[name], reverse=descending)


def _passes_all(office_return: OfficeReturn, thresholds: Any) -> bool:
    return all(c.passed for c in run_checks(office_return, thresholds))


def league_table(
    *,
    user: Any,
    year: int,
    district: str = "",
    campaign_id: Any = None,
    sort: str = "",
) -> LeagueTable:
    """All offices in scope for a year: score, dimensions, checks, grade, 示范 flag.

    ``district`` is a bureau code (404 out of scope), ``campaign_id`` a campaign's public id
    (its offices only, and its assessments). Milestones and coverage are for the whole scope.
    """
    offices_in_scope = list(
        Unit.objects.visible_to(user)
        .filter(kind=UnitKind.OFFICE, is_active=True)
        .select_related("parent")
        .order_by("path")
    )
    campaigns = list(campaign_list(user=user, year=year))
    campaign = None
    if campaign_id:
        campaign = next((c for c in campaigns if str(c.public_id) == str(campaign_id)), None)
        if campaign is None:
            raise Http404
    shown = offices_in_scope
    if district:
        bureau = unit_for_user(user=user, code=district)
        shown = [o for o in shown if o.path.startswith(bureau.path)]
    if campaign is not None:
        chosen = set(campaign.offices.values_list("pk", flat=True))
        shown = [o for o in shown if o.pk in chosen]
    office_ids = [o.pk for o in offices_in_scope]
    years = sorted({*PLAN_YEARS, year})
    returns = list(
        with_check_data(
            OfficeReturn.objects.visible_to(user).filter(unit__in=office_ids, year__in=years)
        ).order_by()
    )
    by_year: dict[int, dict[int, OfficeReturn]] = defaultdict(dict)
    for r in returns:
        by_year[r.year][r.unit_id] = r
    frameworks = {f.year: f for f in Framework.objects.filter(is_active=True)}

    def thresholds_for(y: int) -> Any:
        framework = frameworks.get(y) or framework_for_year(y)
        return framework.check_thresholds() if framework else Thresholds()

    milestones = []
    for plan_year in PLAN_YEARS:
        framework = frameworks.get(plan_year)
        year_returns = by_year.get(plan_year, {})
        limits = thresholds_for(plan_year)
        milestones.append(
            Milestone(
                plan_year,
                framework.milestone if framework else str(plan_year),
                framework.goal if framework else "",
                sum(1 for r in year_returns.values() if _passes_all(r, limits)),
                len(year_returns),
                len(offices_in_scope),
            )
        )
    remote, video = set(), set()
    for r in returns:
        if r.remote_visit_installed_on and r.remote_visit_installed_on <= COVERAGE_DAY:
            remote.add(r.unit_id)
        if r.video_conf_installed_on and r.video_conf_installed_on <= COVERAGE_DAY:
            video.add(r.unit_id)
    framework = campaign.framework if campaign is not None else framework_for_year(year)
    table = scoring.load_framework(framework) if framework else None
    rows: list[LeagueRow] = []
    if table is not None:
        year_returns = by_year.get(year, {})
        assessments = _latest_assessments(
            user=user,
            offices=[o.pk for o in shown],
            year=year,
            framework=table.framework,
            campaign=campaign,
        )
        demonstrations = {
            d.office_id: d
            for d in DemonstrationUnit.objects.visible_to(user).filter(
                year=year, office__in=[o.pk for o in shown]
            )
        }
        cards = scoring.score_offices(
            table, shown, year_returns, year=year, user=user, manual=_manual_items(assessments)
        )
        for office in shown:
            office_return = year_returns.get(office.pk)
            assessment = assessments.get(office.pk)
            rows.append(
                LeagueRow(
                    office,
                    office_return,
                    assessment,
                    cards[office.pk],
                    demonstrations.get(office.pk),
                    safe_url(office_return),
                    safe_url(assessment),
                )
            )
    return LeagueTable(
        year=year,
        table=table,
        rows=_sort_rows(rows, sort),
        milestones=milestones,
        remote_visit=Coverage(len(remote), len(offices_in_scope)),
        video_conf=Coverage(len(video), len(offices_in_scope)),
        campaign=campaign,
        bureaus=list(bureaus_in_scope(user)),
        campaigns=campaigns,
    )
