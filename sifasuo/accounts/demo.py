"""Demo accounts (DESIGN/issue: the named cast), all with DEMO_PASSWORD."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import transaction

from sifasuo.accounts import services
from sifasuo.accounts.models import User
from sifasuo.accounts.roles import Role
from sifasuo.orgs.models import Unit

DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    # username, unit code, role, display name
    ("city_officer", "610100", Role.CITY_OFFICER, "市局 李科长"),
    ("xincheng_reviewer", "610102", Role.DISTRICT_OFFICER, "新城区局 王审核"),
    ("xiyilu_director", "610102001", Role.OFFICE_DIRECTOR, "西一路所 张所长"),
    ("xiyilu_clerk", "610102001", Role.OFFICE_CLERK, "西一路所 刘干事"),
    ("xiyilu_mediator", "610102001T01", Role.MEDIATOR, "西一路调委会 陈调解员"),
    ("weiqu_clerk", "610116001", Role.OFFICE_CLERK, "韦曲所 赵干事"),
    ("sysadmin", "610100", Role.SYSTEM_ADMIN, "系统管理员"),
    ("secadmin", "610100", Role.SECURITY_ADMIN, "安全管理员"),
    ("auditadmin", "610100", Role.AUDIT_ADMIN, "审计管理员"),
]


def demo_password() -> str:
    """The demo accounts' password: DEMO_PASSWORD, or the documented default."""
    return os.environ.get("DEMO_PASSWORD") or settings.DEMO_PASSWORD_DEFAULT


@transaction.atomic
def create_demo_accounts() -> list[User]:
    """Create the demo accounts that do not exist yet; reset nothing that does."""
    users = []
    for username, unit_code, role, display_name in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                actor=None,
                username=username,
                unit=Unit.objects.get(code=unit_code),
                password=demo_password(),
                display_name=display_name,
            )
            services.user_set_roles(actor=None, user=user, roles=[role])
        users.append(user)
    return users
