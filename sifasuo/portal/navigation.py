"""The portal's entries in the staff navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register
from sifasuo.accounts.roles import Role

GROUP = _("Citizens' portal")

register(NavEntry(_("Online requests"), "portal:inbox", BUSINESS_ROLES, "inbox", group=GROUP))
register(
    NavEntry(
        _("Rating follow-ups"), "portal:followup_list", BUSINESS_ROLES, "telephone", group=GROUP
    )
)
register(
    NavEntry(
        _("Legal guides"),
        "portal:guide_manage",
        frozenset({Role.CITY_OFFICER}),
        "journal-text",
        group=GROUP,
    )
)
