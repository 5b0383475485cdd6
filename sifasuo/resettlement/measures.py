"""The resettlement figures, defined once (DESIGN "measures").

A released person counts under the office keeping the file. Stocks (on file, placed,
assisted, key persons) have no date: they are the files as they stand. Flows count by their
date: released (release date), hand-over (release date, for the hand-overs that fell due),
re-offending (its date), visitations held (the day held), placements (the day of the
measure's result ``PLACED``), assistance visits (the day of the visit); a placement or a visit
counts under the office keeping the person's file.

Live figures (never kept in the aggregates): released, hand-overs due and made count only
releases up to today; placed, lost contact and coverage depend on other rows or on today.

Rates are two figures each, composed by stats: hand-over rate (衔接率) =
``resettlement.handed_over`` / ``resettlement.handover_due``; placement rate (安置率) =
``resettlement.placed`` / ``resettlement.on_file``; assistance rate (帮教率) =
``resettlement.assisted`` / ``resettlement.on_file``; visitation coverage =
``resettlement.visitation_coverage`` / the number of offices.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.resettlement.choices import (
    ON_FILE_STATUSES,
    MeasureResult,
    PersonStatus,
    VisitationStatus,
)
from sifasuo.resettlement.models import (
    AssistanceMeasure,
    AssistanceVisit,
    ReleasedPerson,
    VisitationRequest,
    VisitationSystem,
)

BREAKDOWNS = {
    "by_release_type": "release_type",
    "by_status": "status",
    "by_risk_level": "risk_level",
    "by_office": "unit__code",
}


def _files(user: Any) -> QuerySet[ReleasedPerson]:
    return ReleasedPerson.objects.visible_to(user)


def _on_file(user: Any) -> QuerySet[ReleasedPerson]:
    return _files(user).filter(status__in=ON_FILE_STATUSES)


def _released(user: Any) -> QuerySet[ReleasedPerson]:
    return _files(user).filter(released_on__lte=timezone.localdate())


def _handed_over(user: Any) -> QuerySet[ReleasedPerson]:
    return _released(user).filter(handed_over_on__isnull=False)


def _placed(user: Any) -> QuerySet[ReleasedPerson]:
    placed = _on_file(user).filter(measures__result=MeasureResult.PLACED)
    return _on_file(user).filter(pk__in=placed.values("pk"))


def _assisted(user: Any) -> QuerySet[ReleasedPerson]:
    return _on_file(user).filter(agreement_signed_on__isnull=False)


def _key_persons(user: Any) -> QuerySet[ReleasedPerson]:
    return _files(user).filter(
        is_key_person=True, status__in=(PersonStatus.AWAITING, *ON_FILE_STATUSES)
    )


def _reoffended(user: Any) -> QuerySet[ReleasedPerson]:
    return _files(user).filter(status=PersonStatus.REOFFENDED)


def _lost_contact(user: Any) -> QuerySet[ReleasedPerson]:
    return _files(user).filter(status=PersonStatus.LOST_CONTACT)


def _visitations(user: Any) -> QuerySet[VisitationRequest]:
    return VisitationRequest.objects.visible_to(user).filter(status=VisitationStatus.HELD)


def _placements(user: Any) -> QuerySet[AssistanceMeasure]:
    return AssistanceMeasure.objects.visible_to(user).filter(
        result=MeasureResult.PLACED, result_on__isnull=False
    )


def _visits(user: Any) -> QuerySet[AssistanceVisit]:
    return AssistanceVisit.objects.visible_to(user)


def _coverage(user: Any) -> QuerySet[VisitationSystem]:
    return VisitationSystem.objects.visible_to(user).filter(installed=True)


# code, label, records, date field, breakdowns
MEASURES = [
    ("resettlement.on_file", _("Released persons on file"), _on_file, None, BREAKDOWNS),
    ("resettlement.released", _("Released persons received"), _released, "released_on", BREAKDOWNS),
    ("resettlement.handover_due", _("Hand-overs due"), _released, "released_on", BREAKDOWNS),
    ("resettlement.handed_over", _("Hand-overs made"), _handed_over, "released_on", BREAKDOWNS),
    ("resettlement.placed", _("Released persons placed"), _placed, None, BREAKDOWNS),
    (
        "resettlement.assisted",
        _("Released persons under an agreement"),
        _assisted,
        None,
        BREAKDOWNS,
    ),
    ("resettlement.key_persons", _("Key persons"), _key_persons, None, BREAKDOWNS),
    ("resettlement.reoffended", _("Re-offended"), _reoffended, "reoffended_on", BREAKDOWNS),
    ("resettlement.lost_contact", _("Lost contact"), _lost_contact, None, BREAKDOWNS),
    (
        "resettlement.visitations",
        _("Remote visits held"),
        _visitations,
        "held_on",
        {"by_office": "unit__code"},
    ),
    (
        "resettlement.visitation_coverage",
        _("Offices with a remote visitation system"),
        _coverage,
        None,
        {"by_office": "unit__code"},
    ),
]

# Figures that depend on today's date or on rows outside the counted record: computed live.
LIVE = frozenset(
    {
        "resettlement.released",
        "resettlement.handover_due",
        "resettlement.handed_over",
        "resettlement.placed",
        "resettlement.lost_contact",
        "resettlement.visitation_coverage",
    }
)

for code, label, records, date_field, breakdowns in MEASURES:
    registry.register(
        Measure(
            code=code,
            label=label,
            records=records,
            date_field=date_field,
            breakdowns=breakdowns,
            live=code in LIVE,
            tags=("resettlement",),
        )
    )

_FILE = "released_person__unit__path"
registry.register(
    Measure(
        code="resettlement.placements",
        label=_("Placements made"),
        records=_placements,
        date_field="result_on",
        unit_path_field=_FILE,
        breakdowns={"by_kind": "kind"},
        tags=("resettlement",),
    )
)
registry.register(
    Measure(
        code="resettlement.assistance_visits",
        label=_("Assistance visits"),
        records=_visits,
        date_field="visited_on",
        unit_path_field=_FILE,
        breakdowns={"by_method": "method"},
        tags=("resettlement",),
    )
)
