"""The publicity entries of the navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

GROUP = _("Legal publicity")

for label, url_name, icon in (
    (_("Publicity activities"), "publicity:activity_list", "megaphone"),
    (_("Legal-literate villagers"), "publicity:literate_list", "person-badge"),
    (_("Legal-literate coverage"), "publicity:coverage", "pie-chart"),
    (_("Demonstration households"), "publicity:household_list", "house-heart"),
    (_("Village legal advisers"), "publicity:adviser_list", "briefcase"),
    (_("Adviser service norms"), "publicity:adviser_norms", "clipboard-check"),
    (_("Demonstration villages"), "publicity:village_list", "award"),
    (_("Town legal advisers"), "publicity:town_adviser_list", "bank"),
):
    register(NavEntry(label, url_name, BUSINESS_ROLES, icon, group=GROUP))
