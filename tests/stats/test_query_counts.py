"""Pinned query counts: a module report costs the same number of queries whatever the data.

Kept figures are read from the aggregates (one query for all of them, one for the
breakdowns, two for the comparison, one to see nothing is stale); live figures cost one
query each. More records must not mean more queries.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sifasuo.stats import reports, rollups
from sifasuo.stats.specs import SPECS
from tests.correction import factories as correction_factories
from tests.mediation import factories as mediation_factories
from tests.workorders import factories as workorder_factories

# _require 0, the unit 1, the staleness check 1, the kept figures 1, the live "overdue" 1,
# the breakdowns 1, the comparison 1 + the children's names 1
MEDIATION_QUERIES = 7


def _report_queries(user: Any, module: str, unit_code: str) -> int:
    reports.module_report(user=user, module=module, unit_code=unit_code, year="2024", month=None)
    with CaptureQueriesContext(connection) as queries:
        reports.module_report(
            user=user, module=module, unit_code=unit_code, year="2024", month=None
        )
    return len(queries)


def _counts(user: Any) -> dict[tuple[str, str], int]:
    rollups.refresh()
    return {
        (spec.module, code): _report_queries(user, spec.module, code)
        for spec in SPECS
        for code in ("610100", "610102")
    }


def _add_records(n: int, office_clerk: Any) -> None:
    for i in range(n):
        day = date(2024, 1 + i % 12, 1 + i % 27)
        committee = ("610102001T01", "610116001T01")[i % 2]
        mediation_factories.agreed(received_on=day, committee=committee, amount=f"{i + 1}.00")
        mediation_factories.failed(received_on=day, category="HOUSING")
    correction_factories.received(actor=office_clerk, name=f"赵矫正{n}")
    workorder_factories.send(sent_on=timezone.localdate())


def test_module_reports_cost_the_same_queries_with_more_data(city_officer, office_clerk):
    # given: a small ledger
    _add_records(1, office_clerk)
    small = _counts(city_officer)
    # when: a larger one
    _add_records(6, office_clerk)
    larger = _counts(city_officer)
    # then
    assert larger == small
    assert small[("mediation", "610100")] == MEDIATION_QUERIES
    assert small[("mediation", "610102")] == MEDIATION_QUERIES


@pytest.mark.parametrize("user_name", ["district_reviewer", "office_clerk"])
def test_the_mediation_report_is_pinned_for_each_level(user_name, request, office_clerk):
    # given
    user = request.getfixturevalue(user_name)
    _add_records(2, office_clerk)
    rollups.refresh()
    # when
    queries = _report_queries(user, "mediation", user.unit.code)
    # then
    assert queries == MEDIATION_QUERIES
