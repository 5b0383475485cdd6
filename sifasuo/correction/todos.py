"""The correction items of the to-do lists: never lose anyone.

The office's clerks and director see every report, visit, report-back and report-in due
within a week or missed, the applications and proposals to decide, and the periods ending.
The district officer sees what waits for the district (long leave, residence changes,
proposed measures) and every miss older than the escalation grace.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core.todos import Todo, register
from sifasuo.correction import selectors
from sifasuo.correction.choices import MeasureStatus, RequestStatus, SubjectStatus
from sifasuo.correction.models import (
    CorrectionSubject,
    DisciplinaryMeasure,
    DisciplineRule,
    SupervisionRequest,
)
from sifasuo.orgs.choices import UnitKind

HORIZON_DAYS = 7
LIMIT = 100


def _url(subject: CorrectionSubject) -> str:
    return reverse("correction:subject_detail", args=[subject.public_id])


def _office_todos(user: Any) -> list[Todo]:
    today = timezone.localdate()
    horizon = today + timedelta(days=HORIZON_DAYS)
    subjects = (
        CorrectionSubject.objects.visible_to(user, "create")
        .filter(unit=user.unit)
        .filter(Q(status=SubjectStatus.AWAITING_REPORT) | Q(status=SubjectStatus.UNDER_CORRECTION))
        .select_related("person")
        .prefetch_related(
            "measures",
            Prefetch("requests", queryset=SupervisionRequest.objects.order_by("applied_on")),
        )
        .order_by("report_due", "pk")[:LIMIT]
    )
    rules = list(DisciplineRule.objects.filter(is_active=True))
    items: list[Todo] = []
    for s in subjects:
        name, url = s.person.name, _url(s)
        if s.status == SubjectStatus.AWAITING_REPORT:
            items.append(
                Todo(_("Receive %(name)s (report-in)") % {"name": name}, url, s.report_in_due)
            )
            continue
        if s.report_due and s.report_due <= horizon:
            items.append(Todo(_("Report due: %(name)s") % {"name": name}, url, s.report_due))
        if s.visit_due and s.visit_due <= horizon:
            items.append(Todo(_("Field visit due: %(name)s") % {"name": name}, url, s.visit_due))
        if s.plan_review_on and s.plan_review_on <= horizon:
            items.append(
                Todo(_("Review the plan of %(name)s") % {"name": name}, url, s.plan_review_on)
            )
        if s.period_end <= horizon:
            items.append(Todo(_("Correction of %(name)s ends") % {"name": name}, url, s.period_end))
        requests = list(s.requests.all())
        for r in requests:
            if r.status == RequestStatus.PENDING_OFFICE:
                items.append(
                    Todo(
                        _("Decide the application of %(name)s (%(kind)s)")
                        % {"name": name, "kind": r.get_kind_display()},
                        url,
                        r.start_on or r.applied_on,
                    )
                )
            elif r.awaiting_return and r.return_due and r.return_due <= horizon:
                items.append(
                    Todo(_("Report back after leave: %(name)s") % {"name": name}, url, r.return_due)
                )
        for p in selectors.proposals_for(
            s, rules=rules, measures=list(s.measures.all()), requests=requests
        ):
            items.append(
                Todo(
                    _("Proposed for %(name)s: %(measure)s") % {"name": name, "measure": p.label},
                    url,
                    p.since,
                )
            )
    return items


def _district_todos(user: Any) -> list[Todo]:
    items: list[Todo] = []
    subjects = CorrectionSubject.objects.visible_to(user, "change")
    pending = (
        SupervisionRequest.objects.visible_to(user, "change")
        .filter(status=RequestStatus.PENDING_DISTRICT)
        .select_related("subject", "subject__person")
        .order_by("applied_on")[:LIMIT]
    )
    for r in pending:
        items.append(
            Todo(
                _("Decide: %(kind)s of %(name)s")
                % {"kind": r.get_kind_display(), "name": r.subject.person.name},
                _url(r.subject),
                r.start_on or r.applied_on,
            )
        )
    proposed = (
        DisciplinaryMeasure.objects.visible_to(user, "change")
        .filter(status=MeasureStatus.PROPOSED)
        .select_related("subject", "subject__person")
        .order_by("proposed_on")[:LIMIT]
    )
    for m in proposed:
        items.append(
            Todo(
                _("Decide: %(measure)s for %(name)s")
                % {"measure": m.get_kind_display(), "name": m.subject.person.name},
                _url(m.subject),
                m.proposed_on,
            )
        )
    escalated = (
        subjects.filter(selectors.escalated_q())
        .select_related("person", "unit")
        .order_by("report_due")[:LIMIT]
    )
    for s in escalated:
        due = (
            s.report_in_due
            if s.status == SubjectStatus.AWAITING_REPORT
            else min(d for d in (s.report_due, s.visit_due, timezone.localdate()) if d is not None)
        )
        items.append(
            Todo(
                _("Escalated: %(name)s (%(office)s) is out of contact")
                % {"name": s.person.name, "office": s.unit.name},
                _url(s),
                due,
            )
        )
    return items


@register
def correction_todos(user: Any) -> list[Todo]:
    """The correction items of an office's staff or of a district officer."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return []
    if unit.kind == UnitKind.OFFICE:
        return _office_todos(user)
    if unit.kind in (UnitKind.DISTRICT, UnitKind.DEVZONE) and user.has_role("DISTRICT_OFFICER"):
        return _district_todos(user)
    return []
