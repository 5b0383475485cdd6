"""The navigation each role sees: modules register their entries here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from sifasuo.accounts.roles import Role
from sifasuo.core.links import path_of


@dataclass(frozen=True)
class NavEntry:
    """A menu entry: label, URL name and the roles that see it."""

    label: Any
    url_name: str
    roles: frozenset[str]
    icon: str = ""
    group: Any = None  # entries of one module share a menu (a lazy translation)


BUSINESS_ROLES = frozenset(
    {Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.OFFICE_DIRECTOR, Role.OFFICE_CLERK}
)

ENTRIES: list[NavEntry] = [
    NavEntry(_("Workbench"), "accounts:workbench", frozenset(Role) - {Role.CITIZEN}, "house"),
    NavEntry(
        _("Units"),
        "orgs:unit_list",
        BUSINESS_ROLES | {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN},
        "diagram-3",
    ),
    NavEntry(_("People"), "people:person_list", BUSINESS_ROLES, "people"),
    NavEntry(
        _("Accounts"),
        "accounts:user_list",
        frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
        "person-gear",
    ),
    NavEntry(_("Audit trail"), "accounts:audit_list", frozenset({Role.AUDIT_ADMIN}), "journal"),
    NavEntry(_("Access review"), "core:access_review", frozenset({Role.AUDIT_ADMIN}), "eye"),
]


def register(entry: NavEntry) -> None:
    """Add a module's entry to the navigation."""
    ENTRIES.append(entry)


def items_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """Return the entries ``user``'s roles allow, as dicts for templates."""
    if not getattr(user, "is_authenticated", False):
        return []
    from django.conf import settings

    if (
        settings.OTP_ENFORCED_ROLES
        and user.has_role(*settings.OTP_ENFORCED_ROLES)
        and not user.is_verified()
    ):
        return []  # nothing to navigate to before the second factor
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for entry in ENTRIES:
        if entry.roles & user.role_codes:
            url = path_of(entry.url_name)
            active = current_path == url if url == "/" else current_path.startswith(url)
            item = {"label": entry.label, "url": url, "active": active, "icon": entry.icon}
            if entry.group is None:
                items.append(item)
                continue
            key = str(entry.group)
            if key not in groups:
                groups[key] = {"label": entry.group, "children": [], "active": False}
                items.append(groups[key])
            groups[key]["children"].append(item)
            groups[key]["active"] |= active
    return items
