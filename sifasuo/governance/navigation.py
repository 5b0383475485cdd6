"""The rule-of-law entries of the navigation (one menu)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.navigation import BUSINESS_ROLES, NavEntry, register

GROUP = _("Rule-of-law work")

for label, url_name, icon in (
    (_("Legality reviews"), "governance:review_list", "patch-check"),
    (_("Enforcement supervision"), "governance:supervision_list", "clipboard-check"),
    (_("Drafts for comment"), "governance:draft_list", "file-earmark-text"),
    (_("Legislative opinions"), "governance:opinion_list", "chat-left-text"),
    (_("Juror selection"), "governance:round_list", "person-badge"),
    (_("Three-rules register"), "governance:interference_list", "shield-check"),
):
    register(NavEntry(label, url_name, BUSINESS_ROLES, icon, group=GROUP))
