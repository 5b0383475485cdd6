"""The mediation entries of the navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register
from sifasuo.accounts.roles import Role

MEDIATION_ROLES = BUSINESS_ROLES | {Role.MEDIATOR}
GROUP = _("People's mediation")

for label, url_name, icon in (
    (_("Mediation cases"), "mediation:case_list", "chat-square-text"),
    (_("Committees"), "mediation:committee_list", "people-fill"),
    (_("Dispute screening"), "mediation:screening_list", "search"),
):
    register(NavEntry(label, url_name, MEDIATION_ROLES, icon, group=GROUP))
