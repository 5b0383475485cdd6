"""Reads of community correction, always through scope; reads of a subject are audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from sifasuo.core import audit
from sifasuo.core.scope import get_for_user
from sifasuo.correction.choices import (
    SEVERITY,
    ActivityKind,
    MeasureKind,
    MeasureStatus,
    RequestKind,
    RequestStatus,
    RuleTrigger,
    SubjectStatus,
)
from sifasuo.correction.models import (
    Activity,
    CorrectionLimit,
    CorrectionSubject,
    DisciplinaryMeasure,
    DisciplineRule,
    SupervisionClassRule,
    SupervisionRequest,
    month_start,
    next_month,
)
from sifasuo.people import idnumbers
from sifasuo.people.models import Person

SUBJECT_TYPE = "correction.correctionsubject"


def _today() -> date:
    return timezone.localdate()


def grace_days() -> int:
    row = CorrectionLimit.objects.filter(code="escalation.grace_days").first()
    return row.value if row else 3


def _overdue_returns() -> QuerySet[SupervisionRequest]:
    return SupervisionRequest.objects.filter(
        kind=RequestKind.LEAVE,
        status=RequestStatus.APPROVED,
        returned_on__isnull=True,
        return_due__lt=_today(),
    )


def subject_list(*, user: Any, action: str = "view") -> QuerySet[CorrectionSubject]:
    """Subjects in scope with what the list shows (one query per page)."""
    return CorrectionSubject.objects.visible_to(user, action).select_related(
        "unit", "unit__parent", "person", "entrusting_agency"
    )


def overdue_q(*, before: date | None = None) -> Q:
    """Subjects with a missed report, visit or report-back (due before ``before``)."""
    day = before or _today()
    return Q(status=SubjectStatus.AWAITING_REPORT, report_in_due__lt=day) | Q(
        Q(status=SubjectStatus.UNDER_CORRECTION)
        & (
            Q(report_due__lt=day)
            | Q(visit_due__lt=day)
            | Q(
                pk__in=SupervisionRequest.objects.filter(
                    kind=RequestKind.LEAVE,
                    status=RequestStatus.APPROVED,
                    returned_on__isnull=True,
                    return_due__lt=day,
                ).values("subject_id")
            )
        )
    )


def due_q(*, within_days: int = 7) -> Q:
    """Subjects with a report, visit or report-in due from today to ``within_days`` ahead."""
    today, horizon = _today(), _today() + timedelta(days=within_days)
    return Q(
        status=SubjectStatus.AWAITING_REPORT, report_in_due__gte=today, report_in_due__lte=horizon
    ) | Q(
        Q(status=SubjectStatus.UNDER_CORRECTION)
        & (Q(report_due__range=(today, horizon)) | Q(visit_due__range=(today, horizon)))
    )


def subject_for_user(*, user: Any, public_id: Any, action: str = "view") -> CorrectionSubject:
    """One subject: 404 alike for missing and out of scope, 403 without the right."""
    return get_for_user(
        CorrectionSubject.objects.select_related(
            "unit", "unit__parent", "person", "entrusting_agency"
        ),
        user,
        action,
        public_id=public_id,
    )


def subject_read(*, user: Any, public_id: Any) -> CorrectionSubject:
    """A subject for a page or an API answer showing it: writes exactly one ``view`` row."""
    subject = subject_for_user(user=user, public_id=public_id)
    audit.record("view", actor=user, obj=subject)
    return subject


def subject_lookup_by_document(
    *, user: Any, id_type: str, id_number: str
) -> QuerySet[CorrectionSubject]:
    """Subjects whose person has this document number (blind index); audited, no number logged."""
    index = Person._meta.get_field("id_number_bidx").index_of(  # type: ignore[union-attr]
        idnumbers.normalize(id_number)
    )
    audit.record("search", actor=user, object_type=SUBJECT_TYPE, changes={"by": "id_number"})
    return subject_list(user=user).filter(person__id_type=id_type, person__id_number_bidx=index)


def subjects_of_person(*, user: Any, person: Person) -> QuerySet[CorrectionSubject]:
    return subject_list(user=user).filter(person=person)


# Discipline proposals -------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A measure the rules propose for a subject; a person decides (or not)."""

    rule: DisciplineRule
    kind: str
    since: date
    detail: str

    @property
    def label(self) -> str:
        return str(MeasureKind(self.kind).label)


def out_of_contact_days(subject: CorrectionSubject, requests: list[SupervisionRequest]) -> int:
    returns = [r.return_days_overdue for r in requests]
    return max([subject.report_days_overdue, *returns])


def proposals_for(
    subject: CorrectionSubject,
    *,
    rules: list[DisciplineRule] | None = None,
    measures: list[DisciplinaryMeasure] | None = None,
    requests: list[SupervisionRequest] | None = None,
) -> list[Proposal]:
    """Measures the configured rules propose now; settled by any measure at least as severe."""
    if not subject.under_correction:
        return []
    if rules is None:
        rules = list(DisciplineRule.objects.filter(is_active=True))
    if measures is None:
        measures = list(subject.measures.all())
    if requests is None:
        requests = list(subject.requests.all())
    live = [m for m in measures if m.status != MeasureStatus.REJECTED]

    def settled(kind: str, since: date) -> bool:
        return any(SEVERITY[m.kind] >= SEVERITY[kind] and m.proposed_on >= since for m in live)

    found: list[Proposal] = []
    days = out_of_contact_days(subject, requests)
    contact_rules = [r for r in rules if r.trigger == RuleTrigger.OUT_OF_CONTACT]
    matched = [r for r in contact_rules if days >= r.threshold]
    if matched:
        rule = max(matched, key=lambda r: r.threshold)
        since = _today() - timedelta(days=days - 1)
        if not settled(rule.proposes, since):
            found.append(Proposal(rule, rule.proposes, since, rule.name))
    for trigger, kind in (
        (RuleTrigger.ADMONITIONS, MeasureKind.ADMONITION),
        (RuleTrigger.WARNINGS, MeasureKind.WARNING),
    ):
        decided = sorted(
            (m for m in measures if m.kind == kind and m.status == MeasureStatus.DECIDED),
            key=lambda m: m.proposed_on,
        )
        for rule in (r for r in rules if r.trigger == trigger):
            if len(decided) >= rule.threshold:
                since = decided[-1].proposed_on
                later = [m for m in live if m.proposed_on >= since and m not in decided]
                if not any(SEVERITY[m.kind] >= SEVERITY[rule.proposes] for m in later):
                    found.append(Proposal(rule, rule.proposes, since, rule.name))
    return found


# Hours against the class norm -------------------------------------------------------------


def monthly_hours(subject: CorrectionSubject, month: date | None = None) -> dict[str, Any]:
    """This month's education and public-service hours and the class norms."""
    start = month_start(month or _today())
    end = next_month(start)
    rows = (
        Activity.objects.filter(subject=subject, held_on__gte=start, held_on__lt=end)
        .values("kind")
        .annotate(total=Sum("hours"))
    )
    totals = {r["kind"]: r["total"] or Decimal("0") for r in rows}
    rule = SupervisionClassRule.objects.filter(supervision_class=subject.supervision_class).first()
    education = totals.get(ActivityKind.EDUCATION, Decimal("0"))
    service = totals.get(ActivityKind.PUBLIC_SERVICE, Decimal("0"))
    return {
        "month": start,
        "education": education,
        "service": service,
        "education_norm": rule.education_hours if rule else None,
        "service_norm": rule.service_hours if rule else None,
        "education_short": bool(rule and education < rule.education_hours),
        "service_short": bool(rule and service < rule.service_hours),
    }


# The losing-contact board -----------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    subject: CorrectionSubject
    report_days: int
    visit_days: int
    return_days: int
    report_in_days: int
    grace: int

    @property
    def days(self) -> int:
        return max(self.report_days, self.visit_days, self.return_days, self.report_in_days)

    @property
    def escalated(self) -> bool:
        return self.days > self.grace


def board_rows(*, user: Any, queryset: QuerySet[CorrectionSubject] | None = None) -> list[BoardRow]:
    """Subjects in scope with a missed report, visit, report-back or report-in, worst first."""
    qs = queryset if queryset is not None else subject_list(user=user)
    qs = qs.filter(overdue_q()).prefetch_related(
        Prefetch("requests", queryset=_overdue_returns(), to_attr="overdue_returns")
    )
    today, grace = _today(), grace_days()
    rows = []
    for subject in qs:
        report_in = (
            (today - subject.report_in_due).days
            if subject.status == SubjectStatus.AWAITING_REPORT
            else 0
        )
        returns = [r.return_days_overdue for r in subject.overdue_returns]  # type: ignore[attr-defined]
        rows.append(
            BoardRow(
                subject=subject,
                report_days=subject.report_days_overdue,
                visit_days=subject.visit_days_overdue,
                return_days=max(returns, default=0),
                report_in_days=max(report_in, 0),
                grace=grace,
            )
        )
    return sorted(rows, key=lambda r: (-r.days, r.subject.unit.path))


def escalated_q() -> Q:
    """Subjects overdue for longer than the grace (what the district bureau sees)."""
    return overdue_q(before=_today() - timedelta(days=grace_days()))
