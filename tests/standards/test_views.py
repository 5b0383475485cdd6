"""The standards pages: league table, campaigns, assessment steps, PDF, rectification, 示范单位."""

from __future__ import annotations

import io
import secrets
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from sifasuo.accounts.navigation import items_for
from sifasuo.core.models import Attachment, AuditEvent
from sifasuo.offices import services as office_services
from sifasuo.orgs.models import Unit
from sifasuo.standards import services
from sifasuo.standards.choices import AssessmentStatus, RectificationStatus
from sifasuo.standards.models import Campaign, DemonstrationUnit, Rectification
from tests.standards import factories as f

D = Decimal
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _in_english():
    """Pages are checked against their (English) msgids, whatever the catalogue says."""
    with translation.override("en"):
        yield


def page(client, url, **params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    return response, response.content.decode()


@pytest.fixture
def submitted(demo):
    """西一路's 2024 assessment, submitted; its return fails the area check."""
    return f.submitted()


# Every page, every role ---------------------------------------------------------------------


def test_every_page_answers_the_business_roles(
    client_for, submitted, office_clerk, district_reviewer, city_officer
):
    # given
    rectification = submitted.rectifications.get()
    urls = [
        "/standards/league/",
        "/standards/league/?year=2022",
        "/standards/framework/",
        "/standards/framework/?year=2023",
        "/standards/campaigns/",
        submitted.campaign.get_absolute_url(),
        submitted.get_absolute_url(),
        f"/standards/assessments/{submitted.public_id}/assessment.pdf",
        "/standards/rectifications/",
        rectification.get_absolute_url(),
        "/standards/demonstration/",
    ]
    # when / then
    for user in (office_clerk, district_reviewer, city_officer):
        client = client_for(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)


def test_the_menu_has_the_six_good_group(office_clerk, mediator):
    # when
    groups = {str(i["label"]): i for i in items_for(office_clerk) if "children" in i}
    # then
    group = groups["Six-good standard"]
    assert [c["url"] for c in group["children"]] == [
        "/standards/league/",
        "/standards/campaigns/",
        "/standards/rectifications/",
        "/standards/demonstration/",
        "/standards/framework/",
    ]
    assert "Six-good standard" not in {str(i["label"]) for i in items_for(mediator)}


def test_a_sibling_office_gets_404(client_for, submitted, other_clerk):
    # given
    client = client_for(other_clerk)
    rectification = submitted.rectifications.get()
    item = submitted.items.first()
    # when / then
    for url in (
        submitted.get_absolute_url(),
        f"/standards/assessments/{submitted.public_id}/assessment.pdf",
        rectification.get_absolute_url(),
        submitted.campaign.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/standards/items/{item.public_id}/", {}).status_code == 404
    assert (
        client.post(f"/standards/assessments/{submitted.public_id}/step/", {"step": "submit"})
    ).status_code == 404


# League table ----------------------------------------------------------------------------


def _league_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/standards/league/", {"year": 2024})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_league_table_costs_the_same_queries_for_3_or_20_returns(client_for, city_officer):
    # given: 3 offices with a return and an assessment
    offices = list(Unit.objects.filter(kind="OFFICE").order_by("code")[:20])
    for office in offices[:3]:
        f.passing_return(office.code)
    first = f.open_campaign([o.code for o in offices[:3]], name="三所")
    f.assess_manual(f.assessment_of(first, offices[0].code))
    services.demonstration_designate(actor=None, office=offices[0], year=2024)
    client = client_for(city_officer)
    few, _ = _league_queries(client)
    # when: 17 more returns, a campaign over all 20, more demonstration units
    for office in offices[3:]:
        f.passing_return(office.code, business_area=D("100"))
    second = f.open_campaign([o.code for o in offices], name="二十所")
    f.assess_manual(f.assessment_of(second, offices[5].code))
    for office in offices[1:4]:
        services.demonstration_designate(actor=None, office=office, year=2024)
    many, content = _league_queries(client)
    # then
    assert many == few
    assert offices[5].name in content


def test_the_league_ranks_scores_and_links_to_the_records(client_for, city_officer, submitted):
    # given: 西一路 assessed (88), 韦曲 passing every check but not assessed (46)
    f.passing_return("610116001")
    client = client_for(city_officer)
    # when
    response, content = page(client, "/standards/league/", year=2024)
    _, lowest_first = page(client, "/standards/league/", year=2024, sort="score")
    # then
    assert response.status_code == 200
    assert content.index("西一路街道司法所") < content.index("韦曲街道司法所")
    assert lowest_first.index("韦曲街道司法所") < lowest_first.index("西一路街道司法所")
    assert submitted.get_absolute_url() in content
    assert f"{submitted.get_absolute_url()}#check-PREMISES_AREA" in content
    assert "2022 启动年" in content
    assert "2024 巩固深化年" in content


def test_the_league_filters_by_district_and_batch(client_for, city_officer, submitted):
    # given
    f.passing_return("610116001")
    batch = f.open_campaign(["610116001"], name="第三批（测试）", batch="第三批")
    client = client_for(city_officer)
    # when
    _, by_district = page(client, "/standards/league/", year=2024, district="610102")
    _, by_batch = page(client, "/standards/league/", year=2024, campaign=str(batch.public_id))
    # then
    assert "西一路街道司法所" in by_district
    assert "韦曲街道司法所" not in by_district
    assert "韦曲街道司法所" in by_batch
    assert "西一路街道司法所" not in by_batch


def test_a_district_out_of_scope_is_404(client_for, district_reviewer):
    # when
    response = client_for(district_reviewer).get("/standards/league/", {"district": "610116"})
    # then
    assert response.status_code == 404


def test_the_milestones_count_offices_passing_all_nine(city_officer, demo):
    # given: two 2024 returns, one failing; the remote visitation of one installed in 2023
    from sifasuo.standards.selectors import league_table

    f.passing_return(f.XIYILU)
    f.passing_return("610116001", remote_visit_installed_on=date(2023, 3, 1))
    # when
    table = league_table(user=city_officer, year=2024)
    # then
    (milestone,) = [m for m in table.milestones if m.year == 2024]
    assert (milestone.passing, milestone.with_return) == (2, 2)
    assert milestone.total == Unit.objects.filter(kind="OFFICE", is_active=True).count()
    assert (table.remote_visit.installed, table.video_conf.installed) == (1, 2)


def test_the_league_exports_to_excel(client_for, city_officer, submitted):
    # when
    response = client_for(city_officer).get("/standards/league/", {"year": 2024, "export": "xlsx"})
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("司法所代码", "司法所", "区县（开发区）司法局", "年度填报", "总分")
    xiyilu = next(r for r in rows if r[0] == f.XIYILU)
    assert xiyilu[4] == 88.0
    assert "PREMISES_AREA" in xiyilu[12]
    assert AuditEvent.objects.filter(action="export", object_type="standards.league").exists()


# Campaigns ---------------------------------------------------------------------------------


def test_only_the_city_opens_a_campaign(client_for, office_director, city_officer):
    # when / then
    assert client_for(office_director).get("/standards/campaigns/new/").status_code == 403
    assert client_for(city_officer).get("/standards/campaigns/new/").status_code == 200


def test_a_campaign_over_pasted_codes_opens_once(client_for, city_officer):
    # given
    data = {
        "form_token": secrets.token_urlsafe(16),
        "name": "第三批验收（页面）",
        "year": 2024,
        "framework": f.framework().pk,
        "batch": "第三批",
        "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "scope": "CHOSEN",
        "office_codes": "610102001, 610102002\n610116001",
    }
    client = client_for(city_officer)
    # when
    first = client.post("/standards/campaigns/new/", data)
    again = client.post("/standards/campaigns/new/", data)
    # then
    campaign = Campaign.objects.get()
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == campaign.get_absolute_url()
    assert campaign.assessments.count() == 3
    assert campaign.batch == "第三批"


def test_unknown_office_codes_are_named(client_for, city_officer):
    # when
    response = client_for(city_officer).post(
        "/standards/campaigns/new/",
        {
            "form_token": secrets.token_urlsafe(16),
            "name": "错码",
            "year": 2024,
            "framework": f.framework().pk,
            "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "scope": "CHOSEN",
            "office_codes": "610102001 999999999",
        },
    )
    # then
    assert response.status_code == 200
    assert "999999999" in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_campaign_page_counts_and_filters_by_status(client_for, city_officer, submitted):
    # given
    client = client_for(city_officer)
    # when
    _, all_ = page(client, submitted.campaign.get_absolute_url())
    _, drafts = page(client, submitted.campaign.get_absolute_url(), status="DRAFT")
    # then
    assert "西一路街道司法所" in all_
    assert "西一路街道司法所" not in drafts


# The assessment page and its steps -------------------------------------------------------------


def test_the_office_director_submits_from_the_page(client_for, office_director, demo):
    # given
    f.passing_return()
    assessment = f.assessment_of(f.open_campaign())
    f.assess_manual(assessment)
    client = client_for(office_director)
    _, content = page(client, assessment.get_absolute_url())
    assert "Submit to the district" in content
    # when
    response = client.post(
        f"/standards/assessments/{assessment.public_id}/step/",
        {"step": "submit", "comment": "请审核", "version": assessment.version},
    )
    # then
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED


def test_a_clerk_may_not_submit(client_for, office_clerk, demo):
    # given
    f.passing_return()
    assessment = f.assessment_of(f.open_campaign())
    f.assess_manual(assessment)
    # when
    response = client_for(office_clerk).post(
        f"/standards/assessments/{assessment.public_id}/step/", {"step": "submit"}
    )
    # then
    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_the_district_returns_from_the_page_with_comments(client_for, district_reviewer, submitted):
    # given
    client = client_for(district_reviewer)
    _, content = page(client, submitted.get_absolute_url())
    assert "Return to the office" in content
    assert "Accept and pass to the city" in content
    # when: without comments, then with
    refused = client.post(
        f"/standards/assessments/{submitted.public_id}/step/", {"step": "district_return"}
    )
    submitted.refresh_from_db()
    status_after_refusal = submitted.status
    client.post(
        f"/standards/assessments/{submitted.public_id}/step/",
        {"step": "district_return", "comment": "请补充台账"},
    )
    # then
    assert refused.status_code == 302
    assert status_after_refusal == AssessmentStatus.SUBMITTED
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.RETURNED
    _, content = page(client_for(district_reviewer), submitted.get_absolute_url())
    assert "请补充台账" in content


def test_a_step_in_the_wrong_state_is_refused_with_a_message(client_for, city_officer, submitted):
    # when: the city, before the district accepted
    response = client_for(city_officer).post(
        f"/standards/assessments/{submitted.public_id}/step/",
        {"step": "city_accept"},
        follow=True,
    )
    # then
    assert "不适用此环节" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


def test_the_office_assesses_an_item_and_attaches_evidence(
    client_for, office_clerk, settings, tmp_path, demo
):
    # given
    settings.MEDIA_ROOT = tmp_path
    f.passing_return()
    assessment = f.assessment_of(f.open_campaign())
    systems = assessment.items.get(indicator__code="SYSTEMS")
    prefix = f"item{systems.pk}"
    present = ["岗位目标责任", "工作例会", "请示报告", "档案管理", "保密管理", "考评奖惩"]
    # when
    response = client_for(office_clerk).post(
        f"/standards/items/{systems.public_id}/",
        {
            f"{prefix}-present": present,
            f"{prefix}-note": "应急处置制度待印发",
            f"{prefix}-version": systems.version,
            f"{prefix}-evidence": SimpleUploadedFile("制度汇编.png", PNG_BYTES, "image/png"),
        },
    )
    # then
    assert response.status_code == 302
    systems.refresh_from_db()
    assert systems.manual_score == D("6")
    assert systems.missing_elements == ["应急处置"]
    attachment = Attachment.objects.get(owner_type="standards.assessmentitem")
    assert attachment.owner_id == str(systems.pk)
    _, content = page(client_for(office_clerk), assessment.get_absolute_url())
    assert "制度汇编.png" in content


def test_the_page_shows_the_results_now_and_as_submitted(client_for, office_director, submitted):
    # given: the office fixed its area after submitting
    office_return = services.current_return(submitted)
    office_services.return_update(actor=None, office_return=office_return, business_area=D("150"))
    # when
    _, content = page(client_for(office_director), submitted.get_absolute_url())
    # then
    assert "94.0" in content  # now
    assert "88.0" in content  # as submitted
    assert "changed since" in content


def test_the_pdf_opens_and_names_the_office(client_for, office_director, submitted):
    # when
    response = client_for(office_director).get(
        f"/standards/assessments/{submitted.public_id}/assessment.pdf"
    )
    # then
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "西一路街道司法所" in text
    assert "六好司法所" in text
    assert "PREMISES_AREA" in text
    assert AuditEvent.objects.filter(action="print", object_id=str(submitted.public_id)).exists()


# Rectification -------------------------------------------------------------------------------


def test_the_rectification_list_filters_and_exports(client_for, office_clerk, submitted):
    # given
    client = client_for(office_clerk)
    # when
    _, open_ = page(client, "/standards/rectifications/", status="OPEN")
    _, verified = page(client, "/standards/rectifications/", status="VERIFIED")
    _, overdue = page(client, "/standards/rectifications/", overdue="on")
    export = client.get("/standards/rectifications/", {"export": "xlsx"})
    # then: the 2024 deadline has passed
    assert "PREMISES_AREA" in open_
    assert "PREMISES_AREA" not in verified
    assert "PREMISES_AREA" in overdue
    assert "Overdue" in overdue
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == f.XIYILU
    assert rows[1][3] == "PREMISES_AREA"
    assert rows[1][9] == "是"


def test_the_office_works_a_rectification_from_its_page(
    client_for, office_clerk, district_reviewer, submitted
):
    # given
    rectification = submitted.rectifications.get()
    client = client_for(office_clerk)
    url = rectification.get_absolute_url()
    # when: the measure, then "done" while the area still fails, then after the fix
    client.post(
        url,
        {
            "measure": "迁入新址",
            "owner": "王所长",
            "due_on": "2025-06-30",
            "version": rectification.version,
        },
    )
    refused = client.post(url, {"step": "done"}, follow=True)
    office_services.return_update(
        actor=None, office_return=services.current_return(submitted), business_area=D("140")
    )
    client.post(url, {"step": "done"})
    client_for(district_reviewer).post(url, {"step": "verify", "note": "核查属实"})
    # then
    assert "仍未通过" in refused.content.decode()
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.VERIFIED
    assert rectification.owner == "王所长"
    assert rectification.due_on == date(2025, 6, 30)


def test_rectification_evidence(client_for, office_clerk, submitted, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    rectification = submitted.rectifications.get()
    # when
    client_for(office_clerk).post(
        f"/standards/rectifications/{rectification.public_id}/evidence/",
        {"evidence": SimpleUploadedFile("新址.png", PNG_BYTES, "image/png")},
    )
    # then
    attachment = Attachment.objects.get(owner_type="standards.rectification")
    assert attachment.owner_id == str(rectification.pk)
    _, content = page(client_for(office_clerk), rectification.get_absolute_url())
    assert "新址.png" in content


def test_the_district_cannot_edit_the_measure(client_for, district_reviewer, submitted):
    # given
    rectification = submitted.rectifications.get()
    # when
    response = client_for(district_reviewer).post(
        rectification.get_absolute_url(),
        {"measure": "x", "owner": "x", "due_on": "2025-01-01", "version": rectification.version},
    )
    # then
    assert response.status_code == 403
    assert Rectification.objects.get(pk=rectification.pk).measure == ""


# Demonstration units ---------------------------------------------------------------------------


def test_the_city_designates_on_the_page_and_it_warns(client_for, city_officer, office_director):
    # given
    client = client_for(city_officer)
    # when
    response = client.post(
        "/standards/demonstration/?year=2024",
        {"year": 2024, "office": f.office().pk, "note": "示范"},
    )
    _, content = page(client, "/standards/demonstration/", year=2024)
    # then: 新城区 has one: too few
    assert response.status_code == 302
    unit = DemonstrationUnit.objects.get()
    assert unit.office.code == f.XIYILU
    assert "too few" in content
    assert "西一路街道司法所" in content
    forbidden = client_for(office_director).post(
        "/standards/demonstration/", {"demonstration": str(unit.public_id)}
    )
    assert forbidden.status_code == 403
    client.post("/standards/demonstration/", {"demonstration": str(unit.public_id)})
    assert not DemonstrationUnit.objects.exists()


def test_the_office_sees_its_designation_without_the_form(client_for, office_clerk, demo):
    # given
    services.demonstration_designate(actor=None, office=f.office(), year=2024)
    # when
    _, content = page(client_for(office_clerk), "/standards/demonstration/", year=2024)
    # then
    assert "西一路街道司法所" in content
    assert "Designate" not in content


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_rectification_list_and_the_campaign_page_cost_the_same_queries(
    client_for, city_officer, demo
):
    # given: one office with a failed area
    offices = list(Unit.objects.filter(kind="OFFICE").order_by("code")[:8])
    f.passing_return(offices[0].code, business_area=D("100"))
    campaign = f.open_campaign([o.code for o in offices], name="八所")
    f.assess_manual(f.assessment_of(campaign, offices[0].code))
    services.assessment_submit(
        actor=None, assessment=f.assessment_of(campaign, offices[0].code), today=date(2024, 12, 2)
    )
    client = client_for(city_officer)
    few = (
        _queries(client, "/standards/rectifications/"),
        _queries(client, campaign.get_absolute_url()),
        _queries(client, "/standards/campaigns/"),
    )
    # when: seven more offices submit with failures
    for office in offices[1:]:
        f.passing_return(office.code, business_area=D("90"), funding_public=D("0"))
        assessment = f.assessment_of(campaign, office.code)
        f.assess_manual(assessment)
        services.assessment_submit(actor=None, assessment=assessment, today=date(2024, 12, 3))
    f.open_campaign([offices[0].code], name="再一次")
    many = (
        _queries(client, "/standards/rectifications/"),
        _queries(client, campaign.get_absolute_url()),
        _queries(client, "/standards/campaigns/"),
    )
    # then
    assert Rectification.objects.count() == 1 + 7 * 2
    assert many == few
