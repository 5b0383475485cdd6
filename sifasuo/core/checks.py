"""System checks: keys present, 国密 available, production enforces two-factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_production_security(app_configs: Any, **kwargs: Any) -> list[Any]:
    """Refuse a deployment without two-factor enforcement for the administrators."""
    problems: list[Any] = []
    enforced = set(settings.OTP_ENFORCED_ROLES)
    required = {"SYSTEM_ADMIN", "SECURITY_ADMIN", "AUDIT_ADMIN"}
    if not required <= enforced:
        problems.append(
            Warning(
                "Two-factor login is not enforced for the three administrator roles.",
                hint="Set OTP_ENFORCED_ROLES (production settings do by default).",
                id="sifasuo.W001",
            )
        )
    if settings.DEBUG:
        problems.append(Error("DEBUG is on in a deployment.", id="sifasuo.E002"))
    return problems


@register(Tags.security)
def check_keys(app_configs: Any, **kwargs: Any) -> list[Any]:
    """Refuse to run without the encryption, blind-index and audit keys."""
    problems: list[Any] = []
    if not settings.SIFASUO_FIELD_KEYS:
        problems.append(Error("SIFASUO_FIELD_KEYS is empty.", id="sifasuo.E001"))
    if settings.SIFASUO_BLIND_INDEX_KEY == settings.SIFASUO_AUDIT_CHAIN_KEY:
        problems.append(
            Error("The blind-index and audit-chain keys must differ.", id="sifasuo.E003")
        )
    return problems


@register(Tags.security, Tags.database, deploy=True)
def check_no_superuser(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[Any]:
    """Refuse a deployment where any account is a superuser (SECURITY.md check 8).

    A database check: ``manage.py check --deploy --database default`` runs it.
    """
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    if not databases:
        return []
    try:
        found = get_user_model()._default_manager.filter(is_superuser=True).exists()
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    if found:
        return [
            Error(
                "An account is a superuser: is_superuser bypasses every permission.",
                hint="Remove the flag (manage.py shell); no production account may have it.",
                id="sifasuo.E004",
            )
        ]
    return []
