"""Two bookings of the last place at once: the slot row lock lets one through (PostgreSQL)."""

from __future__ import annotations

import pytest

from sifasuo.core.errors import ApplicationError
from sifasuo.legalservice.models import Appointment, ServiceSlot
from tests.core.test_concurrency_pg import _in_threads
from tests.legalservice import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_bookings_of_the_last_place_make_one(office_clerk):
    # given
    slot = factories.slot(actor=office_clerk, capacity=1)

    def book(i: int) -> str:
        try:
            factories.appointment(actor=office_clerk, slot_=slot, contact_name=f"并发{i}")
        except ApplicationError:
            return "refused"
        return "booked"

    # when
    results, errors = _in_threads(4, book)
    # then
    assert not errors, errors
    assert sorted(results) == ["booked", "refused", "refused", "refused"]
    assert Appointment.objects.filter(slot=slot).count() == 1
    assert ServiceSlot.objects.get(pk=slot.pk).booked == 1
