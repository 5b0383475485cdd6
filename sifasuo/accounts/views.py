"""Login, logout, workbench, two-factor, password change, sessions, the audit trail list."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token

from sifasuo.accounts import selectors, services
from sifasuo.accounts.authentication import hash_key
from sifasuo.accounts.forms import (
    AuditFilterForm,
    LoginForm,
    OTPTokenForm,
    StaffPasswordChangeForm,
)
from sifasuo.accounts.models import AuthenticatorDevice
from sifasuo.accounts.passwords import password_expired
from sifasuo.core import audit, todos
from sifasuo.core.errors import ApplicationError
from sifasuo.core.listing import paginate
from sifasuo.core.middleware import client_ip
from sifasuo.core.xlsx import audited_export


@login_not_required
def generic_login_failure(request: HttpRequest) -> HttpResponse:
    """The login page with the one generic error (also the lockout answer)."""
    form = LoginForm(request, data=request.POST or None)
    form.is_valid()
    return render(request, "accounts/login.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Staff login: one generic error for any failure; axes counts the failures."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def workbench(request: HttpRequest) -> HttpResponse:
    """The user's landing page: their unit, to-do list and what their role allows."""
    user = request.user
    context = {
        "unit": user.unit,  # type: ignore[union-attr]
        "roles": [r.get_role_display() for r in user.user_roles.all()],  # type: ignore[union-attr]
        "todos": todos.todos_for(user),
    }
    return render(request, "accounts/workbench.html", context)


def _qr_data_uri(device: AuthenticatorDevice) -> str:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: show the secret and QR code, confirm with a first code.

    A session that has not passed its existing device may not enrol a new one (that would
    replace the device with the password alone): it is sent to verification instead. To
    start again without the device, the security administrator resets it.
    """
    user = request.user
    if services.has_confirmed_device(user) and not user.is_verified():  # type: ignore[arg-type,union-attr]
        return redirect("accounts:otp_verify")
    device = selectors.unconfirmed_authenticator_of(user)  # type: ignore[arg-type]
    if device is None:
        device = services.otp_device_create(user=user)  # type: ignore[arg-type]
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.otp_device_confirm(
                user=user,  # type: ignore[arg-type]
                device=device,
                token=form.cleaned_data["otp_token"],
            )
        except ApplicationError as exc:
            form.add_error("otp_token", exc.message)
        else:
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret_b32": secret,
        "qr_svg_data_uri": _qr_data_uri(device),
    }
    return render(request, "accounts/otp_setup.html", context)


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the one-time code after the password, for users with a device."""
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            audit.record("otp_verify", actor=request.user, obj=request.user)  # type: ignore[arg-type]
            return redirect("accounts:workbench")
        audit.record("otp_verify", actor=request.user, outcome="DENIED")
        form.add_error("otp_token", _("The code is not correct."))
    return render(request, "accounts/otp_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's password; the current session stays, other sessions end.

    Also the page an expired password leads to (PasswordExpiryMiddleware) before any other.
    """
    expired = password_expired(request.user)
    form = StaffPasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_change(
                user=request.user,  # type: ignore[arg-type]
                new_password=form.cleaned_data["new_password1"],
            )
        except ApplicationError as exc:
            form.add_error("new_password1", exc.message)
        else:
            old_key = request.session.session_key
            update_session_auth_hash(request, user)  # a new session key; the others end
            services.session_forget(session_key=old_key)
            services.session_register(
                user=user,
                session_key=request.session.session_key or "",
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
            messages.success(
                request, _("Your password has been changed. Your other sessions have ended.")
            )
            return redirect("accounts:workbench")
    return render(request, "accounts/password_change.html", {"form": form, "expired": expired})


@require_http_methods(["GET", "POST"])
def session_list(request: HttpRequest) -> HttpResponse:
    """The user's own login sessions (ASVS 3.3.4): see them, end one or all the others."""
    user: Any = request.user
    sessions = selectors.live_sessions_of(user)
    current = hash_key(request.session.session_key or "")
    others = [s for s in sessions if s.key_hash != current]
    if request.method == "POST":
        which = request.POST.get("session", "")
        chosen = others if which == "others" else [s for s in others if str(s.pk) == which]
        if not chosen and which != "others":
            raise Http404
        ended = services.session_end(actor=user, sessions=chosen)
        messages.success(
            request,
            ngettext("%(n)d session has been ended.", "%(n)d sessions have been ended.", ended)
            % {"n": ended},
        )
        return redirect("accounts:session_list")
    rows = [{"row": s, "current": s.key_hash == current} for s in sessions]
    return render(request, "accounts/session_list.html", {"sessions": rows, "others": others})


AUDIT_EXPORT_HEADERS = [
    "序号",
    "时间",
    "用户",
    "角色",
    "单位代码",
    "IP",
    "请求号",
    "操作",
    "对象类型",
    "对象ID",
    "结果",
]


def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail, for the audit administrator: filter, paginate, export."""
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events_for(request.user, filters)  # type: ignore[arg-type]
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                e.seq,
                e.ts.isoformat(),
                e.actor_username,
                e.actor_roles,
                e.actor_unit_code,
                e.ip or "",
                e.request_id,
                e.action,
                e.object_type,
                e.object_id,
                e.outcome,
            ]
            for e in events[:50000]
        )
        return audited_export(
            actor=request.user,
            object_type="core.auditevent",
            filename="audit.xlsx",
            headers=AUDIT_EXPORT_HEADERS,
            rows=rows,
        )
    context = {"filter_form": form, **paginate(request, events, per_page=50)}
    return render(request, "accounts/audit_list.html", context)
