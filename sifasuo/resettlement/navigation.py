"""The resettlement entries of the navigation (office, district and city; never mediators)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

GROUP = _("Resettlement")

for label, url_name, icon in (
    (_("Released persons"), "resettlement:person_list", "person-check"),
    (_("Remote visitation"), "resettlement:visitation_list", "camera-video"),
    (_("Visitation coverage"), "resettlement:coverage", "broadcast"),
):
    register(NavEntry(label, url_name, BUSINESS_ROLES, icon, group=GROUP))
