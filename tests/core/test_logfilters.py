"""Tracebacks in the log carry the exceptions' types, the frames and the request id, never the
exceptions' messages (SECURITY.md check 34): a database error quotes the values it refused.

The log is read from the console handler the settings build (its stream swapped for a
buffer), so the tests see what the server writes.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.core.handlers.exception import convert_exception_to_response
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from sifasuo.core.dbfault import DatabaseFaultMiddleware
from sifasuo.core.logfilters import ExceptionTypesOnly, traceback_without_messages
from sifasuo.core.middleware import RequestContextMiddleware

PHONE = "13912340987"
ID_NUMBER = "61010219800101123X"


def _leaky_bug(request: HttpRequest) -> HttpResponse:
    raise ValueError(f"could not parse {PHONE} for {ID_NUMBER}")


def _leaky_database_error(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:  # the database quotes the value back
        if connection.vendor == "postgresql":
            # an error of the connection class (SQLSTATE 08006), as PostgreSQL going away
            # raises it: psycopg maps it to OperationalError
            cursor.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'lost the connection at %', '"
                + PHONE
                + "' USING ERRCODE = '08006'; END $$"
            )
        else:
            cursor.execute(f'SELECT * FROM "{PHONE}"')  # noqa: S608 - the point of the test
    return HttpResponse("unreachable")


urlpatterns = [path("leaky-bug/", _leaky_bug)]
handler500 = "sifasuo.core.views.server_error"


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler writes, for the length of a test."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def _stack(view):
    inner = DatabaseFaultMiddleware(convert_exception_to_response(view))
    return RequestContextMiddleware(convert_exception_to_response(inner))


def test_the_settings_put_the_filter_on_the_console(settings):
    assert "exception_types_only" in settings.LOGGING["handlers"]["console"]["filters"]
    assert (
        settings.LOGGING["filters"]["exception_types_only"]["()"]
        == "sifasuo.core.logfilters.ExceptionTypesOnly"
    )


@pytest.mark.django_db
def test_a_bugs_500_logs_the_type_frames_and_request_id_not_the_message(console):
    # given / when
    response = _stack(_leaky_bug)(RequestFactory().get("/units/"))
    # then
    log = console.getvalue()
    assert response.status_code == 500
    assert "Internal Server Error: /units/" in log
    assert "ValueError: message withheld" in log
    assert "in _leaky_bug" in log  # the frame that raised
    assert f"(request {response['X-Request-ID']})" in log
    assert PHONE not in log
    assert ID_NUMBER not in log


@pytest.mark.django_db
def test_a_database_error_before_its_503_logs_no_value_and_no_statement(console):
    # given: the database's own message names the value ("no such table: 139…", or
    # PostgreSQL's "lost the connection at 139…")
    # when
    response = _stack(_leaky_database_error)(RequestFactory().get("/units/"))
    # then: the 503 page, and a log with the type and the request id only
    log = console.getvalue()
    assert response.status_code == 503
    assert "OperationalError: message withheld" in log
    assert response["X-Request-ID"] in log
    assert PHONE not in log
    assert "no such table" not in log  # the database's message, which names the value
    assert "lost the connection" not in log


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_with_debug_off_a_forced_exception_shows_the_generic_page_with_the_request_id(
    console, settings, office_clerk
):
    # given: the whole middleware stack, as the server runs it
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(office_clerk)
    # when
    response = client.get("/leaky-bug/")
    # then
    body = response.content.decode()
    assert response.status_code == 500
    assert response["X-Request-ID"] in body
    for secret in ("Traceback", "ValueError", PHONE, ID_NUMBER):
        assert secret not in body
    log = console.getvalue()
    assert response["X-Request-ID"] in log
    assert PHONE not in log
    assert ID_NUMBER not in log


def test_every_link_of_a_chain_loses_its_message_and_keeps_its_type():
    # given: a database error raised from a driver error, both quoting the value
    class DriverError(Exception):
        pass

    try:
        try:
            raise DriverError(f'invalid input syntax for type integer: "{PHONE}"')
        except DriverError as exc:
            raise DatabaseError(f"DETAIL: Key (phone)=({PHONE}) already exists.") from exc
    except DatabaseError as exc:
        raised = exc
    # when
    text = traceback_without_messages(raised, request_id="r-1")
    # then
    assert PHONE not in text
    assert "DriverError: message withheld" in text
    assert "django.db.utils.DatabaseError: message withheld" in text
    assert text.index("DriverError") < text.index("DatabaseError")
    assert text.count("Traceback (most recent call last):") == 2
    assert text.endswith("(request r-1)")


def test_a_record_without_an_exception_is_left_alone():
    # given
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "job %s done", ("a",), None)
    # when
    kept = ExceptionTypesOnly().filter(record)
    # then
    assert kept is True
    assert record.getMessage() == "job a done"
    assert record.exc_text is None
