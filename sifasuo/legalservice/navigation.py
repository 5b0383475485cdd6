"""The public legal service entries of the navigation (not for mediators)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

GROUP = _("Public legal services")

for label, url_name, icon in (
    (_("Consultations"), "legalservice:consultation_list", "chat-dots"),
    (_("Legal aid"), "legalservice:legal_aid_list", "shield-check"),
    (_("Appointments"), "legalservice:appointment_list", "calendar-check"),
    (_("Appointment slots"), "legalservice:slot_list", "calendar-week"),
    (_("Window services"), "legalservice:window_list", "window-desk"),
    (_("Figures"), "legalservice:figures", "bar-chart"),
):
    register(NavEntry(label, url_name, BUSINESS_ROLES, icon, group=GROUP))
