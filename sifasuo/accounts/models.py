"""Users of the platform (staff and citizens), their roles and API tokens."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.roles import ADMIN_ROLES, Role, reach
from sifasuo.core.fields import EncryptedTextField


class UserKind(models.TextChoices):
    STAFF = "STAFF", _("Staff")
    CITIZEN = "CITIZEN", _("Citizen")


class User(AbstractUser):
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
