"""The standardisation figures, defined once (DESIGN "measures").

An assessment counts under its office in the period its campaign was opened (a campaign is
the year's assessment: ``Campaign.opened_on``), whatever step it has reached; a submitted
one carries the score frozen on submission (``submitted_score``). An indicator fails when
it failed on the office's latest submission (``AssessmentItem.frozen_passed``): counted per
indicator, these are "the checks failing most". Rectifications count under their office:
those opened by a campaign in the campaign's period, those verified in the period of the
verification, and, now (no period), those not yet verified and those past their due date.
A demonstration unit counts in every period of the year it was designated for.

Grade bands are the framework's (``GradeBand``): a submitted assessment meets the standard
when its score reaches the framework's lowest band (达标), the top grade when it reaches the
highest (示范). Those read rows other than the assessment's own, so they are live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.standards.choices import (
    OPEN_RECTIFICATION_STATUSES,
    AssessmentStatus,
    RectificationStatus,
)
from sifasuo.standards.models import (
    Assessment,
    AssessmentItem,
    DemonstrationUnit,
    GradeBand,
    Rectification,
)

# An assessment stands as submitted from its submission until a review returns it.
SUBMITTED_STATUSES = (
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.DISTRICT_ACCEPTED,
    AssessmentStatus.ACCEPTED,
)
# Rectifications the office is still working on (``Rectification.is_overdue``).
WORKING_STATUSES = (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS)

ASSESSMENT_BREAKDOWNS = {"by_status": "status"}
FAILED_BREAKDOWNS = {
    "by_indicator": "indicator__code",
    "by_dimension": "indicator__dimension__code",
    "by_rule": "indicator__rule_type",
}
RECTIFICATION_BREAKDOWNS = {"by_status": "status", "by_indicator": "indicator__code"}
# ``services.campaign_open`` creates the assessments and ``services.assessment_submit``
# freezes the items' results in bulk, without ``core.measures.records_changed``: the
# aggregates would miss those rows, so the two figures they feed are counted live.
BULK_WRITTEN = True


@dataclass(frozen=True)
class YearMeasure(Measure):
    """A figure of records that belong to a calendar year: ``date_field`` names the year.

    A record of year Y counts in every period that lies in Y (the year, a quarter, a month).
    The aggregates keep figures by month, so such a figure is always counted live.
    """

    def queryset(
        self, user: Any, *, unit: Any = None, start: Any = None, end: Any = None
    ) -> QuerySet[Any]:
        qs = self.records(user)
        if unit is not None:
            qs = qs.filter(**{f"{self.unit_path_field}__startswith": unit.path})
        if self.date_field and start is not None:
            qs = qs.filter(**{f"{self.date_field}__gte": _day(start).year})
        if self.date_field and end is not None:
            last_day = _day(end) - timedelta(days=1)
            qs = qs.filter(**{f"{self.date_field}__lte": last_day.year})
        return qs


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# Assessments -------------------------------------------------------------------------------


def _assessments(user: Any) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(user)


def _submitted(user: Any) -> QuerySet[Assessment]:
    return _assessments(user).filter(status__in=SUBMITTED_STATUSES, submitted_score__isnull=False)


def _accepted(user: Any) -> QuerySet[Assessment]:
    return _assessments(user).filter(status=AssessmentStatus.ACCEPTED)


def _returned(user: Any) -> QuerySet[Assessment]:
    return _assessments(user).filter(status=AssessmentStatus.RETURNED)


def _meeting_standard(user: Any) -> QuerySet[Assessment]:
    bands = GradeBand.objects.filter(
        framework=OuterRef("campaign__framework"), min_score__lte=OuterRef("submitted_score")
    )
    return _submitted(user).filter(Exists(bands))


def _top_grade(user: Any) -> QuerySet[Assessment]:
    top = (
        GradeBand.objects.filter(framework=OuterRef("campaign__framework"))
        .order_by("-min_score")
        .values("min_score")[:1]
    )
    return _submitted(user).filter(submitted_score__gte=Subquery(top))


def _assessments_overdue(user: Any) -> QuerySet[Assessment]:
    return (
        _assessments(user)
        .exclude(status=AssessmentStatus.ACCEPTED)
        .filter(due_on__lt=timezone.localdate())
    )


def _failed_items(user: Any) -> QuerySet[AssessmentItem]:
    return AssessmentItem.objects.visible_to(user).filter(frozen_passed=False)


# Rectifications and demonstration units ----------------------------------------------------


def _rectifications(user: Any) -> QuerySet[Rectification]:
    return Rectification.objects.visible_to(user)


def _rectifications_open(user: Any) -> QuerySet[Rectification]:
    return _rectifications(user).filter(status__in=OPEN_RECTIFICATION_STATUSES)


def _rectifications_overdue(user: Any) -> QuerySet[Rectification]:
    return _rectifications(user).filter(
        status__in=WORKING_STATUSES, due_on__lt=timezone.localdate()
    )


def _rectifications_verified(user: Any) -> QuerySet[Rectification]:
    return _rectifications(user).filter(
        status=RectificationStatus.VERIFIED, verified_on__isnull=False
    )


def _demonstrations(user: Any) -> QuerySet[DemonstrationUnit]:
    return DemonstrationUnit.objects.visible_to(user)


_ASSESSMENT: dict[str, Any] = {"date_field": "campaign__opened_on", "unit_path_field": "unit__path"}
_ITEM: dict[str, Any] = {
    "date_field": "assessment__campaign__opened_on",
    "unit_path_field": "assessment__unit__path",
}
_CAMPAIGN_OF_RECTIFICATION = "assessment__campaign__opened_on"

MEASURES: list[Measure] = [
    Measure(
        code="standards.assessments",
        label=_("Offices in the period's assessment campaigns"),
        records=_assessments,
        breakdowns=ASSESSMENT_BREAKDOWNS,
        live=BULK_WRITTEN,
        description="assessments of campaigns opened in the period, any step",
        **_ASSESSMENT,
    ),
    Measure(
        code="standards.assessments_submitted",
        label=_("Self-assessments submitted"),
        records=_submitted,
        breakdowns=ASSESSMENT_BREAKDOWNS,
        description="submitted, accepted by the district or by the city (not returned)",
        **_ASSESSMENT,
    ),
    Measure(
        code="standards.assessments_accepted",
        label=_("Assessments accepted by the city"),
        records=_accepted,
        **_ASSESSMENT,
    ),
    Measure(
        code="standards.assessments_returned",
        label=_("Assessments returned for correction"),
        records=_returned,
        **_ASSESSMENT,
    ),
    Measure(
        code="standards.score_total",
        label=_("Sum of the submitted scores"),
        records=_submitted,
        sum_field="submitted_score",
        description="the average score is this divided by standards.assessments_submitted",
        **_ASSESSMENT,
    ),
    Measure(
        code="standards.meeting_standard",
        label=_("Offices reaching the standard (lowest grade band or above)"),
        records=_meeting_standard,
        live=True,
        description="submitted score at least the lowest grade band of the framework",
        **_ASSESSMENT,
    ),
    Measure(
        code="standards.top_grade",
        label=_("Offices reaching the highest grade band"),
        records=_top_grade,
        live=True,
        description="submitted score at least the highest grade band of the framework",
        **_ASSESSMENT,
    ),
    Measure(
        code="standards.assessments_overdue",
        label=_("Assessments past the due date of their step"),
        records=_assessments_overdue,
        live=True,
        **_ASSESSMENT,
    ),
    Measure(
        code="standards.failed_items",
        label=_("Indicators failed on submission"),
        records=_failed_items,
        breakdowns=FAILED_BREAKDOWNS,
        live=BULK_WRITTEN,
        description="assessment items whose frozen result failed, by indicator",
        **_ITEM,
    ),
    Measure(
        code="standards.rectifications_opened",
        label=_("Rectifications opened by the period's campaigns"),
        records=_rectifications,
        date_field=_CAMPAIGN_OF_RECTIFICATION,
        breakdowns=RECTIFICATION_BREAKDOWNS,
    ),
    Measure(
        code="standards.rectifications_verified",
        label=_("Rectifications verified by the district"),
        records=_rectifications_verified,
        date_field="verified_on",
    ),
    Measure(
        code="standards.rectifications_open",
        label=_("Rectifications not yet verified (now)"),
        records=_rectifications_open,
        breakdowns=RECTIFICATION_BREAKDOWNS,
    ),
    Measure(
        code="standards.rectifications_overdue",
        label=_("Rectifications past their due date (now)"),
        records=_rectifications_overdue,
        live=True,
        breakdowns=RECTIFICATION_BREAKDOWNS,
    ),
    YearMeasure(
        code="standards.demonstration_units",
        label=_("Demonstration units designated for the year"),
        records=_demonstrations,
        date_field="year",
        unit_path_field="office__path",
        live=True,
        description="designations of the period's year (a year, not a date: counted live)",
    ),
]

for measure in MEASURES:
    registry.register(measure)
