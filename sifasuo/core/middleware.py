"""Request-wide habits: a request id for the audit trail, and no caching of personal data."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse
from rest_framework.views import APIView

from sifasuo.core import request_context


def client_ip(request: HttpRequest) -> str | None:
    """Return the client address (REMOTE_ADDR; the proxy in front must set it right)."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Give each request an id (echoed in X-Request-ID) and remember where it came from."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_context.set_current(
            request_context.RequestContext(
                request_id=request_id,
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class NoStoreMiddleware:
    """Send ``Cache-Control: no-store`` on every page that may hold personal data.

    That is every page a logged-in user (staff or citizen) sees, every page built from the
    visitor's session (the portal's login steps hold the phone number there) and every
    view that marks itself with ``request.contains_personal_data = True``. Only anonymous,
    session-free public pages (the locator, the portal home, the guides) stay cacheable
    (ASVS 8.2.1, SECURITY.md check 21).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = getattr(request, "contains_personal_data", False)
        session = getattr(request, "session", None)
        # A session with data (not one merely read to find no user) shapes the page.
        from_session = session is not None and not session.is_empty()
        if personal or from_session or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login by default for every page (Django 5.1+); the API answers 401 itself.

    DRF views authenticate inside the view (tokens), so they are left to DRF's own
    authentication and permission classes instead of being redirected to the login page.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
