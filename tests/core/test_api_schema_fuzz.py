"""Schemathesis against /api/schema/ as a logged-in staff user (SECURITY.md §7 check 48, issue 9).

The OpenAPI document is fetched from the app itself (through its WSGI handler, as the city
bureau officer: the schema needs a login), and every operation is called with a few
generated requests through that same handler, inside the test's transaction. Each response
must not be a 5xx, must carry a documented status code and content type, and its body must
match the documented schema. Generation is derandomised and bounded (``EXAMPLES`` per
operation, no shrinking), so the run is reproducible and adds about a minute to the suite.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from sifasuo.accounts import services
from sifasuo.accounts.models import User

EXAMPLES = 3
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def fuzz(schema: Any, headers: dict[str, str], examples: int = EXAMPLES) -> list[str]:
    """Call every operation of ``schema`` with ``examples`` generated requests; return one
    report per operation that failed a check (the first failure found, not shrunk)."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            call()
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {str(exc).strip()[:1500]}")
    return failures


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI handler, keeping the test's database connection open between
    requests (as Django's own test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(city_officer: User) -> dict[str, str]:
    """An API token of the city bureau officer: every unit's records are in view."""
    return {"Authorization": f"Token {services.api_token_issue(user=city_officer)}"}


@pytest.mark.django_db
def test_every_api_operation_answers_as_documented(
    wsgi_app: Any, auth_headers: dict[str, str]
) -> None:
    # given the schema as the logged-in officer gets it
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", wsgi_app, headers=auth_headers
    )
    assert len(list(schema.get_all_operations())) > 100
    # when every operation is called with generated requests
    failures = fuzz(schema, auth_headers)
    # then none answered 5xx, an undocumented status, or a body off the schema
    assert failures == [], "\n\n".join(failures)


def _app(status: str, body: Any) -> Callable[..., list[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    return app


TINY = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/things/": {
            "get": {
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["count"],
                                    "properties": {"count": {"type": "integer"}},
                                }
                            }
                        },
                    }
                }
            }
        }
    },
}


@pytest.mark.parametrize(
    ("status", "body", "code"),
    [
        ("500 Internal Server Error", {"detail": "boom"}, "Server error"),
        ("404 Not Found", {"detail": "gone"}, "Undocumented status code"),
        ("200 OK", [], "Response violates schema"),
    ],
)
def test_the_run_catches_a_server_error_a_stray_status_and_a_wrong_body(
    status: str, body: Any, code: str
) -> None:
    # given an app that answers wrongly
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(TINY)))
    schema.app = _app(status, body)
    # when it is fuzzed like the real one
    failures = fuzz(schema, {}, examples=1)
    # then the failure is reported
    assert len(failures) == 1
    assert code in failures[0]


def test_the_run_passes_an_app_that_answers_as_documented() -> None:
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(TINY)))
    schema.app = _app("200 OK", {"count": 3})
    assert fuzz(schema, {}, examples=1) == []


def test_the_schema_documents_the_error_answers() -> None:
    # given the generated schema
    document = SchemaGenerator().get_schema(request=None, public=True)
    paths = document["paths"]
    # then a detail answers 404 (out of scope) and 401/403, a write 400 and 409
    detail = paths["/api/v1/people/{public_id}/"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(detail)
    create = paths["/api/v1/people/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "409", "422"} <= set(create)
    assert create["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    # and the anonymous, throttled token endpoint neither 401 nor 403, but 429
    token = paths["/api/v1/auth/token/"]["post"]["responses"]
    assert {"200", "400", "429"} <= set(token)
    assert not {"401", "403"} & set(token)
