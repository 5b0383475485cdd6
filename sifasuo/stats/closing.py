"""Closing a period (关账): freeze the reports a unit sends upward, and reopen them.

Who may close: the head of the unit that reports, at their own unit only —
the office director (所长) for a judicial office, a district bureau officer for a district
or development-zone bureau, a city bureau officer for the city bureau. Clerks, mediators
and the administrators may not; nobody closes for another unit (each level submits its
own report). Reopening takes the same right and a stated reason. Both are audited.

Closing stores one ``StoredReport`` per module the closer's roles see: the figures
(``ModuleReport.as_dict()``, Decimals as strings), the statement's tables as laid out, and
the pks of the records behind every figure, breakdown value and child unit, with a SHA-256
checksum of the canonical JSON. Live dashboards keep computing from the ledgers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.accounts.roles import Role
from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError
from sifasuo.orgs.models import Unit
from sifasuo.stats import reports, statements
from sifasuo.stats.models import ClosedPeriod, StoredReport
from sifasuo.stats.specs.base import ReportSpec

# role -> the kinds of unit it closes (its own unit only)
CLOSING_ROLES: dict[str, tuple[str, ...]] = {
    Role.OFFICE_DIRECTOR: ("OFFICE",),
    Role.DISTRICT_OFFICER: ("DISTRICT", "DEVZONE"),
    Role.CITY_OFFICER: ("CITY",),
}
REASON_MAX = 200


def may_close(user: Any, unit: Unit) -> bool:
    """Return whether ``user`` may close (and reopen) the periods of ``unit``."""
    home = getattr(user, "unit", None)
    if home is None or not getattr(user, "is_authenticated", False) or home.pk != unit.pk:
        return False
    return any(
        role in user.role_codes and unit.kind in kinds for role, kinds in CLOSING_ROLES.items()
    )


def _refuse(actor: Any, action: str, unit: Unit, period: reports.Period) -> None:
    audit.record(
        action,
        actor=actor,
        object_type="stats.closedperiod",
        outcome=AuditOutcome.DENIED,
        changes={"unit": unit.code, "period": period.slug},
    )
    raise PermissionDenied


def reported_specs(actor: Any) -> list[ReportSpec]:
    """The module reports the actor's roles see, in dashboard order."""
    result = []
    for spec in reports.REPORTS.values():
        try:
            reports._require(actor, spec, "view")
        except PermissionDenied:
            continue
        result.append(spec)
    return result


def _stored_report(
    spec: ReportSpec, *, actor: Any, closed: ClosedPeriod, unit: Unit, period: reports.Period
) -> StoredReport:
    report = reports.compute(spec, user=actor, unit=unit, period=period)
    ids = statements.record_ids(spec, user=actor, unit=unit, period=period)
    for key in spec.figures:
        measure = spec.measure(key)
        if not measure.sum_field and int(report.figures[key]) != len(ids[key]):
            # the ledgers moved between the two reads: a report that cannot be explained
            # by its records is not stored
            raise ApplicationError(
                _("The records changed while the period was being closed; please try again.")
            )
    stored = StoredReport(
        closed_period=closed,
        module=spec.module,
        figures=statements.figures_json(report),
        tables=statements.build_tables(report, user=actor),
        record_ids=ids,
        generated_by=actor,
        generated_at=closed.closed_at,
    )
    stored.checksum = stored.compute_checksum()
    stored.full_clean()
    stored.save(force_insert=True)
    return stored


def close_period(
    *, actor: Any, unit: Unit, period: reports.Period, today: date | None = None
) -> ClosedPeriod:
    """Close ``period`` for ``unit``: store each module's report with the records it counts.

    403 (audited, the refusal kept) for a user who may not close the unit;
    ``ApplicationError`` for a period not yet ended, one already closed, or a user whose
    roles see no module.
    """
    if not may_close(actor, unit):
        _refuse(actor, "close", unit, period)
    return _close(actor=actor, unit=unit, period=period, today=today)


@transaction.atomic
def _close(*, actor: Any, unit: Unit, period: reports.Period, today: date | None) -> ClosedPeriod:
    today = today or timezone.localdate()
    if period.end > today:
        raise ApplicationError(
            _("%(period)s has not ended yet: a period can be closed from %(date)s on.")
            % {"period": statements.period_label(period), "date": period.end.isoformat()},
            field="year",
        )
    kind, number = statements.period_key(period)
    specs = reported_specs(actor)
    if not specs:
        raise ApplicationError(_("Your roles report no module: there is nothing to close."))
    closed = ClosedPeriod(
        unit=unit,
        kind=kind,
        year=period.year,
        number=number,
        closed_by=actor,
        closed_at=timezone.now(),
        created_by=actor,
    )
    closed.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            closed.save(force_insert=True)
    except IntegrityError:
        raise ApplicationError(
            _("%(period)s is already closed for %(unit)s.")
            % {"period": statements.period_label(period), "unit": unit.name}
        ) from None
    stored = [
        _stored_report(spec, actor=actor, closed=closed, unit=unit, period=period) for spec in specs
    ]
    audit.record(
        "close",
        actor=actor,
        obj=closed,
        changes={
            "unit": unit.code,
            "period": period.slug,
            "reports": {report.module: report.checksum for report in stored},
        },
    )
    return closed


def reopen_period(*, actor: Any, closed: ClosedPeriod, reason: str) -> ClosedPeriod:
    """Reopen a closed period (its stored reports are kept, no longer served); audited.

    Same right as closing (403 audited), and a stated reason.
    """
    if not may_close(actor, closed.unit):
        _refuse(actor, "reopen", closed.unit, statements.period_of(closed))
    return _reopen(actor=actor, closed=closed, reason=reason)


@transaction.atomic
def _reopen(*, actor: Any, closed: ClosedPeriod, reason: str) -> ClosedPeriod:
    period = statements.period_of(closed)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Reason: state why the period is reopened."), field="reason")
    if len(reason) > REASON_MAX:
        raise ApplicationError(
            _("Reason: at most %(max)d characters.") % {"max": REASON_MAX}, field="reason"
        )
    if not closed.is_closed:
        raise ApplicationError(_("This period has already been reopened."))
    closed.reopened_by = actor
    closed.reopened_at = timezone.now()
    closed.reopen_reason = reason
    closed.full_clean(validate_constraints=False)
    closed.save()
    audit.record(
        "reopen",
        actor=actor,
        obj=closed,
        reason=reason,
        changes={"unit": closed.unit.code, "period": period.slug},
    )
    return closed
