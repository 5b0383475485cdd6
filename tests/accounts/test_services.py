"""Account services: roles and the separation of the three administrators (三权分立)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sifasuo.accounts import services
from sifasuo.accounts.models import User, UserRole
from sifasuo.accounts.roles import Role
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import AuditEvent

NEW_PASSWORD = "Xian-Sifa-2024"


@pytest.fixture
def city_user(sysadmin, city_officer):
    """A fresh account at the city bureau, without roles."""
    return services.user_create(
        actor=sysadmin, username="new_city_user", unit=city_officer.unit, password=NEW_PASSWORD
    )


def _insert_role(user: User, role: str, admin_slot: str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_userrole (user_id, role, admin_slot, granted_at)"
            " VALUES (%s, %s, %s, %s)",
            [user.pk, role, admin_slot, timezone.now()],
        )


def test_a_system_administrator_may_not_set_roles(sysadmin, office_clerk):
    # when
    with pytest.raises(PermissionDenied):
        services.user_set_roles(actor=sysadmin, user=office_clerk, roles=[Role.OFFICE_DIRECTOR])
    # then: the refusal is recorded and kept though the service refused
    event = AuditEvent.objects.filter(action="role_change").order_by("-seq").first()
    assert event.actor == sysadmin
    assert event.outcome == AuditOutcome.DENIED
    office_clerk.refresh_roles()
    assert office_clerk.role_codes == {Role.OFFICE_CLERK}


@pytest.mark.parametrize("actor_name", ["auditadmin", "office_director", "city_officer"])
def test_only_the_security_administrator_sets_roles(request, office_clerk, actor_name):
    # given
    actor = request.getfixturevalue(actor_name)
    # when / then
    with pytest.raises(PermissionDenied):
        services.user_set_roles(actor=actor, user=office_clerk, roles=[Role.OFFICE_DIRECTOR])


def test_the_security_administrator_sets_roles(secadmin, office_clerk):
    # when
    user = services.user_set_roles(
        actor=secadmin, user=office_clerk, roles=[Role.OFFICE_CLERK, Role.OFFICE_DIRECTOR]
    )
    # then
    assert user.role_codes == {Role.OFFICE_CLERK, Role.OFFICE_DIRECTOR}
    assert set(UserRole.objects.filter(user=office_clerk).values_list("role", flat=True)) == {
        Role.OFFICE_CLERK,
        Role.OFFICE_DIRECTOR,
    }
    event = AuditEvent.objects.filter(action="role_change").order_by("-seq").first()
    assert event.actor == secadmin
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.changes == {"added": [Role.OFFICE_DIRECTOR], "removed": []}


def test_roles_not_given_are_taken_away(secadmin, office_clerk):
    # when
    services.user_set_roles(actor=secadmin, user=office_clerk, roles=[Role.OFFICE_DIRECTOR])
    # then
    assert User.objects.get(pk=office_clerk.pk).role_codes == {Role.OFFICE_DIRECTOR}


def test_two_administrator_roles_are_refused(secadmin, city_user):
    # when / then
    with pytest.raises(ApplicationError) as refused:
        services.user_set_roles(
            actor=secadmin, user=city_user, roles=[Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN]
        )
    assert refused.value.field == "roles"
    assert not UserRole.objects.filter(user=city_user).exists()


def test_an_administrator_role_with_a_business_role_is_refused(secadmin, city_user):
    with pytest.raises(ApplicationError):
        services.user_set_roles(
            actor=secadmin, user=city_user, roles=[Role.SECURITY_ADMIN, Role.CITY_OFFICER]
        )


def test_a_role_of_another_kind_of_unit_is_refused(secadmin, city_user):
    with pytest.raises(ApplicationError):
        services.user_set_roles(actor=secadmin, user=city_user, roles=[Role.OFFICE_CLERK])


def test_an_unknown_role_is_refused(secadmin, office_clerk):
    with pytest.raises(ApplicationError):
        services.user_set_roles(actor=secadmin, user=office_clerk, roles=["SUPERUSER"])


def test_the_security_administrator_may_not_change_their_own_roles(secadmin):
    with pytest.raises(PermissionDenied):
        services.user_set_roles(actor=secadmin, user=secadmin, roles=[Role.SYSTEM_ADMIN])


def test_one_administrator_role_is_accepted(secadmin, city_user):
    # when
    services.user_set_roles(actor=secadmin, user=city_user, roles=[Role.AUDIT_ADMIN])
    # then
    assert UserRole.objects.get(user=city_user).admin_slot == "ADMIN"


def test_the_database_refuses_two_administrator_roles(city_user):
    # given
    _insert_role(city_user, Role.SYSTEM_ADMIN, "ADMIN")
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_role(city_user, Role.AUDIT_ADMIN, "ADMIN")
    assert UserRole.objects.filter(user=city_user).count() == 1


def test_the_database_refuses_an_administrator_role_outside_the_slot(city_user):
    # when / then: without admin_slot the one-admin rule could be dodged; the check refuses
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_role(city_user, Role.SECURITY_ADMIN, None)


def test_the_database_refuses_a_business_role_in_the_slot(city_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_role(city_user, Role.CITY_OFFICER, "ADMIN")


def test_the_model_refuses_two_administrator_roles(city_user):
    # given
    UserRole.objects.create(user=city_user, role=Role.SYSTEM_ADMIN)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        UserRole.objects.create(user=city_user, role=Role.SECURITY_ADMIN)


def test_the_system_administrator_creates_accounts(sysadmin, city_officer):
    # when
    user = services.user_create(
        actor=sysadmin,
        username="another_user",
        unit=city_officer.unit,
        password=NEW_PASSWORD,
    )
    # then
    assert user.check_password(NEW_PASSWORD)
    assert user.role_codes == set()
    assert AuditEvent.objects.filter(action="user_create", object_id=str(user.pk)).exists()


def test_the_security_administrator_may_not_create_accounts(secadmin, city_officer):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=secadmin, username="x_user", unit=city_officer.unit, password=NEW_PASSWORD
        )
    assert not User.objects.filter(username="x_user").exists()


def test_a_weak_password_is_refused_on_create(sysadmin, city_officer):
    with pytest.raises(ApplicationError) as refused:
        services.user_create(
            actor=sysadmin, username="x_user", unit=city_officer.unit, password="Abc12345"
        )
    assert refused.value.field == "password"


def test_usernames_are_unique_regardless_of_case(sysadmin, city_officer):
    with pytest.raises(ApplicationError):
        services.user_create(
            actor=sysadmin, username="XIYILU_Clerk", unit=city_officer.unit, password=NEW_PASSWORD
        )


def test_a_password_change_is_validated_and_audited(office_clerk):
    # when / then
    with pytest.raises(ApplicationError):
        services.password_change(user=office_clerk, new_password="aaaaaaaaaaaa")
    services.password_change(user=office_clerk, new_password=NEW_PASSWORD)
    assert User.objects.get(pk=office_clerk.pk).check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="password_change", actor=office_clerk).exists()
