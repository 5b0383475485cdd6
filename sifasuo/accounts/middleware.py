"""Session limits (idle and absolute lifetime), two-factor enforcement per role, password expiry."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from sifasuo.accounts.signals import SESSION_HAS_DEVICE, SESSION_LOGIN_AT


class SessionLimitsMiddleware:
    """End a session 8 hours after login however active it is (idle limit: the cookie age)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            login_at = request.session.get(SESSION_LOGIN_AT)
            if login_at is None or time.time() - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                citizen = getattr(user, "is_citizen", False)
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                login_url = "portal:login" if citizen else settings.LOGIN_URL
                return redirect(f"{reverse(login_url)}?next={request.path}")
        return self.get_response(request)


# What a user may reach before the second factor or a new password: the steps themselves.
SECOND_STEP_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/static/", "/i18n/")


class TwoFactorEnforcementMiddleware:
    """Ask for the second factor before anything else.

    Users of enforced roles must enrol and verify; any user who has enrolled a device
    (voluntarily too) must verify it, on pages as in the API token endpoint.
    """

    ALLOWED_PREFIXES = SECOND_STEP_PREFIXES

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and self._needs_second_factor(request, user)
        ):
            from sifasuo.accounts.services import has_confirmed_device

            if request.path.startswith("/api/"):
                # A session that stopped at the password reaches no API either (tokens
                # are checked by the token endpoint itself).
                if request.path == reverse("api-token"):
                    return self.get_response(request)
                return JsonResponse({"detail": _("A valid one-time code is required.")}, status=403)

            target = "accounts:otp_verify" if has_confirmed_device(user) else "accounts:otp_setup"
            return redirect(reverse(target))
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request: HttpRequest, user: Any) -> bool:
        # Whether the user had a device is read once at login (signals.on_login), so this
        # check costs no query on every request of users without one.
        enforced = bool(settings.OTP_ENFORCED_ROLES) and user.has_role(*settings.OTP_ENFORCED_ROLES)
        return enforced or bool(request.session.get(SESSION_HAS_DEVICE))


class PasswordExpiryMiddleware:
    """Send a staff user whose password has expired to the change page before any other page.

    Runs after the two-factor middleware: the code comes first, then the new password.
    """

    ALLOWED_PREFIXES = SECOND_STEP_PREFIXES

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from sifasuo.accounts.passwords import password_expired

            change_url = reverse("accounts:password_change")
            if request.path != change_url and password_expired(user):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": _("Your password has expired: change it before going on.")},
                        status=403,
                    )
                return redirect(change_url)
        return self.get_response(request)


# When a session was last written: an active session is written again once this is
# SESSION_TOUCH_SECONDS old, which moves its expiry (the idle limit) forward.
SESSION_TOUCHED_AT = "_touched_at"


class SessionTouchMiddleware:
    """Keep an active session alive without writing it on every request.

    The idle limit is the session's expiry, SESSION_COOKIE_AGE after it was last saved. Saving
    on every request (Django's SESSION_SAVE_EVERY_REQUEST) costs an UPDATE and a COMMIT on each
    page, reads included; this saves an unchanged session only once SESSION_TOUCH_SECONDS have
    passed since its last save, so a session ends between SESSION_COOKIE_AGE minus
    SESSION_TOUCH_SECONDS and SESSION_COOKIE_AGE after the last request. A session the request
    changed is saved as always. Sits inside SessionMiddleware, which does the saving.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response  # no session, or one this request ended: nothing to keep alive
        now = time.time()
        # Never touched since the login: the login wrote it (signals.on_login stamps the time).
        last = session.get(SESSION_TOUCHED_AT) or session.get(SESSION_LOGIN_AT, 0)
        if session.modified or now - last >= settings.SESSION_TOUCH_SECONDS:
            session[SESSION_TOUCHED_AT] = now
        return response
