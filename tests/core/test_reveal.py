"""Every reveal of a masked value: the right, a stated reason, an audit row (SECURITY.md check 24).

The routes are discovered from the URLconf (every URL name containing "reveal"), so a new
reveal route without a case here fails ``test_every_reveal_route_has_a_case``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from sifasuo.core.models import AuditEvent
from sifasuo.people import services as people_services
from tests.correction import factories as correction_factories
from tests.portal import factories as portal_factories
from tests.resettlement import factories as resettlement_factories

pytestmark = pytest.mark.django_db

REASON = "核对身份后上报区局"


def _reveal_route_names(patterns: Any = None, namespace: str = "") -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _reveal_route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name and "reveal" in entry.name:
            yield f"{namespace}{entry.name}"


@dataclass
class Target:
    """One record behind a reveal route, what to post, and the value that must (not) show."""

    url: str
    data: dict[str, str]
    value: str
    object_type: str
    object_id: str = ""


def _person(actor: Any) -> Target:
    person = people_services.person_create(
        actor=actor,
        unit=actor.unit,
        name="欧阳揭示",
        id_number="610102199003071238",
        phone="13812340000",
        address="西安市新城区西一路99号",
    )
    return Target(
        reverse("people:person_reveal", args=[person.public_id]),
        {"field": "id_number"},
        "610102199003071238",
        "people.person",
        str(person.public_id),
    )


def _subject(actor: Any) -> Target:
    subject = correction_factories.received(actor=actor)
    return Target(
        reverse("correction:subject_reveal", args=[subject.public_id]),
        {"field": "crime"},
        correction_factories.CRIME,
        "correction.correctionsubject",
        str(subject.public_id),
    )


def _subject_export(actor: Any) -> Target:
    subject = correction_factories.received(actor=actor, name="卫揭示")
    return Target(
        reverse("correction:subject_export_revealed"),
        {"query": ""},
        subject.person.id_number,
        "correction.correctionsubject",
    )


def _released(actor: Any) -> Target:
    rp = resettlement_factories.assisting(actor=actor)
    return Target(
        reverse("resettlement:person_reveal", args=[rp.public_id]),
        {"field": "crime"},
        resettlement_factories.CRIME,
        "resettlement.releasedperson",
        str(rp.public_id),
    )


def _followup(actor: Any) -> Target:
    followup = portal_factories.poor_rating().followup
    return Target(
        reverse("portal:followup_reveal", args=[followup.public_id]),
        {},
        followup.rating.application.citizen.citizen_profile.phone,
        "portal.followup",
        str(followup.public_id),
    )


CASES: dict[str, Callable[[Any], Target]] = {
    "people:person_reveal": _person,
    "correction:subject_reveal": _subject,
    "correction:subject_export_revealed": _subject_export,
    "resettlement:person_reveal": _released,
    "portal:followup_reveal": _followup,
}


def _text(response: Any) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(response.content)).active
        return str(list(sheet.iter_rows(values_only=True)))
    return response.content.decode()


def _reveals(target: Target, **filters: Any) -> Any:
    rows = AuditEvent.objects.filter(action="reveal", object_type=target.object_type, **filters)
    return rows.filter(object_id=target.object_id) if target.object_id else rows


def test_every_reveal_route_has_a_case():
    # when
    found = set(_reveal_route_names())
    # then
    assert found == set(CASES), "a reveal route needs a case in tests/core/test_reveal.py"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_reveal_without_a_reason_shows_nothing(name, client_for, office_clerk, office_director):
    # given
    target = CASES[name](office_clerk)
    # when
    for reason in (None, "   "):
        data = dict(target.data, **({} if reason is None else {"reason": reason}))
        response = client_for(office_director).post(target.url, data)
        # then: 400, or the page again with the form error; never the value
        assert response.status_code in (200, 400)
        body = _text(response)
        assert target.value not in body
        if response.status_code == 200:
            assert response.context["reveal_form"].errors
    assert not _reveals(target).exists()


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_reveal_with_a_reason_shows_the_value_and_audits_the_reason(
    name, client_for, office_clerk, office_director
):
    # given
    target = CASES[name](office_clerk)
    # when
    response = client_for(office_director).post(target.url, dict(target.data, reason=REASON))
    # then
    assert response.status_code == 200
    assert target.value in _text(response)
    event = _reveals(target, outcome="SUCCESS").get()
    assert event.reason == REASON
    assert event.actor == office_director
    assert target.value not in str(event.changes)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_reveal_without_the_right_is_refused_and_audited(
    name, client_for, office_clerk, office_director
):
    # given: the clerk of the same office may view but not reveal
    target = CASES[name](office_clerk)
    # when
    response = client_for(office_clerk).post(target.url, dict(target.data, reason=REASON))
    # then
    assert response.status_code in (403, 404)
    assert target.value not in response.content.decode(errors="replace")
    denied = _reveals(target, outcome="DENIED").get()
    assert denied.actor == office_clerk
    assert not _reveals(target, outcome="SUCCESS").exists()


@pytest.mark.parametrize("name", sorted(name for name in CASES if "export" not in name))
def test_a_reveal_of_another_districts_record_answers_404_and_is_audited(
    name, client_for, office_clerk, other_clerk
):
    # given
    target = CASES[name](office_clerk)
    # when
    response = client_for(other_clerk).post(target.url, dict(target.data, reason=REASON))
    # then
    assert response.status_code == 404
    assert target.value not in response.content.decode()
    # the scope check refuses before the reveal itself: a DENIED row names the record
    denied = AuditEvent.objects.filter(
        outcome="DENIED", actor=other_clerk, object_id=target.object_id
    )
    assert denied.count() == 1
    assert not _reveals(target, outcome="SUCCESS").exists()
