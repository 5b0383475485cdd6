"""The database itself refuses bad rows (SECURITY.md §6.4, check 42), however they are written.

Each case makes a valid record through the models, copies its row and INSERTs the copy by
raw SQL (``connection.cursor()``), once as it is (with fresh values for the unique columns:
the control, which must be accepted, so a refusal is for the one bad value) and once with
one bad value: a NULL unit, a status outside the choices, or an end before its start. The
cases are generated: every model with a ``unit`` foreign key, every ``status`` field, every
date-order check the models declare; ``test_the_main_ledgers_are_covered`` keeps the main
ledgers from dropping out of the generated lists. Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F, Q

from sifasuo.orgs.models import Unit
from tests.accounts.matrix import RecordFactory
from tests.accounts.test_permission_matrix import MODELS

pytestmark = pytest.mark.django_db

HOME = "610102001"  # 西一路街道司法所
BAD_STATUS = "BOGUS"  # short enough for every status column: the CHECK refuses it, not the length
_fresh_numbers = count(1)


def _ledgers() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("sifasuo.")]


def _unit_models() -> list[str]:
    return sorted(
        m._meta.label
        for m in _ledgers()
        if any(f.name == "unit" and f.related_model is Unit for f in m._meta.concrete_fields)
        and m._meta.label != "accounts.User"  # a citizen has no unit: its own check below
    )


def _status_models() -> list[str]:
    return sorted(
        m._meta.label
        for m in _ledgers()
        if any(f.name == "status" and f.choices for f in m._meta.concrete_fields)
    )


def _comparisons(node: Any) -> list[tuple[str, Any]]:
    if isinstance(node, Q):
        return [pair for child in node.children for pair in _comparisons(child)]
    return [node]


ORDERED_FIELDS = (models.DateField, models.TimeField)  # DateTimeField is a DateField


def _date_orders() -> list[tuple[str, str, str, str]]:
    """(model, constraint, start, end) of every check that an end is not before its start."""
    found = []
    for model in _ledgers():
        for constraint in model._meta.constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            for lookup, value in _comparisons(constraint.condition):
                end, _, op = lookup.rpartition("__")
                if op not in ("gte", "gt") or not isinstance(value, F):
                    continue
                fields = {f.name: f for f in model._meta.concrete_fields}
                if all(isinstance(fields.get(n), ORDERED_FIELDS) for n in (end, value.name)):
                    found.append((model._meta.label, constraint.name, value.name, end))
    return sorted(found)


# Copying a row -----------------------------------------------------------------------------


def _factory() -> RecordFactory:
    return RecordFactory({m.label: m.make for m in MODELS})


def _record(label: str) -> models.Model:
    return _factory().make(apps.get_model(label), Unit.objects.get(code=HOME))


def _row(obj: models.Model) -> dict[str, Any]:
    """The record's column values (attribute names), as the ORM reads them."""
    fields = [f.attname for f in obj._meta.concrete_fields if not f.primary_key]
    return dict(type(obj)._base_manager.filter(pk=obj.pk).values(*fields).get())


def _other(field: models.Field, row: dict[str, Any], n: int) -> Any:
    """A row of the field's target that the row does not point at, another on each call."""
    target: Any = field.related_model
    taken = [
        row[f.attname]
        for f in field.model._meta.concrete_fields
        if f.is_relation and f.related_model is target and row[f.attname] is not None
    ]
    others = list(target._base_manager.exclude(pk__in=taken).values_list("pk", flat=True))
    if len(others) < 2:
        return _factory().make(target, Unit.objects.get(code=HOME)).pk
    return others[n % len(others)]


def _changed(field: models.Field, row: dict[str, Any]) -> Any:
    value = row[field.attname]
    n = next(_fresh_numbers)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if field.is_relation:
        return None if field.null else _other(field, row, n)
    if isinstance(field, models.CharField | models.TextField):
        suffix = f"~{n}"
        return (value or "")[: (field.max_length or 100) - len(suffix)] + suffix
    if isinstance(field, models.IntegerField):
        return value + 1 + n % 50  # small: a year keeps within its range
    if isinstance(field, models.DateField):
        return value + timedelta(days=n)
    raise TypeError(f"cannot make {field.model._meta.label}.{field.name} unique")


def _unique_sets(model: type[models.Model]) -> list[list[str]]:
    sets = [[f.name] for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    sets += [
        list(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
    ]
    return sets + [list(names) for names in model._meta.unique_together]


def _preference(field: models.Field) -> int:
    """Which field of a unique set to change: a text (a new suffix on every call), a foreign
    key (another row on every call), a number, then a date."""
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        return 0
    if field.is_relation:
        return 1
    if isinstance(field, models.IntegerField):
        return 2
    return 3


def _fresh(model: type[models.Model], row: dict[str, Any]) -> dict[str, Any]:
    """The row with new values in its unique columns, so that a copy may be inserted."""
    row = dict(row)
    changed: set[str] = set()
    for names in _unique_sets(model):
        if not names or changed & set(names):
            continue
        fields = sorted((model._meta.get_field(n) for n in names), key=_preference)
        row[fields[0].attname] = _changed(fields[0], row)
        changed.add(fields[0].name)
    return row


def _insert(model: type[models.Model], row: dict[str, Any]) -> None:
    """INSERT the row by raw SQL, the values as the database stores them."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[name].column) for name in row)
    values = [fields[name].get_db_prep_save(value, connection) for name, value in row.items()]
    marks = ", ".join(["%s"] * len(row))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, values)


def _refusal(model: type[models.Model], row: dict[str, Any]) -> str:
    """Insert the row; return the database's refusal (which names the rule), or ""."""
    try:
        _insert(model, row)
    except IntegrityError as exc:
        return str(exc)
    return ""


def _start(field: models.Field, row: dict[str, Any]) -> Any:
    """The start as the record has it, else its latest value of that kind (so that other
    checks on the start, such as accepted on or after received, still hold)."""
    if row[field.attname] is not None:
        return row[field.attname]
    kind = (
        datetime
        if isinstance(field, models.DateTimeField)
        else time
        if isinstance(field, models.TimeField)
        else date
    )
    defaults = {datetime: datetime(2024, 3, 5, 9, 0, tzinfo=UTC), time: time(9, 0)}
    return max(
        (v for v in row.values() if type(v) is kind), default=defaults.get(kind, date(2024, 3, 5))
    )


def _shifted(value: Any, steps: int) -> Any:
    if isinstance(value, time):
        return (datetime.combine(date(2024, 3, 5), value) + timedelta(hours=steps)).time()
    return value + timedelta(days=steps)


# The cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("label", _unit_models())
def test_a_row_without_a_unit_is_refused(demo, label):
    # given: a valid row of the ledger, which may be copied as it is
    model = apps.get_model(label)
    row = _row(_record(label))
    _insert(model, _fresh(model, row))
    # when / then
    assert "unit_id" in _refusal(model, {**_fresh(model, row), "unit_id": None})


@pytest.mark.parametrize("label", _status_models())
def test_a_status_outside_the_choices_is_refused(demo, label):
    # given
    model = apps.get_model(label)
    row = _row(_record(label))
    _insert(model, _fresh(model, row))
    # when / then
    refusal = _refusal(model, {**_fresh(model, row), "status": BAD_STATUS})
    # then: refused by the status check, or by another check that reads the status first
    assert any(name in refusal for name in _checks_on_status(model)), refusal


@pytest.mark.parametrize(
    ("label", "constraint", "start", "end"), _date_orders(), ids=lambda v: str(v)
)
def test_an_end_before_its_start_is_refused(demo, label, constraint, start, end):
    # given: the end on or just after the start is accepted
    model = apps.get_model(label)
    row = _row(_record(label))
    begin = _start(model._meta.get_field(start), row)
    row[start] = begin
    _insert(model, _fresh(model, {**row, end: _shifted(begin, 1)}))
    # when / then
    assert constraint in _refusal(model, _fresh(model, {**row, end: _shifted(begin, -1)}))


def test_a_staff_account_without_a_unit_is_refused(office_clerk):
    # given: a citizen's account may have no unit, a staff account may not
    model = apps.get_model("accounts.User")
    row = _fresh(model, _row(office_clerk))
    _insert(model, {**_fresh(model, row), "unit_id": None, "kind": "CITIZEN"})
    # when / then
    assert "accounts_user_staff_has_unit" in _refusal(
        model, {**_fresh(model, row), "unit_id": None}
    )


MAIN_LEDGERS = {
    "mediation.MediationCase": ("received_on", "accepted_on", "concluded_on"),
    "correction.CorrectionSubject": ("period_start", "period_end"),
    "legalservice.Consultation": ("received_on", "answered_on"),
    "legalservice.LegalAidApplication": ("received_on", "transferred_on"),
    "resettlement.ReleasedPerson": ("released_on", "period_end"),
    "governance.LegalityReview": ("received_on", "due_on"),
    "workorders.Task": ("sent_on", "due_on"),
}


def test_the_main_ledgers_are_covered():
    # given
    orders = {(label, start, end) for label, _name, start, end in _date_orders()}
    # then: a unit, a checked status and their dates in order, for each main ledger
    for label, dates in MAIN_LEDGERS.items():
        assert label in _unit_models(), label
        assert label in _status_models(), label
        for start, end in zip(dates, dates[1:], strict=False):
            assert (label, start, end) in orders, (label, start, end)


def _status_check(model: type[models.Model]) -> models.CheckConstraint:
    """The check that the status is one of the field's choices."""
    values = sorted(value for value, _ in model._meta.get_field("status").choices)
    return next(
        c
        for c in model._meta.constraints
        if isinstance(c, models.CheckConstraint)
        and any(
            lookup == "status__in" and sorted(v) == values
            for lookup, v in _comparisons(c.condition)
        )
    )


def _checks_on_status(model: type[models.Model]) -> list[str]:
    return [
        c.name
        for c in model._meta.constraints
        if isinstance(c, models.CheckConstraint) and "status" in str(c.condition)
    ]


def test_every_status_field_has_its_check():
    for label in _status_models():
        assert _status_check(apps.get_model(label)).name.endswith("_status_valid"), label
