"""Lists: the subtree written as ids or as a subquery gives the same rows; a narrow
user's list is ordered by expressions on PostgreSQL, with the same rows in the same order."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.models import OrderBy
from django.test import RequestFactory

from sifasuo.core import listing, scope
from sifasuo.mediation.models import MediationCase
from sifasuo.people.models import Person
from tests.mediation import factories as mediation_factories


@pytest.fixture
def cases(demo) -> None:
    for day in (3, 9, 9, 21):
        mediation_factories.accepted(received_on=date(2024, 5, day), committee="610102001T01")
    mediation_factories.accepted(received_on=date(2024, 6, 1), committee="610116001T01")


@pytest.mark.parametrize("user_name", ["city_officer", "district_reviewer", "office_clerk"])
@pytest.mark.usefixtures("cases")
def test_a_subtree_as_ids_or_as_a_subquery_sees_the_same_records(request, monkeypatch, user_name):
    # given
    user = request.getfixturevalue(user_name)
    listed = {
        model: set(model.objects.visible_to(user, action).values_list("pk", flat=True))
        for model in (MediationCase, Person)
        for action in ("view",)
    }
    # when: every subtree is written as a subquery
    monkeypatch.setattr(scope, "LISTED_UNITS", 0)
    user.unit.__dict__.pop("_scope_shared_ids", None)
    queried = {
        model: set(model.objects.visible_to(user, "view").values_list("pk", flat=True))
        for model in (MediationCase, Person)
    }
    # then
    assert queried == listed
    assert listed[MediationCase]


def _page(user, qs):
    http = RequestFactory().get("/", {"page": "1"})
    http.user = user
    return [case.pk for case in listing.paginate(http, qs, per_page=3)["page_obj"]]


@pytest.mark.usefixtures("cases")
def test_an_office_list_keeps_its_rows_and_order(office_clerk):
    # given
    qs = MediationCase.objects.visible_to(office_clerk).order_by("-received_on", "-pk")
    # when
    narrowed = listing._narrow(qs, office_clerk)
    # then: on PostgreSQL ordered by expressions (the date index out of the plan)
    expressions = [item for item in narrowed.query.order_by if isinstance(item, OrderBy)]
    assert bool(expressions) == (connection.vendor == "postgresql")
    assert list(narrowed) == list(qs)
    assert _page(office_clerk, qs) == [c.pk for c in qs[:3]]


@pytest.mark.usefixtures("cases")
def test_a_wide_list_and_a_list_of_rows_are_left_alone(city_officer, monkeypatch):
    # given: the city has more units than a narrow subtree
    monkeypatch.setattr(listing, "NARROW_SUBTREE", 1)
    qs = MediationCase.objects.visible_to(city_officer).order_by("-received_on", "-pk")
    rows = list(qs)
    # when / then: who sees most of a ledger keeps the index walk
    assert listing._narrow(qs, city_officer).query.order_by == qs.query.order_by
    assert listing._narrow(rows, city_officer) is rows


@pytest.mark.usefixtures("cases")
def test_a_unit_created_after_a_scoped_query_is_seen_by_the_next(office_clerk):
    # given: the clerk's subtree listed once (kept on their unit for the request)
    from sifasuo.orgs.models import Unit

    before = set(Unit.objects.visible_to(office_clerk).values_list("pk", flat=True))
    # when: a committee is added under the office in the same request
    office = office_clerk.unit
    added = Unit.objects.create(
        code=f"{office.code}T99",
        name="新建调解委员会",
        kind="COMMITTEE",
        parent=office,
        path=f"{office.path}{office.code}T99/",
    )
    # then
    after = set(Unit.objects.visible_to(office_clerk).values_list("pk", flat=True))
    assert after == before | {added.pk}
