"""The entries of the tasks and notices in the navigation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

GROUP = _("Tasks and notices")

for label, url_name, icon in (
    (_("Tasks from above"), "workorders:task_list", "send"),
    (_("Task replies"), "workorders:assignment_list", "reply-all"),
    (_("Notices"), "workorders:notice_list", "megaphone"),
):
    register(NavEntry(label, url_name, BUSINESS_ROLES, icon, group=GROUP))
