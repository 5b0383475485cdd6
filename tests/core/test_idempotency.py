"""Idempotent submission: one record per (user, token) (given / when / then)."""

from __future__ import annotations

from typing import Any

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


# Every API create endpoint honours Idempotency-Key (SECURITY.md check 40) -----------------
#
# The create endpoints are discovered from the OpenAPI schema: every POST on a collection
# (a path without a parameter) that answers 201. Each must have a body builder below, so a new
# create endpoint without one fails ``test_every_api_create_endpoint_is_covered``.

API_NOT_CREATES = {
    "/api/v1/auth/token/": "issues an API token, no record of the ledgers",
    "/api/v1/people/lookup/": "an exact search by ID number (POST so the number stays out of URLs)",
    "/api/v1/portal/auth/code/": "sends a one-time SMS code (rate-limited, not a record)",
    "/api/v1/portal/auth/token/": "exchanges the SMS code for a token",
}


def _today_iso(days: int = 0) -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _new_id_number() -> str:
    from tests.offices import factories

    return factories.id_number()


def _portal_body(client) -> dict:
    kinds = client.get("/api/v1/portal/kinds/").json()
    mediation = next(k for k in kinds if k["code"] == "MEDIATION")
    category = next(f for f in mediation["fields"] if f["name"] == "category")["choices"][0][0]
    return {
        "kind": "MEDIATION",
        "office": "610102001",
        "consent": True,
        "data": {
            "category": category,
            "summary": "楼上漏水",
            "applicant_name": "赵敏",
            "respondent_name": "王某",
        },
    }


def _appointment_body(client, user) -> dict:
    from tests.legalservice import factories

    slot = factories.slot(actor=user)
    return {"slot": str(slot.public_id), "contact_name": "接口预约", "contact_phone": "13611112222"}


# path -> (user fixture, model label, body builder(client, user), a text field to vary)
API_CREATES: dict[str, tuple[str, str, Any, str]] = {
    "/api/v1/people/": (
        "office_clerk",
        "people.person",
        lambda c, u: {"name": "接口新人", "id_number": _new_id_number()},
        "name",
    ),
    "/api/v1/governance/reviews/": (
        "office_clerk",
        "governance.legalityreview",
        lambda c, u: {
            "office": "610102001",
            "matter_type": "CONTRACT",
            "title": "接口登记的合同",
            "submitting_body": "镇财政所",
            "received_on": _today_iso(),
        },
        "title",
    ),
    "/api/v1/legalservice/consultations/": (
        "office_clerk",
        "legalservice.consultation",
        lambda c, u: {
            "office": "610102001",
            "channel": "PHONE",
            "topic": "DEBT",
            "question": "借条丢了怎么办？",
            "received_on": _today_iso(),
        },
        "question",
    ),
    "/api/v1/legalservice/appointments/": (
        "office_clerk",
        "legalservice.appointment",
        _appointment_body,
        "contact_name",
    ),
    "/api/v1/mediation/cases/": (
        "mediator",
        "mediation.mediationcase",
        lambda c, u: {
            "committee": "610102001T01",
            "source": "REFERRAL",
            "referral_organ": "POLICE",
            "category": "TRAFFIC",
            "summary": "电动车与行人相撞",
            "received_on": _today_iso(-1),
            "parties": [
                {"role": "APPLICANT", "name": "何静", "id_number": _new_id_number()},
                {"role": "RESPONDENT", "kind": "ORGANISATION", "name": "某快递服务有限公司"},
            ],
        },
        "summary",
    ),
    "/api/v1/portal/applications/": (
        "citizen",
        "portal.portalapplication",
        lambda c, u: _portal_body(c),
        "office",
    ),
    "/api/v1/publicity/activities/": (
        "office_clerk",
        "publicity.publicityactivity",
        lambda c, u: {
            "office": "610102001",
            "held_on": _today_iso(),
            "theme": "网络普法直播",
            "laws": ["CIVIL_CODE"],
            "target": "NETWORK",
            "form": "ONLINE",
            "place": "抖音直播间",
            "participants": 1200,
        },
        "theme",
    ),
    "/api/v1/workorders/tasks/": (
        "district_reviewer",
        "workorders.task",
        lambda c, u: {
            "title": "关于报送情况的通知",
            "instructions": "请报送。",
            "due_on": _today_iso(5),
            "offices": ["610102001", "610102002"],
        },
        "title",
    ),
    "/api/v1/workorders/notices/": (
        "district_reviewer",
        "workorders.notice",
        lambda c, u: {"title": "接口通知", "body": "请各所知悉。", "offices": ["610102001"]},
        "title",
    ),
}


def _collection_creates() -> set[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        path
        for path, ops in schema["paths"].items()
        if "post" in ops and "{" not in path and path not in API_NOT_CREATES
    }


def test_every_api_create_endpoint_is_covered():
    # given
    creates = _collection_creates()
    # then: a new create endpoint needs a body builder here (or a reason it creates nothing)
    assert creates - set(API_CREATES) - set(API_NOT_CREATES) == set()
    assert set(API_CREATES) <= creates


@pytest.mark.django_db  # the user fixture is looked up by name: mark the database here
@pytest.mark.parametrize("path", sorted(API_CREATES))
def test_the_same_idempotency_key_twice_makes_one_record(path, request):
    # given
    from django.apps import apps
    from django.test import Client

    user_fixture, label, build, vary = API_CREATES[path]
    user = request.getfixturevalue(user_fixture)
    client = Client()
    client.force_login(user)
    body = build(client, user)
    model = apps.get_model(label)
    before = model._default_manager.count()

    def post(data):
        return client.post(
            path, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="same-key-1"
        )

    # when
    first = post(body)
    again = post(body)
    # then: one row, the same answer
    assert first.status_code == 201, (path, first.content[:500])
    assert again.status_code == 200, (path, again.content[:500])
    assert again.json() == first.json()
    assert model._default_manager.count() == before + 1
    row = SubmissionToken.objects.get(user=user, token="same-key-1")
    assert row.object_type == label
    # when: the same key with a different body
    changed = {**body, vary: "610102002" if vary == "office" else "另一内容"}
    other = post(changed)
    # then
    assert other.status_code == 422, (path, other.content[:500])
    assert model._default_manager.count() == before + 1
