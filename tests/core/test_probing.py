"""The look-up limit: past so many records not found, every further miss answers 429 (check 6)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.http import Http404
from freezegun import freeze_time

from sifasuo.core.models import AuditEvent
from sifasuo.core.probing import TooManyMisses
from sifasuo.core.scope import get_for_user
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from sifasuo.portal.models import PortalApplication
from tests.portal import factories

pytestmark = pytest.mark.django_db


def _outcome(user, model, **lookup) -> str:
    try:
        get_for_user(model.objects.all(), user, **lookup)
    except Http404:
        return "404"
    except TooManyMisses:
        return "429"
    return "found"


def test_a_thousand_random_ids_are_404_up_to_the_limit_then_429(lookup_limit):
    # given: a citizen with a request of their own
    mine = factories.application()
    citizen = mine.citizen
    # when: 1,000 random request ids
    outcomes = [_outcome(citizen, PortalApplication, public_id=uuid.uuid4()) for _ in range(1000)]
    # then: never anything but 404, and 429 past the limit
    assert outcomes == ["404"] * lookup_limit + ["429"] * (1000 - lookup_limit)
    # and: the citizen's own request is found still; one audit row names the refusal
    assert _outcome(citizen, PortalApplication, public_id=mine.public_id) == "found"
    refused = AuditEvent.objects.filter(action="lookup_limit")
    assert [(e.actor_id, e.object_type, e.outcome) for e in refused] == [
        (citizen.pk, "portal.portalapplication", "DENIED")
    ]


def test_an_out_of_scope_record_counts_and_is_audited_past_the_limit(lookup_limit, other_clerk):
    # given: a person of 西一路, which a 韦曲 clerk cannot see
    person = people_services.person_create(
        actor=None,
        unit=Unit.objects.get(code="610102001"),
        name="测试人",
        id_number=synthetic_id_number("610102", date(1980, 1, 1), 7, male=True),
    )
    for _ in range(lookup_limit):
        _outcome(other_clerk, Person, public_id=uuid.uuid4())
    # when
    outcome = _outcome(other_clerk, Person, public_id=person.public_id)
    # then: 429 as for any id, and the attempt on the record is audited all the same
    assert outcome == "429"
    denied = AuditEvent.objects.filter(outcome="DENIED", object_id=str(person.public_id))
    assert denied.count() == 1


def test_the_limit_ends_with_its_window(lookup_limit, citizen):
    # given: a citizen past the limit
    with freeze_time("2024-05-01 10:00:00") as clock:
        for _ in range(lookup_limit + 1):
            _outcome(citizen, PortalApplication, public_id=uuid.uuid4())
        assert _outcome(citizen, PortalApplication, public_id=uuid.uuid4()) == "429"
        # when: the window (10 minutes from the first miss) passes
        clock.tick(601)
        # then: a miss is a 404 again
        assert _outcome(citizen, PortalApplication, public_id=uuid.uuid4()) == "404"
