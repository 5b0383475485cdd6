"""The dashboards keep what they computed until a committed write touches its module."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sifasuo.stats import memo, reports
from sifasuo.stats.models import Generation
from tests.mediation import factories as mediation_factories

PERIOD = reports.Period(2024)


@pytest.fixture(autouse=True)
def _kept(settings: Any) -> None:
    # the test settings keep nothing (STATS_MEMO_SECONDS = 0): on here, from an empty cache
    settings.STATS_MEMO_SECONDS = 600
    cache.clear()


def _accepted(user: Any, unit_code: str = "610100") -> int:
    spec = reports.report_spec("mediation")
    unit = reports.report_unit(user=user, code=unit_code)
    with memo.session():
        report = reports.compute(spec, user=user, unit=unit, period=PERIOD)
    return int(report.figures["total"])


def _generation(module: str) -> int:
    row = Generation.objects.filter(module=module).first()
    return row.n if row else 0


def test_a_second_overview_of_the_same_module_costs_only_the_generations(city_officer):
    # given
    spec = reports.report_spec("mediation")
    unit = reports.report_unit(user=city_officer, code="610100")
    with memo.session():
        reports.compute(spec, user=city_officer, unit=unit, period=PERIOD)
    # when
    with CaptureQueriesContext(connection) as queries, memo.session():
        reports.compute(spec, user=city_officer, unit=unit, period=PERIOD)
    # then: one query, the generations read by the session
    assert len(queries) == 1
    assert "stats_generation" in queries[0]["sql"]


def test_a_committed_case_raises_the_generation_and_shows_at_once(
    city_officer, django_capture_on_commit_callbacks
):
    # given
    before = _accepted(city_officer)
    generation = _generation("mediation")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        mediation_factories.agreed(received_on=date(2024, 3, 5), committee="610102001T01")
    # then
    assert _generation("mediation") > generation
    assert _accepted(city_officer) == before + 1


def test_a_rolled_back_write_raises_nothing(city_officer, django_capture_on_commit_callbacks):
    # given
    generation = _generation("mediation")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                mediation_factories.agreed(received_on=date(2024, 3, 5))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    # then
    assert _generation("mediation") == generation


def test_a_write_raises_only_the_modules_that_read_it(
    city_officer, django_capture_on_commit_callbacks
):
    # given
    publicity = _generation("publicity")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        mediation_factories.agreed(received_on=date(2024, 3, 5))
    # then
    assert _generation("publicity") == publicity


def test_users_never_share_kept_figures(city_officer, office_clerk):
    # given: the city officer's figure is kept
    city = _accepted(city_officer, "610100")
    # when: a clerk of one office asks for the same unit's figure (scoped to their office)
    office = _accepted(office_clerk, "610102001")
    # then: theirs, not the city's
    assert office <= city
    assert memo.who(office_clerk) != memo.who(city_officer)


def test_outside_a_session_nothing_is_kept(city_officer):
    # given
    spec = reports.report_spec("mediation")
    unit = reports.report_unit(user=city_officer, code="610100")
    reports.compute(spec, user=city_officer, unit=unit, period=PERIOD)
    # when
    with CaptureQueriesContext(connection) as queries:
        reports.compute(spec, user=city_officer, unit=unit, period=PERIOD)
    # then: the report is computed again
    assert len(queries) > 1


def test_every_module_is_kept_and_watches_its_ledger():
    # given
    from sifasuo.mediation.models import MediationCase
    from sifasuo.stats.specs import SPECS

    # when
    found = memo.watched()
    # then
    assert all(memo.keeps(spec.module) for spec in SPECS)
    assert "mediation" in found[MediationCase]


def test_with_no_seconds_nothing_is_kept(city_officer, settings):
    # given
    settings.STATS_MEMO_SECONDS = 0
    spec = reports.report_spec("mediation")
    unit = reports.report_unit(user=city_officer, code="610100")
    with memo.session():
        reports.compute(spec, user=city_officer, unit=unit, period=PERIOD)
    # when
    with CaptureQueriesContext(connection) as queries, memo.session():
        reports.compute(spec, user=city_officer, unit=unit, period=PERIOD)
    # then
    assert len(queries) > 1


def test_the_api_and_the_report_keep_their_figures_until_a_write(
    client_for, city_officer, django_capture_on_commit_callbacks
):
    # given: each asked once (computed and kept)
    client = client_for(city_officer)
    api = "/api/v1/stats/mediation/?year=2024&unit=610100"
    report = "/stats/reports/statement/?module=mediation&unit=610100&year=2024&month=3"
    with CaptureQueriesContext(connection) as computed:
        before = client.get(api).json()["total"]
        assert client.get(report).status_code == 200
    # when: asked again
    with CaptureQueriesContext(connection) as again:
        assert client.get(api).json()["total"] == before
        shown = client.get(report)
    # then: neither counted anything again
    assert len(again) < len(computed) - 10
    assert not any("mediation_mediationcase" in q["sql"] for q in again)
    assert shown.context["statement"].tables

    # when: a case of March 2024 is committed
    with django_capture_on_commit_callbacks(execute=True):
        mediation_factories.agreed(received_on=date(2024, 3, 5), committee="610102001T01")
    # then: both count it at once
    assert client.get(api).json()["total"] == before + 1
    after = client.get(report).context["statement"]
    assert after.tables != shown.context["statement"].tables
