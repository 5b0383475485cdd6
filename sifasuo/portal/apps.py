"""The citizens' site (mobile first)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Citizens' portal: public pages and, later, citizens' own requests."""

    name = "sifasuo.portal"
    label = "portal"
    verbose_name = _("Citizens' portal")
