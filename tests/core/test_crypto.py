"""国密 at rest: SM4-GCM fields, HMAC-SM3 blind indexes, SM3 (given / when / then)."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.test import override_settings

from sifasuo.core import crypto
from sifasuo.core.errors import IntegrityCheckError
from sifasuo.people import selectors, services
from sifasuo.people.choices import IdType
from sifasuo.people.models import Person

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
ADDRESS = "西安市新城区西一路88号"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@pytest.fixture
def person(office_clerk):
    return services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name="王测试",
        id_number=ID_NUMBER,
        phone=PHONE,
        address=ADDRESS,
    )


@pytest.fixture
def fresh_key_cache():
    crypto._field_keys.cache_clear()
    yield
    crypto._field_keys.cache_clear()


def _stored(person: Person, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE id = %s", [person.pk])  # noqa: S608
        return cursor.fetchone()[0]


def _write_raw(person: Person, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE people_person SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, person.pk],
        )


def test_sm4_gcm_round_trip():
    # given
    plaintext = "居民身份证 110105 and some ASCII"
    # when
    stored = crypto.encrypt(plaintext, aad="people.person.address")
    # then
    assert stored.startswith("sm4gcm:v1:k1:")
    assert plaintext not in stored
    assert crypto.decrypt(stored, aad="people.person.address") == plaintext


def test_each_encryption_uses_a_fresh_nonce():
    # when
    first = crypto.encrypt(PHONE, aad="people.person.phone")
    second = crypto.encrypt(PHONE, aad="people.person.phone")
    # then
    assert first != second


def test_ciphertext_is_bound_to_its_field():
    # given: a phone's ciphertext pasted into the address column
    stored = crypto.encrypt(PHONE, aad="people.person.phone")
    # when / then
    with pytest.raises(IntegrityCheckError):
        crypto.decrypt(stored, aad="people.person.address")


def test_personal_fields_are_ciphertext_in_the_database(person):
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, address FROM people_person WHERE id = %s", [person.pk]
        )
        row = cursor.fetchone()
    # then
    for stored, plaintext in zip(row, (ID_NUMBER, PHONE, ADDRESS), strict=True):
        assert stored.startswith("sm4gcm:v1:")
        assert plaintext not in stored
    assert ID_NUMBER[:6] not in row[0]
    # and the model reads the plaintext back
    reloaded = Person.objects.get(pk=person.pk)
    assert (reloaded.id_number, reloaded.phone, reloaded.address) == (ID_NUMBER, PHONE, ADDRESS)


@pytest.mark.parametrize("where", ["body", "tag", "nonce"])
def test_one_flipped_byte_fails_the_integrity_check(person, where):
    # given
    stored = _stored(person, "id_number")
    head, _, blob = stored.rpartition(":")
    raw = bytearray(base64.b64decode(blob))
    position = {"nonce": 0, "body": crypto.NONCE_BYTES, "tag": len(raw) - 1}[where]
    raw[position] ^= 0x01
    _write_raw(person, "id_number", f"{head}:{base64.b64encode(bytes(raw)).decode()}")
    # when / then
    with pytest.raises(IntegrityCheckError):
        Person.objects.get(pk=person.pk)


def test_a_plaintext_value_written_behind_the_models_back_is_refused(person):
    # given
    _write_raw(person, "phone", PHONE)
    # when / then
    with pytest.raises(IntegrityCheckError):
        Person.objects.get(pk=person.pk)


@pytest.mark.parametrize(
    "typed",
    [
        ID_NUMBER,
        ID_NUMBER.lower(),
        ID_NUMBER.translate(FULL_WIDTH),
        "110105 19491231 002X",
        f"  {ID_NUMBER[:9]}\u3000{ID_NUMBER[9:].lower()} ",
    ],
    ids=["exact", "lower-x", "full-width", "spaces", "ideographic-space"],
)
def test_blind_index_finds_the_person_however_the_number_is_typed(person, office_clerk, typed):
    # when
    found = selectors.person_lookup(user=office_clerk, id_type=IdType.RESIDENT_ID, id_number=typed)
    # then
    assert list(found) == [person]


def test_blind_index_is_stored_not_the_number(person):
    # when
    stored = _stored(person, "id_number_bidx")
    # then
    assert stored == crypto.blind_index(ID_NUMBER, purpose="person.id_number")
    assert len(stored) == 64
    assert ID_NUMBER not in stored


def test_blind_index_depends_on_its_key_and_purpose():
    # given
    original = crypto.blind_index(ID_NUMBER, purpose="person.id_number")
    # when
    with override_settings(SIFASUO_BLIND_INDEX_KEY="44" * 32):
        other_key = crypto.blind_index(ID_NUMBER, purpose="person.id_number")
    other_purpose = crypto.blind_index(ID_NUMBER, purpose="person.phone")
    # then
    assert len({original, other_key, other_purpose}) == 3


def test_a_different_blind_index_key_does_not_find_the_person(person, office_clerk):
    # when
    with override_settings(SIFASUO_BLIND_INDEX_KEY="44" * 32):
        found = selectors.person_lookup(
            user=office_clerk, id_type=IdType.RESIDENT_ID, id_number=ID_NUMBER
        )
        result = list(found)
    # then
    assert result == []


def test_sm3_known_answer():
    # GB/T 32905-2016 appendix A example 1
    assert crypto.sm3(b"abc") == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )


def test_self_test_passes():
    # when / then: no exception
    crypto.self_test()


def test_old_values_stay_readable_after_key_rotation(person, fresh_key_cache):
    # given: a second key becomes current
    keys = {"k1": "11" * 16, "k2": "55" * 16}
    with override_settings(SIFASUO_FIELD_KEYS=keys, SIFASUO_FIELD_KEY_ID="k2"):
        crypto._field_keys.cache_clear()
        # when
        old = Person.objects.get(pk=person.pk)
        new_value = crypto.encrypt(PHONE, aad="people.person.phone")
        # then
        assert old.phone == PHONE
        assert _stored(person, "phone").startswith("sm4gcm:v1:k1:")
        assert new_value.startswith("sm4gcm:v1:k2:")
        assert crypto.decrypt(new_value, aad="people.person.phone") == PHONE


def test_a_value_under_an_unknown_key_id_is_refused(person):
    # given
    stored = _stored(person, "phone")
    _write_raw(person, "phone", stored.replace("sm4gcm:v1:k1:", "sm4gcm:v1:k9:"))
    # when / then
    with pytest.raises(IntegrityCheckError):
        Person.objects.get(pk=person.pk)


@pytest.mark.parametrize(
    "lookup",
    [
        {"phone": PHONE},
        {"phone__exact": PHONE},
        {"id_number__contains": "1101"},
        {"address__icontains": "西安"},
        {"phone__startswith": "138"},
    ],
)
def test_encrypted_fields_refuse_lookups(demo, lookup):
    # when / then
    with pytest.raises(FieldError):
        Person.objects.filter(**lookup)


def test_encrypted_fields_allow_isnull(person):
    # when
    count = Person.objects.filter(pk=person.pk, phone__isnull=False).count()
    # then
    assert count == 1


def test_input_that_looks_like_ciphertext_is_encrypted_like_any_text(office_clerk):
    # given: a value shaped like our stored format, typed by a user
    planted = "sm4gcm:v1:k1:AAAA"
    # when
    person = services.person_create(
        actor=office_clerk, unit=office_clerk.unit, name="仿冒", address=planted
    )
    # then: stored encrypted, read back as typed, and the list still loads
    assert _stored(person, "address") != planted
    assert Person.objects.get(pk=person.pk).address == planted
    assert list(Person.objects.filter(pk=person.pk))


def test_a_truncated_ciphertext_is_an_integrity_error_not_a_crash():
    # when / then
    with pytest.raises(IntegrityCheckError):
        crypto.decrypt("sm4gcm:v1:k1:AAAA", aad="people.person.address")
