"""Key rotation: re-encryption moves every value to the new key and keeps look-ups working."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from sifasuo.core import crypto
from sifasuo.people import services
from sifasuo.people.models import Person

NUMBER = "11010519491231002X"


@pytest.fixture
def person(office_clerk):
    return services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name="轮换",
        id_number=NUMBER,
        phone="13700000001",
    )


def _stored_id_number(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM people_person WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_reencrypt_moves_values_to_the_new_key(person, settings):
    # given: a second key in the ring, made current
    ring = {**settings.SIFASUO_FIELD_KEYS, "k2": "44" * 16}
    with override_settings(SIFASUO_FIELD_KEYS=ring, SIFASUO_FIELD_KEY_ID="k2"):
        crypto._field_keys.cache_clear()
        try:
            # when
            call_command("reencrypt_fields")
            # then: stored under k2, still readable, still found by the blind index
            assert _stored_id_number(person.pk).startswith("sm4gcm:v1:k2:")
            assert Person.objects.get(pk=person.pk).id_number == NUMBER
            index = Person._meta.get_field("id_number_bidx").index_of(NUMBER.lower())
            assert Person.objects.filter(id_number_bidx=index).count() == 1
        finally:
            crypto._field_keys.cache_clear()
    crypto._field_keys.cache_clear()


def test_create_administrator_prints_a_password_that_logs_in(demo, client, capsys):
    # when
    call_command("create_administrator", "audit2", "AUDIT_ADMIN")
    password = capsys.readouterr().out.strip().splitlines()[-1]
    response = client.post("/accounts/login/", {"username": "audit2", "password": password})
    # then
    assert response.status_code == 302
