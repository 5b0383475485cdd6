"""Masking policy of personal data (given / when / then)."""

from __future__ import annotations

import pytest

from sifasuo.core.masking import mask
from sifasuo.people import services


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("610102199003071238", "id_number", "6101**********1238"),
        ("11010519491231002X", "id_number", "1101**********002X"),
        ("13812345678", "phone", "138****5678"),
        ("029-87654321", "phone", "029*****4321"),
        ("西安市新城区西一路88号", "address", "西安市新城区****"),
        ("王小明", "name", "王**"),
        ("欧阳", "name", "欧*"),
    ],
)
def test_mask_keeps_the_configured_ends(value, kind, expected):
    # when
    masked = mask(value, kind)
    # then
    assert masked == expected
    assert len(masked) == len(expected)


def test_id_number_mask_keeps_four_and_four():
    # when
    masked = mask("610102199003071238", "id_number")
    # then
    assert masked[:4] == "6101"
    assert masked[-4:] == "1238"
    assert masked[4:-4] == "*" * 10


@pytest.mark.parametrize("value", ["", None])
def test_empty_values_mask_to_empty(value):
    assert mask(value, "phone") == ""


def test_a_short_document_number_keeps_at_least_half_hidden():
    # when
    masked = mask("1234567", "id_number")
    # then
    assert masked == "12****7"


def test_a_passport_number_is_not_shown_but_for_one_character():
    # when: 4 + 4 kept of 9 would show all but one character
    masked = mask("E12345678", "id_number")
    # then
    assert masked == "E1*****78"


def test_a_phone_that_is_too_short_keeps_only_its_first_character():
    # when
    masked = mask("1234567", "phone")
    # then
    assert masked == "1******"


def test_unknown_kind_is_an_error():
    with pytest.raises(KeyError):
        mask("x", "bank_account")


def test_person_shows_masked_values(office_clerk):
    # given
    person = services.person_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        name="李四",
        id_number="610102199003071238",
        phone="13812345678",
        address="西安市新城区西一路88号",
    )
    # then
    assert person.id_number_masked == "6101**********1238"
    assert person.phone_masked == "138****5678"
    assert person.address_masked == "西安市新城区****"
    assert str(person) == "李*"
