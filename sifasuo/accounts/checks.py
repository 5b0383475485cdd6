"""Deployment checks of the login policy: `manage.py check --deploy` fails without them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from sifasuo.accounts.roles import Role, two_factor_required_roles


@register(Tags.security, deploy=True)
def check_two_factor_enforcement(app_configs: Any, **kwargs: Any) -> list[Any]:
    """Refuse a deployment where a role that must use two-factor login does not have to.

    The roles that must: the three administrators and every role that can read correction
    or resettlement records (``roles.two_factor_required_roles``, from the role policies).
    """
    enforced = {str(code) for code in settings.OTP_ENFORCED_ROLES}
    problems: list[Any] = []
    missing = sorted(two_factor_required_roles() - enforced)
    if missing:
        problems.append(
            Error(
                f"Two-factor login is not enforced for: {', '.join(missing)}.",
                hint=(
                    "OTP_ENFORCED_ROLES must include the three administrator roles and every "
                    "role that reads correction or resettlement records; production settings "
                    "do by default (leave OTP_ENFORCED_ROLES unset)."
                ),
                id="accounts.E001",
            )
        )
    unknown = sorted(enforced - set(Role.values))
    if unknown:
        problems.append(
            Error(
                f"OTP_ENFORCED_ROLES names unknown roles: {', '.join(unknown)}.",
                hint="Use role codes of sifasuo.accounts.roles.Role.",
                id="accounts.E002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_password_rotation(app_configs: Any, **kwargs: Any) -> list[Any]:
    """Refuse a deployment where staff passwords never expire or may be reused at once."""
    problems: list[Any] = []
    if settings.PASSWORD_MAX_AGE_DAYS <= 0:
        problems.append(
            Error(
                "Staff passwords never expire (PASSWORD_MAX_AGE_DAYS is 0).",
                hint="等保 8.1.4.1 a asks for regular change: leave the default of 90 days.",
                id="accounts.E003",
            )
        )
    if settings.PASSWORD_HISTORY_COUNT <= 0:
        problems.append(
            Error(
                "Earlier passwords may be reused (PASSWORD_HISTORY_COUNT is 0).",
                hint="Leave the default of 5.",
                id="accounts.E004",
            )
        )
    return problems
