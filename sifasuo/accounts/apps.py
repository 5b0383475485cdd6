"""Users, roles, login policy, two-factor, API tokens."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Accounts and the rules of who may do what."""

    name = "sifasuo.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from sifasuo.accounts import checks, signals  # noqa: F401  (registers them)
