"""Demo data for governance (seed_demo): reviews, supervision, a draft for comment with
opinions, a juror round for 新城区 and three-rules entries, across the districts.

Made through the services with ``actor=None`` (the system). A second run adds nothing.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from docx import Document

from sifasuo.governance import services
from sifasuo.governance.choices import (
    JUROR_MIN_AGE,
    JUROR_POOL_MULTIPLE,
    Adoption,
    CandidateResult,
    CheckResult,
    Conclusion,
    Consent,
    InterferenceCategory,
    MatterType,
    OpinionSource,
    SupervisionKind,
)
from sifasuo.governance.models import (
    Draft,
    JurorExclusionGround,
    LegalityReview,
    ReviewChecklistItem,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit

XIYILU = "610102001"
XINCHENG = "610102"
DEMO_PHONES = ("13900000101", "13900000102", "13900000103", "13900000104")

CITY_DRAFT_TEXT = """西安市养犬管理条例（修订草案征求意见稿）
第一章 总则
第一条 为了规范养犬行为，保障公民人身安全和健康，维护市容环境和社会公共秩序，制定本条例。
第二条 本条例适用于本市行政区域内犬只的饲养、经营、诊疗和相关管理活动。
第三条 养犬管理坚持政府主导、部门协同、养犬人守法、社会监督的原则。
第二章 养犬登记
第四条 本市实行养犬登记制度。养犬人应当自取得犬只之日起三十日内办理养犬登记。
第五条 个人养犬的，每户限养一只；禁止饲养烈性犬、大型犬。
第六条 携犬出户的，应当为犬只束犬链，犬链长度不得超过一点五米，并即时清除犬只排泄物。
第三章 法律责任
第七条 违反本条例第六条规定的，由公安机关责令改正，可以处五十元以上二百元以下罚款。
第八条 本条例自2027年3月1日起施行。
"""

DISTRICT_DRAFT_TEXT = """新城区老旧小区改造居民议事规则（征求意见稿）
第一条 为推进老旧小区改造中的居民协商，制定本规则。
第二条 改造方案应当经小区居民代表会议讨论。
第三条 居民代表会议由社区居民委员会召集，每季度至少召开一次。
"""


def _docx_bytes(title: str) -> bytes:
    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph("送审稿正文（演示数据）。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _offices() -> list[Unit]:
    """西一路 first, then the first office of every district and development zone, then the
    other offices (every office keeps a review and a supervision ledger)."""
    offices = [Unit.objects.get(code=XIYILU)]
    bureaus = Unit.objects.filter(kind__in=[UnitKind.DISTRICT, UnitKind.DEVZONE]).order_by("code")
    for bureau in bureaus:
        office = (
            Unit.objects.filter(kind=UnitKind.OFFICE, path__startswith=bureau.path, is_active=True)
            .exclude(code=XIYILU)
            .order_by("code")
            .first()
        )
        if office is not None:
            offices.append(office)
    chosen = {o.pk for o in offices}
    rest = Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).exclude(pk__in=chosen)
    return [*offices, *rest.order_by("code")]


def _checks(fail: str = "") -> list[services.CheckInput]:
    return [
        services.CheckInput(
            item=item,
            result=CheckResult.FAIL if item.code == fail else CheckResult.PASS,
            note="第五条设定罚款，超出镇街权限" if item.code == fail else "",
        )
        for item in ReviewChecklistItem.objects.filter(is_active=True)
    ]


def _lawful_contract(office: Unit, name: str, today: date) -> int:
    contract = services.review_register(
        actor=None,
        unit=office,
        matter_type=MatterType.CONTRACT,
        title=f"{name}公共服务外包合同",
        submitting_body=f"{name}财政所",
        received_on=today - timedelta(days=12),
    )
    services.review_issue_opinion(
        actor=None,
        review=contract,
        conclusion=Conclusion.LAWFUL,
        opinion_text="合同主体适格，条款符合法律规定。",
        issued_on=today - timedelta(days=8),
        checks=_checks(),
    )
    return 1


def _reviews(office: Unit, today: date, full: bool) -> int:
    created = 0
    name = office.name.removesuffix("司法所")
    # An overdue one: received long ago, no opinion.
    overdue = services.review_register(
        actor=None,
        unit=office,
        matter_type=MatterType.NORMATIVE,
        title=f"{name}关于加强辖区门前三包管理的通知（送审稿）",
        submitting_body=f"{name}党政办公室",
        received_on=today - timedelta(days=40),
        files=[SimpleUploadedFile("送审稿v1.docx", _docx_bytes("送审稿 第一版"))] if full else [],
    )
    created += 1
    if not full:
        return created + _lawful_contract(office, name, today)
    services.review_add_material(
        actor=None,
        review=overdue,
        uploaded=SimpleUploadedFile("送审稿v2.docx", _docx_bytes("送审稿 第二版")),
        note="根据座谈意见修改第三条",
    )
    # Under review, due soon.
    services.review_register(
        actor=None,
        unit=office,
        matter_type=MatterType.MAJOR_DECISION,
        title=f"{name}老旧小区改造实施方案",
        submitting_body=f"{name}城市管理办公室",
        received_on=today - timedelta(days=3),
    )
    # Issued: lawful after changes, adopted, filed.
    filed = services.review_register(
        actor=None,
        unit=office,
        matter_type=MatterType.NORMATIVE,
        title=f"{name}网格化管理办法",
        submitting_body=f"{name}党政办公室",
        received_on=today - timedelta(days=60),
    )
    services.review_issue_opinion(
        actor=None,
        review=filed,
        conclusion=Conclusion.LAWFUL_AFTER_CHANGES,
        opinion_text="送审稿总体符合法律法规规定，第五条设定罚款超出权限，修改后可以提交审议。",
        issued_on=today - timedelta(days=52),
        checks=_checks(fail="AUTHORITY"),
        changes=[
            services.ChangeInput("第五条", "设定罚款，镇街无权设定行政处罚。", "删除罚款内容。"),
            services.ChangeInput(
                "第八条", "施行日期早于公布日期。", "改为自公布之日起三十日后施行。"
            ),
        ],
    )
    services.review_record_adoption(actor=None, review=filed, adoption=Adoption.ADOPTED)
    services.review_file(actor=None, review=filed, filed_on=today - timedelta(days=45))
    # Village rules: unlawful, partly adopted.
    rules = services.review_register(
        actor=None,
        unit=office,
        matter_type=MatterType.VILLAGE_RULES,
        title="某社区居民公约（修订稿）",
        submitting_body="社区居民委员会",
        received_on=today - timedelta(days=25),
    )
    services.review_issue_opinion(
        actor=None,
        review=rules,
        conclusion=Conclusion.UNLAWFUL,
        opinion_text="公约第四条对违约居民停止供水，侵犯居民合法权益，建议删除后重新提请审查。",
        issued_on=today - timedelta(days=20),
        checks=_checks(fail="CONTENT"),
    )
    services.review_record_adoption(
        actor=None, review=rules, adoption=Adoption.PARTLY, note="社区保留第四条中的批评教育内容"
    )
    return created + 3 + _lawful_contract(office, name, today)


def _supervision(office: Unit, today: date, full: bool) -> int:
    name = office.name.removesuffix("司法所")
    activity = services.supervision_create(
        actor=None,
        unit=office,
        enforcement_unit=f"{name}综合执法办公室",
        kind=SupervisionKind.CASE_REVIEW,
        held_on=today - timedelta(days=35),
        subject="2026年度行政执法案卷评查",
        findings="2件案卷缺少法制审核意见；1件送达回证不完整。",
        problems_found=3,
    )
    services.rectification_request(
        actor=None,
        activity=activity,
        issue="补齐法制审核意见并建立审核台账",
        requested_on=today - timedelta(days=34),
        due_on=today - timedelta(days=4),
    )
    if not full:
        return 1
    done = services.rectification_request(
        actor=None,
        activity=activity,
        issue="规范送达回证填写",
        requested_on=today - timedelta(days=34),
        due_on=today - timedelta(days=10),
    )
    services.rectification_close(
        actor=None,
        rectification=done,
        status="DONE",
        result="已重新制作送达回证并组织培训。",
        completed_on=today - timedelta(days=11),
    )
    services.supervision_create(
        actor=None,
        unit=office,
        enforcement_unit="市场监督管理所",
        kind=SupervisionKind.INSPECTION,
        held_on=today - timedelta(days=5),
        subject="执法公示制度落实情况检查",
        findings="",
        problems_found=0,
    )
    services.supervision_create(
        actor=None,
        unit=office,
        enforcement_unit=f"{name}综合执法办公室",
        kind=SupervisionKind.COMPLAINT,
        held_on=today - timedelta(days=2),
        subject="群众投诉占道经营执法态度问题",
        findings="执法人员未出示执法证件。",
        problems_found=1,
    )
    return 3


def _citizens() -> list[Any]:
    from sifasuo.portal.services import citizen_for_phone

    return [citizen_for_phone(phone=phone) for phone in DEMO_PHONES]


def _drafts(today: date, offices: list[Unit]) -> dict[str, int]:
    city = Unit.objects.get(code="610100")
    draft = services.draft_create(
        actor=None,
        unit=city,
        title="西安市养犬管理条例（修订草案征求意见稿）",
        issuing_body="西安市公安局",
        introduction="为做好条例修订工作，现公开征求社会各界意见。",
        text=CITY_DRAFT_TEXT,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=20),
    )
    services.draft_publish(actor=None, draft=draft)
    clauses = list(draft.clauses.order_by("position"))
    counts = {"drafts": 1, "opinions": 0}
    citizens = _citizens()
    comments = [
        (0, 4, "建议允许每户饲养两只小型犬，一只的限制过严。"),
        (1, 5, "犬链长度一点五米合适，建议同时规定夜间遛犬要求。"),
        (2, 6, "罚款金额偏低，建议提高到五百元。"),
        (3, None, "建议增加流浪犬收容的规定。"),
    ]
    opinions = []
    for who, clause_index, text in comments:
        clause = clauses[clause_index] if clause_index is not None else None
        # The comment period started ten days ago; the citizens commented today.
        opinions.append(
            services.opinion_submit_online(
                actor=citizens[who], draft=draft, clause=clause, text=text
            )
        )
    for office, (clause_index, people, text) in zip(
        offices[:4],
        [
            (4, 12, "援法议事协商会上，居民普遍认为应给予已有多只犬的家庭过渡期。"),
            (6, 8, "基层立法联系点座谈：建议明确社区的劝导职责。"),
            (0, 5, "建议在立法目的中写明保护动物福利。"),
            (7, 3, "施行日期建议与配套办法同步。"),
        ],
        strict=False,
    ):
        opinions.append(
            services.opinion_record(
                actor=None,
                unit=office,
                draft=draft,
                clause=clauses[clause_index],
                source=OpinionSource.MEETING,
                meeting="援法议事协商会" if people > 6 else "基层立法联系点座谈会",
                people_count=people,
                text=text,
                submitted_on=today - timedelta(days=3),
            )
        )
    counts["opinions"] = len(opinions)
    services.opinion_answer(
        actor=None, opinion=opinions[0], adoption=Adoption.PARTLY, reason="拟对小型犬放宽至两只。"
    )
    services.opinion_answer(actor=None, opinion=opinions[1], adoption=Adoption.ADOPTED)
    services.opinion_answer(
        actor=None,
        opinion=opinions[2],
        adoption=Adoption.NOT_ADOPTED,
        reason="罚款幅度依据上位法设定，不宜提高。",
    )
    services.opinion_answer(actor=None, opinion=opinions[4], adoption=Adoption.ADOPTED)
    # A district draft of 新城区, still being prepared.
    services.draft_create(
        actor=None,
        unit=Unit.objects.get(code=XINCHENG),
        title="新城区老旧小区改造居民议事规则（征求意见稿）",
        issuing_body="新城区住房和城乡建设局",
        text=DISTRICT_DRAFT_TEXT,
        opens_on=today + timedelta(days=5),
        closes_on=today + timedelta(days=35),
    )
    counts["drafts"] += 1
    return counts


def _juror_round(today: date) -> int:
    district = Unit.objects.get(code=XINCHENG)
    draw_date = today - timedelta(days=6)
    pool = services.eligible_pool(district=district, min_age=JUROR_MIN_AGE, on=draw_date)
    quota = min(3, len(pool) // JUROR_POOL_MULTIPLE)
    if quota < 1:
        return 0
    juror_round = services.round_create(
        actor=None,
        unit=district,
        title="新城区2027年度人民陪审员选任",
        court_name="西安市新城区人民法院",
        quota=quota,
    )
    services.round_draw(actor=None, juror_round=juror_round, draw_date=draw_date, seed="demo-2027")
    criminal = JurorExclusionGround.objects.get(code="CRIMINAL")
    candidates = list(juror_round.candidates.order_by("draw_position"))
    for n, candidate in enumerate(candidates[: len(candidates) // 2]):
        grounds = [criminal] if n == 2 else []
        consent = Consent.REFUSED if n == 3 else Consent.AGREED
        services.candidate_verify(
            actor=None,
            candidate=candidate,
            grounds=grounds,
            consent=consent,
            verified_on=today - timedelta(days=2),
            note="入户核实，本人表示" + ("同意" if consent == Consent.AGREED else "不同意"),
        )
    verified = [c for c in juror_round.candidates.filter(verified_on__isnull=False)]
    for candidate in verified[:2]:
        if candidate.eligibility == "ELIGIBLE" and candidate.consent == Consent.AGREED:
            services.candidate_decide(
                actor=None, candidate=candidate, result=CandidateResult.SELECTED
            )
    for candidate in verified[2:4]:
        services.candidate_decide(
            actor=None,
            candidate=candidate,
            result=CandidateResult.EXCLUDED,
            reason="资格审查不符合条件" if candidate.grounds.exists() else "本人不同意担任",
        )
    return len(candidates)


def _interference(office: Unit, today: date, full: bool) -> int:
    services.interference_create(
        actor=None,
        unit=office,
        occurred_on=today - timedelta(days=15),
        category=InterferenceCategory.RELATION,
        who="一方当事人的亲属（在区属单位任职）",
        case_reference="邻里纠纷调解案件（2026年）",
        what_asked="询问调解进展，希望“关照”其亲属。",
        handling="当场说明调解依法独立进行，不予透露进展。",
        reported_to="所长、区司法局政治处",
        submit=True,
    )
    if not full:
        return 1
    entry = services.interference_create(
        actor=None,
        unit=office,
        occurred_on=today - timedelta(days=40),
        category=InterferenceCategory.LEADER,
        who="某单位领导干部",
        case_reference="社区矫正对象外出请假事项",
        what_asked="电话要求尽快批准矫正对象外出请假。",
        handling="告知须按规定程序审批，已如实记录。",
        reported_to="区司法局",
        submit=True,
    )
    services.interference_annotate(
        actor=None, record=entry, text="区司法局已按规定通报，本所已存档备查。"
    )
    services.interference_create(
        actor=None,
        unit=office,
        occurred_on=today - timedelta(days=1),
        category=InterferenceCategory.INSIDER,
        who="区法院工作人员",
        case_reference="司法确认案件",
        what_asked="询问调解协议内容。",
        handling="要求通过正式途径调取。",
        reported_to="",
    )
    return 3


@transaction.atomic
def create_demo_governance() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing."""
    counts = {
        "legality reviews": 0,
        "supervision activities": 0,
        "drafts": 0,
        "opinions": 0,
        "juror candidates": 0,
        "three-rules entries": 0,
    }
    if LegalityReview.objects.filter(unit__code=XIYILU).exists():
        return {k: 0 for k in counts}
    today = timezone.localdate()
    offices = _offices()
    for n, office in enumerate(offices):
        full = office.code == XIYILU
        counts["legality reviews"] += _reviews(office, today, full)
        counts["supervision activities"] += _supervision(office, today, full)
        if full or n % 2:
            counts["three-rules entries"] += _interference(office, today, full)
    if not Draft.objects.exists():
        drafts = _drafts(today, offices)
        counts["drafts"], counts["opinions"] = drafts["drafts"], drafts["opinions"]
    counts["juror candidates"] = _juror_round(today)
    return counts
