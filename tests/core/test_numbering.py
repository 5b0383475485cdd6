"""Document numbers: gapless per unit, type and year (given / when / then)."""

from __future__ import annotations

import pytest
from django.db import transaction

from sifasuo.core.models import DocumentSequence, DocumentType
from sifasuo.core.numbering import next_document_number
from sifasuo.orgs.models import Unit


@pytest.fixture
def doc_type(db):
    return DocumentType.objects.create(code="TEST", name="测试文书", type_word="调")


@pytest.fixture
def xiyilu(demo):
    return Unit.objects.get(code="610102001")


@pytest.fixture
def weiqu(demo):
    return Unit.objects.get(code="610116001")


def test_first_number_of_the_year(xiyilu, doc_type):
    # given
    assert xiyilu.short_name == "新城西一路"
    # when
    number = next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024)
    # then
    assert number == "（2024）新城西一路调字第0001号"


def test_numbers_follow_each_other(xiyilu, doc_type):
    # when
    numbers = [next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024) for _ in range(3)]
    # then
    assert numbers == [
        "（2024）新城西一路调字第0001号",
        "（2024）新城西一路调字第0002号",
        "（2024）新城西一路调字第0003号",
    ]


def test_a_new_year_starts_again(xiyilu, doc_type):
    # given
    next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024)
    next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024)
    # when
    number = next_document_number(unit=xiyilu, doc_type_code="TEST", year=2025)
    # then
    assert number == "（2025）新城西一路调字第0001号"
    assert next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024).endswith("第0003号")


def test_each_unit_and_type_has_its_own_sequence(xiyilu, weiqu, doc_type):
    # given
    DocumentType.objects.create(code="OTHER", name="其他文书", type_word="协")
    next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024)
    # when
    other_unit = next_document_number(unit=weiqu, doc_type_code="TEST", year=2024)
    other_type = next_document_number(unit=xiyilu, doc_type_code="OTHER", year=2024)
    # then
    assert other_unit == "（2024）长安韦曲调字第0001号"
    assert other_type == "（2024）新城西一路协字第0001号"


def test_a_rollback_gives_the_number_back(xiyilu, doc_type):
    # given
    next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024)
    taken = []

    def save_a_document_that_fails() -> None:
        with transaction.atomic():
            taken.append(next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024))
            raise RuntimeError("the document could not be saved")

    # when: the document that took 0002 is not saved after all
    with pytest.raises(RuntimeError):
        save_a_document_that_fails()
    # then
    assert taken == ["（2024）新城西一路调字第0002号"]
    assert next_document_number(unit=xiyilu, doc_type_code="TEST", year=2024).endswith("第0002号")
    sequence = DocumentSequence.objects.get(unit=xiyilu, doc_type__code="TEST", year=2024)
    assert sequence.last_number == 2


def test_a_document_type_may_have_its_own_pattern(xiyilu):
    # given
    DocumentType.objects.create(
        code="CUSTOM",
        name="自定义",
        type_word="询",
        pattern="{unit_short}{type_word}〔{year}〕{number}号",
    )
    # when
    number = next_document_number(unit=xiyilu, doc_type_code="CUSTOM", year=2024)
    # then
    assert number == "新城西一路询〔2024〕1号"


def test_an_unknown_document_type_is_an_error(xiyilu):
    with pytest.raises(DocumentType.DoesNotExist):
        next_document_number(unit=xiyilu, doc_type_code="NOPE", year=2024)
