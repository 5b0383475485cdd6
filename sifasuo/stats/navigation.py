"""The statistics entry of the navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

register(NavEntry(_("Statistics"), "stats:dashboard", BUSINESS_ROLES, "bar-chart"))
