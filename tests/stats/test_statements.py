"""Statistical reports: the upward layout, Excel and PDF, audited; quarters and years sum months."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import AuditEvent
from sifasuo.mediation.models import DisputeCategory
from sifasuo.stats import statements
from tests.mediation import factories

OFFICE = "610102001"
COMMITTEE = "610102001T01"
STATEMENT = "/stats/reports/statement/"


@pytest.fixture
def first_half(demo: None) -> list[Any]:
    """Cases accepted at 西一路 in January, February, March and May 2024."""
    return [
        factories.agreed(committee=COMMITTEE, category="NEIGHBOUR", received_on=date(2024, 1, 9)),
        factories.agreed(
            committee=COMMITTEE, category="FAMILY", received_on=date(2024, 2, 11), amount="250.50"
        ),
        factories.failed(committee=COMMITTEE, category="LABOUR", received_on=date(2024, 2, 20)),
        factories.agreed(committee=COMMITTEE, category="LABOUR", received_on=date(2024, 3, 1)),
        factories.accepted(committee=COMMITTEE, category="DAMAGES", received_on=date(2024, 5, 2)),
    ]


def live(user: Any, **period: str) -> statements.Statement:
    return statements.statement(
        user=user,
        module="mediation",
        unit_code=OFFICE,
        year="2024",
        month=period.get("month"),
        quarter=period.get("quarter"),
    )


def summary(statement: statements.Statement) -> dict[str, Any]:
    table = statement.table("summary")
    assert table is not None
    return {row["code"]: row["value"] for row in table["rows"]}


def test_quarter_and_year_reports_sum_the_months(office_clerk, first_half):
    # given
    months = [summary(live(office_clerk, month=str(m))) for m in range(1, 13)]
    # when
    quarters = [summary(live(office_clerk, quarter=str(q))) for q in range(1, 5)]
    year = summary(live(office_clerk))
    # then
    for key in ("received", "total", "succeeded", "failed"):
        for q, quarter in enumerate(quarters):
            assert quarter[key] == sum(month[key] for month in months[3 * q : 3 * q + 3]), key
        assert year[key] == sum(month[key] for month in months), key
    assert quarters[0]["total"] == 4
    assert quarters[1]["total"] == 1
    amounts = [Decimal(month["agreement_amount"]) for month in months]
    assert Decimal(year["agreement_amount"]) == sum(amounts)


def test_the_statement_is_laid_out_as_the_upward_form(office_clerk, first_half):
    # when
    statement = live(office_clerk, quarter="1")
    # then
    assert statement.title == "西一路街道司法所2024年第一季度人民调解统计报表"
    header = dict(statement.header)
    assert set(header) == {"填报单位", "统计期间", "生成人", "生成时间", "状态"}
    assert header["状态"] == "实时"
    assert header["生成人"] == str(office_clerk)
    categories = statement.table("by_category")["rows"]
    assert [row["code"] for row in categories] == list(
        DisputeCategory.objects.values_list("code", flat=True)
    )
    assert len(categories) == 15
    counts = {row["code"]: row["value"] for row in categories}
    assert counts["LABOUR"] == 2
    assert counts["HOUSING"] == 0
    assert statement.table("by_source") is not None
    assert statement.table("by_outcome") is not None
    assert [row["code"] for row in statement.table("by_unit")["rows"]] == [COMMITTEE]


def test_the_excel_has_the_header_block_and_all_15_categories(client_for, office_clerk, first_half):
    # when
    response = client_for(office_clerk).get(
        STATEMENT,
        {"module": "mediation", "unit": OFFICE, "year": "2024", "month": "2", "format": "xlsx"},
    )
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith("mediation-610102001-2024-02.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "西一路街道司法所2024年2月人民调解统计报表"
    labels = [row[0] for row in rows[1:6]]
    assert labels == ["填报单位", "统计期间", "生成人", "生成时间", "状态"]
    names = set(DisputeCategory.objects.values_list("name", flat=True))
    listed = {row[1] for row in rows if row[1] in names}
    assert listed == names
    assert len(names) == 15
    labour = next(row for row in rows if row[0] == "LABOUR")
    assert labour[2] == "1"
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert event.object_type == "stats.report.mediation"
    assert event.changes == {
        "unit": OFFICE,
        "period": "2024-02",
        "format": "xlsx",
        "status": "live",
    }
    assert event.actor == office_clerk


def test_the_pdf_is_a_pdf_and_audited(client_for, office_clerk, first_half):
    # when
    response = client_for(office_clerk).get(
        STATEMENT, {"module": "mediation", "unit": OFFICE, "year": "2024", "format": "pdf"}
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", changes__format="pdf").exists()


def test_text_that_looks_like_a_formula_is_neutralised(office_clerk, first_half):
    # given: a statement whose labels start with "="
    statement = live(office_clerk, month="1")
    statement.tables[0]["rows"][0]["label"] = '=HYPERLINK("x")'
    # when
    rows = list(
        load_workbook(io.BytesIO(statements.statement_xlsx(statement))).active.iter_rows(
            values_only=True
        )
    )
    # then
    assert any(row[1] == '\'=HYPERLINK("x")' for row in rows)


def test_the_page_shows_the_statement_with_links_to_the_records(
    client_for, office_clerk, first_half
):
    # when
    response = client_for(office_clerk).get(
        STATEMENT, {"module": "mediation", "unit": OFFICE, "year": "2024", "month": "2"}
    )
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "西一路街道司法所2024年2月人民调解统计报表" in body
    assert "/mediation/cases/?measure=mediation.accepted" in body
    assert not response.context["can_close"]  # a clerk may not close


def test_scope_and_bad_input(client_for, other_clerk, office_clerk, auditadmin, first_half):
    params = {"module": "mediation", "unit": OFFICE, "year": "2024"}
    assert client_for(other_clerk).get(STATEMENT, params).status_code == 404
    assert client_for(office_clerk).get(STATEMENT, {**params, "module": "nope"}).status_code == 404
    assert client_for(auditadmin).get(STATEMENT, params).status_code == 403
    bad = client_for(office_clerk).get(STATEMENT, {**params, "month": "2", "quarter": "1"})
    assert bad.status_code == 400
    assert client_for(office_clerk).get("/stats/reports/").status_code == 200
    with pytest.raises(ApplicationError):
        live(office_clerk, month="13")
