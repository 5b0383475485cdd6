"""Account administration pages: the system administrator creates and disables accounts;
the security administrator assigns roles, unlocks accounts and resets two-factor login."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.accounts import selectors, services
from sifasuo.accounts.forms import UserCreateForm, UserFilterForm, UserRolesForm
from sifasuo.accounts.roles import Role
from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate
from sifasuo.core.xlsx import audited_export

EXPORT_HEADERS = ["用户名", "姓名", "单位代码", "单位", "角色", "状态", "最近登录"]


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """Staff accounts for the system and security administrators; filter, export."""
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    users = selectors.users_for_admin(request.user, **filters)  # type: ignore[arg-type]
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                u.username,
                u.display_name,
                u.unit.code if u.unit else "",
                u.unit.name if u.unit else "",
                ",".join(r.get_role_display() for r in u.user_roles.all()),
                "启用" if u.is_active else "停用",
                u.last_login.isoformat() if u.last_login else "",
            ]
            for u in users
        )
        return audited_export(
            actor=request.user,
            object_type="accounts.user",
            filename="accounts.xlsx",
            headers=EXPORT_HEADERS,
            rows=rows,
        )
    context = {
        "filter_form": form,
        "export_url": export_url(request),
        "can_create": request.user.has_role(Role.SYSTEM_ADMIN),  # type: ignore[union-attr]
        **paginate(request, users),
    }
    return render(request, "accounts/user_list.html", context)


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    """Create a staff account (system administrator)."""
    actor: Any = request.user
    if not actor.has_role(Role.SYSTEM_ADMIN):
        audit.record("user_create", actor=actor, outcome="DENIED")
        raise PermissionDenied
    form = UserCreateForm(request.POST or None, initial={"form_token": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A second submit of the same form finds the account the first one made. The
        # password is no part of the fingerprint: that digest is not a password hash.
        payload = {k: v for k, v in data.items() if k not in ("form_token", "password")}
        try:
            user = submit_once(
                user=actor,
                token=data["form_token"],
                payload=payload,
                create=lambda: services.user_create(
                    actor=actor,
                    username=data["username"],
                    unit=data["unit_code"],
                    password=data["password"],
                    display_name=data["display_name"],
                    must_change_password=True,
                ),
            )
        except ReplayedSubmission as replay:
            return redirect("accounts:user_detail", pk=int(replay.token.object_id))
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("The account has been created. The security administrator assigns its roles."),
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: status, roles, two-factor; the actions the administrator may take."""
    actor: Any = request.user
    user = selectors.user_for_admin(actor, pk)
    context = {
        "account": user,
        "roles_form": UserRolesForm(initial={"roles": sorted(user.role_codes)}),
        "has_device": services.has_confirmed_device(user),
        "is_sysadmin": actor.has_role(Role.SYSTEM_ADMIN),
        "is_secadmin": actor.has_role(Role.SECURITY_ADMIN) and actor.pk != user.pk,
    }
    return render(request, "accounts/user_detail.html", context)


def _admin_action(request: HttpRequest, pk: int) -> tuple[Any, Any]:
    actor: Any = request.user
    return actor, selectors.user_for_admin(actor, pk)


@require_POST
def user_set_roles(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace an account's roles (security administrator)."""
    actor, user = _admin_action(request, pk)
    form = UserRolesForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_roles(actor=actor, user=user, roles=form.cleaned_data["roles"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The roles have been saved."))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Enable or disable an account (system administrator)."""
    actor, user = _admin_action(request, pk)
    services.user_set_active(actor=actor, user=user, active=not user.is_active)
    messages.success(
        request,
        _("The account has been enabled.")
        if user.is_active
        else _("The account has been disabled."),
    )
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a login lockout (security administrator)."""
    actor, user = _admin_action(request, pk)
    services.user_unlock(actor=actor, username=user.username)
    messages.success(request, _("The account has been unlocked."))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def user_otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an account's two-factor devices (security administrator)."""
    actor, user = _admin_action(request, pk)
    services.otp_reset(actor=actor, user=user)
    messages.success(request, _("Two-factor login has been reset; the user enrols again."))
    return redirect("accounts:user_detail", pk=user.pk)
