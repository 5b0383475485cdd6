"""The portal's figures, defined once: online applications, ratings (好差评), follow-ups.

An application counts under the office chosen, in the period it was submitted; a rating
under that office, when it was given; a follow-up when it was opened, and as closed when it
was closed. Follow-ups open past their due date depend on today: a live stock figure ("now").
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core.measures import Measure, registry
from sifasuo.portal.choices import POOR_LEVELS, SATISFIED_LEVELS, FollowUpStatus
from sifasuo.portal.models import FollowUp, PortalApplication, Rating


def _applications(user: Any) -> QuerySet[PortalApplication]:
    return PortalApplication.objects.visible_to(user)


def _ratings(user: Any) -> QuerySet[Rating]:
    return Rating.objects.visible_to(user)


def _satisfied(user: Any) -> QuerySet[Rating]:
    return _ratings(user).filter(level__in=SATISFIED_LEVELS)


def _poor(user: Any) -> QuerySet[Rating]:
    return _ratings(user).filter(level__in=POOR_LEVELS)


def _followups(user: Any) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(user)


def _followups_closed(user: Any) -> QuerySet[FollowUp]:
    return _followups(user).filter(status=FollowUpStatus.CLOSED, closed_on__isnull=False)


def _followups_overdue(user: Any) -> QuerySet[FollowUp]:
    return _followups(user).filter(status=FollowUpStatus.OPEN, due_on__lt=timezone.localdate())


registry.register(
    Measure(
        code="portal.applications",
        label=_("Online applications"),
        records=_applications,
        date_field="submitted_on",
        breakdowns={"by_kind": "kind", "by_status": "status"},
    )
)
registry.register(
    Measure(
        code="portal.ratings",
        label=_("Ratings of services"),
        records=_ratings,
        date_field="rated_on",
        unit_path_field="application__unit__path",
        breakdowns={"by_level": "level", "by_kind": "application__kind"},
    )
)
registry.register(
    Measure(
        code="portal.satisfaction",
        label=_("Satisfied ratings (very satisfied, satisfied, basically satisfied)"),
        records=_satisfied,
        date_field="rated_on",
        unit_path_field="application__unit__path",
        breakdowns={"by_level": "level"},
    )
)
registry.register(
    Measure(
        code="portal.followups",
        label=_("Follow-ups of poor ratings"),
        records=_followups,
        date_field="opened_on",
        breakdowns={"by_status": "status"},
    )
)
registry.register(
    Measure(
        code="portal.poor_ratings",
        label=_("Poor ratings (dissatisfied, very dissatisfied)"),
        records=_poor,
        date_field="rated_on",
        unit_path_field="application__unit__path",
        breakdowns={"by_level": "level", "by_kind": "application__kind"},
    )
)
registry.register(
    Measure(
        code="portal.followups_closed",
        label=_("Follow-ups closed"),
        records=_followups_closed,
        date_field="closed_on",
    )
)
registry.register(
    Measure(
        code="portal.followups_overdue",
        label=_("Follow-ups open past their due date"),
        records=_followups_overdue,
        live=True,
    )
)
