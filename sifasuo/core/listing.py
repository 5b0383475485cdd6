"""List pages: sorting by allowed columns, pagination that keeps the filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


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
    paginator = Paginator(qs, per_page)
    page: Page[Any] = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page_obj": page,
        "result_count": paginator.count,
        "querystring_without_page": params.urlencode(),
    }
