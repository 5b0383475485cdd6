"""Roles (DESIGN "Roles") and what each may do at its own unit and below.

Three policies: ``business`` for every ledger record, ``sensitive`` for correction and
resettlement records, ``units`` for the unit tree itself.
The three administrator roles see no business records; a record is visible to its own
unit and the units above it (``OWN`` at the owner, ``BELOW`` from above).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sifasuo.core.scope import BELOW, OWN


class Role(models.TextChoices):
    CITY_OFFICER = "CITY_OFFICER", _("City bureau officer")
    DISTRICT_OFFICER = "DISTRICT_OFFICER", _("District bureau officer")
    OFFICE_DIRECTOR = "OFFICE_DIRECTOR", _("Office director")
    OFFICE_CLERK = "OFFICE_CLERK", _("Office clerk")
    MEDIATOR = "MEDIATOR", _("Mediator")
    SYSTEM_ADMIN = "SYSTEM_ADMIN", _("System administrator")
    SECURITY_ADMIN = "SECURITY_ADMIN", _("Security administrator")
    AUDIT_ADMIN = "AUDIT_ADMIN", _("Audit administrator")
    CITIZEN = "CITIZEN", _("Citizen")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
STAFF_ROLES = frozenset(set(Role) - {Role.CITIZEN})

# The unit kinds each role belongs to.
ROLE_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    Role.CITY_OFFICER: ("CITY",),
    Role.DISTRICT_OFFICER: ("DISTRICT", "DEVZONE"),
    Role.OFFICE_DIRECTOR: ("OFFICE",),
    Role.OFFICE_CLERK: ("OFFICE",),
    Role.MEDIATOR: ("COMMITTEE",),
    Role.SYSTEM_ADMIN: ("CITY",),
    Role.SECURITY_ADMIN: ("CITY",),
    Role.AUDIT_ADMIN: ("CITY",),
    Role.CITIZEN: (),
}

_KEEP = {OWN, BELOW}
_OWN = {OWN}
_BELOW = {BELOW}
_ALL = {OWN, BELOW}

# policy -> role -> action -> reach
POLICIES: dict[str, dict[str, dict[str, set[str]]]] = {
    "business": {
        Role.CITY_OFFICER: {
            "view": _ALL,
            "create": _OWN,
            "change": _OWN,
            "delete": _OWN,
            "export": _ALL,
        },
        Role.DISTRICT_OFFICER: {
            "view": _ALL,
            "create": _OWN,
            "change": _OWN,
            "delete": _OWN,
            "export": _ALL,
        },
        Role.OFFICE_DIRECTOR: {
            "view": _ALL,
            "create": _KEEP,
            "change": _KEEP,
            "delete": _KEEP,
            "export": _ALL,
            "reveal": _ALL,
        },
        Role.OFFICE_CLERK: {"view": _ALL, "create": _KEEP, "change": _KEEP, "export": _ALL},
        Role.MEDIATOR: {"view": _OWN, "create": _OWN, "change": _OWN, "export": _OWN},
    },
    # Community correction and resettlement (the most sensitive records: criminal history).
    # Mediators see none; the district bureau decides what the law gives it (leave beyond
    # the office's limit, discipline) on its offices' records, hence "change" below it.
    "sensitive": {
        Role.CITY_OFFICER: {"view": _ALL, "export": _ALL},
        Role.DISTRICT_OFFICER: {"view": _ALL, "change": _ALL, "export": _ALL},
        Role.OFFICE_DIRECTOR: {
            "view": _ALL,
            "create": _KEEP,
            "change": _KEEP,
            "delete": _KEEP,
            "export": _ALL,
            "reveal": _ALL,
        },
        Role.OFFICE_CLERK: {"view": _ALL, "create": _KEEP, "change": _KEEP, "export": _ALL},
    },
    "units": {
        Role.CITY_OFFICER: {"view": _ALL, "export": _ALL},
        Role.DISTRICT_OFFICER: {"view": _ALL, "export": _ALL},
        Role.OFFICE_DIRECTOR: {"view": _ALL, "change": _OWN, "export": _ALL},
        Role.OFFICE_CLERK: {"view": _ALL, "export": _ALL},
        Role.MEDIATOR: {"view": _OWN},
        Role.SYSTEM_ADMIN: {
            "view": _ALL,
            "create": _ALL,
            "change": _ALL,
            "delete": _BELOW,
            "export": _ALL,
        },
        Role.SECURITY_ADMIN: {"view": _ALL},
        Role.AUDIT_ADMIN: {"view": _ALL},
    },
}


def reach(role_codes: set[str], policy: str, action: str) -> set[str]:
    """Return how far the union of ``role_codes`` reaches for ``action`` under ``policy``."""
    table = POLICIES[policy]
    result: set[str] = set()
    for code in role_codes:
        result |= table.get(code, {}).get(action, set())
    return result


def sensitive_reader_roles() -> frozenset[str]:
    """The roles that can read correction or resettlement records (the ``sensitive`` policy)."""
    return frozenset(
        str(role) for role, actions in POLICIES["sensitive"].items() if actions.get("view")
    )


def two_factor_required_roles() -> frozenset[str]:
    """The roles that must log in with a one-time code in production (等保 8.1.4.1 d).

    The three administrators and every role that can read criminal-history records; derived
    from the policies above, so a role that gains that right is enforced without a new list.
    """
    return frozenset(str(role) for role in ADMIN_ROLES) | sensitive_reader_roles()
