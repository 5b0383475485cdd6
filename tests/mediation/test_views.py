"""The mediation pages as a mediator, a clerk and another office's clerk meet them."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from sifasuo.core.measures import registry
from sifasuo.core.models import AuditEvent
from sifasuo.mediation.choices import CaseStatus
from sifasuo.mediation.models import MediationCase
from sifasuo.orgs.models import Unit
from tests.mediation import factories

TODAY = timezone.localdate


def day(offset: int = 0) -> str:
    return (TODAY() - timedelta(days=offset)).isoformat()


def form_token(response) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    assert match, "no form token on the page"
    return match.group(1)


def step(client, case, name, **data):
    return client.post(f"/mediation/cases/{case.public_id}/steps/{name}/", data)


def test_a_mediator_takes_a_walk_in_dispute_to_a_signed_agreement_and_a_visit(client_for, mediator):
    # given
    client = client_for(mediator)
    committee = Unit.objects.get(code="610102001T01")
    page = client.get("/mediation/cases/new/")
    assert page.status_code == 200
    number = factories.id_number()
    # when: the intake
    response = client.post(
        "/mediation/cases/new/",
        {
            "form_token": form_token(page),
            "committee": committee.pk,
            "received_on": day(3),
            "source": "APPLICATION",
            "category": factories.DisputeCategory.objects.get(code="NEIGHBOUR").pk,
            "summary": "楼上漏水导致楼下天花板受损",
            "amount_involved": "3000",
            "people_involved": "2",
            "applicant_kind": "PERSON",
            "applicant_name": "孙丽",
            "applicant_id_type": "RESIDENT_ID",
            "applicant_id_number": number,
            "applicant_phone": "13912345678",
            "applicant_sex": "F",
            "respondent_kind": "PERSON",
            "respondent_name": "钱军",
            "respondent_id_type": "RESIDENT_ID",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = MediationCase.objects.get(parties__person__name="孙丽")
    # then: each step through its form
    assert step(client, case, "accept", accepted_on=day(3), version=case.version).status_code == 302
    assert (
        step(
            client, case, "record", kind="SESSION", held_on=day(2), content="双方到场，达成一致"
        ).status_code
        == 302
    )
    case.refresh_from_db()
    response = step(
        client,
        case,
        "conclude",
        outcome="WRITTEN",
        concluded_on=day(2),
        facts="楼上住户水管破裂，应承担维修费用",
        agreement_terms="钱军赔偿孙丽维修费两千元",
        performance_manner="现金一次性支付",
        performance_deadline=day(1),
        agreement_amount="2000",
        version=case.version,
    )
    assert response.status_code == 302
    agreement = client.get(f"/mediation/cases/{case.public_id}/documents/agreement/")
    assert agreement.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(agreement.content)).paragraphs)
    assert "一式三份" in text
    assert number not in agreement.content.decode("latin-1")
    response = step(
        client,
        case,
        "visit",
        visited_on=day(0),
        method="PHONE",
        performance="PERFORMED",
        satisfaction="SATISFIED",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.VISITED
    detail = client.get(case.get_absolute_url()).content.decode()
    assert "孙丽" in detail
    assert number not in detail
    assert "Cache-Control" in client.get(case.get_absolute_url()).headers


def test_a_refused_intake_records_why(client_for, mediator):
    # given
    client = client_for(mediator)
    case = factories.register(actor=mediator)
    # when: without a reason, then with one
    bad = step(client, case, "refuse", version=case.version)
    good = step(client, case, "refuse", reason="PARTY_REFUSES", note="被申请人明确拒绝调解")
    # then
    assert bad.status_code == 200
    assert "invalid-feedback" in bad.content.decode()
    assert good.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED
    assert case.refusal_reason == "PARTY_REFUSES"
    notice = client.get(f"/mediation/cases/{case.public_id}/documents/refusal/")
    assert notice.status_code == 200


def test_a_step_the_rules_refuse_shows_the_message_on_its_form(client_for, mediator):
    # given
    client = client_for(mediator)
    case = factories.accepted(actor=mediator)
    # when: ending the mediation without telling the parties of the other routes
    response = step(
        client, case, "conclude", outcome="FAILED", concluded_on=day(0), version=case.version
    )
    # then
    assert response.status_code == 200
    assert "art. 26" in response.content.decode() or "第二十六条" in response.content.decode()
    assert MediationCase.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_the_case_page_renders_one_steps_form_and_fetches_the_others_when_opened(
    client_for, mediator, other_clerk
):
    # given: an accepted case, to which several steps apply (record, party, transfer, ...)
    case = factories.accepted(actor=mediator)
    client = client_for(mediator)
    # when
    page = client.get(case.get_absolute_url())
    # then: one step is open with its form; every other one links to its own form
    steps = page.context["steps"]
    assert len(steps) > 2
    assert [s["slug"] for s in steps if s["form"] is not None] == [steps[0]["slug"]]
    html = page.content.decode()
    assert html.count('action="/mediation/cases/') - html.count("/transfer/decide/") == 1
    transfer = f"/mediation/cases/{case.public_id}/steps/transfer/"
    assert f'hx-get="{transfer}"' in html
    assert 'name="to_unit"' not in html

    # when: the transfer step is opened (htmx fetches its form)
    fragment = client.get(transfer, headers={"HX-Request": "true"})
    # then: the form alone, ready to post
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert f'action="{transfer}"' in body
    assert 'name="to_unit"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "<html" not in body

    # when: the same link without JavaScript
    plain = client.get(transfer)
    # then: the case page with that step open
    assert plain.status_code == 302
    assert plain["Location"] == f"{case.get_absolute_url()}?step=transfer#step-transfer"
    opened = client.get(plain["Location"])
    assert [s["slug"] for s in opened.context["steps"] if s["form"] is not None] == ["transfer"]
    assert 'name="to_unit"' in opened.content.decode()

    # and: another office's clerk gets no form of the case
    assert client_for(other_clerk).get(transfer, headers={"HX-Request": "true"}).status_code == 404


def test_another_office_can_neither_see_nor_count_the_case(client_for, mediator, other_clerk):
    # given
    case = factories.accepted(actor=mediator)
    client = client_for(other_clerk)
    # when
    detail = client.get(case.get_absolute_url())
    listing = client.get("/mediation/cases/").content.decode()
    drill = client.get(
        f"/mediation/cases/?measure=mediation.accepted&unit=610102001&year={TODAY().year}"
    )
    api = client.get(f"/api/v1/mediation/cases/{case.public_id}/")
    # then
    assert detail.status_code == 404
    assert case.number not in listing
    assert drill.status_code == 404
    assert api.status_code == 404


def test_a_figure_and_its_drill_down_list_agree(client_for, office_director, mediator):
    # given
    for _ in range(3):
        factories.agreed(actor=mediator)
    factories.failed(actor=mediator)
    year = TODAY().year
    measure = registry.get("mediation.succeeded")
    unit = Unit.objects.get(code="610102001")
    figure = measure.value(
        office_director,
        unit=unit,
        start=TODAY().replace(month=1, day=1),
        end=TODAY().replace(year=year + 1, month=1, day=1),
    )
    # when
    page = client_for(office_director).get(
        f"/mediation/cases/?measure=mediation.succeeded&unit=610102001&year={year}"
    )
    # then
    assert page.status_code == 200
    assert page.context["result_count"] == figure >= 3


def test_the_list_keeps_a_constant_number_of_queries(client_for, office_clerk, mediator):
    # given
    client = client_for(office_clerk)
    factories.accepted(actor=mediator)
    client.get("/mediation/cases/")
    with CaptureQueriesContext(connection) as few:
        client.get("/mediation/cases/")
    for _ in range(6):
        factories.agreed(actor=mediator)
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get("/mediation/cases/")
    # then
    assert response.status_code == 200
    assert len(many) == len(few)


def test_export_is_masked_and_audited(client_for, office_clerk, mediator):
    # given
    number = factories.id_number()
    factories.register(
        actor=mediator,
        parties=[
            factories.services.PartyInput(role="APPLICANT", name="周敏", id_number=number),
            factories.services.PartyInput(role="RESPONDENT", name="吴勇"),
        ],
    )
    before = AuditEvent.objects.filter(action="export").count()
    # when
    response = client_for(office_clerk).get("/mediation/cases/?export=xlsx&q=周敏")
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "案件编号"
    assert len(rows) == 2
    assert rows[1][6] == "周敏"
    assert number not in str(rows)
    assert number[:4] in rows[1][7]
    assert "*" in rows[1][7]
    assert AuditEvent.objects.filter(action="export").count() == before + 1


def test_search_by_document_number_never_puts_it_in_a_url(client_for, office_clerk, mediator):
    # given
    number = factories.id_number()
    case = factories.register(
        actor=mediator,
        parties=[
            factories.services.PartyInput(role="APPLICANT", name="郑艳", id_number=number),
            factories.services.PartyInput(role="RESPONDENT", name="冯涛"),
        ],
    )
    client = client_for(office_clerk)
    # when
    response = client.post(
        "/mediation/cases/search/", {"id_type": "RESIDENT_ID", "id_number": number}
    )
    # then
    assert response.status_code == 302
    assert number not in response["Location"]
    results = client.get(response["Location"])
    assert case.number in results.content.decode()


def test_the_person_page_shows_their_cases(client_for, office_clerk, mediator):
    # given
    case = factories.register(actor=mediator)
    person = case.parties.get(role="APPLICANT").person
    client = client_for(office_clerk)
    # when
    page = client.get(f"/people/{person.public_id}/").content.decode()
    cases = client.get(f"/mediation/people/{person.public_id}/cases/").content.decode()
    # then
    assert f"/mediation/people/{person.public_id}/cases/" in page
    assert case.number in cases


def test_the_workbench_lists_an_overdue_case(client_for, mediator):
    # given
    case = factories.accepted(
        actor=mediator,
        received_on=TODAY() - timedelta(days=45),
        accepted_on=TODAY() - timedelta(days=45),
    )
    # when
    page = client_for(mediator).get("/").content.decode()
    # then
    assert case.number in page


def test_a_receiving_committee_accepts_a_transfer_on_the_case_page(
    client_for, mediator, office_clerk
):
    # given: a case of another 新城区 office escalated to 西一路's committee
    case = factories.accepted(committee="610102002T01")
    factories.services.case_transfer_request(
        actor=None,
        case=case,
        to_unit=Unit.objects.get(code="610102001T01"),
        kind="TRANSFER",
        reason="当事人均居住在西一路",
    )
    client = client_for(mediator)
    # when
    page = client.get(case.get_absolute_url())
    decided = client.post(
        f"/mediation/cases/{case.public_id}/transfer/decide/", {"decision": "accept"}
    )
    # then
    assert page.status_code == 200
    assert page.context["decide_form"] is not None
    assert decided.status_code == 302
    case.refresh_from_db()
    assert case.unit.code == "610102001T01"


def test_committee_pages(client_for, office_clerk, other_clerk):
    # given
    client = client_for(office_clerk)
    # when
    listing = client.get("/mediation/committees/")
    detail = client.get("/mediation/committees/610102001T01/")
    edit = client.post(
        "/mediation/committees/610102001T01/edit/",
        {"committee_type": "TOWN", "term_start": "2023-01-01"},
    )
    # then
    assert listing.status_code == 200
    assert detail.status_code == 200
    assert edit.status_code == 302
    assert client_for(other_clerk).get("/mediation/committees/610102001T01/").status_code == 404


@pytest.mark.parametrize("url", ["/mediation/screening/", "/mediation/screening/new/"])
def test_screening_pages_answer(client_for, mediator, url):
    # then
    assert client_for(mediator).get(url).status_code == 200


def test_import_page_reports_errors_and_imports_nothing(client_for, office_clerk):
    # given
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sifasuo.core.xlsx import build_workbook
    from sifasuo.mediation.ledger import IMPORT_HEADERS

    client = client_for(office_clerk)
    workbook = build_workbook("t", IMPORT_HEADERS, [["", "不是日期"] + [""] * 15])
    before = MediationCase.objects.count()
    # when
    response = client.post(
        "/mediation/cases/import/",
        {
            "committee": Unit.objects.get(code="610102001T01").pk,
            "file": SimpleUploadedFile("ledger.xlsx", workbook),
        },
    )
    # then
    assert response.status_code == 400
    assert "登记日期" in response.content.decode()
    assert MediationCase.objects.count() == before
