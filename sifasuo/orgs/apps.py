"""Administrative divisions and the one tree of units."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    """Divisions (real codes), units (city, districts, offices, committees), office locator."""

    name = "sifasuo.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from sifasuo.orgs import measures  # noqa: F401
