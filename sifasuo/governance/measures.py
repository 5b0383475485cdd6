"""The rule-of-law figures, defined once (DESIGN "measures").

A review counts under its office in the year it was received; "on time" is an opinion
issued by the due date of its type's rule. Supervision counts by the date of the activity,
its rectification requests by the date requested (under the activity's office), opinions by
the date submitted, juror candidates by the draw date of their round, and three-rules
entries (submitted ones only) by the date of the inquiry. Reviews still open and
rectifications still awaited are stocks (now); those past their due date depend on today's
date (live).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.governance.choices import (
    OPEN_REVIEW_STATUSES,
    Adoption,
    CandidateResult,
    EntryStatus,
    RectificationStatus,
)
from sifasuo.governance.models import (
    InterferenceRecord,
    JurorCandidate,
    LegalityReview,
    Opinion,
    RectificationRequest,
    SupervisionActivity,
)


def _reviews(user: Any) -> QuerySet[LegalityReview]:
    return LegalityReview.objects.visible_to(user)


def _reviews_on_time(user: Any) -> QuerySet[LegalityReview]:
    return _reviews(user).filter(
        opinion_issued_on__isnull=False, opinion_issued_on__lte=F("due_on")
    )


def _reviews_issued(user: Any) -> QuerySet[LegalityReview]:
    return _reviews(user).filter(opinion_issued_on__isnull=False)


def _reviews_open(user: Any) -> QuerySet[LegalityReview]:
    return _reviews(user).filter(status__in=OPEN_REVIEW_STATUSES)


def _reviews_overdue(user: Any) -> QuerySet[LegalityReview]:
    return _reviews_open(user).filter(due_on__lt=timezone.localdate())


def _rectifications(user: Any) -> QuerySet[RectificationRequest]:
    return RectificationRequest.objects.visible_to(user)


def _rectifications_done(user: Any) -> QuerySet[RectificationRequest]:
    return _rectifications(user).filter(status=RectificationStatus.DONE)


def _rectifications_overdue(user: Any) -> QuerySet[RectificationRequest]:
    return _rectifications(user).filter(
        status=RectificationStatus.OPEN, due_on__lt=timezone.localdate()
    )


def _activities(user: Any) -> QuerySet[SupervisionActivity]:
    return SupervisionActivity.objects.visible_to(user)


def _opinions(user: Any) -> QuerySet[Opinion]:
    return Opinion.objects.visible_to(user)


def _opinions_adopted(user: Any) -> QuerySet[Opinion]:
    return _opinions(user).filter(adoption__in=[Adoption.ADOPTED, Adoption.PARTLY])


def _candidates(user: Any) -> QuerySet[JurorCandidate]:
    return JurorCandidate.objects.visible_to(user).filter(round__draw_date__isnull=False)


def _jurors_selected(user: Any) -> QuerySet[JurorCandidate]:
    return _candidates(user).filter(result=CandidateResult.SELECTED)


def _interference(user: Any) -> QuerySet[InterferenceRecord]:
    return InterferenceRecord.objects.visible_to(user).filter(status=EntryStatus.SUBMITTED)


REVIEW_BREAKDOWNS = {"by_type": "matter_type", "by_conclusion": "conclusion"}
OPINION_BREAKDOWNS = {"by_source": "source", "by_adoption": "adoption"}
RECTIFICATION_UNIT = "activity__unit__path"

for measure in (
    Measure(
        code="governance.reviews",
        label=_("Legality reviews"),
        records=_reviews,
        date_field="received_on",
        breakdowns={**REVIEW_BREAKDOWNS, "by_status": "status"},
    ),
    Measure(
        code="governance.reviews_issued",
        label=_("Legality-review opinions issued"),
        records=_reviews_issued,
        date_field="received_on",
        breakdowns=REVIEW_BREAKDOWNS,
    ),
    Measure(
        code="governance.reviews_on_time",
        label=_("Legality-review opinions issued on time"),
        records=_reviews_on_time,
        date_field="received_on",
        breakdowns=REVIEW_BREAKDOWNS,
    ),
    Measure(
        code="governance.reviews_open",
        label=_("Legality reviews awaiting an opinion (now)"),
        records=_reviews_open,
        breakdowns=REVIEW_BREAKDOWNS,
    ),
    Measure(
        code="governance.reviews_overdue",
        label=_("Legality reviews past their due date (now)"),
        records=_reviews_overdue,
        live=True,
        breakdowns=REVIEW_BREAKDOWNS,
    ),
    Measure(
        code="governance.supervision_activities",
        label=_("Enforcement supervision activities"),
        records=_activities,
        date_field="held_on",
        breakdowns={"by_kind": "kind"},
    ),
    Measure(
        code="governance.supervision_findings",
        label=_("Problems found by enforcement supervision"),
        records=_activities,
        date_field="held_on",
        sum_field="problems_found",
    ),
    Measure(
        code="governance.supervision_rectifications",
        label=_("Rectifications requested by enforcement supervision"),
        records=_rectifications,
        date_field="requested_on",
        unit_path_field=RECTIFICATION_UNIT,
        breakdowns={"by_status": "status"},
    ),
    Measure(
        code="governance.supervision_rectified",
        label=_("Requested rectifications completed"),
        records=_rectifications_done,
        date_field="requested_on",
        unit_path_field=RECTIFICATION_UNIT,
    ),
    Measure(
        code="governance.supervision_rectifications_overdue",
        label=_("Requested rectifications past their deadline (now)"),
        records=_rectifications_overdue,
        unit_path_field=RECTIFICATION_UNIT,
        live=True,
    ),
    Measure(
        code="governance.opinions",
        label=_("Legislative opinions collected"),
        records=_opinions,
        date_field="submitted_on",
        breakdowns=OPINION_BREAKDOWNS,
    ),
    Measure(
        code="governance.opinions_adopted",
        label=_("Legislative opinions adopted in full or in part"),
        records=_opinions_adopted,
        date_field="submitted_on",
        breakdowns=OPINION_BREAKDOWNS,
    ),
    Measure(
        code="governance.juror_candidates",
        label=_("People's juror candidates drawn"),
        records=_candidates,
        date_field="round__draw_date",
        breakdowns={"by_result": "result", "by_eligibility": "eligibility"},
    ),
    Measure(
        code="governance.jurors_selected",
        label=_("People's juror candidates selected"),
        records=_jurors_selected,
        date_field="round__draw_date",
    ),
    Measure(
        code="governance.interference_records",
        label=_("Inquiries and interference recorded (three rules)"),
        records=_interference,
        date_field="occurred_on",
        breakdowns={"by_category": "category"},
    ),
):
    registry.register(measure)
