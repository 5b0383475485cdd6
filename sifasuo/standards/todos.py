"""The six-good standard's items of the workbench's to-do list (overdue ones are flagged).

The office: assessments to submit (new or returned) and rectifications to carry out; the
district: assessments to review and rectifications to verify; the city: assessments to
accept. Each item's due date is the one the workflow set (``standards.*`` deadline rules).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from sifasuo.accounts.roles import Role
from sifasuo.core.todos import Todo, register
from sifasuo.orgs.choices import UnitKind
from sifasuo.standards.choices import EDITABLE_STATUSES, AssessmentStatus, RectificationStatus
from sifasuo.standards.models import Assessment, Rectification

LIMIT = 50
DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.DEVZONE)


def _assessments(user: Any, statuses: Any, **filters: Any) -> Any:
    return (
        Assessment.objects.visible_to(user)
        .filter(status__in=statuses, **filters)
        .select_related("unit", "campaign")
        .order_by("due_on", "pk")[:LIMIT]
    )


def _assessment_todo(title: str, assessment: Assessment) -> Todo:
    return Todo(
        title % {"office": assessment.unit.name, "year": assessment.campaign.year},
        reverse("standards:assessment_detail", args=[assessment.public_id]),
        assessment.due_on,
    )


@register
def standards_todos(user: Any) -> list[Todo]:
    """Assessments and rectifications waiting for the user's unit."""
    unit = getattr(user, "unit", None)
    if unit is None or not getattr(user, "is_authenticated", False):
        return []
    items: list[Todo] = []
    if unit.kind == UnitKind.OFFICE and user.has_role(Role.OFFICE_CLERK, Role.OFFICE_DIRECTOR):
        for a in _assessments(user, EDITABLE_STATUSES, unit=unit):
            title = (
                _("Correct and resubmit the %(year)s assessment of %(office)s")
                if a.status == AssessmentStatus.RETURNED
                else _("Submit the %(year)s self-assessment of %(office)s")
            )
            items.append(_assessment_todo(title, a))
        rectifications = (
            Rectification.objects.visible_to(user)
            .filter(
                unit=unit,
                status__in=[RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS],
            )
            .select_related("indicator")
            .order_by("due_on", "pk")[:LIMIT]
        )
        for r in rectifications:
            items.append(
                Todo(
                    _("Rectify %(code)s") % {"code": r.indicator.code},
                    reverse("standards:rectification_detail", args=[r.public_id]),
                    r.due_on,
                )
            )
    if unit.kind in DISTRICT_KINDS and user.has_role(Role.DISTRICT_OFFICER):
        for a in _assessments(user, [AssessmentStatus.SUBMITTED], unit__path__startswith=unit.path):
            items.append(_assessment_todo(_("Review the %(year)s assessment of %(office)s"), a))
        to_verify = (
            Rectification.objects.visible_to(user)
            .filter(status=RectificationStatus.DONE, unit__path__startswith=unit.path)
            .select_related("unit", "indicator")
            .order_by("done_on", "pk")[:LIMIT]
        )
        for r in to_verify:
            items.append(
                Todo(
                    _("Verify the rectification of %(code)s at %(office)s")
                    % {"code": r.indicator.code, "office": r.unit.name},
                    reverse("standards:rectification_detail", args=[r.public_id]),
                )
            )
    if unit.kind == UnitKind.CITY and user.has_role(Role.CITY_OFFICER):
        for a in _assessments(user, [AssessmentStatus.DISTRICT_ACCEPTED]):
            items.append(_assessment_todo(_("Accept the %(year)s assessment of %(office)s"), a))
    return items
