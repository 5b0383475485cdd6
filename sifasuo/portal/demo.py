"""Demo data for the portal (seed_demo): citizens, their online requests, ratings, guides.

Requests go through each kind's own ``submit`` (the module's service) and move on through
the module's services, so the envelope and the record agree. Mediation requests are worked
to every status; a kind another module registers is filed (SUBMITTED) from a form filled
with its first choices, and skipped (counted) if that form does not validate.
Synthetic phones (138 0013 8xxx). A second run adds nothing.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone

from sifasuo.core import applications
from sifasuo.core.errors import ApplicationError
from sifasuo.mediation import services as mediation_services
from sifasuo.mediation.choices import Outcome, RefusalReason
from sifasuo.mediation.models import DisputeCategory, MediationCase
from sifasuo.orgs.models import Unit
from sifasuo.portal import services
from sifasuo.portal.choices import GuideCategory, RatingLevel, ReachedParty
from sifasuo.portal.models import CitizenProfile, FollowUp, LegalGuide, PortalApplication

logger = logging.getLogger(__name__)

CITIZENS = [
    ("13800138001", "赵敏"),
    ("13800138002", "钱立新"),
    ("13800138003", "孙秀兰"),
    ("13800138004", "李建国"),
    ("13800138005", "周晓燕"),
]
XIYILU = "610102001"
# One office in each of several districts (and the development zones' streets).
OTHER_OFFICES = ["610116001", "610103001", "610104001", "610113007", "610111008", "610122001"]

GUIDES: list[tuple[str, str, str, str]] = [
    (
        "如何申请法律援助",
        GuideCategory.LEGAL_AID,
        "经济困难的公民和符合法定条件的人，可以申请免费的法律咨询、代理和刑事辩护。",
        "《中华人民共和国法律援助法》自2022年1月1日起施行。\n\n"
        "一、向谁申请：向办理案件所在地或者争议处理机关所在地的法律援助机构（各区县法律援助中心）"
        "提出申请；也可以先到镇街司法所或公共法律服务工作站咨询，由工作人员帮助转交。\n\n"
        "二、带什么材料：身份证件；经济困难状况的说明（个人诚信承诺）；与所申请事项有关的材料，"
        "如合同、欠条、病历、起诉状等。\n\n"
        "三、免予核查经济困难的情形（法律援助法第四十二条）：无固定生活来源的未成年人、老年人、"
        "残疾人等特定群体；社会救助、司法救助或者优抚对象；申请支付劳动报酬或者请求工伤事故人身"
        "损害赔偿的进城务工人员等。\n\n"
        "四、多久答复：法律援助机构自收到申请之日起七日内审查，作出是否给予法律援助的决定"
        "（第四十三条）。\n\n"
        "不知道是否符合条件，可拨打12348咨询。",
    ),
    (
        "人民调解：免费、自愿的化解纠纷方式",
        GuideCategory.MEDIATION,
        "邻里、婚姻家庭、物业、损害赔偿等民间纠纷，可以申请人民调解，不收取任何费用。",
        "依据《中华人民共和国人民调解法》：\n\n"
        "一、不收费：人民调解委员会调解民间纠纷，不收取任何费用（第四条）。\n\n"
        "二、自愿：调解在当事人自愿、平等的基础上进行；当事人一方明确拒绝调解的，不得调解"
        "（第三条、第十七条）。\n\n"
        "三、怎么申请：向所在村（社区）或镇街的人民调解委员会提出，也可以在本平台“在线申请人民"
        "调解”，选择您所在镇街的司法所。\n\n"
        "四、调解协议的效力：经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照"
        "约定履行（第三十一条）。\n\n"
        "五、多久办结：一般在受理后一个月内调结。调解不成的，调解员会告知您可以通过仲裁、行政、"
        "司法等途径维护权利。",
    ),
    (
        "调解协议的司法确认",
        GuideCategory.MEDIATION,
        "达成调解协议后三十日内，双方可以共同向人民法院申请司法确认。",
        "《中华人民共和国人民调解法》第三十三条：经人民调解委员会调解达成调解协议后，双方当事人"
        "认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。\n\n"
        "一、向哪个法院：调解组织所在地的基层人民法院。\n\n"
        "二、确认有效以后：一方拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。\n\n"
        "三、确认无效的：当事人可以通过人民调解方式变更原调解协议或者达成新的调解协议，也可以向"
        "人民法院提起诉讼。\n\n"
        "调解员可以帮助您准备司法确认申请书。",
    ),
    (
        "劳动争议：仲裁时效是一年",
        GuideCategory.LABOUR,
        "被拖欠工资、被违法解除劳动合同，可以协商、调解，也可以申请劳动争议仲裁。",
        "依据《中华人民共和国劳动争议调解仲裁法》：\n\n"
        "一、途径：协商、调解（企业劳动争议调解委员会、基层人民调解组织等）、劳动争议仲裁、"
        "诉讼。多数劳动争议须先经仲裁，才能向人民法院起诉。\n\n"
        "二、仲裁时效一年：从当事人知道或者应当知道其权利被侵害之日起计算（第二十七条）。"
        "劳动关系存续期间因拖欠劳动报酬发生争议的，不受一年的限制；但劳动关系终止的，应当自"
        "劳动关系终止之日起一年内提出。\n\n"
        "三、仲裁不收费（第五十三条）。仲裁委员会收到申请之日起五日内决定是否受理；一般在受理后"
        "四十五日内作出裁决。\n\n"
        "四、不服裁决：一般可以自收到仲裁裁决书之日起十五日内向人民法院提起诉讼（第四十八条、"
        "第五十条）。\n\n"
        "进城务工人员请求支付劳动报酬，申请法律援助时免予核查经济困难状况。",
    ),
    (
        "12348公共法律服务热线",
        GuideCategory.CONSULTATION,
        "拨打12348，可以获得免费的法律咨询和法律援助指引。",
        "12348是全国统一的公共法律服务热线号码。\n\n"
        "一、能做什么：免费法律咨询；法律援助、人民调解、公证、司法鉴定等事项的办理指引；"
        "对法律服务的意见和投诉。\n\n"
        "二、怎么用：用手机或座机直接拨打12348；也可以登录中国法律服务网（12348中国法网）在线"
        "咨询。\n\n"
        "三、当面咨询：到您所在镇街司法所或村（社区）公共法律服务工作室，工作时间内可以当面咨询。"
        "本平台“法律咨询”也可以在线提问，由所选司法所答复。",
    ),
    (
        "离婚冷静期是怎么回事",
        GuideCategory.FAMILY,
        "协议离婚登记有三十日冷静期，期间任何一方可以撤回申请。",
        "依据《中华人民共和国民法典》第一千零七十七条：\n\n"
        "一、自婚姻登记机关收到离婚登记申请之日起三十日内，任何一方不愿意离婚的，可以向婚姻登记"
        "机关撤回离婚登记申请。\n\n"
        "二、三十日期满后三十日内，双方应当亲自到婚姻登记机关申请发给离婚证；未申请的，视为撤回"
        "离婚登记申请。\n\n"
        "三、冷静期只适用于协议离婚登记，不适用于向人民法院起诉离婚。\n\n"
        "家庭矛盾，可以先申请人民调解，调解不收费。",
    ),
    (
        "民事诉讼时效：一般是三年",
        GuideCategory.OTHER,
        "向人民法院请求保护民事权利，一般要在三年内提出。",
        "依据《中华人民共和国民法典》第一百八十八条：\n\n"
        "一、向人民法院请求保护民事权利的诉讼时效期间为三年，法律另有规定的，依照其规定。\n\n"
        "二、诉讼时效期间自权利人知道或者应当知道权利受到损害以及义务人之日起计算。\n\n"
        "三、自权利受到损害之日起超过二十年的，人民法院不予保护；有特殊情况的，人民法院可以根据"
        "权利人的申请决定延长。\n\n"
        "借款到期未还、欠款不付，请保留好借条、转账记录等证据，尽早主张权利。",
    ),
]


def _office(code: str) -> Unit | None:
    return Unit.objects.filter(code=code, kind="OFFICE").first()


def _mediation(
    citizen: Any, office: Unit, received_on: date, summary: str, respondent: str, name: str
) -> PortalApplication:
    category = DisputeCategory.objects.filter(is_active=True).order_by("sort_order").first()
    return services.application_submit(
        citizen=citizen,
        kind_code="MEDIATION",
        office=office,
        data={
            "category": category,
            "summary": summary,
            "applicant_name": name,
            "respondent_name": respondent,
            "respondent_phone": "",
            "amount_involved": Decimal("0"),
            "received_on": received_on,
        },
        consent=True,
        on=received_on,
    )


def _case(envelope: PortalApplication) -> MediationCase:
    return MediationCase.objects.get(pk=envelope.object_id)


def _accept(envelope: PortalApplication, on: date) -> MediationCase:
    return mediation_services.case_accept(actor=None, case=_case(envelope), accepted_on=on)


def _conclude(envelope: PortalApplication, on: date) -> None:
    case = _accept(envelope, on)
    mediation_services.case_conclude(
        actor=None,
        case=case,
        outcome=Outcome.ORAL,
        concluded_on=on + timedelta(days=3),
        agreement_terms="双方当面协商一致，按约定时间履行完毕。",
    )


def _fill(form_class: Any, office: Unit) -> dict[str, Any] | None:
    """Valid data for a kind's form from its first choices and sample text, or None."""
    blank = form_class(None, office=office)
    data: dict[str, Any] = {}
    today = timezone.localdate()
    for name, field in blank.fields.items():
        if isinstance(field, forms.MultipleChoiceField | forms.FileField) or not field.required:
            continue
        if "phone" in name:
            data[name] = "13800138009"
        elif isinstance(field, forms.BooleanField):
            data[name] = "on"
        elif isinstance(field, forms.ModelChoiceField):
            queryset = field.queryset
            first = queryset.first() if queryset is not None else None
            if first is not None:
                data[name] = str(field.prepare_value(first))
        elif isinstance(field, forms.ChoiceField):
            options: Any = field.choices
            choices = [k for k, _ in options if k not in ("", None)]
            if choices:
                data[name] = str(choices[0])
        elif isinstance(field, forms.DateField):
            data[name] = (today + timedelta(days=3)).isoformat()
        elif isinstance(field, forms.IntegerField | forms.DecimalField):
            data[name] = "1"
        elif isinstance(field, forms.CharField):
            data[name] = "演示：房屋租赁合同到期后押金不退，想了解如何维权。"
    form = form_class(data, office=office)
    if not form.is_valid():
        logger.info("demo: the %s form refused %s", form_class.__name__, form.errors.as_json())
        return None
    return form.cleaned_data


@transaction.atomic
def create_demo_portal() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing."""
    counts = {"guides": 0, "citizens": 0, "applications": 0, "ratings": 0, "follow-ups": 0}
    counts["skipped applications"] = 0
    city = Unit.objects.get(code="610100")
    for title, category, summary, body in GUIDES:
        if not LegalGuide.objects.filter(unit=city, title=title).exists():
            guide = services.guide_create(
                actor=None, unit=city, title=title, category=category, summary=summary, body=body
            )
            services.guide_publish(actor=None, guide=guide, publish=True)
            counts["guides"] += 1
    xiyilu = _office(XIYILU)
    others = [o for o in (_office(c) for c in OTHER_OFFICES) if o is not None]
    if xiyilu is None or not others:
        return counts
    first_phone = services.phone_index(CITIZENS[0][0])
    if CitizenProfile.objects.filter(phone_bidx=first_phone).exists():
        return counts
    people = []
    for phone, name in CITIZENS:
        people.append((services.citizen_for_phone(phone=phone), name))
        counts["citizens"] += 1
    today = timezone.localdate()
    made: list[PortalApplication] = []

    def mediation(i: int, office: Unit, days_ago: int, summary: str, respondent: str) -> Any:
        citizen, name = people[i]
        envelope = _mediation(
            citizen, office, today - timedelta(days=days_ago), summary, respondent, name
        )
        made.append(envelope)
        return envelope

    # 西一路 (610102001): a full set for the demo accounts.
    mediation(0, xiyilu, 1, "楼上住户装修噪音持续到深夜，协商未果。", "王某")
    accepted = mediation(0, xiyilu, 6, "邻居在楼道堆放杂物，影响通行和消防安全。", "刘某")
    _accept(accepted, today - timedelta(days=5))
    refused = mediation(1, xiyilu, 9, "与某公司的合同纠纷，法院已经立案受理。", "某商贸有限公司")
    mediation_services.case_refuse(
        actor=None,
        case=_case(refused),
        reason=RefusalReason.ALREADY_ACCEPTED,
        note="纠纷已由人民法院受理，请按诉讼程序办理。",
    )
    done = mediation(1, xiyilu, 20, "与房东就押金退还发生争议。", "陈某")
    _conclude(done, today - timedelta(days=18))
    poor = mediation(2, xiyilu, 12, "物业费收费标准争议。", "某物业服务有限公司")
    _conclude(poor, today - timedelta(days=10))
    # Elsewhere: every status again, and a poor rating whose follow-up is overdue.
    late = mediation(2, others[0], 70, "宅基地边界争议。", "张某")
    _conclude(late, today - timedelta(days=65))
    kept = mediation(3, others[1 % len(others)], 30, "赡养老人费用分担争议。", "李某")
    _conclude(kept, today - timedelta(days=28))
    closed = mediation(4, others[2 % len(others)], 40, "车辆刮擦赔偿争议。", "吴某")
    _conclude(closed, today - timedelta(days=38))
    for index, office in enumerate(others[3:]):
        envelope = mediation(index % len(people), office, 4, "邻里排水管道漏水纠纷。", "郑某")
        if index % 2:
            _accept(envelope, today - timedelta(days=2))
    ratings = [
        (done, RatingLevel.SATISFIED, "调解员很耐心。", today - timedelta(days=14)),
        (poor, RatingLevel.DISSATISFIED, "等了很久才有人联系我。", today - timedelta(days=2)),
        (late, RatingLevel.VERY_DISSATISFIED, "调解结果没有落实。", today - timedelta(days=60)),
        (kept, RatingLevel.VERY_SATISFIED, "", today - timedelta(days=25)),
        (closed, RatingLevel.DISSATISFIED, "调解员态度生硬。", today - timedelta(days=30)),
    ]
    for envelope, level, comment, on in ratings:
        envelope.refresh_from_db()
        services.rating_create(
            citizen=envelope.citizen, application=envelope, level=level, comment=comment, on=on
        )
        counts["ratings"] += 1
    closed_followup = FollowUp.objects.get(rating__application=closed)
    services.followup_record_call(
        actor=None,
        followup=closed_followup,
        called_on=today - timedelta(days=25),
        reached=ReachedParty.APPLICANT,
        outcome="申请人表示调解员说话太急，希望多听双方意见。",
        rectification="所长约谈调解员，组织调解技巧培训；向申请人致歉。",
        close=True,
    )
    counts["follow-ups"] = FollowUp.objects.count()
    # The other modules' kinds: filed with a form of first choices (SUBMITTED).
    for kind in applications.kinds():
        if kind.code == "MEDIATION":
            continue
        for citizen, office in ((people[0][0], xiyilu), (people[3][0], others[0])):
            data = _fill(kind.form_class, office)
            if data is None:
                counts["skipped applications"] += 1
                continue
            try:
                with transaction.atomic():
                    made.append(
                        services.application_submit(
                            citizen=citizen, kind_code=kind.code, office=office, data=data
                        )
                    )
            except ApplicationError as exc:
                logger.info("demo: %s refused: %s", kind.code, exc.message)
                counts["skipped applications"] += 1
    counts["applications"] = len(made)
    return counts
