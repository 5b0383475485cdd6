"""The office profile entries of the navigation: one menu for returns, staff, honours and
typical experiences."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

GROUP = _("Office profiles")

for label, url_name, icon in (
    (_("Yearly returns"), "offices:return_list", "building"),
    (_("Staff"), "offices:staff:staff_list", "person-badge"),
    (_("Honours"), "offices:honour_list", "award"),
    (_("Typical experiences"), "offices:experience_list", "journal-richtext"),
):
    register(NavEntry(label, url_name, BUSINESS_ROLES, icon, group=GROUP))
