"""Database outages answer 503 with the request id, never a traceback, and heal by themselves.

A lost database (server restarted, backend terminated, network cut) raises Django's
``OperationalError`` or ``InterfaceError``. Wherever that happens — in a view, or in a
middleware such as the session's save — the request is answered with the ``503.html`` page
(or a JSON body under ``/api/``) carrying the request id and ``Retry-After``. The broken
connection is then closed, so the next request opens a fresh one: together with
``CONN_HEALTH_CHECKS=True`` the platform recovers without a restart (SECURITY.md §6.6).

Nothing is half written: every write runs in a service transaction, which the failing
statement aborts; the server rolls back what it never saw committed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("sifasuo.dbfault")

DB_FAULTS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
_MARK = "_sifasuo_db_fault"


def is_db_fault(exc: BaseException | None) -> bool:
    """Tell whether ``exc`` means the database is unreachable (not a bug in a query)."""
    return isinstance(exc, DB_FAULTS)


def _remember_fault(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Mark the request when Django turns a database fault into a 500 (inner middleware)."""
    exc = sys.exc_info()[1]
    if request is not None and is_db_fault(exc):
        setattr(request, _MARK, exc)


got_request_exception.connect(_remember_fault, dispatch_uid="sifasuo.core.dbfault")


def discard_broken_connections() -> None:
    """Close every connection that errored and no longer answers, so the next use reconnects."""
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue  # the enclosing block owns it (rolls back and closes on exit)
        try:
            conn.close_if_unusable_or_obsolete()
        except Exception:  # noqa: BLE001 - a dead connection may fail to close; drop it anyway
            conn.connection = None


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """Return the 503 answer: the error page (or JSON for the API) with the request id.

    Rendered without the request's context processors, which would query the database.
    """
    request_id = getattr(request, "request_id", "")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _("The service is temporarily unavailable. Please try again shortly."),
                "request_id": request_id,
            },
            status=503,
        )
    else:
        body = loader.get_template("503.html").render({"request_id": request_id})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseFaultMiddleware:
    """Answer 503 instead of 500 when the database is unreachable; then drop dead connections.

    Sits right inside ``RequestContextMiddleware`` (the request id exists) and outside the
    session, authentication and every other middleware that may touch the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        fault = getattr(request, _MARK, None)
        if fault is not None and response.status_code >= 500:
            return self._fault(request, fault)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_db_fault(exception):
            return None
        setattr(request, _MARK, exception)
        return self._fault(request, exception)

    def _fault(self, request: HttpRequest, exc: BaseException) -> HttpResponse:
        logger.warning(
            "database unavailable, answered 503: %s (request %s %s)",
            type(exc).__name__,
            getattr(request, "request_id", ""),
            request.path,
        )
        discard_broken_connections()
        return unavailable_response(request)
