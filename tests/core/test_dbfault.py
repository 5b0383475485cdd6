"""Database faults (SECURITY.md §6.6, check 44's unit part): a lost database answers 503 with
the error page and the request id, never a traceback, and the next request works again.

The PostgreSQL test kills the app's own backend with ``pg_terminate_backend`` between two
requests (Django's test client keeps the connection, as a persistent production connection
would). The restart under load is ``bench/fault.py`` (``make fault``).
"""

from __future__ import annotations

import importlib
import json
import time
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.db import DatabaseError, connection
from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from sifasuo.accounts.models import User
from sifasuo.core.dbfault import DatabaseFaultMiddleware, is_db_fault
from sifasuo.core.middleware import RequestContextMiddleware


def _real_db_fault(request: HttpRequest) -> HttpResponse:
    """A view whose query the database itself refuses as an operational error."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(0.5)")  # canceled: QueryCanceled, an OperationalError
        else:
            cursor.execute("SELECT * FROM sifasuo_no_such_table")  # sqlite: OperationalError
    return HttpResponse("unreachable")


def _stack(view: Any) -> Any:
    """The view inside the request id and fault middleware, wrapped as Django wraps them."""
    inner = DatabaseFaultMiddleware(convert_exception_to_response(view))
    return RequestContextMiddleware(convert_exception_to_response(inner))


def _assert_clean_503(response: HttpResponse) -> None:
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["X-Request-ID"] in body  # the reference the user quotes
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert "InterfaceError" not in body
    assert "SELECT" not in body


@pytest.mark.django_db
def test_a_database_error_raised_in_a_view_answers_503_with_the_request_id() -> None:
    request = RequestFactory().get("/units/")
    response = _stack(_real_db_fault)(request)
    _assert_clean_503(response)
    assert "503" in response.content.decode()


@pytest.mark.django_db
def test_process_exception_takes_database_faults_only() -> None:
    middleware = DatabaseFaultMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/api/v1/units/")
    request.request_id = "abc123"  # type: ignore[attr-defined]
    with pytest.raises(DatabaseError) as raised:
        _real_db_fault(request)
    assert is_db_fault(raised.value)
    response = middleware.process_exception(request, raised.value)
    assert response is not None
    assert response.status_code == 503
    assert json.loads(response.content)["request_id"] == "abc123"  # the API answers JSON
    assert middleware.process_exception(request, ValueError("a bug")) is None
    assert not is_db_fault(DatabaseError("not operational"))
    assert is_db_fault(OperationalError("server closed the connection unexpectedly"))


@pytest.mark.django_db
def test_a_bug_still_answers_500_not_503() -> None:
    def broken(request: HttpRequest) -> HttpResponse:
        raise ValueError("a bug, not an outage")

    response = _stack(broken)(RequestFactory().get("/units/"))
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()


def test_the_middleware_sits_outside_everything_that_touches_the_database() -> None:
    chain = settings.MIDDLEWARE
    fault = chain.index("sifasuo.core.dbfault.DatabaseFaultMiddleware")
    assert chain.index("sifasuo.core.middleware.RequestContextMiddleware") < fault
    assert fault < chain.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert fault < chain.index("django.contrib.auth.middleware.AuthenticationMiddleware")


def test_production_keeps_health_checked_persistent_connections() -> None:
    production = importlib.import_module("config.settings.production")
    database = production.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def _terminate(pid: int) -> None:
    cfg = connection.settings_dict
    with psycopg.connect(
        dbname=cfg["NAME"],
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        autocommit=True,
    ) as killer:
        assert killer.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
        for _ in range(50):
            gone = killer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if gone.fetchone() is None:
                return
            time.sleep(0.05)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_terminated_backend_answers_503_then_the_next_request_recovers(demo: None) -> None:
    client = Client(raise_request_exception=False)  # answer as the server would
    client.force_login(User.objects.get(username="xiyilu_clerk"))
    assert client.get("/units/").status_code == 200

    for path in ("/units/", "/api/v1/units/", "/locator/"):
        _terminate(_backend_pid())

        down = client.get(path)

        _assert_clean_503(down)
        if path.startswith("/api/"):
            assert down.json()["request_id"] == down["X-Request-ID"]
        # Recovered by itself: the dead connection was dropped, the next one is fresh.
        assert client.get(path).status_code == 200, path
    assert client.get("/units/").status_code == 200
