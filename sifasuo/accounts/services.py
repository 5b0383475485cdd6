"""Every change to accounts: one function per action, audited, in a transaction."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.accounts.authentication import hash_key
from sifasuo.accounts.models import (
    ApiToken,
    AuthenticatorDevice,
    PasswordHistory,
    RecoveryCode,
    RecoveryDevice,
    User,
    UserKind,
    UserRole,
)
from sifasuo.accounts.roles import ADMIN_ROLES, ROLE_UNIT_KINDS, Role
from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError

RECOVERY_CODE_COUNT = 10


_F = TypeVar("_F", bound=Callable[..., Any])


def requires_role(role: str, action: str) -> Callable[[_F], _F]:
    """Refuse (403, audited) unless the ``actor`` keyword holds ``role``; None is the system.

    The check runs before the service's transaction opens, so the denial row is kept.
    """

    def decorate(func: _F) -> _F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            actor = kwargs.get("actor")
            if actor is not None and role not in actor.role_codes:
                audit.record(action, actor=actor, outcome=AuditOutcome.DENIED)
                raise PermissionDenied
            return func(*args, **kwargs)

        return cast(_F, wrapper)

    return decorate


@requires_role(Role.SYSTEM_ADMIN, "user_create")
@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    unit: Any,
    password: str,
    display_name: str = "",
    must_change_password: bool = False,
) -> User:
    """Create a staff account (system administrator's job); no roles yet.

    With ``must_change_password`` the password counts as expired: the first page after
    the first login is the change page (an initial password someone else knows).
    """
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("This username is already taken."), field="username")
    user = User(username=username, unit=unit, display_name=display_name, kind=UserKind.STAFF)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.password_changed_at = None if must_change_password else timezone.now()
    user.full_clean()
    user.save()
    _remember_password(user)
    audit.record("user_create", actor=actor, obj=user, changes={"fields": ["username", "unit"]})
    return user


@requires_role(Role.SECURITY_ADMIN, "role_change")
@transaction.atomic
def user_set_roles(*, actor: User | None, user: User, roles: Iterable[str]) -> User:
    """Give ``user`` exactly ``roles`` (security administrator's job)."""
    wanted = set(roles)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied
    unknown = wanted - set(Role.values)
    if unknown:
        raise ApplicationError(_("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)})
    if len(wanted & ADMIN_ROLES) > 1:
        raise ApplicationError(
            _("An account may hold at most one of the three administrator roles."), field="roles"
        )
    if wanted & ADMIN_ROLES and wanted - ADMIN_ROLES:
        raise ApplicationError(
            _("An administrator account may not also hold a business role."), field="roles"
        )
    unit_kind = user.unit.kind if user.unit_id and user.unit else None
    for role in wanted:
        if role != Role.CITIZEN and unit_kind not in ROLE_UNIT_KINDS[role]:
            raise ApplicationError(
                _("The role %(role)s does not belong to a unit of this kind.")
                % {"role": Role(role).label},
                field="roles",
            )
    before = set(user.role_codes)
    if before - wanted:
        _revoke_api_tokens(user)  # a token must not carry a right the account has lost
    user.user_roles.exclude(role__in=wanted).delete()
    for role in sorted(wanted - before):
        UserRole.objects.create(user=user, role=role)
    user.refresh_roles()
    audit.record(
        "role_change",
        actor=actor,
        obj=user,
        changes={"added": sorted(wanted - before), "removed": sorted(before - wanted)},
    )
    return user


@requires_role(Role.SYSTEM_ADMIN, "user_disable")
@transaction.atomic
def user_set_active(*, actor: User | None, user: User, active: bool, reason: str = "") -> User:
    """Enable or disable an account (system administrator's job)."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _revoke_api_tokens(user)
    audit.record("user_enable" if active else "user_disable", actor=actor, obj=user, reason=reason)
    return user


DORMANT_REASON = "dormant"


@dataclass(frozen=True)
class DormantRun:
    """What one run of ``dormant_accounts_disable`` did (usernames)."""

    disabled: list[str]
    kept_last_administrators: list[str]


@transaction.atomic
def dormant_accounts_disable(*, now: datetime | None = None) -> DormantRun:
    """Disable the staff accounts unused for ``ACCOUNT_DORMANT_DAYS`` (等保 8.1.4.2 c).

    Unused: no login (a page login or an API token) since the cutoff, or never one and
    created before it. Citizens' accounts are not touched. The last active holder of an
    administrator role is never disabled: without a security administrator nobody could
    grant a role or lift a lockout, without a system administrator nobody could enable an
    account again. Each account disabled gets its ``user_disable`` row (reason
    ``dormant``); the run gets one ``dormant_accounts`` row with the counts.
    """
    days = settings.ACCOUNT_DORMANT_DAYS
    disabled: list[str] = []
    kept: list[str] = []
    if days > 0:
        cutoff = (now or timezone.now()) - timedelta(days=days)
        unused = (
            User.objects.select_for_update()
            .filter(kind=UserKind.STAFF, is_active=True)
            .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
            .order_by(Coalesce("last_login", "date_joined"), "pk")
        )
        holders: dict[str, set[int]] = {
            role: set(
                UserRole.objects.filter(role=role, user__is_active=True).values_list(
                    "user_id", flat=True
                )
            )
            for role in ADMIN_ROLES
        }
        for user in unused:
            roles = user.role_codes & ADMIN_ROLES
            if any(holders[role] <= {user.pk} for role in roles):
                kept.append(user.username)
                continue
            for role in roles:
                holders[role].discard(user.pk)
            user_set_active(actor=None, user=user, active=False, reason=DORMANT_REASON)
            disabled.append(user.username)
    audit.record(
        "dormant_accounts",
        object_type="accounts.user",
        changes={"days": days, "disabled": len(disabled), "kept_last_administrator": len(kept)},
    )
    return DormantRun(disabled=disabled, kept_last_administrators=kept)


@requires_role(Role.SECURITY_ADMIN, "unlock")
@transaction.atomic
def user_unlock(*, actor: User | None, username: str) -> None:
    """Lift a lockout before the cool-off ends (security administrator's job)."""
    from axes.utils import reset

    reset(username=username)
    audit.record("unlock", actor=actor, object_type="accounts.user", object_id=username)


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Set a new password after validation; audited; other sessions fall out."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), field="new_password1") from exc
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    _remember_password(user)
    _revoke_api_tokens(user)
    audit.record("password_change", actor=user, obj=user)
    return user


def _remember_password(user: User) -> None:
    """Keep the new password's hash for the history rule; forget the older ones."""
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = max(settings.PASSWORD_HISTORY_COUNT, 1)
    stale = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-id")[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


@transaction.atomic
def otp_device_create(*, user: User) -> AuthenticatorDevice:
    """Start TOTP enrolment: an unconfirmed device replaces earlier unconfirmed ones."""
    AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
    return AuthenticatorDevice.objects.create(user=user, name="default", confirmed=False)


@transaction.atomic
def otp_device_confirm(*, user: User, device: AuthenticatorDevice, token: str) -> list[str]:
    """Confirm enrolment with a first code; return fresh recovery codes (shown once)."""
    # Locked, as django-otp's own verification does: two posts of one code cannot both pass.
    device = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(token):
        audit.record("otp_enrol", actor=user, outcome=AuditOutcome.DENIED)
        raise ApplicationError(
            _("The code is not correct. Try the current one."), field="otp_token"
        )
    AuthenticatorDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit.record("otp_enrol", actor=user, obj=user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; only their keyed hashes are stored."""
    RecoveryDevice.objects.filter(user=user).delete()
    device = RecoveryDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=RecoveryCode.hash_of(c)) for c in codes
    )
    return codes


@requires_role(Role.SECURITY_ADMIN, "otp_reset")
@transaction.atomic
def otp_reset(*, actor: User | None, user: User) -> None:
    """Remove a user's two-factor devices so they can enrol again (security administrator)."""
    AuthenticatorDevice.objects.filter(user=user).delete()
    RecoveryDevice.objects.filter(user=user).delete()
    _revoke_api_tokens(user)
    audit.record("otp_reset", actor=actor, obj=user)


def _revoke_api_tokens(user: User) -> None:
    """End the user's API tokens (after a password change, role loss, reset or disable)."""
    ApiToken.objects.filter(user=user).delete()


def has_confirmed_device(user: User) -> bool:
    """Return whether ``user`` has a confirmed TOTP device."""
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """Issue an API token for ``user``; return the raw key (only its hash is stored)."""
    key = secrets.token_urlsafe(32)
    # A token is a login: it keeps the account from counting as dormant.
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    ApiToken.objects.create(
        user=user,
        key_hash=hash_key(key),
        expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS),
    )
    audit.record("api_token_issue", actor=user, obj=user)
    return key


def _session_store(session_key: str | None = None) -> Any:
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def session_register(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    """Remember a new login session of ``user`` (for the user's session list)."""
    if not session_key:
        return
    from sifasuo.accounts.models import UserSession

    stale = timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    UserSession.objects.filter(user=user, created_at__lt=stale).delete()
    UserSession.objects.update_or_create(
        key_hash=hash_key(session_key),
        defaults={
            "user": user,
            "session_key": session_key,
            "ip": ip,
            "user_agent": user_agent[:200],
        },
    )


def session_forget(*, session_key: str | None) -> None:
    """Forget a session that has ended (logout)."""
    if session_key:
        from sifasuo.accounts.models import UserSession

        UserSession.objects.filter(key_hash=hash_key(session_key)).delete()


@transaction.atomic
def session_end(*, actor: User, sessions: Iterable[Any]) -> int:
    """End sessions of ``actor`` (from the session list); return how many; audited."""
    ended = 0
    for row in sessions:
        if row.user_id != actor.pk:
            raise PermissionDenied
        _session_store(row.session_key).delete()
        row.delete()
        ended += 1
    audit.record("session_end", actor=actor, obj=actor, changes={"sessions": ended})
    return ended
