"""Idempotent submission: one record per (user, token) (given / when / then)."""

from __future__ import annotations

import pytest

from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, fingerprint, submit_once
from sifasuo.core.models import SubmissionToken
from sifasuo.people import services
from sifasuo.people.models import Person

PAYLOAD = {"name": "张三", "id_number": "610102199003071238"}


def _create(user, payload=PAYLOAD):
    return lambda: services.person_create(actor=user, unit=user.unit, **payload)


def test_the_first_submit_creates_and_records_the_token(office_clerk):
    # when
    person = submit_once(
        user=office_clerk, token="tok-1", payload=PAYLOAD, create=_create(office_clerk)
    )
    # then
    row = SubmissionToken.objects.get(user=office_clerk, token="tok-1")
    assert row.object_type == "people.person"
    assert row.object_id == str(person.pk)
    assert row.fingerprint == fingerprint(PAYLOAD)


def test_the_same_token_twice_creates_one_record(office_clerk):
    # given
    before = Person.objects.count()
    first = submit_once(
        user=office_clerk, token="tok-1", payload=PAYLOAD, create=_create(office_clerk)
    )
    # when
    with pytest.raises(ReplayedSubmission) as replay:
        submit_once(user=office_clerk, token="tok-1", payload=PAYLOAD, create=_create(office_clerk))
    # then
    assert Person.objects.count() == before + 1
    assert replay.value.token.object_id == str(first.pk)


def test_the_same_token_with_different_content_is_refused(office_clerk):
    # given
    submit_once(user=office_clerk, token="tok-1", payload=PAYLOAD, create=_create(office_clerk))
    other = {"name": "李四", "id_number": "11010519491231002X"}
    # when / then
    with pytest.raises(ApplicationError):
        submit_once(
            user=office_clerk, token="tok-1", payload=other, create=_create(office_clerk, other)
        )
    assert not Person.objects.filter(name="李四").exists()


def test_tokens_belong_to_their_user(office_clerk, office_director):
    # given
    submit_once(user=office_clerk, token="tok-1", payload=PAYLOAD, create=_create(office_clerk))
    other = {"name": "李四", "id_number": "11010519491231002X"}
    # when
    person = submit_once(
        user=office_director, token="tok-1", payload=other, create=_create(office_director, other)
    )
    # then
    assert person.name == "李四"


@pytest.mark.parametrize("token", ["", "x" * 65])
def test_a_missing_or_overlong_token_is_refused(office_clerk, token):
    # when / then
    with pytest.raises(ApplicationError):
        submit_once(user=office_clerk, token=token, payload=PAYLOAD, create=_create(office_clerk))
    assert not SubmissionToken.objects.filter(user=office_clerk).exists()


def test_a_refused_create_does_not_use_up_the_token(office_clerk):
    # given: the first try fails (bad checksum)
    bad = {"name": "张三", "id_number": "610102199003071230"}
    with pytest.raises(ApplicationError):
        submit_once(
            user=office_clerk, token="tok-1", payload=bad, create=_create(office_clerk, bad)
        )
    # when: the corrected form is sent with the same token
    person = submit_once(
        user=office_clerk, token="tok-1", payload=PAYLOAD, create=_create(office_clerk)
    )
    # then
    assert person.pk is not None
    assert SubmissionToken.objects.get(user=office_clerk, token="tok-1").object_id == str(person.pk)


def test_fingerprint_ignores_key_order():
    assert fingerprint({"a": 1, "b": "二"}) == fingerprint({"b": "二", "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
