"""Reads of the statistics pages go to a PostgreSQL streaming replica, when there is one.

``DATABASE_REPLICA_URL`` configures the ``replica`` alias (config/settings/base.py). A
request reads from it only while it is marked: ``ReplicaReadsMiddleware`` marks the GET and
HEAD requests served by a view of the modules in ``SIFASUO_REPLICA_VIEW_MODULES`` (the
statistics app: dashboards, drill-down, reports, the stats API), and ``reads_from_replica``
marks any other view or block. Even then the primary answers:

* every write (``db_for_write`` is always the primary);
* every read inside a transaction on the primary (a service reading what it is about to
  change, ``select_for_update``, the audit chain's head);
* the reads of the apps in ``PRIMARY_ONLY_APPS``: sessions, accounts, lockouts, two-factor
  devices and the core tables (audit trail, tokens), which must never be a replica's
  slightly old copy.

Without a ``replica`` alias everything goes to the primary (``default``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "admin",
        "auth",
        "axes",
        "contenttypes",
        "core",
        "otp_static",
        "otp_totp",
        "sessions",
    }
)
DEFAULT_VIEW_MODULES = ("sifasuo.stats.",)

_replica_reads: ContextVar[bool] = ContextVar("sifasuo_replica_reads", default=False)


def replica_configured() -> bool:
    """Whether a ``replica`` database alias is configured."""
    return REPLICA in connections.settings


def reading_from_replica() -> bool:
    """Whether the code running now is marked to read from the replica."""
    return _replica_reads.get()


@contextlib.contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Mark the block as reading from the replica (or, ``enabled=False``, from the primary)."""
    token = _replica_reads.set(enabled)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a view whose safe (GET/HEAD) requests may read from the replica."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with replica_reads(request.method in SAFE_METHODS):
            return view(request, *args, **kwargs)

    return wrapped


class PrimaryReplicaRouter:
    """Send the marked reads to ``replica``; every write and every other read to ``default``."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _replica_reads.get() or not replica_configured():
            return None  # Django's own choice: the instance's database, else default
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        instance = hints.get("instance")
        if instance is not None and instance._state.db not in (None, REPLICA):
            return None  # written where it was read (default, or a tool's own alias)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True  # one database, two connections to it
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        if db == REPLICA:
            return False  # a streaming replica is read-only; it follows the primary
        return None


class ReplicaReadsMiddleware:
    """Mark the safe requests of the statistics views as reading from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        modules = getattr(settings, "SIFASUO_REPLICA_VIEW_MODULES", DEFAULT_VIEW_MODULES)
        self.modules = tuple(modules)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _replica_reads.set(False)
        try:
            return self.get_response(request)
        finally:
            _replica_reads.reset(token)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> None:
        if request.method in SAFE_METHODS and replica_configured():
            module = getattr(view_func, "__module__", "") or ""
            if module.startswith(self.modules):
                _replica_reads.set(True)
