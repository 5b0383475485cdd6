"""Chinese working days: weekends off, public holidays off, make-up working days (调休) on.

The exceptions are data (``Holiday`` rows, loaded yearly from ``core/data/holidays.csv``).
"""

from __future__ import annotations

from datetime import date, timedelta

from sifasuo.core.choices import DayCount, DayKind
from sifasuo.core.models import DeadlineRule, Holiday


def _exceptions(start: date, end: date) -> dict[date, str]:
    rows = Holiday.objects.filter(date__range=(start, end)).values_list("date", "kind")
    return dict(rows)


def is_working_day(day: date) -> bool:
    """Return whether ``day`` is a working day."""
    kind = _exceptions(day, day).get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """Return the date ``days`` working days after ``start`` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    # Enough room for long holidays: each working day needs at most ~3 calendar days.
    exceptions = _exceptions(start, start + timedelta(days=days * 3 + 30))
    current, remaining = start, days
    while remaining:
        current += timedelta(days=1)
        kind = exceptions.get(current)
        working = kind == DayKind.WORKDAY or (kind != DayKind.HOLIDAY and current.weekday() < 5)
        if working:
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Count working days after ``start`` up to and including ``end``."""
    exceptions = _exceptions(start, end)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        kind = exceptions.get(current)
        if kind == DayKind.WORKDAY or (kind != DayKind.HOLIDAY and current.weekday() < 5):
            count += 1
    return count


def due_date(rule_code: str, start: date) -> date:
    """Return the due date of the deadline rule ``rule_code`` counted from ``start``."""
    rule = DeadlineRule.objects.get(code=rule_code)
    if rule.count == DayCount.WORKING:
        return add_working_days(start, rule.days)
    return start + timedelta(days=rule.days)
