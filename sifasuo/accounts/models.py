"""Users of the platform (staff and citizens), their roles, API tokens and second factors."""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import unhexlify
from functools import cached_property
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import hex_validator, random_hex

from sifasuo.accounts.roles import ADMIN_ROLES, Role, reach
from sifasuo.core import crypto
from sifasuo.core.fields import EncryptedTextField


class UserKind(models.TextChoices):
    STAFF = "STAFF", _("Staff")
    CITIZEN = "CITIZEN", _("Citizen")


class User(AbstractUser):  # type: ignore[django-manager-missing]  # untyped django-otp bases
    """A person who logs in: staff of one unit with roles, or a citizen of the portal."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=UserKind.choices, default=UserKind.STAFF
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.CheckConstraint(
                condition=Q(kind=UserKind.CITIZEN) | Q(unit__isnull=False) | Q(is_active=False),
                name="accounts_user_staff_has_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def role_codes(self) -> set[str]:
        """The codes of the roles this user holds."""
        if self.pk is None:
            return set()
        return set(self.user_roles.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes & set(roles))

    @property
    def is_citizen(self) -> bool:
        return self.kind == UserKind.CITIZEN

    @property
    def is_administrator(self) -> bool:
        return bool(self.role_codes & ADMIN_ROLES)

    def scope_reach(self, model: type[models.Model], action: str) -> set[str]:
        """How far this user's roles reach for ``action`` on ``model`` (see core.scope)."""
        policy = getattr(model, "scope_policy", "business")
        return reach(self.role_codes, policy, action)

    def refresh_roles(self) -> None:
        self.__dict__.pop("role_codes", None)


class UserRole(models.Model):
    """A role held by a user. ``admin_slot`` makes two administrator roles impossible."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="user_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    admin_slot = models.CharField(max_length=5, null=True, blank=True, editable=False)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_userrole_unique"),
            # Separation of the three administrators (等保 8.1.4.2 d): one admin role at most.
            models.UniqueConstraint(
                fields=["user", "admin_slot"], name="accounts_userrole_one_admin_role"
            ),
            # "admin_slot IS NOT NULL" keeps the check from passing as SQL NULL (unknown)
            # when an administrator role comes without its slot.
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(ADMIN_ROLES), admin_slot__isnull=False, admin_slot="ADMIN")
                    | (~Q(role__in=sorted(ADMIN_ROLES)) & Q(admin_slot__isnull=True))
                ),
                name="accounts_userrole_admin_slot_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.admin_slot = "ADMIN" if self.role in ADMIN_ROLES else None
        super().save(*args, **kwargs)


class ApiToken(models.Model):
    """An API token: only its SHA-256 is stored; it expires (8 hours by default)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PasswordHistory(models.Model):
    """The hash of a password a user has set, so recent ones are not reused (等保 8.1.4.1 a).

    Only hashes, never the password; the newest ``PASSWORD_HISTORY_COUNT`` are kept.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("password hash"), max_length=128)
    created_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        ordering = ["user", "-created_at", "-id"]
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        indexes = [models.Index(fields=["user", "-created_at"], name="accounts_pwhist_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """A logged-in session, listed so its user can see and end it (ASVS 3.3.4).

    The session key is a credential: it is kept SM4-encrypted (to end the session whatever
    the session backend) and found by its SHA-256.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="login_sessions"
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    session_key = EncryptedTextField(_("session key"))
    created_at = models.DateTimeField(_("logged in at"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


def default_totp_key() -> str:
    """A fresh TOTP secret: 20 random bytes, hex-encoded (as django-otp's default)."""
    return random_hex(20)


def validate_totp_key(value: str) -> None:
    """Refuse a secret that is not hex of at most 40 bytes."""
    hex_validator()(value)
    if len(value) > 80:
        raise ValidationError(_("The secret key is longer than 40 bytes."), code="max_length")


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]
    """A TOTP authenticator app; its secret is SM4-encrypted at rest (SECURITY.md check 19).

    Behaves as django-otp's ``TOTPDevice`` (step, t0, digits, tolerance, drift, replay
    protection by ``last_t``, throttling by ``OTP_TOTP_THROTTLE_FACTOR``), which keeps the
    secret in plaintext and is therefore not used.
    """

    key = EncryptedTextField(
        _("secret key"), default=default_totp_key, validators=[validate_totp_key]
    )
    step: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("time step (seconds)"), default=30
    )
    t0: models.BigIntegerField[int, int] = models.BigIntegerField(_("start time (Unix)"), default=0)
    digits: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("digits"), choices=[(6, 6), (8, 8)], default=6
    )
    tolerance: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("tolerance (steps)"), default=1
    )
    drift: models.SmallIntegerField[int, int] = models.SmallIntegerField(
        _("drift (steps)"), default=0
    )
    last_t: models.BigIntegerField[int, int] = models.BigIntegerField(
        _("time step of the last accepted code"),
        default=-1,
        help_text=_("A code is accepted only at a later time step: no replay."),
    )

    class Meta(Device.Meta):
        ordering = ["user", "id"]
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @property
    def bin_key(self) -> bytes:
        """The secret as bytes."""
        return unhexlify(self.key.encode())

    def verify_token(self, token: Any) -> bool:
        """Accept a code of this or a neighbouring time step, once; count failures."""
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            value = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = totp.verify(value, self.tolerance, self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                if getattr(settings, "OTP_TOTP_SYNC", True):
                    self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return bool(verified)

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    @property
    def config_url(self) -> str:
        """The ``otpauth://`` URI of the QR code (Google's Key Uri Format)."""
        label = str(self.user.get_username())
        query = urlencode(
            {
                "secret": b32encode(self.bin_key),
                "algorithm": "SHA1",
                "digits": self.digits,
                "period": self.step,
            }
        )
        issuer = getattr(settings, "OTP_TOTP_ISSUER", "")
        if callable(issuer):
            issuer = issuer(self)
        if isinstance(issuer, str) and issuer:
            issuer = issuer.replace(":", "")
            label = f"{issuer}:{label}"
            query += f"&issuer={quote(issuer)}"
        return f"otpauth://totp/{quote(label)}?{query}"


RECOVERY_CODE_PURPOSE = "accounts.recovery_code"


class RecoveryDevice(TimestampMixin, ThrottlingMixin, Device):  # type: ignore[misc]
    """A user's recovery codes: each logs in once; only their keyed HMAC-SM3 is stored."""

    class Meta(Device.Meta):
        ordering = ["user", "id"]
        verbose_name = _("recovery code set")
        verbose_name_plural = _("recovery code sets")

    def verify_token(self, token: Any) -> bool:
        """Accept an unused code and consume it; count failures."""
        allowed, _data = self.verify_is_allowed()
        if not allowed:
            return False
        consumed = False
        if isinstance(token, str) and token.strip():
            match = self.codes.filter(code_hash=RecoveryCode.hash_of(token)).first()
            # Deleted by its id: a concurrent login that used it first leaves nothing to delete.
            consumed = (
                match is not None and RecoveryCode.objects.filter(pk=match.pk).delete()[0] > 0
            )
        if not consumed:
            self.throttle_increment(commit=True)
            return False
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))


class RecoveryCode(models.Model):
    """One unused recovery code, as its HMAC-SM3 under the blind-index key (never the code)."""

    device = models.ForeignKey(
        RecoveryDevice, verbose_name=_("device"), on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(_("code hash"), max_length=64, db_index=True)

    class Meta:
        ordering = ["device", "id"]
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.device} · {self.pk}"

    @staticmethod
    def hash_of(code: str) -> str:
        """The stored form of ``code``: keyed, so a database dump alone cannot test guesses."""
        return crypto.blind_index(code, purpose=RECOVERY_CODE_PURPOSE)
