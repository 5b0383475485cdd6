"""Access review for the audit administrator: who read which sensitive records, and when.

Reads are the audit rows of ``view``, ``reveal`` and ``export`` on the sensitive models
(the person registry, community correction, resettlement, mediation cases, follow-ups of
poor ratings). Per month, three patterns are flagged for review (SECURITY.md 1.3, PIPL
Art. 51): a user reading more distinct subjects than ``AUDIT_REVIEW_SUBJECTS_PER_MONTH``,
reads of records outside the reader's own unit tree (including refused attempts), and reads
outside office hours (``AUDIT_REVIEW_OFFICE_HOURS``, or on a day off per the calendar).
Only the audit administrator may look; anyone else is refused and the refusal audited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome, DayKind
from sifasuo.core.models import AuditEvent, Holiday
from sifasuo.core.scope import unit_lookup

AUDIT_ADMIN = "AUDIT_ADMIN"  # accounts.roles.Role.AUDIT_ADMIN (core imports no accounts)
OBJECT_TYPE = "core.accessreview"
READ_ACTIONS = ("view", "reveal", "export")
SENSITIVE_TYPES: dict[str, Any] = {
    "people.person": _("Person registry"),
    "correction.correctionsubject": _("Community correction subject"),
    "resettlement.releasedperson": _("Released person (resettlement)"),
    "mediation.mediationcase": _("Mediation case"),
    "portal.followup": _("Follow-up of a poor rating"),
}
MANY_SUBJECTS = "many_subjects"
OTHER_UNITS = "other_units"
OFF_HOURS = "off_hours"
DENIED = "denied"
FINDING_LABELS: dict[str, Any] = {
    MANY_SUBJECTS: _("Many distinct subjects in the month"),
    OTHER_UNITS: _("Records outside the reader's unit tree"),
    OFF_HOURS: _("Reads outside office hours"),
    DENIED: _("Refused read attempts"),
}


def require_audit_admin(user: Any) -> None:
    """Refuse (403, audited) anyone but the audit administrator."""
    if not (getattr(user, "is_authenticated", False) and user.has_role(AUDIT_ADMIN)):
        audit.record("view", actor=user, object_type=OBJECT_TYPE, outcome=AuditOutcome.DENIED)
        raise PermissionDenied


def subjects_threshold() -> int:
    return int(getattr(settings, "AUDIT_REVIEW_SUBJECTS_PER_MONTH", 50))


def office_hours() -> tuple[int, int]:
    start, end = getattr(settings, "AUDIT_REVIEW_OFFICE_HOURS", (8, 19))
    return int(start), int(end)


def month_range(month: date) -> tuple[datetime, datetime]:
    """Return [first instant, first instant of the next month) in the current time zone."""
    tz = timezone.get_current_timezone()
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time.min, tzinfo=tz), datetime.combine(
        following, time.min, tzinfo=tz
    )


def reads(month: date) -> QuerySet[AuditEvent]:
    """Every audited read of a sensitive record in ``month`` (the caller checked the role)."""
    start, end = month_range(month)
    return AuditEvent.objects.filter(
        ts__gte=start,
        ts__lt=end,
        action__in=READ_ACTIONS,
        object_type__in=list(SENSITIVE_TYPES),
    )


def _off_hours_q(month: date) -> Q:
    start, end = office_hours()
    first, last = month_range(month)
    days = dict(
        Holiday.objects.filter(date__gte=first.date(), date__lt=last.date()).values_list(
            "date", "kind"
        )
    )
    holidays = [d for d, kind in days.items() if kind == DayKind.HOLIDAY]
    makeup = [d for d, kind in days.items() if kind == DayKind.WORKDAY]
    weekend = Q(local_weekday__gte=6) & ~Q(local_date__in=makeup)
    return Q(local_hour__lt=start) | Q(local_hour__gte=end) | weekend | Q(local_date__in=holidays)


def with_local_time(qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    tz = timezone.get_current_timezone()
    return qs.annotate(
        local_hour=ExtractHour("ts", tzinfo=tz),
        local_weekday=ExtractIsoWeekDay("ts", tzinfo=tz),
        local_date=TruncDate("ts", tzinfo=tz),
    )


def filtered(month: date, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The month's reads narrowed by the page's filters (user, action, type, outcome, flag)."""
    qs = with_local_time(reads(month))
    if filters.get("username"):
        qs = qs.filter(actor_username__iexact=filters["username"])
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("outcome"):
        qs = qs.filter(outcome=filters["outcome"])
    if filters.get("flag") == OFF_HOURS:
        qs = qs.filter(_off_hours_q(month))
    elif filters.get("flag") == DENIED:
        qs = qs.filter(outcome=AuditOutcome.DENIED)
    return qs


def off_hours_ids(month: date, qs: QuerySet[AuditEvent]) -> set[int]:
    """Return the ids, among ``qs`` (annotated by ``with_local_time``), read off hours."""
    return set(qs.filter(_off_hours_q(month)).values_list("pk", flat=True))


def _unit_paths(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Map (object type, public id) to the owning unit's path, in one query per type."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for object_type, object_id in pairs:
        by_type[object_type].append(object_id)
    paths: dict[tuple[str, str], str] = {}
    for object_type, ids in by_type.items():
        model = apps.get_model(object_type)
        lookup = unit_lookup(model)
        path_field = f"{lookup}__path" if lookup else "path"
        key = "public_id" if hasattr(model, "public_id") else "pk"
        for start in range(0, len(ids), 1000):
            chunk = [i for i in ids[start : start + 1000] if i]
            try:
                rows = model._default_manager.filter(**{f"{key}__in": chunk}).values_list(
                    key, path_field
                )
                for object_id, path in rows:
                    paths[(object_type, str(object_id))] = path or ""
            except (ValueError, TypeError):  # a malformed id in an old row
                continue
    return paths


def outside_tree(rows: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """Return the (reader unit code, type, id) triples whose record lies outside that unit."""
    paths = _unit_paths({(t, i) for _, t, i in rows if i})
    return {
        (unit_code, t, i)
        for unit_code, t, i in rows
        if (t, i) in paths and (not unit_code or f"/{unit_code}/" not in paths[(t, i)])
    }


@dataclass(frozen=True)
class Finding:
    """One unusual pattern of one user in the month."""

    kind: str
    username: str
    unit_code: str
    count: int

    @property
    def label(self) -> Any:
        return FINDING_LABELS[self.kind]


def findings(month: date) -> list[Finding]:
    """Return the month's unusual patterns, the most remarkable first within each kind."""
    base = with_local_time(reads(month))
    found: list[Finding] = []
    threshold = subjects_threshold()
    many = (
        base.exclude(object_id="")
        .filter(outcome=AuditOutcome.SUCCESS)
        .values("actor_username", "actor_unit_code")
        .annotate(n=Count("object_id", distinct=True))
        .filter(n__gt=threshold)
        .order_by("-n", "actor_username")
    )
    found += [
        Finding(MANY_SUBJECTS, r["actor_username"], r["actor_unit_code"], r["n"]) for r in many
    ]
    triples = list(
        base.exclude(object_id="")
        .values_list("actor_username", "actor_unit_code", "object_type", "object_id")
        .distinct()
    )
    outside = outside_tree([(u, t, i) for _, u, t, i in triples])
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for username, unit_code, object_type, object_id in triples:
        if (unit_code, object_type, object_id) in outside:
            counts[(username, unit_code)] += 1
    found += [
        Finding(OTHER_UNITS, username, unit_code, n)
        for (username, unit_code), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    for kind, qs in (
        (OFF_HOURS, base.filter(_off_hours_q(month))),
        (DENIED, base.filter(outcome=AuditOutcome.DENIED)),
    ):
        grouped = (
            qs.values("actor_username", "actor_unit_code")
            .annotate(n=Count("pk"))
            .order_by("-n", "actor_username")
        )
        found += [Finding(kind, r["actor_username"], r["actor_unit_code"], r["n"]) for r in grouped]
    return found


def summary(month: date) -> list[dict[str, Any]]:
    """Who read what: per user and record type, reads and distinct records."""
    rows = (
        reads(month)
        .filter(outcome=AuditOutcome.SUCCESS)
        .values("actor_username", "actor_unit_code", "object_type")
        .annotate(
            reads=Count("pk"),
            subjects=Count("object_id", distinct=True, filter=~Q(object_id="")),
        )
        .order_by("-subjects", "actor_username", "object_type")
    )
    return [dict(r, type_label=SENSITIVE_TYPES.get(r["object_type"], "")) for r in rows]
