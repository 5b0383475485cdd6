"""Public legal services."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalserviceConfig(AppConfig):
    """公共法律服务: consultations, legal aid pre-applications, appointments, window services."""

    name = "sifasuo.legalservice"
    label = "legalservice"
    verbose_name = _("Public legal services")

    def ready(self) -> None:
        from sifasuo.legalservice import (  # noqa: F401
            measures,
            navigation,
            online,
            person_panel,
            todos,
        )
