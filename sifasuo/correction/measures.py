"""The community-correction figures, defined once (DESIGN "measures").

A subject counts under its executing office. ``correction.subjects`` is the caseload now
(under correction today; ``selectors``-free so stats can compose it); the dated figures
count by the date of the event: reception, ending, the decision of a measure.
``correction.lost_contact`` counts subjects whose missed report, visit or report-back is
older than the escalation grace (the ones the district bureau sees): it depends on today and
on the subject's contacts, so it is live. Commendations, admonitions and warnings count when
decided; proposals of revocation when proposed (whatever the decision).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.correction.choices import (
    CLOSED_STATUSES,
    EndReason,
    MeasureKind,
    MeasureStatus,
    SubjectStatus,
)
from sifasuo.correction.models import CorrectionSubject, DisciplinaryMeasure

SUBJECT_BREAKDOWNS = {"by_category": "category", "by_class": "supervision_class"}


def _subjects(user: Any) -> QuerySet[CorrectionSubject]:
    return CorrectionSubject.objects.visible_to(user)


def _in_correction(user: Any) -> QuerySet[CorrectionSubject]:
    return _subjects(user).filter(status=SubjectStatus.UNDER_CORRECTION)


def _received(user: Any) -> QuerySet[CorrectionSubject]:
    return _subjects(user).filter(received_on__isnull=False)


def _ended(user: Any) -> QuerySet[CorrectionSubject]:
    return _subjects(user).filter(status__in=CLOSED_STATUSES)


def _revoked(user: Any) -> QuerySet[CorrectionSubject]:
    return _ended(user).filter(end_reason__in=[EndReason.REVOCATION, EndReason.IMPRISONMENT])


def _lost_contact(user: Any) -> QuerySet[CorrectionSubject]:
    from sifasuo.correction.selectors import escalated_q

    return _subjects(user).filter(escalated_q())


def _proposals(kind: str) -> Any:
    def records(user: Any) -> QuerySet[DisciplinaryMeasure]:
        return DisciplinaryMeasure.objects.visible_to(user).filter(kind=kind)

    return records


def _measures(kind: str) -> Any:
    def records(user: Any) -> QuerySet[DisciplinaryMeasure]:
        return DisciplinaryMeasure.objects.visible_to(user).filter(
            kind=kind, status=MeasureStatus.DECIDED
        )

    return records


_SUBJECT = "unit__path"
_MEASURE = "subject__unit__path"
MEASURES = [
    (
        "correction.subjects",
        _("Subjects under correction"),
        _in_correction,
        None,
        _SUBJECT,
        SUBJECT_BREAKDOWNS,
    ),
    (
        "correction.received",
        _("Subjects received"),
        _received,
        "received_on",
        _SUBJECT,
        SUBJECT_BREAKDOWNS,
    ),
    (
        "correction.ended",
        _("Corrections ended"),
        _ended,
        "ended_on",
        _SUBJECT,
        {**SUBJECT_BREAKDOWNS, "by_reason": "end_reason"},
    ),
    (
        "correction.commendations",
        _("Commendations"),
        _measures(MeasureKind.COMMENDATION),
        "decided_on",
        _MEASURE,
        {"by_category": "subject__category"},
    ),
    (
        "correction.admonitions",
        _("Admonitions"),
        _measures(MeasureKind.ADMONITION),
        "decided_on",
        _MEASURE,
        {"by_category": "subject__category"},
    ),
    (
        "correction.warnings",
        _("Warnings"),
        _measures(MeasureKind.WARNING),
        "decided_on",
        _MEASURE,
        {"by_category": "subject__category"},
    ),
    (
        "correction.revocations",
        _("Corrections revoked"),
        _revoked,
        "ended_on",
        _SUBJECT,
        SUBJECT_BREAKDOWNS,
    ),
    (
        "correction.revocation_proposals",
        _("Proposals of revocation"),
        _proposals(MeasureKind.REVOCATION),
        "proposed_on",
        _MEASURE,
        {"by_category": "subject__category"},
    ),
    (
        "correction.lost_contact",
        _("Subjects out of contact beyond the grace"),
        _lost_contact,
        None,
        _SUBJECT,
        SUBJECT_BREAKDOWNS,
    ),
]

# Figures that depend on today's date or on rows outside the counted record: computed live.
LIVE = frozenset({"correction.lost_contact"})

for code, label, records, date_field, unit_path_field, breakdowns in MEASURES:
    registry.register(
        Measure(
            code=code,
            label=label,
            records=records,
            date_field=date_field,
            unit_path_field=unit_path_field,
            breakdowns=breakdowns,
            live=code in LIVE,
            tags=("correction",),
        )
    )


def in_correction_on(user: Any, day: Any) -> QuerySet[CorrectionSubject]:
    """The subjects in correction on ``day`` (received by then, not ended before it)."""
    from django.db.models import Q

    return (
        _subjects(user)
        .filter(received_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    )
