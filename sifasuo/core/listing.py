"""List pages: sorting by allowed columns, pagination that keeps the filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from sifasuo.core.scope import subtree_ids

PAGE_SIZE = 25
# A user whose unit has at most this many units at and below it (an office with its
# committees) sees a small share of a ledger: see ``_narrow``.
NARROW_SUBTREE = 100


def sort(request: HttpRequest, qs: QuerySet[Any], allowed: Sequence[str]) -> QuerySet[Any]:
    """Order by ``?sort=<col>`` or ``?sort=-<col>`` if the column is allowed."""
    key = request.GET.get("sort", "")
    if key.lstrip("-") in allowed:
        return qs.order_by(key, "pk")
    return qs


def sort_links(request: HttpRequest, allowed: Sequence[str]) -> dict[str, str]:
    """Return, per column, the query string that sorts by it (toggling the direction)."""
    current = request.GET.get("sort", "")
    links = {}
    for column in allowed:
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = f"-{column}" if current == column else column
        links[column] = "?" + params.urlencode()
    return links


def export_url(request: HttpRequest) -> str:
    """Return the query string that exports the current list (same filters and sort)."""
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    return "?" + params.urlencode()


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = PAGE_SIZE) -> dict[str, Any]:
    """Return the template context of one page: ``page_obj``, ``result_count`` and the query."""
    paginator = Paginator(_narrow(qs, getattr(request, "user", None)), per_page)
    page: Page[Any] = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page_obj": page,
        "result_count": paginator.count,
        "querystring_without_page": params.urlencode(),
    }


def _narrow(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """For a user who sees few units, order so PostgreSQL reads their rows, not the ledger.

    With ``ORDER BY received_on DESC LIMIT 25`` PostgreSQL walks the date index backwards
    and filters every row by unit, because it cannot foresee that an office's rows are
    one in two hundred: 250 ms on 300,000 cases where reading the office's rows through
    the unit indexes (a bitmap OR) and sorting them takes 2 ms. Ordering by the same
    values as expressions (``COALESCE(x, x)``: same order, same NULLs) takes the date
    index out of the choice. A city or district user sees most rows, so the index walk is
    the right plan for them and their ordering is left alone.
    """
    unit = getattr(user, "unit", None)
    if not isinstance(qs, QuerySet) or unit is None:  # a list already made: nothing to plan
        return qs
    if connections[qs.db].vendor != "postgresql" or not qs.ordered:
        return qs
    if len(subtree_ids(unit)) > NARROW_SUBTREE:
        return qs
    local = {f.name for f in qs.model._meta.concrete_fields}
    ordering: list[Any] = []
    for item in qs.query.order_by or qs.model._meta.ordering:
        name = item.lstrip("-") if isinstance(item, str) else ""
        if isinstance(item, str) and name in local and name not in ("id", "pk"):
            expression = Coalesce(F(name), F(name))
            ordering.append(expression.desc() if item.startswith("-") else expression.asc())
        else:
            ordering.append(item)
    return qs.order_by(*ordering)
