"""Mainland resident ID numbers, GB 11643-1999 (given / when / then)."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time

from sifasuo.people import idnumbers

VALID = "11010519491231002X"  # the standard's own example: female, born 1949-12-31
VALID_MALE = "610102199003071238"


@pytest.mark.parametrize("number", [VALID, VALID_MALE, "610116198506122344"])
def test_valid_numbers(number):
    assert idnumbers.is_valid(number)


def test_check_character_of_the_standards_example():
    assert idnumbers.check_char(VALID[:17]) == "X"


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "610102199003071239",  # wrong check character
        "610102199002301234",  # 30 February
        "61010219900307123",  # 17 characters
        "6101021990030712388",  # 19 characters
        "11010519491231002x",  # not normalised: lower-case x
        "A10105194912310020",  # a letter among the digits
        "",
    ],
)
def test_invalid_numbers(number):
    assert not idnumbers.is_valid(number)


def test_a_birth_date_in_the_future_is_invalid():
    # given
    first17 = "61010220300101123"
    number = first17 + idnumbers.check_char(first17)
    # when / then
    with freeze_time("2024-10-08"):
        assert not idnumbers.is_valid(number)


def test_a_birth_date_before_1900_is_invalid():
    first17 = "61010218990101123"
    assert not idnumbers.is_valid(first17 + idnumbers.check_char(first17))


def test_birth_date_and_sex():
    assert idnumbers.birth_date(VALID) == date(1949, 12, 31)
    assert idnumbers.sex(VALID) == "F"
    assert idnumbers.birth_date(VALID_MALE) == date(1990, 3, 7)
    assert idnumbers.sex(VALID_MALE) == "M"
    assert idnumbers.birth_date("610102199002301234") is None


@pytest.mark.parametrize(
    "typed",
    ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２ｘ"],
)
def test_normalize(typed):
    assert idnumbers.normalize(typed) == VALID
    assert idnumbers.is_valid(idnumbers.normalize(typed))
