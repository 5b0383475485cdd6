"""People's mediation: committees, mediators, cases, screening."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    """人民调解: the mediation ledger of committees and offices."""

    name = "sifasuo.mediation"
    label = "mediation"
    verbose_name = _("People's mediation")

    def ready(self) -> None:
        from sifasuo.mediation import (  # noqa: F401
            applications,
            measures,
            navigation,
            person_panel,
            todos,
        )
