"""The citizens' site (mobile first)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Citizens' portal: SMS login, online applications, tracking, ratings, legal guides."""

    name = "sifasuo.portal"
    label = "portal"
    verbose_name = _("Citizens' portal")

    def ready(self) -> None:
        from sifasuo.core import applications
        from sifasuo.portal import measures, navigation, services, todos  # noqa: F401

        applications.listen(services.application_progress)
