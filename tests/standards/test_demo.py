"""The standards demo: a realistic spread, the demonstration warning, and a second run adds nothing.

One test, because the demo returns of every office take a while to make.
"""

from __future__ import annotations

from collections import Counter

from sifasuo.core.models import AuditEvent
from sifasuo.offices.demo import create_demo_returns
from sifasuo.standards.demo import ONE_DEMONSTRATION_DISTRICT, create_demo_standards
from sifasuo.standards.models import Assessment, Campaign, DemonstrationUnit, Rectification
from sifasuo.standards.selectors import demonstration_overview


def _sizes() -> tuple[int, ...]:
    return (
        Assessment.objects.exclude(status="DRAFT").count(),
        Rectification.objects.count(),
        Rectification.objects.exclude(status="OPEN").count(),
        DemonstrationUnit.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_spreads_the_states_warns_once_and_is_idempotent(demo, city_officer):
    # given
    create_demo_returns()
    # when
    first = create_demo_standards()
    before = _sizes()
    second = create_demo_standards()
    # then: many drafts, and some at every later step of the 2024 campaign
    statuses = Counter(
        Assessment.objects.filter(campaign__year=2024).values_list("status", flat=True)
    )
    assert set(statuses) == {"DRAFT", "SUBMITTED", "DISTRICT_ACCEPTED", "RETURNED", "ACCEPTED"}
    assert statuses["DRAFT"] > statuses["ACCEPTED"] > 0
    assert first["campaigns"] == 2
    assert Campaign.objects.get(year=2022, batch="第三批").offices.count() == 44
    # rectifications opened by the failures, some in hand, some verified
    assert {"OPEN", "IN_PROGRESS", "VERIFIED"} <= set(
        Rectification.objects.values_list("status", flat=True)
    )
    # 2–4 demonstration units in most districts, one district with only one
    districts = {d.bureau.code: d for d in demonstration_overview(user=city_officer, year=2024)}
    assert districts[ONE_DEMONSTRATION_DISTRICT].count == 1
    assert districts[ONE_DEMONSTRATION_DISTRICT].too_few
    assert sum(1 for d in districts.values() if not d.warning) >= 10
    # a second run adds nothing
    assert set(second.values()) == {0}
    assert _sizes() == before
