"""The aggregates stay equal to the ledgers through real service operations.

After each write (create, a date set, a transfer, a delete, a rolled-back transaction, a
change of a row the figure reads through) ``rollups.verify`` finds nothing and every
report figure read from the aggregates equals the live scoped count of the registry.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from sifasuo.core.measures import registry
from sifasuo.core.scope import SYSTEM, scope_q
from sifasuo.correction import services as correction_services
from sifasuo.correction.choices import MeasureKind
from sifasuo.correction.models import CorrectionSubject
from sifasuo.mediation import services as mediation_services
from sifasuo.mediation.choices import TransferKind
from sifasuo.mediation.models import MediationCase
from sifasuo.orgs.models import Unit
from sifasuo.stats import reports, rollups
from sifasuo.stats.models import Aggregate, StaleCell
from sifasuo.workorders import services as workorder_services
from tests.correction import factories as correction_factories
from tests.mediation import factories as mediation_factories
from tests.workorders import factories as workorder_factories

UNITS = ("610100", "610102001", "610116")


def _period(day: date) -> list[reports.Period]:
    return [reports.Period(day.year), reports.Period(day.year, day.month)]


def assert_consistent(user: Any, *modules: str, days: list[date]) -> None:
    """No kept cell differs from the ledgers, and each report equals the live figures."""
    assert rollups.verify(modules) == []
    assert not StaleCell.objects.filter(module__in=modules).exists()
    for module in modules:
        spec = reports.report_spec(module)
        for code in UNITS:
            unit = Unit.objects.get(code=code)
            for day in days:
                for period in _period(day):
                    report = reports.compute(spec, user=user, unit=unit, period=period)
                    where = {"unit": unit, "start": period.start, "end": period.end}
                    for key in spec.figures:
                        live = spec.measure(key).value(user, **where)
                        assert report.figures[key] == live, (module, code, period, key)
                        assert type(report.figures[key]) is type(live), (module, key)
                    if spec.breakdown_figure:
                        measure = spec.measure(spec.breakdown_figure)
                        for name in spec.breakdowns:
                            live_counts = measure.breakdown(user, name, **where)
                            assert report.breakdowns[name] == live_counts, (module, name)
                    if spec.comparison_figure:
                        live_children = reports.child_figures(
                            spec.measure(spec.comparison_figure),
                            user,
                            unit=unit,
                            start=period.start,
                            end=period.end,
                        )
                        assert report.by_unit == live_children, (module, code, period)


def test_the_system_principal_sees_every_row_and_may_do_nothing_else(demo):
    # then
    assert scope_q(MediationCase, SYSTEM, "view") is not None
    assert not scope_q(MediationCase, SYSTEM, "view").children
    for action in ("create", "change", "delete", "export", "reveal"):
        assert scope_q(MediationCase, SYSTEM, action) is None
    for measure in registry.all():
        assert measure.records(SYSTEM).model is not None  # no user attribute breaks it
    assert set(rollups.plans()) == {m.code for m in registry.all() if m.rolls_up}


def test_mediation_figures_follow_create_transfer_conclude_and_delete(city_officer, office_clerk):
    # given: cases in two months at two committees
    march, may = date(2024, 3, 5), date(2024, 5, 9)
    first = mediation_factories.agreed(received_on=march, amount="800.50")
    mediation_factories.failed(committee="610116001T01", received_on=may)
    intake = mediation_factories.register(received_on=may, category="HOUSING")
    assert StaleCell.objects.filter(module="mediation").exists()  # marked by the writes
    # then
    assert_consistent(city_officer, "mediation", days=[march, may])
    # when: the intake is accepted (a date set: it now counts in May)
    mediation_services.case_accept(actor=None, case=intake, accepted_on=may)
    # then
    assert_consistent(city_officer, "mediation", days=[may])
    # when: a case is transferred to 长安区 (the work moves, not the count)
    transfer = mediation_services.case_transfer_request(
        actor=office_clerk,
        case=MediationCase.objects.get(pk=intake.pk),
        to_unit=Unit.objects.get(code="610116001T01"),
        kind=TransferKind.TRANSFER,
        reason="当事人长期居住在韦曲",
    )
    mediation_services.transfer_accept(actor=None, transfer=transfer)
    # then
    assert_consistent(city_officer, "mediation", days=[may])
    assert_consistent(office_clerk, "mediation", days=[may])
    # when: a case is deleted
    MediationCase.objects.get(pk=intake.pk).delete()
    # then
    assert_consistent(city_officer, "mediation", days=[may])
    figures = reports.compute(
        reports.report_spec("mediation"),
        user=city_officer,
        unit=Unit.objects.get(code="610100"),
        period=reports.Period(2024),
    ).figures
    assert (figures["received"], figures["total"], figures["succeeded"]) == (2, 2, 1)
    assert figures["agreement_amount"] == first.agreement_amount


def test_a_rolled_back_write_leaves_no_mark_and_no_figure(city_officer):
    # given
    may = date(2024, 5, 9)
    mediation_factories.accepted(received_on=may)
    rollups.refresh()
    before = list(Aggregate.objects.values_list("measure", "unit_id", "key", "value"))
    marked: list[bool] = []

    def write_then_fail() -> None:
        with transaction.atomic():
            mediation_factories.accepted(received_on=may, committee="610116001T01")
            marked.append(StaleCell.objects.exists())
            raise RuntimeError

    # when
    with pytest.raises(RuntimeError):
        write_then_fail()
    assert marked == [True]
    # then
    assert not StaleCell.objects.exists()
    assert list(Aggregate.objects.values_list("measure", "unit_id", "key", "value")) == before
    assert_consistent(city_officer, "mediation", days=[may])


def test_correction_figures_follow_the_subject_and_its_measures(
    city_officer, district_reviewer, office_clerk
):
    # given: a subject received, with an admonition decided at the office
    subject = correction_factories.received(actor=office_clerk)
    today = timezone.localdate()
    correction_services.measure_record(
        actor=office_clerk,
        subject=subject,
        kind=MeasureKind.ADMONITION,
        facts="未按规定报告",
        proposed_on=today,
    )
    days = [subject.received_on, today]
    # then
    assert_consistent(city_officer, "correction", days=days)
    assert_consistent(district_reviewer, "correction", days=days)
    # when: the subject's executing office changes (the admonition counts through it)
    moved = CorrectionSubject.objects.get(pk=subject.pk)
    moved.unit = Unit.objects.get(code="610116001")
    moved.save()
    # then
    assert_consistent(city_officer, "correction", days=days)
    changed = reports.compute(
        reports.report_spec("correction"),
        user=city_officer,
        unit=Unit.objects.get(code="610116"),
        period=reports.Period(today.year, today.month),
    )
    assert changed.figures == {
        key: reports.report_spec("correction")
        .measure(key)
        .value(
            city_officer,
            unit=Unit.objects.get(code="610116"),
            start=reports.Period(today.year, today.month).start,
            end=reports.Period(today.year, today.month).end,
        )
        for key in changed.figures
    }


def test_workorder_figures_follow_bulk_created_assignments_and_replies(city_officer, office_clerk):
    # given: a task to every office of 新城区 (its assignments are bulk-created)
    task = workorder_factories.send(sent_on=timezone.localdate() - timedelta(days=2))
    assert StaleCell.objects.filter(module="workorders").exists()
    assignment = workorder_factories.assignment_of(task)
    # when: the office replies
    workorder_services.reply_submit(
        actor=office_clerk, assignment=assignment, report="已排查完毕。", version=None
    )
    # then
    today = timezone.localdate()
    assert_consistent(city_officer, "workorders", days=[today, task.sent_on])
    assert_consistent(office_clerk, "workorders", days=[today])


def test_rebuild_equals_the_incremental_aggregates(city_officer, office_clerk):
    # given: figures kept incrementally
    mediation_factories.agreed(received_on=date(2024, 3, 5))
    mediation_factories.failed(committee="610116001T01", received_on=date(2024, 5, 9))
    workorder_factories.send(sent_on=timezone.localdate())
    correction_factories.received(actor=office_clerk)
    rollups.refresh()
    fields = (
        "measure",
        "unit_id",
        "unit_path",
        "year",
        "month",
        "breakdown",
        "key",
        "value",
        "subtree",
    )
    incremental = sorted(Aggregate.objects.values_list(*fields))
    assert incremental
    # when
    rollups.rebuild()
    # then
    assert sorted(Aggregate.objects.values_list(*fields)) == incremental
    assert rollups.verify() == []


def test_nothing_is_marked_while_suspended_and_rebuild_catches_up(city_officer):
    # given
    with rollups.suspended():
        mediation_factories.agreed(received_on=date(2024, 3, 5))
    assert not StaleCell.objects.exists()
    assert rollups.verify(["mediation"])  # the new case is missing from the aggregates
    # when
    rollups.rebuild(["mediation"])
    # then
    assert_consistent(city_officer, "mediation", days=[date(2024, 3, 5)])


def test_monthly_series_equals_the_figure_of_each_month(city_officer, office_clerk):
    # given
    mediation_factories.agreed(received_on=date(2024, 3, 5), amount="100.25")
    mediation_factories.agreed(received_on=date(2024, 3, 20), amount="50.00")
    mediation_factories.failed(received_on=date(2024, 11, 2))
    for user in (city_officer, office_clerk):
        for code in ("mediation.accepted", "mediation.agreement_amount", "mediation.overdue"):
            unit = user.unit
            # when
            series = reports.monthly_series(code, user=user, unit=unit, year=2024)
            # then
            measure = registry.get(code)
            assert series == [
                measure.value(
                    user,
                    unit=unit,
                    start=date(2024, month, 1),
                    end=date(2025, 1, 1) if month == 12 else date(2024, month + 1, 1),
                )
                for month in range(1, 13)
            ]
    assert (
        reports.monthly_series(
            "mediation.accepted", user=city_officer, unit=city_officer.unit, year=2024
        )[2]
        == 2
    )


def test_verify_stats_reports_a_tampered_cell(city_officer):
    # given
    from django.core.management import call_command
    from django.core.management.base import CommandError

    mediation_factories.accepted(received_on=date(2024, 3, 5))
    call_command("rebuild_stats", "mediation")
    Aggregate.objects.filter(measure="mediation.accepted", breakdown="").update(value=7)
    # when / then
    with pytest.raises(CommandError):
        call_command("verify_stats", "mediation")
    call_command("rebuild_stats", "mediation")
    call_command("verify_stats", "mediation")


def test_a_committee_moved_to_another_office_carries_its_figures(city_officer):
    # given: a case accepted by a 西一路 committee, kept in the aggregates
    case = mediation_factories.accepted(received_on=date(2024, 3, 5))
    rollups.refresh()
    committee = case.accepted_unit
    target = Unit.objects.get(code="610102002")
    # when: the committee moves under 长乐中路
    committee.parent = target
    committee.save()
    # then: the subtree rows of both offices (and above) are rewritten
    assert rollups.verify() == []
    accepted = registry.get("mediation.accepted")
    for code in ("610102001", "610102002", "610102"):
        unit = Unit.objects.get(code=code)
        report = reports.compute(
            reports.REPORTS["mediation"], user=city_officer, unit=unit, period=reports.Period(2024)
        )
        assert report.figures["total"] == accepted.value(
            city_officer, unit=unit, start=date(2024, 1, 1), end=date(2025, 1, 1)
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writes_to_one_cell_end_consistent(demo, city_officer):
    # given: cases at one committee in one month, kept
    from tests.core.test_concurrency_pg import _in_threads

    may = date(2024, 5, 9)
    mediation_factories.accepted(received_on=may)
    rollups.refresh()

    def work(i: int) -> str:
        if i % 2:  # a reader refreshing while the others write
            reports.compute(
                reports.report_spec("mediation"),
                user=city_officer,
                unit=Unit.objects.get(code="610100"),
                period=reports.Period(2024, 5),
            )
            return "read"
        mediation_factories.agreed(received_on=may, amount=f"{i + 1}00.00")
        rollups.refresh(["mediation"])
        return "wrote"

    # when: three threads write the same cell while three read (and refresh) it
    results, errors = _in_threads(6, work)
    # then
    assert not errors, errors
    assert sorted(results) == ["read"] * 3 + ["wrote"] * 3
    assert_consistent(city_officer, "mediation", days=[may])
    report = reports.compute(
        reports.report_spec("mediation"),
        user=city_officer,
        unit=Unit.objects.get(code="610100"),
        period=reports.Period(2024, 5),
    )
    assert report.figures["total"] == 4
