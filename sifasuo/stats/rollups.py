"""The aggregates: each rolled-up measure kept per counting unit × month (× breakdown value).

How they stay right (docs/operations, "Aggregates"):

* A *cell* is (module, counting unit, year, month). Every write to a record a rolled-up
  measure counts, or to a row its figure reads through (the subject of a disciplinary
  measure, the round of a juror candidate, the task of a reply, a case's category), marks
  the cells the records were in before and are in after as stale, inside the writing
  transaction (model signals, plus ``core.measures.records_changed`` for bulk writes).
  A rolled-back write leaves no mark, like it leaves no record.
* ``refresh`` recomputes the stale cells from the ledgers and drops each mark unless a
  write bumped its stamp meanwhile; a report refreshes its module before it reads.
* ``rebuild`` recomputes everything in bulk (one grouped query per measure and breakdown);
  ``verify`` compares every kept figure with a fresh computation.

A measure is kept only when the aggregates give exactly its live scoped figure: dated, not
live, counting by a unit that is the records' scope unit (or one of their view units), and
whose records' filters read only rows the signals watch (no subquery, no date of today).
Others are computed live by ``reports``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.db.models.sql.datastructures import Join
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from sifasuo.core.measures import Measure, records_changed, registry
from sifasuo.core.scope import SYSTEM, unit_lookup
from sifasuo.stats.models import Aggregate, StaleCell
from sifasuo.stats.models.aggregates import TOTAL

logger = logging.getLogger(__name__)

Cell = tuple[str, int, int, int]  # module, unit id, year, month
BATCH = 5000
REFRESH_LIMIT = 500  # stale cells recomputed per call; more leaves the report live


# Plans: what each kept measure counts, and through which rows ----------------------------


@dataclass(frozen=True)
class Plan:
    """How one kept measure is counted into cells."""

    measure: Measure
    module: str
    model: type[models.Model]
    unit_key: str  # values() lookup of the counting unit's id ("pk" for a unit itself)
    date_field: str
    is_datetime: bool
    distinct: bool  # the records' query joins many rows per record: count distinct pks
    multi_breakdowns: frozenset[str]  # breakdowns through a many-valued relation
    integer_sum: bool
    # lookups from ``model`` to a related row read by the figure; ``moves`` when the row
    # decides the record's unit or date (the cell), not only its breakdown or membership
    related: tuple[tuple[type[models.Model], str, bool], ...] = field(default_factory=tuple)
    m2m: tuple[tuple[Any, str, str], ...] = field(default_factory=tuple)  # through, owner, m2m

    @property
    def code(self) -> str:
        return self.measure.code

    def records(self) -> models.QuerySet[Any]:
        return self.measure.records(SYSTEM).order_by()

    def count(self) -> Any:
        if self.measure.sum_field:
            return Sum(self.measure.sum_field)
        return Count("pk", distinct=True) if self.distinct else Count("pk")

    def tally(self, breakdown: str) -> Any:
        """The count per value of ``breakdown`` (distinct records where values repeat)."""
        many = self.distinct or breakdown in self.multi_breakdowns
        return Count("pk", distinct=True) if many else Count("pk")


class _NotKept(Exception):
    pass


def _module(code: str) -> str:
    return code.split(".", 1)[0]


def _walk(model: Any, lookup: str) -> list[tuple[str, Any, Any]]:
    """The relations along ``lookup``: (prefix, field, model reached), in order."""
    steps = []
    prefix = ""
    for part in lookup.split("__"):
        try:
            fld = model._meta.get_field(part)
        except Exception:
            break  # a transform or the final column
        if not fld.is_relation or fld.related_model is None:
            break
        prefix = f"{prefix}__{part}" if prefix else part
        model = fld.related_model
        steps.append((prefix, fld, model))
    return steps


def _final_field(model: type[models.Model], lookup: str) -> Any:
    fld: Any = None
    for part in lookup.split("__"):
        fld = model._meta.get_field(part)
        if fld.is_relation and fld.related_model is not None:
            model = fld.related_model
    return fld


def _joins(qs: models.QuerySet[Any]) -> list[tuple[str, bool]]:
    """The lookups the records' own filters join through: (path, is multi-valued)."""
    query = qs.query.clone()
    query.get_compiler(using=qs.db).as_sql()  # resolves the joins
    paths: dict[str, str] = {}
    found = []
    for alias, join in query.alias_map.items():
        if not isinstance(join, Join):
            paths[alias] = ""
            continue
        if join.parent_alias not in paths:
            raise _NotKept(f"join {alias}")
        name: str = getattr(join.join_field, "name", "")
        if not name or name.endswith("+"):
            raise _NotKept(f"hidden join {name}")
        parent = paths[join.parent_alias]
        paths[alias] = f"{parent}__{name}" if parent else name
        multi = not getattr(join.join_field, "many_to_one", False) and not getattr(
            join.join_field, "one_to_one", False
        )
        found.append((paths[alias], multi))
    return found


def _plan(measure: Measure) -> Plan:
    if not measure.rolls_up or not measure.date_field:
        raise _NotKept("not dated or live")
    if type(measure).value is not Measure.value or type(measure).queryset is not Measure.queryset:
        raise _NotKept("computed in Python")
    qs = measure.records(SYSTEM)
    model = qs.model
    if not measure.unit_path_field.endswith("path"):
        raise _NotKept("unit path field")
    unit_fk = measure.unit_path_field.removesuffix("path").removesuffix("__")
    scope_fields = {unit_lookup(model), *getattr(model, "scope_view_unit_fields", ())}
    if unit_fk not in scope_fields:
        raise _NotKept(f"counts under {unit_fk!r}, scoped by {sorted(scope_fields)}")
    sql, params = qs.query.sql_with_params()
    if sql.upper().count("SELECT") > 1:
        raise _NotKept("subquery")
    today = timezone.localdate().isoformat()
    if any(str(p).startswith(today) for p in params):
        raise _NotKept("depends on today")
    date_fld = _final_field(model, measure.date_field)
    integer_sum = False
    if measure.sum_field:
        integer_sum = not isinstance(_final_field(model, measure.sum_field), models.DecimalField)
    related: dict[tuple[type[models.Model], str], bool] = {}
    m2m: set[tuple[Any, str, str]] = set()
    multi = False
    multi_breakdowns = set()

    def add(lookup: str, *, moves: bool, skip_last_unit: bool = False) -> bool:
        many = False
        steps = _walk(model, lookup)
        if skip_last_unit and steps:
            steps = steps[:-1]  # the counting unit itself: its path is copied, not counted
        for prefix, fld, reached in steps:
            if fld.many_to_many or fld.one_to_many:
                many = True
            if fld.many_to_many and fld.concrete:
                owner = prefix.rpartition("__")[0]
                m2m.add((fld.remote_field.through, owner, prefix))
            elif fld.many_to_many:
                raise _NotKept("reverse many-to-many")
            key = (reached, prefix)
            related[key] = related.get(key, False) or moves
        return many

    if add(measure.unit_path_field, moves=True, skip_last_unit=True):
        raise _NotKept("counts through a many-valued relation")
    if add(measure.date_field, moves=True):
        raise _NotKept("dated through a many-valued relation")
    for name, lookup in measure.breakdowns.items():
        if add(lookup, moves=False):
            multi_breakdowns.add(name)
    if measure.sum_field and add(measure.sum_field, moves=False):
        raise _NotKept("sums through a many-valued relation")
    for path, is_multi in _joins(qs):
        multi = multi or is_multi
        steps = _walk(model, path)
        if not steps or steps[-1][0] != path:
            raise _NotKept(f"join {path}")
        for prefix, _fld, reached in steps:
            related.setdefault((reached, prefix), False)
    return Plan(
        measure=measure,
        module=_module(measure.code),
        model=model,
        unit_key=unit_fk or "pk",
        date_field=measure.date_field,
        is_datetime=isinstance(date_fld, models.DateTimeField),
        distinct=multi,
        multi_breakdowns=frozenset(multi_breakdowns),
        integer_sum=integer_sum,
        related=tuple((m, p, mv) for (m, p), mv in related.items()),
        m2m=tuple(sorted(m2m, key=str)),
    )


@cache
def plans() -> dict[str, Plan]:
    """Every kept measure's plan, by code (the registry is complete once apps are ready)."""
    result = {}
    for measure in registry.all():
        try:
            result[measure.code] = _plan(measure)
        except _NotKept as reason:
            if measure.rolls_up:
                logger.info("measure %s is computed live: %s", measure.code, reason)
    return result


def kept(code: str) -> bool:
    """Return whether the figure ``code`` is read from the aggregates."""
    return code in plans()


def _plans_of(modules: Iterable[str] | None) -> list[Plan]:
    wanted = set(modules) if modules is not None else None
    return [p for p in plans().values() if wanted is None or p.module in wanted]


# Marking ---------------------------------------------------------------------------------

_suspended: ContextVar[bool] = ContextVar("stats_rollups_suspended", default=False)


@contextlib.contextmanager
def suspended() -> Iterator[None]:
    """Mark nothing inside (a bulk load); call ``rebuild`` after it.

    Nor raise the dashboards' generations (``memo.quiet``): ``rebuild`` raises them all.
    """
    from sifasuo.stats import memo

    token = _suspended.set(True)
    try:
        with memo.quiet():
            yield
    finally:
        _suspended.reset(token)


def _local_month(value: Any, is_datetime: bool) -> tuple[int, int] | None:
    if value is None:
        return None
    if isinstance(value, str):  # an unsaved instance may hold the text it was given
        value = parse_datetime(value) or parse_date(value)
        if value is None:
            return None
    if is_datetime and isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.year, value.month


def _cells(plan: Plan, rows: Iterable[dict[str, Any]]) -> set[Cell]:
    found = set()
    for row in rows:
        unit_id = row[plan.unit_key]
        month = _local_month(row[plan.date_field], plan.is_datetime)
        if unit_id is not None and month is not None:
            found.add((plan.module, unit_id, *month))
    return found


def _pairs(plans_: list[Plan], qs: models.QuerySet[Any]) -> set[Cell]:
    """The cells of the records in ``qs`` for each plan (one query)."""
    names = sorted({n for p in plans_ for n in (p.unit_key, p.date_field)})
    rows = list(qs.order_by().values(*names).distinct())
    found: set[Cell] = set()
    for plan in plans_:
        found |= _cells(plan, rows)
    return found


def mark(cells: set[Cell]) -> None:
    """Mark ``cells`` stale (one upsert; the stamp moves on for cells already marked)."""
    if not cells or _suspended.get():
        return
    table = connection.ops.quote_name(StaleCell._meta.db_table)
    stamp = time.time_ns()
    rows = sorted(cells)
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for module, unit_id, year, month in rows:
        params += [module, unit_id, year, month, stamp]
    # the table name is ours and quoted, the values are parameters (bandit B608: not user input)
    sql = (
        f"INSERT INTO {table} (module, unit_id, year, month, stamp) VALUES {values} "  # noqa: S608  # nosec B608
        "ON CONFLICT (module, unit_id, year, month) DO UPDATE SET stamp = CASE "
        f"WHEN excluded.stamp > {table}.stamp THEN excluded.stamp ELSE {table}.stamp + 1 END"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@cache
def _watch() -> tuple[dict[Any, list[Plan]], dict[Any, list[tuple[Plan, str, bool]]]]:
    """Models counted (-> plans), and models read through (-> plan, lookup, moves)."""
    counted: dict[Any, list[Plan]] = defaultdict(list)
    through: dict[Any, list[tuple[Plan, str, bool]]] = defaultdict(list)
    for plan in plans().values():
        counted[plan.model].append(plan)
        for model, lookup, moves in plan.related:
            through[model].append((plan, lookup, moves))
    return dict(counted), dict(through)


@cache
def _forward(model: Any, lookup: str) -> bool:
    """Whether ``lookup`` ends on a forward relation (no record can name a new row yet)."""
    steps = _walk(model, lookup)
    return bool(steps) and bool(steps[-1][1].concrete)


def _related_cells(
    instance: models.Model, *, moving_only: bool, created: bool = False
) -> set[Cell]:
    found: set[Cell] = set()
    groups: dict[tuple[Any, str], list[Plan]] = defaultdict(list)
    for plan, lookup, moves in _watch()[1].get(type(instance), ()):
        if created and _forward(plan.model, lookup):
            continue
        if moves or not moving_only:
            groups[(plan.model, lookup)].append(plan)
    for (model, lookup), plans_ in groups.items():
        found |= _pairs(plans_, model._default_manager.filter(**{lookup: instance.pk}))
    return found


def _on_pre_save(sender: Any, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if _suspended.get() or raw or instance._state.adding or instance.pk is None:
        return
    counted, through = _watch()
    old: set[Cell] = set()
    if sender in counted:
        old |= _pairs(counted[sender], sender._default_manager.filter(pk=instance.pk))
    if sender in through:
        old |= _related_cells(instance, moving_only=True)
    instance._stats_cells = old  # type: ignore[attr-defined]


def _on_post_save(sender: Any, instance: models.Model, created: bool, **kwargs: Any) -> None:
    if _suspended.get() or kwargs.get("raw"):
        return
    counted, through = _watch()
    cells: set[Cell] = set(getattr(instance, "_stats_cells", ()))
    instance.__dict__.pop("_stats_cells", None)
    if sender in counted:
        plans_ = counted[sender]
        local = all("__" not in n for p in plans_ for n in (p.unit_key, p.date_field))
        if local:
            row = {}
            for p in plans_:
                for name in (p.unit_key, p.date_field):
                    attname = "pk" if name == "pk" else sender._meta.get_field(name).attname
                    row[name] = getattr(instance, attname)
            for p in plans_:
                cells |= _cells(p, [row])
        else:
            cells |= _pairs(plans_, sender._default_manager.filter(pk=instance.pk))
    if sender in through:
        cells |= _related_cells(instance, moving_only=False, created=created)
    mark(cells)


def _on_pre_delete(sender: Any, instance: models.Model, **kwargs: Any) -> None:
    if _suspended.get():
        return
    counted, through = _watch()
    cells: set[Cell] = set()
    if sender in counted:
        cells |= _pairs(counted[sender], sender._default_manager.filter(pk=instance.pk))
    if sender in through:
        cells |= _related_cells(instance, moving_only=False)
    mark(cells)


def _on_m2m_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if _suspended.get() or action not in ("post_add", "post_remove", "pre_clear"):
        return
    cells: set[Cell] = set()
    for plan in plans().values():
        for through, owner, m2m_lookup in plan.m2m:
            if through is not sender:
                continue
            manager = plan.model._default_manager
            if not reverse:
                qs = manager.filter(**{owner or "pk": instance.pk})
            elif pk_set:
                qs = manager.filter(**{f"{owner}__in" if owner else "pk__in": list(pk_set)})
            else:
                qs = manager.filter(**{m2m_lookup: instance.pk})
            cells |= _pairs([plan], qs)
    mark(cells)


def _on_records_changed(sender: Any, pks: Iterable[Any] = (), **kwargs: Any) -> None:
    if _suspended.get():
        return
    plans_ = _watch()[0].get(sender)
    ids = list(pks)
    if plans_ and ids:
        mark(_pairs(plans_, sender._default_manager.filter(pk__in=ids)))


def _on_unit_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A unit moved in the tree: its aggregates follow it (they keep its path)."""
    if not kwargs.get("created") and not kwargs.get("raw"):
        moved = (
            Aggregate.objects.filter(unit=instance)
            .exclude(unit_path=instance.path)
            .update(unit_path=instance.path)
        )
        if moved:
            resum_subtrees()


def resum_subtrees() -> None:
    """Rewrite every subtree row from the units' own rows (after a unit moved)."""
    from sifasuo.orgs.models import Unit

    tree = _ancestors()
    paths = dict(Unit.objects.values_list("pk", "path"))
    own = Aggregate.objects.filter(subtree=False)
    codes = list(own.order_by("measure").values_list("measure", flat=True).distinct())
    Aggregate.objects.filter(subtree=True).delete()
    for code in codes:
        rows = own.filter(measure=code).values_list(
            "unit_id", "year", "month", "breakdown", "key", "value"
        )
        Aggregate.objects.bulk_create(
            [
                _row(code, u, paths[u], y, m, b, k, v, subtree=True)
                for (u, y, m, b, k, v), below in _and_subtrees(tree, rows.iterator(BATCH))
                if below
            ],
            batch_size=BATCH,
        )


def connect() -> None:
    """Connect the marking receivers (``StatsConfig.ready``)."""
    from sifasuo.orgs.models import Unit

    counted, through = _watch()
    for model in {*counted, *through}:
        uid = f"stats-rollups-{model._meta.label}"
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=uid, weak=False)
        post_save.connect(_on_post_save, sender=model, dispatch_uid=uid, weak=False)
        pre_delete.connect(_on_pre_delete, sender=model, dispatch_uid=uid, weak=False)
    for plan in plans().values():
        for through_model, _owner, _lookup in plan.m2m:
            m2m_changed.connect(
                _on_m2m_changed,
                sender=through_model,
                dispatch_uid=f"stats-rollups-{through_model._meta.label}",
                weak=False,
            )
    records_changed.connect(_on_records_changed, dispatch_uid="stats-rollups", weak=False)
    # no post_delete receiver: pre_delete marked the cells, refresh recomputes them
    post_save.connect(_on_unit_saved, sender=Unit, dispatch_uid="stats-rollups-unit-path")


# Computing -------------------------------------------------------------------------------


def _bounds(plan: Plan, year: int, month: int) -> tuple[Any, Any]:
    start = date(year, month, 1)
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    if plan.is_datetime:
        return (
            datetime(start.year, start.month, 1, tzinfo=timezone.get_current_timezone()),
            datetime(end.year, end.month, 1, tzinfo=timezone.get_current_timezone()),
        )
    return start, end


def _value(plan: Plan, n: Any) -> Decimal | None:
    if n is None:
        return None
    return Decimal(n).quantize(Decimal("0.01"))


def _cell_rows(plan: Plan, unit: Any, year: int, month: int) -> list[Aggregate]:
    start, end = _bounds(plan, year, month)
    qs = plan.records().filter(
        **{plan.unit_key: unit.pk, f"{plan.date_field}__gte": start, f"{plan.date_field}__lt": end}
    )
    rows = []
    total = _value(plan, qs.aggregate(n=plan.count())["n"])
    if total is not None and (plan.measure.sum_field or total):
        rows.append(_row(plan.code, unit.pk, unit.path, year, month, TOTAL, TOTAL, total))
    for name, by in plan.measure.breakdowns.items():
        grouped = qs.values(by).annotate(n=plan.tally(name)).values_list(by, "n")
        for key, n in grouped:
            if key not in (None, "") and n:
                rows.append(_row(plan.code, unit.pk, unit.path, year, month, name, str(key), n))
    return rows


def _row(
    code: str,
    unit_id: int,
    path: str,
    year: int,
    month: int,
    name: str,
    key: str,
    n: Any,
    *,
    subtree: bool = False,
) -> Aggregate:
    return Aggregate(
        measure=code,
        unit_id=unit_id,
        unit_path=path,
        year=year,
        month=month,
        breakdown=name,
        key=key,
        value=Decimal(n),
        subtree=subtree,
    )


Own = tuple[int, int, int, str, str, Decimal]  # unit id, year, month, breakdown, key, figure


def _and_subtrees(tree: dict[int, list[int]], own: Iterable[Own]) -> Iterator[tuple[Own, bool]]:
    """Each own row (``False``), then each ancestor's sum of the rows below it (``True``)."""
    sums: dict[tuple[int, int, int, str, str], Decimal] = defaultdict(Decimal)
    for row in own:
        yield row, False
        unit_id, year, month, name, key, value = row
        for ancestor in tree.get(unit_id, ()):
            sums[(ancestor, year, month, name, key)] += value
    for (unit_id, year, month, name, key), value in sums.items():
        yield (unit_id, year, month, name, key, value), True


def refresh(modules: Iterable[str] | None = None, *, limit: int = REFRESH_LIMIT) -> int:
    """Recompute the stale cells of ``modules`` (all by default); return how many remain.

    One query when nothing is stale. On PostgreSQL a cell being recomputed or written by
    another transaction is skipped (``SKIP LOCKED``), never waited for.
    """
    from sifasuo.orgs.models import Unit

    wanted = None if modules is None else sorted(set(modules))
    stale = StaleCell.objects.all()
    if wanted is not None:
        stale = stale.filter(module__in=wanted)
    ids = list(stale.order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    with transaction.atomic():
        locked = StaleCell.objects.filter(pk__in=ids)
        if connection.features.has_select_for_update_skip_locked:
            locked = locked.select_for_update(skip_locked=True)
        cells = list(locked)
        units = Unit.objects.in_bulk({c.unit_id for c in cells})
        by_module: dict[str, list[Plan]] = defaultdict(list)
        for plan in plans().values():
            by_module[plan.module].append(plan)
        above: set[tuple[str, int, int, int]] = set()  # module, ancestor id, year, month
        tree = _ancestors()
        for cell in cells:
            plans_ = by_module.get(cell.module, [])
            unit = units[cell.unit_id]
            rows = [r for p in plans_ for r in _cell_rows(p, unit, cell.year, cell.month)]
            Aggregate.objects.filter(
                measure__in=[p.code for p in plans_],
                unit_id=cell.unit_id,
                year=cell.year,
                month=cell.month,
                subtree=False,
            ).delete()
            Aggregate.objects.bulk_create(rows, batch_size=BATCH)
            StaleCell.objects.filter(pk=cell.pk, stamp=cell.stamp).delete()
            for ancestor in tree.get(cell.unit_id, ()):
                above.add((cell.module, ancestor, cell.year, cell.month))
        ancestors = Unit.objects.in_bulk({a for _m, a, _y, _mo in above})
        for module, ancestor_id, year, month in sorted(above):
            codes = [p.code for p in by_module.get(module, [])]
            _sum_subtree(codes, ancestors[ancestor_id], year, month)
    return stale.count()


def _ancestors() -> dict[int, list[int]]:
    """Each unit's strict ancestors' ids, from the materialised paths (one query)."""
    from sifasuo.orgs.models import Unit

    rows = list(Unit.objects.values_list("pk", "code", "path"))
    ids = {code: pk for pk, code, _path in rows}
    result: dict[int, list[int]] = {}
    for pk, _code, path in rows:
        codes = str(path).strip("/").split("/")[:-1]
        result[pk] = [ids[c] for c in codes if c in ids]
    return result


def _sum_subtree(codes: list[str], unit: Any, year: int, month: int) -> None:
    """Rewrite the subtree rows of ``unit`` for one month: the sum of the rows below it."""
    if not codes:
        return
    below = (
        Aggregate.objects.filter(
            measure__in=codes,
            year=year,
            month=month,
            subtree=False,
            unit_path__startswith=unit.path,
        )
        .exclude(unit_id=unit.pk)
        .values("measure", "breakdown", "key")
        .annotate(n=Sum("value"))
        .values_list("measure", "breakdown", "key", "n")
    )
    rows = [
        _row(code, unit.pk, unit.path, year, month, name, key, n, subtree=True)
        for code, name, key, n in below
    ]
    Aggregate.objects.filter(
        measure__in=codes, unit_id=unit.pk, year=year, month=month, subtree=True
    ).delete()
    Aggregate.objects.bulk_create(rows, batch_size=BATCH)


def _grouped(plan: Plan, name: str | None) -> Iterator[tuple[int, int, int, str, Any]]:
    """(unit id, year, month, key, figure) of every cell, in one grouped query."""
    qs = plan.records().filter(**{f"{plan.date_field}__isnull": False})
    names = [plan.unit_key, "_y", "_m"]
    by = None if name is None else plan.measure.breakdowns[name]
    if by is not None:
        names.append(by)
    rows = (
        qs.annotate(_y=ExtractYear(plan.date_field), _m=ExtractMonth(plan.date_field))
        .values(*names)
        .annotate(_n=plan.count() if name is None else plan.tally(name))
        .values_list(*names, "_n")
    )
    for row in rows.iterator(chunk_size=BATCH):
        unit_id, year, month = row[0], row[1], row[2]
        key = TOTAL if by is None else row[3]
        n = row[-1]
        if unit_id is None or key is None or (by is not None and key == ""):
            continue
        if n is None or (not n and not (by is None and plan.measure.sum_field)):
            continue
        yield unit_id, year, month, str(key), n


def _computed(plan: Plan) -> Iterator[tuple[int, int, int, str, str, Decimal]]:
    for unit_id, year, month, key, n in _grouped(plan, None):
        yield unit_id, year, month, TOTAL, key, Decimal(n).quantize(Decimal("0.01"))
    for name in plan.measure.breakdowns:
        for unit_id, year, month, key, n in _grouped(plan, name):
            yield unit_id, year, month, name, key, Decimal(n)


def _select(modules: Iterable[str] | None, measures: Iterable[str] | None) -> list[Plan]:
    chosen = _plans_of(modules)
    if measures is not None:
        codes = set(measures)
        chosen = [p for p in chosen if p.code in codes]
    return chosen


def rebuild(
    modules: Iterable[str] | None = None, measures: Iterable[str] | None = None
) -> dict[str, int]:
    """Recompute the aggregates of ``modules`` / ``measures`` (all by default) in bulk.

    Per measure and breakdown one grouped query over (unit, year, month[, value]); the old
    rows are deleted and the new ones inserted in batches, in one transaction per measure.
    Returns the number of rows written per measure.
    """
    from sifasuo.orgs.models import Unit

    paths = dict(Unit.objects.values_list("pk", "path"))
    tree = _ancestors()
    written: dict[str, int] = {}
    chosen = _select(modules, measures)
    for plan in chosen:
        with transaction.atomic():
            Aggregate.objects.filter(measure=plan.code).delete()
            batch: list[Aggregate] = []
            count = 0
            for (unit_id, year, month, name, key, value), below in _and_subtrees(
                tree, _computed(plan)
            ):
                path = paths[unit_id]
                batch.append(
                    _row(plan.code, unit_id, path, year, month, name, key, value, subtree=below)
                )
                if len(batch) >= BATCH:
                    Aggregate.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
            Aggregate.objects.bulk_create(batch)
            written[plan.code] = count + len(batch)
    done = {p.module for p in chosen}
    if modules is None and measures is None:
        Aggregate.objects.exclude(measure__in=list(plans())).delete()
    if measures is None:
        StaleCell.objects.filter(module__in=done).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics for the planner
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Aggregate._meta.db_table)}")
    from sifasuo.stats import memo

    # after a bulk load (``suspended``) the figures the dashboards kept are out of date
    memo.bump({p.module for p in chosen} if modules or measures else memo.all_modules())
    return written


@dataclass(frozen=True)
class Mismatch:
    """A kept figure that differs from a fresh computation from the ledgers."""

    measure: str
    unit_id: int
    year: int
    month: int
    breakdown: str
    key: str
    kept: Decimal | None
    live: Decimal | None

    def __str__(self) -> str:
        where = f"{self.breakdown}={self.key}" if self.breakdown else "total"
        return (
            f"{self.measure} unit={self.unit_id} {self.year}-{self.month:02d} {where}: "
            f"kept {self.kept}, ledgers {self.live}"
        )


def verify(modules: Iterable[str] | None = None) -> list[Mismatch]:
    """Compare every kept figure of ``modules`` with the ledgers (after a refresh)."""
    refresh(modules, limit=10**9)
    found: list[Mismatch] = []
    tree = _ancestors()
    for plan in _select(modules, None):
        live = {
            (u, y, m, b, k, below): v
            for (u, y, m, b, k, v), below in _and_subtrees(tree, _computed(plan))
        }
        stored = {
            (r.unit_id, r.year, r.month, r.breakdown, r.key, r.subtree): r.value
            for r in Aggregate.objects.filter(measure=plan.code).iterator(chunk_size=BATCH)
        }
        for cell in sorted(live.keys() | stored.keys(), key=str):
            if live.get(cell) != stored.get(cell):
                unit_id, year, month, name, key, subtree = cell
                found.append(
                    Mismatch(
                        plan.code,
                        unit_id,
                        year,
                        month,
                        f"{name}(below)" if subtree else name,
                        key,
                        stored.get(cell),
                        live.get(cell),
                    )
                )
    return found


# Reading (stats.reports) -----------------------------------------------------------------


def figure(code: str, total: Decimal | None) -> int | Decimal:
    """The figure as ``Measure.value`` answers it: an int count, or the sum's type."""
    plan = plans()[code]
    if plan.measure.sum_field:
        if total is None:
            return Decimal("0.00")
        return int(total) if plan.integer_sum else total.quantize(Decimal("0.01"))
    return int(total or 0)


def _where(codes: list[str], unit_id: int, year: int, months: Iterable[int]) -> Q:
    # the unit's own rows and its subtree rows: everything counted at and below it
    return Q(measure__in=codes, year=year, month__in=list(months), unit_id=unit_id)


def totals(
    codes: list[str], *, unit_id: int, year: int, months: Iterable[int]
) -> dict[str, int | Decimal]:
    """Each kept figure of ``codes`` for the subtree of ``unit_id`` (one query)."""
    rows = dict(
        Aggregate.objects.filter(_where(codes, unit_id, year, months), breakdown=TOTAL)
        .values("measure")
        .annotate(n=Sum("value"))
        .values_list("measure", "n")
    )
    return {code: figure(code, rows.get(code)) for code in codes}


def breakdowns(
    code: str, names: list[str], *, unit_id: int, year: int, months: Iterable[int]
) -> dict[str, dict[str, int]]:
    """The counts per value of each breakdown ``names`` of ``code`` (one query)."""
    result: dict[str, dict[str, int]] = {name: {} for name in names}
    rows = (
        Aggregate.objects.filter(_where([code], unit_id, year, months), breakdown__in=names)
        .values("breakdown", "key")
        .annotate(n=Sum("value"))
        .values_list("breakdown", "key", "n")
    )
    for name, key, n in rows:
        if n:
            result[name][key] = int(n)
    return result


def by_path(code: str, *, unit_id: int, year: int, months: Iterable[int]) -> list[tuple[str, int]]:
    """The count of ``code`` per direct child of ``unit_id``, by the child's path (one query)."""
    rows = (
        Aggregate.objects.filter(
            measure=code,
            year=year,
            month__in=list(months),
            unit__parent_id=unit_id,
            breakdown=TOTAL,
        )
        .values("unit_path")
        .annotate(n=Sum("value"))
        .values_list("unit_path", "n")
    )
    return [(p, int(n)) for p, n in rows if n]


def monthly(code: str, *, unit_id: int, year: int) -> list[int | Decimal]:
    """The twelve monthly figures of ``code`` for the subtree of ``unit_id`` (one query)."""
    rows = dict(
        Aggregate.objects.filter(_where([code], unit_id, year, range(1, 13)), breakdown=TOTAL)
        .values("month")
        .annotate(n=Sum("value"))
        .values_list("month", "n")
    )
    return [figure(code, rows.get(month)) for month in range(1, 13)]
