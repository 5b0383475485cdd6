"""Closing a period: the stored report does not move when the ledger does; the live figures do."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import AuditEvent
from sifasuo.orgs.models import Unit
from sifasuo.stats import closing, statements
from sifasuo.stats.models import ClosedPeriod, StoredReport
from sifasuo.stats.reports import REPORTS, Period, compute
from tests.mediation import factories

OFFICE = "610102001"  # 西一路街道司法所 (新城区)
COMMITTEE = "610102001T01"
MARCH = Period(2024, month=3)
API = "/api/v1/stats/mediation/"
STATEMENT = "/stats/reports/statement/"
MARCH_PARAMS = {"module": "mediation", "unit": OFFICE, "year": "2024", "month": "3"}


@pytest.fixture
def march(demo: None) -> list[Any]:
    """Cases accepted at 西一路 in March 2024 (and one in April, which must not count)."""
    return [
        factories.agreed(committee=COMMITTEE, category="NEIGHBOUR", received_on=date(2024, 3, 4)),
        factories.agreed(
            committee=COMMITTEE, category="FAMILY", received_on=date(2024, 3, 11), amount="300.00"
        ),
        factories.failed(committee=COMMITTEE, category="LABOUR", received_on=date(2024, 3, 20)),
        factories.accepted(committee=COMMITTEE, category="LABOUR", received_on=date(2024, 4, 2)),
    ]


def office() -> Unit:
    return Unit.objects.get(code=OFFICE)


def sheet_values(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def page_part(response: Any) -> str:
    """The statement as the page shows it (header block and tables; no per-request nonce)."""
    body = response.content.decode()
    return body[body.index('data-statement="header"') : body.index("<footer")]


def test_a_closed_month_is_unchanged_after_new_records_arrive(client_for, office_director, march):
    # given: the month closed by the office director
    client = client_for(office_director)
    before_api = client.get(API, {"unit": OFFICE, "year": 2024, "month": 3}).json()
    closed = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    stored = StoredReport.objects.get(closed_period=closed, module="mediation")
    xlsx_before = client.get(STATEMENT, {**MARCH_PARAMS, "format": "xlsx"})
    pdf_before = client.get(STATEMENT, {**MARCH_PARAMS, "format": "pdf"})
    page_before = client.get(STATEMENT, MARCH_PARAMS)
    # when: a case accepted in March is recorded after the closing
    factories.agreed(committee=COMMITTEE, category="DAMAGES", received_on=date(2024, 3, 25))
    # then: the live figure grows ...
    after_api = client.get(API, {"unit": OFFICE, "year": 2024, "month": 3}).json()
    assert before_api["total"] == 3
    assert after_api["total"] == 4
    assert after_api["by_category"].get("DAMAGES") == 1
    # ... while the report of the closed month is the stored one, unchanged
    stored.refresh_from_db()
    assert stored.figures["total"] == 3
    assert stored.checksum_ok
    statement = statements.statement(
        user=office_director, module="mediation", unit_code=OFFICE, year="2024", month="3"
    )
    assert statement.stored == stored
    assert statement.tables == stored.tables
    assert statement.status.startswith(statements.CLOSED)
    xlsx_after = client.get(STATEMENT, {**MARCH_PARAMS, "format": "xlsx"})
    pdf_after = client.get(STATEMENT, {**MARCH_PARAMS, "format": "pdf"})
    page_after = client.get(STATEMENT, MARCH_PARAMS)
    assert sheet_values(xlsx_after.content) == sheet_values(xlsx_before.content)
    assert pdf_after.content == pdf_before.content
    assert page_after.content.decode().count('data-ref="total"') == 1
    assert page_part(page_after) == page_part(page_before)
    # the by-category table of the stored report still shows DAMAGES at 0
    by_category = {row["code"]: row["value"] for row in statement.table("by_category")["rows"]}
    assert by_category["DAMAGES"] == 0
    assert by_category["NEIGHBOUR"] == 1


def test_stored_record_ids_are_the_live_ids_at_closing(office_director, march):
    # given
    spec = REPORTS["mediation"]
    live = {
        key: sorted(
            spec.measure(key)
            .queryset(office_director, unit=office(), start=MARCH.start, end=MARCH.end)
            .values_list("pk", flat=True)
        )
        for key in spec.figures
    }
    report = compute(spec, user=office_director, unit=office(), period=MARCH)
    # when
    closed = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    # then
    stored = closed.reports.get(module="mediation")
    for key in spec.figures:
        assert stored.record_ids[key] == live[key], key
    assert len(stored.record_ids["total"]) == report.figures["total"] == 3
    assert stored.record_ids["by_category:LABOUR"] == [march[2].pk]
    assert stored.record_ids[f"by_unit:{COMMITTEE}"] == live["total"]
    assert stored.figures["agreement_amount"] == str(report.figures["agreement_amount"])
    assert stored.checksum == stored.compute_checksum()
    assert len(stored.checksum) == 64
    event = AuditEvent.objects.filter(action="close").latest("seq")
    assert event.actor == office_director
    assert event.changes["period"] == "2024-03"
    assert event.changes["reports"]["mediation"] == stored.checksum


def test_a_tampered_stored_report_fails_its_checksum(office_director, march):
    # given
    closed = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    stored = closed.reports.get(module="mediation")
    # when
    StoredReport.objects.filter(pk=stored.pk).update(figures={**stored.figures, "total": 99})
    stored.refresh_from_db()
    # then
    assert not stored.checksum_ok


def test_a_period_not_yet_ended_or_already_closed_is_refused(office_director, march):
    # given
    closing.close_period(actor=office_director, unit=office(), period=MARCH)
    # when / then
    with pytest.raises(ApplicationError):
        closing.close_period(actor=office_director, unit=office(), period=MARCH)
    with pytest.raises(ApplicationError):
        closing.close_period(
            actor=office_director, unit=office(), period=MARCH, today=date(2024, 3, 31)
        )
    assert ClosedPeriod.objects.filter(unit=office()).count() == 1


def test_the_month_closes_on_the_first_day_after_it(office_director, march):
    # when
    closed = closing.close_period(
        actor=office_director, unit=office(), period=MARCH, today=date(2024, 4, 1)
    )
    # then
    assert closed.is_closed
    assert closed.period_slug == "2024-03"


def test_a_clerk_may_not_close_and_the_refusal_is_audited(client_for, office_clerk, march):
    # when
    response = client_for(office_clerk).post(
        "/stats/reports/close/", {"unit": OFFICE, "year": "2024", "month": "3"}
    )
    # then
    assert response.status_code == 403
    assert not ClosedPeriod.objects.exists()
    event = AuditEvent.objects.filter(action="close").latest("seq")
    assert event.outcome == "DENIED"
    assert event.actor == office_clerk


def test_nobody_closes_for_another_unit(district_reviewer, office_director, march):
    # a district officer may not close an office's period, nor the director another unit's
    with pytest.raises(PermissionDenied):
        closing.close_period(actor=district_reviewer, unit=office(), period=MARCH)
    with pytest.raises(PermissionDenied):
        closing.close_period(
            actor=office_director, unit=Unit.objects.get(code="610102"), period=MARCH
        )


def test_a_district_officer_closes_the_district(district_reviewer, march):
    # when
    closed = closing.close_period(
        actor=district_reviewer, unit=Unit.objects.get(code="610102"), period=MARCH
    )
    # then
    stored = closed.reports.get(module="mediation")
    assert stored.figures["total"] == 3
    assert [row["code"] for row in stored.tables[-1]["rows"]] == [OFFICE]


def test_closing_through_the_page(client_for, office_director, march):
    # when
    response = client_for(office_director).post(
        "/stats/reports/close/",
        {"module": "mediation", "unit": OFFICE, "year": "2024", "month": "3"},
    )
    # then
    closed = ClosedPeriod.objects.get(unit=office())
    assert response.status_code == 302
    assert response["Location"] == f"/stats/reports/periods/{closed.pk}/"
    detail = client_for(office_director).get(response["Location"])
    assert detail.status_code == 200
    stored = closed.reports.get(module="mediation")
    assert stored.checksum in detail.content.decode()
    listing = client_for(office_director).get("/stats/reports/")
    assert f"/stats/reports/periods/{closed.pk}/" in listing.content.decode()


def test_the_city_reads_an_offices_stored_report(client_for, city_officer, office_director, march):
    # given
    closed = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    stored = closed.reports.get(module="mediation")
    # when
    response = client_for(city_officer).get(f"/stats/reports/stored/{stored.pk}/")
    # then
    assert response.status_code == 200
    assert response.context["checksum_ok"] is True
    assert response.context["statement"].status.startswith(statements.CLOSED)
    assert f"/stats/reports/stored/{stored.pk}/explain/?ref=total" in response.content.decode()


def test_another_offices_closed_period_and_report_are_404(
    client_for, office_director, other_clerk, march
):
    # given
    closed = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    stored = closed.reports.get(module="mediation")
    client = client_for(other_clerk)
    # when / then
    assert client.get(f"/stats/reports/periods/{closed.pk}/").status_code == 404
    assert client.get(f"/stats/reports/stored/{stored.pk}/").status_code == 404
    assert client.get(f"/stats/reports/stored/{stored.pk}/explain/?ref=total").status_code == 404
    assert client.get(STATEMENT, MARCH_PARAMS).status_code == 404
    assert (
        client.post(
            "/stats/reports/close/", {"unit": OFFICE, "year": "2024", "month": "3"}
        ).status_code
        == 404
    )
    listing = client.get("/stats/reports/")
    assert f"/stats/reports/periods/{closed.pk}/" not in listing.content.decode()


def test_explain_lists_the_records_counted_and_those_gone(client_for, office_director, march):
    # given
    closed = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    stored = closed.reports.get(module="mediation")
    # when
    response = client_for(office_director).get(
        f"/stats/reports/stored/{stored.pk}/explain/", {"ref": "total"}
    )
    # then
    assert response.status_code == 200
    assert response.context["stored_count"] == 3
    assert response.context["visible_count"] == 3
    assert response.context["missing_count"] == 0
    body = response.content.decode()
    for case in march[:3]:
        assert case.number in body
    assert march[3].number not in body
    assert AuditEvent.objects.filter(action="view", object_type="stats.storedreport").exists()


def test_explain_of_a_breakdown_cell(client_for, office_director, march):
    closed = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    stored = closed.reports.get(module="mediation")
    response = client_for(office_director).get(
        f"/stats/reports/stored/{stored.pk}/explain/", {"ref": "by_category:LABOUR"}
    )
    assert response.status_code == 200
    assert response.context["stored_count"] == 1
    assert (
        client_for(office_director)
        .get(f"/stats/reports/stored/{stored.pk}/explain/", {"ref": "nonsense"})
        .status_code
        == 404
    )


def test_reopening_makes_the_report_live_again(client_for, office_director, march):
    # given
    closed = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    factories.agreed(committee=COMMITTEE, category="DAMAGES", received_on=date(2024, 3, 25))
    # when: no reason is refused, a reason reopens
    with pytest.raises(ApplicationError):
        closing.reopen_period(actor=office_director, closed=closed, reason=" ")
    closing.reopen_period(actor=office_director, closed=closed, reason="补录漏报案件")
    # then
    statement = statements.statement(
        user=office_director, module="mediation", unit_code=OFFICE, year="2024", month="3"
    )
    assert statement.stored is None
    summary = {row["code"]: row["value"] for row in statement.table("summary")["rows"]}
    assert summary["total"] == 4
    event = AuditEvent.objects.filter(action="reopen").latest("seq")
    assert event.reason == "补录漏报案件"
    # and the month can be closed again, storing the new figures
    again = closing.close_period(actor=office_director, unit=office(), period=MARCH)
    assert again.reports.get(module="mediation").figures["total"] == 4
    assert closed.reports.get(module="mediation").figures["total"] == 3
