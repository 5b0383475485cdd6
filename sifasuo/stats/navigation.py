"""The statistics entry of the navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register
from sifasuo.accounts.roles import Role

register(
    NavEntry(_("Statistics"), "stats:dashboard", BUSINESS_ROLES | {Role.MEDIATOR}, "bar-chart")
)
register(
    NavEntry(
        _("Statistical reports"),
        "stats:report_list",
        BUSINESS_ROLES | {Role.MEDIATOR},
        "file-earmark-bar-graph",
    )
)
