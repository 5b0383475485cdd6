"""Figures the dashboards computed, kept until a write touches what they count.

A dashboard asks for the same figures again and again (the city officer's overview, each
district's): the aggregates make one figure a few rows, but an overview is eight modules
of cards, trends, comparisons and a map, well over a hundred queries. Inside ``session()``
(the dashboards open one per request) ``reports`` keeps each computed piece in the cache
under

    (what was computed, for whom, the unit and period, today's date, the module's generation)

and answers from there. The *generation* (``stats.Generation``) of a module is raised after
every committed write to a table its figures read (found from the SQL of its measures, so
a new measure is watched without a list to keep), including many-to-many changes and the
bulk writes that send ``core.measures.records_changed``; a rolled-back write raises
nothing. Today's date is in the key because the live figures (overdue, under correction
now) change with it. "For whom" is the user, their roles and unit: a figure is scoped, so
two users never share one. ``STATS_MEMO_SECONDS`` bounds how long a piece is kept at all.

Outside a session nothing is kept: the statistical reports, the API and the closing of a
period always compute.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from sifasuo.core.measures import records_changed
from sifasuo.core.scope import SYSTEM
from sifasuo.stats.models import Generation

_T = TypeVar("_T")
_TABLE = re.compile(r'"([A-Za-z0-9_]+)"')
DEFAULT_SECONDS = 600
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Session:
    generations: dict[str, int]
    today: str


_session: ContextVar[_Session | None] = ContextVar("stats_memo_session", default=None)
_quiet: ContextVar[bool] = ContextVar("stats_memo_quiet", default=False)


# Which tables each module reads ----------------------------------------------------------


def _tables(qs: Any) -> set[str]:
    sql, _params = qs.query.sql_with_params()
    return set(_TABLE.findall(sql))


_watched: dict[type[Model], frozenset[str]] | None = None


def watched() -> dict[type[Model], frozenset[str]]:
    """Model -> the modules whose figures read its table (every model the SQL names).

    The unit tree is read by every module (names, paths). A module whose records cannot
    be listed for the system principal (a table missing, before its migration) is left
    out, and so never kept (``keeps``), and the map is worked out again next time.
    """
    global _watched
    if _watched is not None:
        return _watched
    from sifasuo.orgs.models import Unit
    from sifasuo.stats.specs import SPECS

    by_table = {model._meta.db_table: model for model in apps.get_models()}
    for model in list(by_table.values()):
        for m2m in model._meta.many_to_many:
            through: Any = m2m.remote_field.through
            by_table.setdefault(through._meta.db_table, through)
    modules: dict[type[Model], set[str]] = {Unit: set()}
    complete = True
    for spec in SPECS:
        try:
            # a measure may read a setting row while it builds its query: in a savepoint,
            # so that a failure leaves the caller's transaction usable
            with transaction.atomic():
                tables = set().union(
                    *(_tables(spec.measure(k).records(SYSTEM)) for k in spec.figures)
                )
        except Exception:  # that module is not kept, until the map is worked out again
            logger.warning("stats.memo: the figures of %s are not kept", spec.module, exc_info=True)
            complete = False
            continue
        modules[Unit].add(spec.module)
        for table in tables:
            if table in by_table:
                modules.setdefault(by_table[table], set()).add(spec.module)
    found = {model: frozenset(names) for model, names in modules.items()}
    if complete:
        _watched = found
    return found


def keeps(module: str) -> bool:
    """Whether the figures of ``module`` are kept (its tables are known)."""
    return module in all_modules()


# Raising the generation ------------------------------------------------------------------


def bump(modules: frozenset[str] | set[str]) -> None:
    """Raise the generation of ``modules`` now (one UPDATE each, a row created if missing)."""
    for module in sorted(modules):
        if not Generation.objects.filter(module=module).update(n=F("n") + 1):
            try:
                with transaction.atomic():
                    Generation.objects.create(module=module, n=1)
            except IntegrityError:  # created meanwhile by another writer
                Generation.objects.filter(module=module).update(n=F("n") + 1)


def _after_commit(modules: frozenset[str]) -> None:
    """Raise ``modules`` once the current transaction commits (once per transaction)."""
    if not modules or _quiet.get():
        return
    if not connection.in_atomic_block:
        bump(modules)
        return
    pending = {
        module
        for entry in connection.run_on_commit  # (savepoint ids, callback, robust)
        for module in getattr(entry[1], "stats_modules", ())
    }
    todo = frozenset(modules - pending)
    if todo:
        callback = functools.partial(bump, todo)
        callback.stats_modules = todo  # type: ignore[attr-defined]
        transaction.on_commit(callback)


def _current(sender: Any) -> bool:
    """False for a migration's historical models (their own app registry) and raw loads."""
    return getattr(getattr(sender, "_meta", None), "apps", None) is apps


def _on_write(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or not _current(sender):
        return
    _after_commit(watched().get(sender, frozenset()))


def _on_m2m(sender: Any, instance: Any, action: str, model: Any, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and _current(sender):
        found = watched()
        _after_commit(
            found.get(sender, frozenset())
            | found.get(type(instance), frozenset())
            | found.get(model, frozenset())
        )


def _on_records_changed(sender: Any, **kwargs: Any) -> None:
    if not _current(sender):
        return
    _after_commit(watched().get(sender, frozenset()))


def connect() -> None:
    """Connect the receivers (``StatsConfig.ready``); which models matter is found lazily
    (``watched``, at the first write), so nothing is compiled while the apps load."""
    post_save.connect(_on_write, dispatch_uid="stats-memo", weak=False)
    post_delete.connect(_on_write, dispatch_uid="stats-memo", weak=False)
    m2m_changed.connect(_on_m2m, dispatch_uid="stats-memo", weak=False)
    records_changed.connect(_on_records_changed, dispatch_uid="stats-memo", weak=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Raise nothing inside (a bulk load); ``bump(all_modules())`` after it."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def all_modules() -> frozenset[str]:
    """Every module whose figures are kept: ``watched`` lists each under the unit tree."""
    from sifasuo.orgs.models import Unit

    return watched().get(Unit, frozenset())


# Keeping and reading ---------------------------------------------------------------------


def seconds() -> int:
    """How long a computed piece is kept (``STATS_MEMO_SECONDS``; 0: nothing is kept)."""
    return int(getattr(settings, "STATS_MEMO_SECONDS", DEFAULT_SECONDS))


@contextmanager
def session() -> Iterator[None]:
    """Keep and reuse computed figures inside (one query: the generations)."""
    if seconds() <= 0:
        yield
        return
    generations = dict(Generation.objects.values_list("module", "n"))
    token = _session.set(_Session(generations, timezone.localdate().isoformat()))
    try:
        yield
    finally:
        _session.reset(token)


def who(user: Any) -> tuple[Any, ...]:
    """The part of the key that makes a figure one user's (it is scoped to them)."""
    unit = getattr(user, "unit", None)
    roles = tuple(sorted(getattr(user, "role_codes", ()) or ()))
    return (getattr(user, "pk", None), roles, getattr(unit, "pk", None))


def kept(modules: str | tuple[str, ...], what: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    """``compute()``, or what it gave before for the same ``what`` and generations of
    ``modules`` (one module, or every module a whole page shows)."""
    current = _session.get()
    chosen = (modules,) if isinstance(modules, str) else modules
    if current is None or not chosen or not all(keeps(module) for module in chosen):
        return compute()
    generations = tuple(current.generations.get(module, 0) for module in chosen)
    raw = repr((what, chosen, generations, current.today))
    key = f"stats:memo:{hashlib.sha256(raw.encode()).hexdigest()}"
    found = cache.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = compute()
    cache.set(key, value, seconds())
    return value
