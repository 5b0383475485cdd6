"""Working days: weekends, public holidays and make-up working days (given / when / then)."""

from __future__ import annotations

from datetime import date

import pytest

from sifasuo.core import calendar
from sifasuo.core.choices import DayCount, DayKind
from sifasuo.core.models import DeadlineRule, Holiday


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 9, 29), True),  # Sunday, 国庆节调休
        (date(2024, 10, 12), True),  # Saturday, 国庆节调休
        (date(2024, 10, 1), False),  # Tuesday, 国庆节
        (date(2024, 10, 7), False),  # Monday, 国庆节
        (date(2024, 10, 8), True),  # Tuesday after the holiday
        (date(2024, 9, 21), False),  # plain Saturday
        (date(2024, 9, 22), False),  # plain Sunday
        (date(2024, 9, 25), True),  # plain Wednesday
        (date(2024, 9, 16), False),  # Monday, 中秋节
        (date(2024, 9, 14), True),  # Saturday, 中秋节调休
    ],
)
def test_is_working_day(db, day, working):
    assert calendar.is_working_day(day) is working


def test_the_holidays_file_is_loaded(db):
    # then: the facts the other tests rely on come from core/data/holidays.csv
    assert Holiday.objects.get(date=date(2024, 9, 29)).kind == DayKind.WORKDAY
    assert Holiday.objects.get(date=date(2024, 10, 1)).kind == DayKind.HOLIDAY
    assert date(2024, 9, 29).weekday() == 6


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2024, 9, 27), 1, date(2024, 9, 29)),  # Friday → the make-up Sunday
        (date(2024, 9, 29), 1, date(2024, 9, 30)),
        (date(2024, 9, 30), 1, date(2024, 10, 8)),  # over the whole Golden Week
        (date(2024, 9, 27), 3, date(2024, 10, 8)),
        (date(2024, 10, 10), 2, date(2024, 10, 12)),  # Thursday → make-up Saturday
        (date(2024, 9, 20), 1, date(2024, 9, 23)),  # plain Friday → Monday
        (date(2024, 9, 20), 0, date(2024, 9, 20)),
    ],
)
def test_add_working_days(db, start, days, expected):
    assert calendar.add_working_days(start, days) == expected


def test_add_working_days_refuses_negative_days(db):
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(date(2024, 9, 20), -1)


def test_working_days_between_counts_make_up_days_and_skips_holidays(db):
    # when
    count = calendar.working_days_between(date(2024, 9, 27), date(2024, 10, 8))
    # then: 9-29, 9-30, 10-08
    assert count == 3


def test_working_days_between_agrees_with_add_working_days(db):
    # given
    start = date(2024, 9, 10)
    # when
    end = calendar.add_working_days(start, 20)
    # then
    assert calendar.working_days_between(start, end) == 20


def test_due_date_counts_in_working_or_calendar_days(db):
    # given
    DeadlineRule.objects.create(code="T_WORK", name="工作日", days=1, count=DayCount.WORKING)
    DeadlineRule.objects.create(code="T_CAL", name="自然日", days=1, count=DayCount.CALENDAR)
    start = date(2024, 9, 30)
    # when / then
    assert calendar.due_date("T_WORK", start) == date(2024, 10, 8)
    assert calendar.due_date("T_CAL", start) == date(2024, 10, 1)
