"""Refuse a user who keeps asking for records that are not theirs to see (SECURITY.md check 6).

Every single-record look-up that finds nothing in the user's scope (a record that does not
exist, or one out of scope: the same 404) counts as a miss, in the shared cache, per user,
for ``LOOKUP_MISS_WINDOW_SECONDS`` from the first. Past ``LOOKUP_MISS_LIMIT`` misses, a miss
answers 429 instead of 404 until the window ends, whatever the id: trying ids one after
another (a citizen guessing another's request) stops there, and the 429 says nothing about
any record. Records the user may see answer as always. The first refusal of a window is
audited, so the audit administrator sees who was refused.

A cache that cannot be reached fails the look-up (SECURITY.md 6.6: a security cache fails
closed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template import loader

KEY_PREFIX = "sifasuo:lookup-misses"
AUDIT_ACTION = "lookup_limit"


class TooManyMisses(Exception):
    """The user has missed too many records in this window: answer 429, retry after ``wait``."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"too many records not found; retry in {wait} s")
        self.wait = wait


def count_miss(user: Any, object_type: str) -> None:
    """Count a look-up of ``object_type`` that found nothing in ``user``'s scope.

    Raises ``TooManyMisses`` past the limit. The system principal, anonymous visitors (they
    reach no scoped look-up) and a limit of 0 (the test settings) count nothing.
    """
    limit = int(settings.LOOKUP_MISS_LIMIT)
    if limit <= 0 or not getattr(user, "is_authenticated", False) or user.pk is None:
        return
    window = max(int(settings.LOOKUP_MISS_WINDOW_SECONDS), 1)
    key = f"{KEY_PREFIX}:{user.pk}"
    # The window opens at the user's first miss and closes ``window`` seconds later.
    now = time.time()
    cache.add(f"{key}:since", now, timeout=window)
    if cache.add(key, 1, timeout=window):
        return
    try:
        misses = cache.incr(key)
    except ValueError:  # the window closed between the two calls
        cache.add(key, 1, timeout=window)
        return
    if misses <= limit:
        return
    if misses == limit + 1:
        from sifasuo.core import audit  # audit imports models, which import scope, which imports us

        audit.record(
            AUDIT_ACTION,
            actor=user,
            object_type=object_type,
            outcome="DENIED",
            changes={"limit": limit, "window_seconds": window},
        )
    since = float(cache.get(f"{key}:since", now))
    raise TooManyMisses(wait=max(int(since + window - now) + 1, 1))


def too_many_misses_response(request: HttpRequest, exc: TooManyMisses) -> HttpResponse:
    """The page a refused look-up gets: 429 with ``Retry-After``."""
    body = loader.get_template("429.html").render(
        {"request_id": getattr(request, "request_id", "")}, request
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(exc.wait)
    return response


class TooManyMissesMiddleware:
    """Turn ``TooManyMisses`` raised by a page into its 429 page (the API: core.api)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TooManyMisses):
            return too_many_misses_response(request, exception)
        return None
