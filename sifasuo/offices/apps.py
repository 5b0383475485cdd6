"""The office profile: premises, rooms, signage, equipment, funding, IT, systems."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    """司法所档案: each office's yearly return."""

    name = "sifasuo.offices"
    label = "offices"
    verbose_name = _("Office profiles")

    def ready(self) -> None:
        from sifasuo.offices import navigation  # noqa: F401
