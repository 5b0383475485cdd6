"""The six-good standard's entries of the navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

GROUP = _("Six-good standard")

for label, url_name, icon in (
    (_("League table"), "standards:league", "bar-chart-line"),
    (_("Assessment campaigns"), "standards:campaign_list", "clipboard-check"),
    (_("Rectification"), "standards:rectification_list", "tools"),
    (_("Demonstration units"), "standards:demonstration", "award"),
    (_("Indicator framework"), "standards:framework", "list-check"),
):
    register(NavEntry(label, url_name, BUSINESS_ROLES, icon, group=GROUP))
