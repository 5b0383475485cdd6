"""Lockout answers exactly as a wrong password does: no hint that the account is locked."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """Return the response the login page or token endpoint already gave (a generic error)."""
    if original_response is not None:
        return original_response
    from sifasuo.accounts.views import generic_login_failure

    return generic_login_failure(request)
