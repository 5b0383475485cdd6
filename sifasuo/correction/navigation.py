"""The community-correction entries of the navigation (office, district, city; no mediators)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

GROUP = _("Community correction")

for label, url_name, icon in (
    (_("Correction subjects"), "correction:subject_list", "person-badge"),
    (_("Losing-contact board"), "correction:board", "exclamation-triangle"),
):
    register(NavEntry(label, url_name, BUSINESS_ROLES, icon, group=GROUP))
