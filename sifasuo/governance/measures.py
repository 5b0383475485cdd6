"""The rule-of-law figures, defined once (DESIGN "measures").

A review counts under its office in the year it was received; "on time" is an opinion
issued by the due date of its type's rule. Supervision counts by the date of the activity,
opinions by the date submitted, juror candidates by the draw date of their round, and
three-rules entries (submitted ones only) by the date of the inquiry.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.governance.choices import Adoption, EntryStatus
from sifasuo.governance.models import (
    InterferenceRecord,
    JurorCandidate,
    LegalityReview,
    Opinion,
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


def _activities(user: Any) -> QuerySet[SupervisionActivity]:
    return SupervisionActivity.objects.visible_to(user)


def _opinions(user: Any) -> QuerySet[Opinion]:
    return Opinion.objects.visible_to(user)


def _opinions_adopted(user: Any) -> QuerySet[Opinion]:
    return _opinions(user).filter(adoption__in=[Adoption.ADOPTED, Adoption.PARTLY])


def _candidates(user: Any) -> QuerySet[JurorCandidate]:
    return JurorCandidate.objects.visible_to(user).filter(round__draw_date__isnull=False)


def _interference(user: Any) -> QuerySet[InterferenceRecord]:
    return InterferenceRecord.objects.visible_to(user).filter(status=EntryStatus.SUBMITTED)


REVIEW_BREAKDOWNS = {"by_type": "matter_type", "by_conclusion": "conclusion"}
OPINION_BREAKDOWNS = {"by_source": "source", "by_adoption": "adoption"}

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
        code="governance.interference_records",
        label=_("Inquiries and interference recorded (three rules)"),
        records=_interference,
        date_field="occurred_on",
        breakdowns={"by_category": "category"},
    ),
):
    registry.register(measure)
