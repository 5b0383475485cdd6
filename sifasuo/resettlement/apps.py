"""Resettlement and assistance."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResettlementConfig(AppConfig):
    """安置帮教: released persons, hand-over, assistance, remote visitation."""

    name = "sifasuo.resettlement"
    label = "resettlement"
    verbose_name = _("Resettlement and assistance")

    def ready(self) -> None:
        from sifasuo.resettlement import (  # noqa: F401
            applications,
            measures,
            navigation,
            person_panel,
            todos,
        )
