"""The rule-of-law pages as the office, the bureaus and the citizens meet them."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from sifasuo.accounts.models import User
from sifasuo.core.models import AuditEvent
from sifasuo.governance import services
from sifasuo.governance.choices import Adoption, ReviewStatus, RoundStatus
from sifasuo.governance.models import (
    Draft,
    InterferenceRecord,
    JurorCandidate,
    JurorRound,
    LegalityReview,
    Opinion,
    ReviewChecklistItem,
    SupervisionActivity,
)
from tests.governance import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def token(response) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', response.content.decode())
    assert match, "no form token on the page"
    return match.group(1)


def opinion_data(**extra) -> dict[str, str]:
    data = {
        "conclusion": "CHANGES",
        "issued_on": TODAY().isoformat(),
        "opinion_text": "第五条设定罚款，修改后合法。",
        "change_1_clause": "第五条",
        "change_1_problem": "设定罚款",
        "change_1_suggestion": "删除",
    }
    for item in ReviewChecklistItem.objects.filter(is_active=True):
        data[f"check_{item.code}"] = "FAIL" if item.code == "AUTHORITY" else "PASS"
        data[f"check_{item.code}_note"] = "超越权限" if item.code == "AUTHORITY" else ""
    data.update(extra)
    return data


# Legality review ------------------------------------------------------------------------


def test_a_clerk_registers_a_matter_issues_the_opinion_and_files_it(
    client_for, office_clerk, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    client = client_for(office_clerk)
    page = client.get("/governance/reviews/new/")
    assert page.status_code == 200
    data = {
        "form_token": token(page),
        "unit": "610102001",
        "matter_type": "NORMATIVE",
        "title": "关于规范门前三包的通知",
        "submitting_body": "镇党政办公室",
        "received_on": TODAY().isoformat(),
        "file": f.docx_upload(),
    }
    # when: registered (twice: a double submit makes one record)
    first = client.post("/governance/reviews/new/", data)
    data["file"] = f.docx_upload()
    second = client.post("/governance/reviews/new/", data)
    # then
    review = LegalityReview.objects.get(title="关于规范门前三包的通知")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == review.get_absolute_url()
    assert review.materials.count() == 1
    detail = client.get(review.get_absolute_url())
    assert detail.status_code == 200
    assert "送审稿.docx" in detail.content.decode()
    # when: the opinion, clause by clause
    step = client.post(
        f"/governance/reviews/{review.public_id}/steps/opinion/",
        opinion_data(version=review.version),
    )
    assert step.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.ISSUED
    # then: the Word opinion
    download = client.get(f"/governance/reviews/{review.public_id}/opinion.docx")
    assert download.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "合法性审查意见书" in text
    assert "修改后合法" in text
    assert AuditEvent.objects.filter(action="print", object_id=str(review.public_id)).exists()
    # when: the town's answer, then the register
    client.post(
        f"/governance/reviews/{review.public_id}/steps/adoption/",
        {"adoption": "ADOPTED", "adoption_note": "", "version": review.version},
    )
    review.refresh_from_db()
    filed = client.post(
        f"/governance/reviews/{review.public_id}/steps/file/",
        {"filed_on": TODAY().isoformat(), "version": review.version},
    )
    assert filed.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.FILED
    register = client.get("/governance/reviews/?filed=on")
    assert review.registration_number in register.content.decode()


def test_a_refused_opinion_shows_the_error_on_the_form(client_for, office_clerk):
    # given
    review = f.review(actor=office_clerk)
    client = client_for(office_clerk)
    # when: lawful although a point fails
    response = client.post(
        f"/governance/reviews/{review.public_id}/steps/opinion/",
        opinion_data(conclusion="LAWFUL", version=review.version),
    )
    # then
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.REGISTERED


def test_a_stale_form_is_refused_with_a_message(client_for, office_clerk):
    # given
    review = f.review(actor=office_clerk)
    old = review.version
    services.review_assign(actor=office_clerk, review=review, reviewer=office_clerk)
    # when
    response = client_for(office_clerk).post(
        f"/governance/reviews/{review.public_id}/steps/opinion/", opinion_data(version=old)
    )
    # then
    assert response.status_code == 200
    assert LegalityReview.objects.get(pk=review.pk).status == ReviewStatus.IN_REVIEW


def test_another_office_gets_404_and_the_district_reads_only(
    client_for, office_clerk, other_clerk, district_reviewer
):
    review = f.issued(actor=office_clerk)
    for url in (review.get_absolute_url(), f"/governance/reviews/{review.public_id}/opinion.docx"):
        assert client_for(other_clerk).get(url).status_code == 404
        assert client_for(district_reviewer).get(url).status_code == 200
    # the district may not act on the office's review
    step = client_for(district_reviewer).post(
        f"/governance/reviews/{review.public_id}/steps/adoption/", {"adoption": "ADOPTED"}
    )
    assert step.status_code == 403


def test_the_review_list_filters_exports_and_flags_overdue(client_for, office_clerk):
    # given
    late = f.review(actor=office_clerk, received_on=TODAY() - timedelta(days=60), title="超期事项")
    f.review(actor=office_clerk, title="新事项")
    client = client_for(office_clerk)
    # when
    overdue = client.get("/governance/reviews/?overdue=on").content.decode()
    export = client.get("/governance/reviews/?export=xlsx")
    # then
    assert "超期事项" in overdue
    assert "新事项" not in overdue
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert "超期事项" in {c.value for c in sheet["B"]}
    assert late.number in {c.value for c in sheet["A"]}
    assert AuditEvent.objects.filter(
        action="export", object_type="governance.legalityreview"
    ).exists()


def test_the_review_list_runs_a_fixed_number_of_queries(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    f.review(actor=office_clerk)
    client.get("/governance/reviews/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/governance/reviews/").status_code == 200
    for _ in range(5):
        f.issued(actor=office_clerk)
    # when
    with CaptureQueriesContext(connection) as many:
        client.get("/governance/reviews/")
    # then: no query per row
    assert len(many) == len(few)
    assert len(few) <= 25


def test_an_unknown_unit_code_in_the_filter_is_404(client_for, other_clerk):
    assert client_for(other_clerk).get("/governance/reviews/?unit=610102001").status_code == 404


# Enforcement supervision ----------------------------------------------------------------


def test_an_activity_with_a_rectification_and_its_result(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    page = client.get("/governance/supervision/new/")
    # when
    created = client.post(
        "/governance/supervision/new/",
        {
            "form_token": token(page),
            "unit": "610102001",
            "enforcement_unit": "镇综合执法办公室",
            "kind": "INSPECTION",
            "held_on": TODAY().isoformat(),
            "subject": "执法公示检查",
            "findings": "未公示执法人员信息",
            "problems_found": "1",
        },
    )
    activity = SupervisionActivity.objects.get(subject="执法公示检查")
    assert created.status_code == 302
    client.post(
        f"/governance/supervision/{activity.public_id}/steps/rectify/",
        {"issue": "公示执法人员信息", "requested_on": TODAY().isoformat(), "due_on": ""},
    )
    rectification = activity.rectifications.get()
    closed = client.post(
        f"/governance/rectifications/{rectification.public_id}/close/",
        {
            "status": "DONE",
            "result": "已公示",
            "completed_on": TODAY().isoformat(),
            "version": rectification.version,
        },
    )
    # then
    assert closed.status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == "DONE"
    listing = client.get("/governance/supervision/?export=xlsx")
    assert listing.status_code == 200


# Legislative opinions -------------------------------------------------------------------


def test_the_city_prepares_corrects_and_publishes_a_draft(client_for, city_officer, office_clerk):
    # given
    client = client_for(city_officer)
    page = client.get("/governance/drafts/new/")
    # when
    client.post(
        "/governance/drafts/new/",
        {
            "form_token": token(page),
            "unit": "610100",
            "title": "西安市测试条例",
            "issuing_body": "市司法局",
            "introduction": "",
            "text": f.DRAFT_TEXT,
            "opens_on": TODAY().isoformat(),
            "closes_on": (TODAY() + timedelta(days=30)).isoformat(),
        },
    )
    draft = Draft.objects.get(title="西安市测试条例")
    clause = draft.clauses.get(position=2)
    corrected = client.post(
        f"/governance/drafts/{draft.public_id}/steps/clause/",
        {
            "clause": str(clause.public_id),
            "heading": "第二条",
            "text": "本条例适用于本市行政区域。",
        },
    )
    published = client.post(
        f"/governance/drafts/{draft.public_id}/steps/publish/", {"version": draft.version}
    )
    # then
    assert corrected.status_code == 302
    assert published.status_code == 302
    clause.refresh_from_db()
    assert clause.text == "本条例适用于本市行政区域。"
    draft.refresh_from_db()
    assert draft.status == "PUBLISHED"
    assert client_for(office_clerk).get(draft.get_absolute_url()).status_code == 200


def test_an_office_enters_a_meeting_opinion_and_the_city_answers_it(
    client_for, city_officer, office_clerk, office_director
):
    # given
    draft = f.draft(actor=city_officer)
    clause = draft.clauses.first()
    office = client_for(office_clerk)
    page = office.get(draft.get_absolute_url())
    # when
    entered = office.post(
        f"/governance/drafts/{draft.public_id}/steps/office-opinion/",
        {
            "form_token": token(page),
            "unit": "610102001",
            "clause": str(clause.public_id),
            "source": "MEETING",
            "meeting": "援法议事协商会",
            "people_count": "12",
            "text": "建议设置过渡期。",
            "submitted_on": TODAY().isoformat(),
        },
    )
    opinion = Opinion.objects.get(text="建议设置过渡期。")
    # the office may not answer
    refused = client_for(office_director).post(
        f"/governance/opinions/{opinion.public_id}/answer/",
        {"adoption": "ADOPTED", "version": opinion.version},
    )
    answered = client_for(city_officer).post(
        f"/governance/opinions/{opinion.public_id}/answer/",
        {"adoption": "PARTLY", "reason": "设置六个月过渡期", "version": opinion.version},
    )
    # then
    assert entered.status_code == 302
    assert refused.status_code == 403
    assert answered.status_code == 302
    opinion.refresh_from_db()
    assert opinion.adoption == Adoption.PARTLY
    assert "设置六个月过渡期" in office.get(draft.get_absolute_url()).content.decode()


def test_the_summary_of_opinions_as_word_and_excel_names_no_citizen(
    client_for, city_officer, citizen
):
    # given
    draft = f.draft(actor=city_officer)
    services.opinion_submit_online(
        actor=citizen, draft=draft, clause=draft.clauses.first(), text="网民意见一"
    )
    client = client_for(city_officer)
    # when
    word = client.get(f"/governance/drafts/{draft.public_id}/summary.docx")
    excel = client.get(f"/governance/drafts/{draft.public_id}/summary.xlsx")
    # then
    table = Document(io.BytesIO(word.content)).tables[0]
    cells = [c.text for row in table.rows for c in row.cells]
    assert "网民意见一" in cells
    assert "网民（线上）" in cells
    assert citizen.username not in " ".join(cells)
    sheet = load_workbook(io.BytesIO(excel.content)).active
    assert [c.value for c in sheet[1]][:3] == ["序号", "条款", "意见内容"]
    assert sheet["C2"].value == "网民意见一"
    assert client.get(f"/governance/drafts/{draft.public_id}/summary.pdf").status_code == 404


def test_the_opinions_ledger_exports(client_for, city_officer, citizen):
    draft = f.draft(actor=city_officer)
    services.opinion_submit_online(actor=citizen, draft=draft, text="整体意见")
    response = client_for(city_officer).get("/governance/opinions/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "整体意见" in {c.value for c in sheet["G"]}


# The citizens' pages --------------------------------------------------------------------


def test_anyone_reads_the_open_drafts_and_sees_counts_only(city_officer, citizen, client):
    # given
    draft = f.draft(actor=city_officer, title="公开征求意见的条例")
    services.opinion_submit_online(
        actor=citizen, draft=draft, clause=draft.clauses.first(), text="不应公开的意见内容"
    )
    f.draft(actor=city_officer, title="尚未发布的条例", publish=False)
    # when
    listing = client.get("/governance/consult/").content.decode()
    detail = client.get(f"/governance/consult/{draft.public_id}/")
    # then
    assert "公开征求意见的条例" in listing
    assert "尚未发布的条例" not in listing
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "1 条意见" in page or "1 opinion" in page
    assert "不应公开的意见内容" not in page
    assert citizen.username not in page
    unpublished = Draft.objects.get(title="尚未发布的条例")
    assert client.get(f"/governance/consult/{unpublished.public_id}/").status_code == 404


def test_commenting_needs_the_citizen_login(city_officer, client, client_for, office_clerk):
    draft = f.draft(actor=city_officer)
    anonymous = client.get(f"/governance/consult/{draft.public_id}/comment/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/portal/login/")
    staff = client_for(office_clerk).get(f"/governance/consult/{draft.public_id}/comment/")
    assert staff.status_code == 403


def test_a_citizen_comments_on_a_clause_once_and_finds_the_answer(city_officer, citizen):
    # given
    draft = f.draft(actor=city_officer)
    clause = draft.clauses.get(position=2)
    client = Client()
    client.force_login(citizen)
    page = client.get(f"/governance/consult/{draft.public_id}/comment/?clause={clause.public_id}")
    assert page.status_code == 200
    assert f'value="{clause.public_id}" selected' in page.content.decode()
    data = {"form_token": token(page), "clause": str(clause.public_id), "text": "建议扩大适用范围"}
    # when: sent twice (a double tap)
    first = client.post(f"/governance/consult/{draft.public_id}/comment/", data)
    second = client.post(f"/governance/consult/{draft.public_id}/comment/", data)
    # then
    assert first.status_code == second.status_code == 302
    opinion = Opinion.objects.get(citizen=citizen)
    assert opinion.clause == clause
    services.opinion_answer(
        actor=city_officer, opinion=opinion, adoption=Adoption.NOT_ADOPTED, reason="上位法已规定"
    )
    mine = client.get("/governance/consult/mine/").content.decode()
    assert "建议扩大适用范围" in mine
    assert "上位法已规定" in mine


def test_a_citizen_does_not_see_another_citizens_comments(city_officer, citizen):
    draft = f.draft(actor=city_officer)
    other = User.objects.create_user(username="citizen_13911112222", kind="CITIZEN")
    services.opinion_submit_online(actor=other, draft=draft, text="别人的意见")
    client = Client()
    client.force_login(citizen)
    assert "别人的意见" not in client.get("/governance/consult/mine/").content.decode()


def test_a_closed_draft_takes_no_comment(city_officer, citizen):
    draft = f.draft(actor=city_officer)
    Draft.objects.filter(pk=draft.pk).update(closes_on=TODAY() - timedelta(days=1))
    client = Client()
    client.force_login(citizen)
    page = client.get(f"/governance/consult/{draft.public_id}/comment/")
    assert page.status_code == 200
    client.post(
        f"/governance/consult/{draft.public_id}/comment/",
        {"form_token": "t" * 20, "clause": "", "text": "迟到"},
    )
    assert not Opinion.objects.filter(draft=draft).exists()


# Juror selection ------------------------------------------------------------------------


def test_the_district_draws_the_office_verifies_and_the_district_decides(
    client_for, district_reviewer, office_clerk, other_clerk
):
    # given
    for n in range(6):
        f.person(name=f"居民{n}")
    district = client_for(district_reviewer)
    page = district.get("/governance/jurors/new/")
    district.post(
        "/governance/jurors/new/",
        {
            "form_token": token(page),
            "unit": "610102",
            "title": "2027年度选任",
            "court_name": "新城区人民法院",
            "quota": "1",
            "pool_multiple": "5",
            "min_age": "28",
        },
    )
    juror_round = JurorRound.objects.get(title="2027年度选任")
    # when
    drawn = district.post(
        f"/governance/jurors/{juror_round.public_id}/steps/draw/",
        {"draw_date": TODAY().isoformat(), "seed": "", "version": juror_round.version},
    )
    juror_round.refresh_from_db()
    # then
    assert drawn.status_code == 302
    assert juror_round.status == RoundStatus.DRAWN
    assert juror_round.candidates.count() == 5
    office = client_for(office_clerk)
    page = office.get(juror_round.get_absolute_url())
    assert page.status_code == 200
    candidate = JurorCandidate.objects.filter(round=juror_round).first()
    # the number is masked everywhere
    assert candidate.person.id_number not in page.content.decode()
    assert client_for(other_clerk).get(juror_round.get_absolute_url()).status_code == 404
    verified = office.post(
        f"/governance/candidates/{candidate.public_id}/steps/verify/",
        {"consent": "AGREED", "verified_on": TODAY().isoformat(), "note": "入户核实", "version": 1},
    )
    assert verified.status_code == 302
    decided = district.post(
        f"/governance/candidates/{candidate.public_id}/steps/decide/",
        {
            "result": "SELECTED",
            "reason": "",
            "version": JurorCandidate.objects.get(pk=candidate.pk).version,
        },
    )
    assert decided.status_code == 302
    assert JurorCandidate.objects.get(pk=candidate.pk).result == "SELECTED"
    assert "1" in district.get("/governance/jurors/").content.decode()


# The "three rules" register -------------------------------------------------------------


def test_an_entry_is_submitted_annotated_and_counted_for_the_district(
    client_for, office_clerk, district_reviewer
):
    # given
    client = client_for(office_clerk)
    page = client.get("/governance/three-rules/new/")
    client.post(
        "/governance/three-rules/new/",
        {
            "form_token": token(page),
            "unit": "610102001",
            "occurred_on": TODAY().isoformat(),
            "category": "RELATION",
            "who": "当事人亲属",
            "case_reference": "邻里纠纷",
            "what_asked": "打听进展",
            "handling": "未透露",
            "reported_to": "所长",
            "submit": "on",
        },
    )
    entry = InterferenceRecord.objects.get(who="当事人亲属")
    assert entry.is_submitted
    # when: an edit is no longer offered; an annotation is
    edit = client.post(
        f"/governance/three-rules/{entry.public_id}/steps/edit/",
        {"who": "改", "version": entry.version},
    )
    note = client.post(
        f"/governance/three-rules/{entry.public_id}/steps/annotate/", {"text": "已通报区局"}
    )
    # then
    assert edit.status_code == 302
    assert InterferenceRecord.objects.get(pk=entry.pk).who == "当事人亲属"
    assert note.status_code == 302
    assert "已通报区局" in client.get(entry.get_absolute_url()).content.decode()
    listing = client_for(district_reviewer).get("/governance/three-rules/").content.decode()
    assert "西一路" in listing
    assert client_for(district_reviewer).get(entry.get_absolute_url()).status_code == 200


def test_the_navigation_has_the_rule_of_law_menu(client_for, office_clerk):
    page = client_for(office_clerk).get("/governance/reviews/").content.decode()
    assert "/governance/three-rules/" in page
    assert "/governance/jurors/" in page
