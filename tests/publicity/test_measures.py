"""The publicity figures: counts, reach, coverage and adviser norms, in scope."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from sifasuo.core.measures import registry
from sifasuo.orgs.models import Unit
from sifasuo.publicity import selectors
from sifasuo.publicity.services import villages_of
from tests.publicity import factories

pytestmark = pytest.mark.django_db


def test_activities_and_reach_with_breakdowns(office_clerk, other_clerk, city_officer):
    # given
    factories.activity(actor=office_clerk, participants=100, target="SCHOOLS")
    factories.activity(actor=office_clerk, participants=50, laws=factories.laws("MINORS"))
    factories.activity(actor=other_clerk, code="610116001", participants=7)
    activities = registry.get("publicity.activities")
    reach = registry.get("publicity.participants")
    xincheng = Unit.objects.get(code="610102")
    # then
    assert activities.value(city_officer) == 3
    assert activities.value(city_officer, unit=xincheng) == 2
    assert reach.value(office_clerk) == 150
    assert activities.breakdown(office_clerk, "by_target") == {"SCHOOLS": 1, "COMMUNITIES": 1}
    assert activities.breakdown(office_clerk, "by_law")["MINORS"] == 1
    assert reach.value(other_clerk) == 7


def test_coverage_is_the_share_of_villages_at_the_target(office_clerk, city_officer):
    # given: one of 西一路's villages has three, another two
    for _ in range(3):
        factories.literate(actor=office_clerk, n=0)
    for _ in range(2):
        factories.literate(actor=office_clerk, n=1)
    coverage = registry.get("publicity.legal_literate_coverage")
    office = factories.office()
    total = villages_of([office]).count()
    # then
    assert coverage.queryset(office_clerk).count() == 1
    expected = (Decimal(100) / total).quantize(Decimal("0.1"))
    assert coverage.value(office_clerk) == expected
    assert coverage.value(city_officer, unit=office) == expected
    assert registry.get("publicity.legal_literates").value(office_clerk) == 5


def test_adviser_norms_met_counts_advisers_meeting_every_complete_month(office_clerk):
    # given
    month = selectors.last_complete_month()
    good = factories.adviser(actor=office_clerk, n=0)
    poor = factories.adviser(actor=office_clerk, n=1)
    factories.log(good, month + timedelta(days=1), lectures=1)
    factories.log(good, month + timedelta(days=3))
    factories.log(poor, month + timedelta(days=1))
    measure = registry.get("publicity.adviser_norms_met")
    # then
    assert list(measure.queryset(office_clerk)) == [good]
    assert measure.value(office_clerk) == 1


def test_stocks_of_households_and_titles(office_clerk, other_clerk):
    # given
    factories.household(actor=office_clerk)
    factories.title(actor=office_clerk)
    # then
    assert registry.get("publicity.demonstration_households").value(office_clerk) == 1
    assert registry.get("publicity.demonstration_villages").value(office_clerk) == 1
    assert registry.get("publicity.demonstration_villages").value(other_clerk) == 0
