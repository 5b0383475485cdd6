"""The mediation entries of the navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register
from sifasuo.accounts.roles import Role

MEDIATION_ROLES = BUSINESS_ROLES | {Role.MEDIATOR}

register(NavEntry(_("Mediation cases"), "mediation:case_list", MEDIATION_ROLES, "chat-square-text"))
register(NavEntry(_("Committees"), "mediation:committee_list", MEDIATION_ROLES, "people-fill"))
register(NavEntry(_("Dispute screening"), "mediation:screening_list", MEDIATION_ROLES, "search"))
