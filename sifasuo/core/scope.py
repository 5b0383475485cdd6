"""Scope (DESIGN rule 1): every queryset that reaches a user goes through ``visible_to``.

A record belongs to a unit (``scope_unit_field`` on the model). It is visible to users of
that unit and of the units above it, to the units it is explicitly shared with
(``scope_share_field``), and, for citizens, to its owner (``scope_citizen_field``). A record
whose figures are counted under another unit than the one now working it (a mediation case
transferred after acceptance) names those units in ``scope_view_unit_fields``: users at and
above them may view and export it, never change it. What a
role may do at its own unit and below is the user's business (``User.scope_rules``), so
``core`` needs no import of ``accounts``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import Http404

from sifasuo.core import probing

if TYPE_CHECKING:
    from collections.abc import Iterable

ACTIONS = ("view", "create", "change", "delete", "export", "reveal")
OWN = "own"
BELOW = "below"

_M = TypeVar("_M", bound=models.Model)


class _System:
    """The platform itself, reading every row to keep its derived tables (never a user).

    Only ``stats.rollups`` uses it, to compute aggregates over the whole unit tree: it may
    view every record of every model and do nothing else. It is not a ``User``, never logs
    in and never sits in a session; its attributes make code written for users harmless.
    """

    unit = None
    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_citizen = False
    is_staff = False
    is_superuser = False
    username = "system"

    def scope_reach(self, model: type[models.Model], action: str) -> frozenset[str]:
        return frozenset()

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Any = _System()
"""The system principal: ``scope_q(model, SYSTEM, "view")`` is every row; anything else none."""


def unit_lookup(model: type[models.Model]) -> str:
    """Return the lookup from ``model`` to its owning unit ("" when the model is the unit)."""
    return getattr(model, "scope_unit_field", "unit")


def _prefix(lookup: str) -> str:
    return f"{lookup}__" if lookup else ""


# Up to this many units (an office with its committees, a district), a subtree is
# written into the query as a list of ids; above it (the city) as a subquery.
LISTED_UNITS = 500


# Raised by every save or delete of a unit or of a shared record, and by every change of
# a many-to-many (a share): the id lists kept on a unit instance (below) are then
# recomputed, so a unit created or a record shared earlier in the same request is seen.
_tree_changes = [0]
_tree_models: set[type[models.Model]] = set()


def _on_change(sender: Any, **kwargs: Any) -> None:
    if sender in _tree_models or getattr(sender, "scope_share_field", None):
        _tree_changes[0] += 1


def _on_m2m_change(sender: Any, **kwargs: Any) -> None:
    _tree_changes[0] += 1


post_save.connect(_on_change, dispatch_uid="core-scope-tree")
post_delete.connect(_on_change, dispatch_uid="core-scope-tree")
m2m_changed.connect(_on_m2m_change, dispatch_uid="core-scope-tree")


def subtree_ids(unit: Any) -> list[int]:
    """The ids of ``unit`` and every unit below it (one query, kept on the instance).

    ``request.user.unit`` is loaded once per request, so the list lives for one request at
    most, and less when a unit is saved or deleted meanwhile (``_tree_changes``).
    """
    _tree_models.add(type(unit))
    stamp = (unit.path, _tree_changes[0])
    cached = unit.__dict__.get("_scope_subtree_ids")
    if cached is None or cached[0] != stamp:
        units = type(unit)._base_manager.filter(path__startswith=unit.path)
        cached = (stamp, list(units.values_list("pk", flat=True)))
        unit.__dict__["_scope_subtree_ids"] = cached
    return cached[1]  # type: ignore[no-any-return]


def _subtree(unit: Any, *, with_self: bool = True) -> Any:
    """The subtree's unit ids: a list for a small subtree, else a subquery.

    PostgreSQL combines the indexes of several unit fields for ``unit_id IN (1, 2, …)``
    (a bitmap OR), while an OR of ``unit_id IN (subquery)`` filters a scan of the whole
    table with hashed subplans. A list for the city (thousands of units, most of every
    ledger) would only cost parameters: a scan is the right plan there anyway.
    """
    ids = subtree_ids(unit)
    if len(ids) <= LISTED_UNITS:
        return ids if with_self else [pk for pk in ids if pk != unit.pk]
    units = type(unit)._base_manager.filter(path__startswith=unit.path)
    return (units if with_self else units.exclude(pk=unit.pk)).values("pk")


def _shared(model: type[models.Model], field: str, unit: Any, *, below: bool) -> Any:
    """The ids of the records of ``model`` shared with ``unit`` (or below it, ``below``).

    Sharing is the exception, so for a small subtree the ids are listed (one query per
    request and model, kept on the unit instance as ``subtree_ids`` is); else a subquery.
    """
    at = _subtree(unit) if below else [unit.pk]
    shared = model._base_manager.filter(**{f"{field}__pk__in": at})
    if not isinstance(at, list):
        return shared.values("pk")
    memo = unit.__dict__.setdefault("_scope_shared_ids", {})
    key = (model._meta.label_lower, field, below, unit.path, _tree_changes[0])
    if key not in memo:
        memo[key] = list(shared.order_by().values_list("pk", flat=True).distinct())
    return memo[key]


def scope_q(model: type[models.Model], user: Any, action: str) -> Q | None:
    """Return the filter of records of ``model`` that ``user`` may ``action``; None: nothing."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is SYSTEM:
        return Q() if action == "view" else None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    # Kept on the user instance (one request's life, as the unit's id lists): a report or a
    # dashboard scopes the same ledger once per figure. Whatever the filter depends on is in
    # the key: the roles, the unit and every change of the unit tree or of a share.
    unit = getattr(user, "unit", None)
    key = (
        model,
        action,
        frozenset(getattr(user, "role_codes", ())),
        getattr(unit, "pk", None),
        getattr(unit, "path", None),
        _tree_changes[0],
    )
    memo = user.__dict__.setdefault("_scope_q_memo", {})
    if key not in memo:
        memo[key] = _user_scope_q(model, user, action)
    return memo[key]  # type: ignore[no-any-return]


def _user_scope_q(model: type[models.Model], user: Any, action: str) -> Q | None:
    q = Q(pk__in=[])
    matched = False
    citizen_field = getattr(model, "scope_citizen_field", None)
    if citizen_field and getattr(user, "is_citizen", False) and action in ("view", "create"):
        q |= Q(**{citizen_field: user})
        matched = True
    unit = getattr(user, "unit", None)
    if unit is None:
        return q if matched else None
    prefix = _prefix(unit_lookup(model))
    reach: Iterable[str] = set(user.scope_reach(model, action))
    # Units as ids (``_subtree``), never as joins: an OR of joined path prefixes defeats
    # every index (a scan of the whole ledger and DISTINCT per list).
    subtree = _subtree(unit)
    owned: Any = None
    if OWN in reach and BELOW in reach:
        owned = subtree
    elif OWN in reach:
        owned = [unit.pk]
    elif BELOW in reach:
        owned = _subtree(unit, with_self=False)
    if owned is not None:
        q |= Q(**{f"{prefix}pk__in": owned})
        matched = True
    # the units at and above which other unit fields and shares make a record visible
    seen_at: Any = subtree if BELOW in reach else [unit.pk]
    if action in ("view", "export") and matched:
        for lookup in getattr(model, "scope_view_unit_fields", ()):
            q |= Q(**{f"{_prefix(lookup)}pk__in": seen_at})
    share_field = getattr(model, "scope_share_field", None)
    if share_field and action == "view" and matched:
        # Shared with a unit: seen there, and above it by those who see below them. The
        # records' own ids (few: sharing is the exception), so the outer query needs no
        # DISTINCT and keeps its bitmap OR of indexes.
        q |= Q(pk__in=_shared(model, share_field, unit, below=BELOW in reach))
    return q if matched else None


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset that knows how to restrict itself to what a user may see or do."""

    def visible_to(self, user: Any, action: str = "view") -> ScopedQuerySet[_M]:
        """Restrict to records ``user`` may ``action``."""
        q = scope_q(self.model, user, action)
        if q is None:
            return self.none()
        return self.filter(q)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def get_for_user(
    queryset: models.QuerySet[_M], user: Any, action: str = "view", **lookup: Any
) -> _M:
    """Return one record: 404 alike for missing and out of scope, 403 if the role lacks ``action``.

    The queryset's manager must be scoped (``ScopedQuerySet``).
    """
    from sifasuo.core import audit  # audit imports models, which import this module

    scoped = queryset.visible_to(user, "view")  # type: ignore[attr-defined]
    try:
        obj = scoped.get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        note_unseen(queryset.model, user, action, lookup)
        raise Http404 from exc
    if action != "view" and not (
        queryset.visible_to(user, action).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]
    ):
        audit.record(action, actor=user, obj=obj, outcome="DENIED")
        raise PermissionDenied
    return obj


def note_unseen(model: type[models.Model], user: Any, action: str, lookup: dict[str, Any]) -> None:
    """Audit and count a look-up of one record that found nothing in ``user``'s scope.

    The caller answers 404. An attempt on a record that exists out of scope writes a DENIED
    audit row (SECURITY.md check 1); every miss, existing record or not, counts towards the
    look-up limit, past which ``probing.TooManyMisses`` (429) is raised instead (check 6).
    """
    from sifasuo.core import audit  # audit imports models, which import this module

    try:
        hidden = model._default_manager.filter(**lookup).first()
    except (ValueError, TypeError, ValidationError):
        hidden = None
    if hidden is not None:
        audit.record(action, actor=user, obj=hidden, outcome="DENIED")
    probing.count_miss(user, model._meta.label_lower)


def assert_in_scope(obj: models.Model, user: Any, action: str = "change") -> None:
    """After a write, inside the transaction: refuse if the record left the actor's scope.

    ``user`` None is the system itself (a management command such as ``seed_demo``).
    """
    if user is None:
        return
    manager = type(obj)._default_manager
    if not manager.visible_to(user, action).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied


def unit_reach_q(user: Any, model: type[models.Model], action: str) -> Q:
    """Return the filter on units where ``user`` may ``action`` records of ``model``.

    For choosing where a new record goes (the committees a clerk may register cases at).
    """
    home = getattr(user, "unit", None)
    q = Q(pk__in=[])
    if home is None or not getattr(user, "is_authenticated", False):
        return q
    reach_set = set(user.scope_reach(model, action))
    if OWN in reach_set:
        q |= Q(pk=home.pk)
    if BELOW in reach_set:
        q |= Q(path__startswith=home.path) & ~Q(pk=home.pk)
    return q


def may_act_at(user: Any, unit: Any, model: type[models.Model], action: str) -> bool:
    """Return whether ``user`` may ``action`` records of ``model`` owned by ``unit``.

    For decisions taken at a unit before any record of it exists there (a committee
    accepting a transferred case).
    """
    home = getattr(user, "unit", None)
    if home is None or unit is None or not getattr(user, "is_authenticated", False):
        return False
    reach_set = set(user.scope_reach(model, action))
    if unit.pk == home.pk:
        return OWN in reach_set
    return BELOW in reach_set and unit.path.startswith(home.path)
