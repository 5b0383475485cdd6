"""Demo mediation data: committees in every town and most villages, mediators, a year of cases.

Deterministic (a fixed seed) and idempotent: a second run adds nothing. Cases are made
through the services, as the system, with dates over the past year, so every state, every
category and some overdue cases appear in every district.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifasuo.accounts.models import User
from sifasuo.mediation import services
from sifasuo.mediation.choices import (
    CaseSource,
    CaseStatus,
    CommitteeType,
    Employment,
    MediatorPosition,
    Outcome,
    PartyKind,
    PartyRole,
    Performance,
    RecordKind,
    ReferralOrgan,
    RefusalReason,
    RiskLevel,
    Satisfaction,
    TransferKind,
    VisitMethod,
)
from sifasuo.mediation.models import CommitteeProfile, DisputeCategory, MediationCase, Mediator
from sifasuo.orgs.choices import COMMITTEE_SUFFIX, DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.people.demo import GIVEN, SURNAMES, synthetic_id_number

VILLAGE_SHARE = 0.8  # "most villages" have a committee in the demo
SUMMARIES = {
    "FAMILY": "夫妻双方因子女抚养和财产分割发生争执",
    "NEIGHBOUR": "相邻两户因排水、通行问题多次发生口角",
    "HOUSING": "宅基地界址不清，双方对围墙位置有争议",
    "CONTRACT": "双方因装修合同工程款支付发生纠纷",
    "PRODUCTION": "合伙经营养殖场，双方对分红比例有争议",
    "DAMAGES": "饲养的犬只咬伤行人，双方就赔偿数额协商未果",
    "LAND": "土地承包经营权流转期满后对续包有争议",
    "DEMOLITION": "征收补偿款分配在家庭成员之间发生争议",
    "ENVIRONMENT": "餐饮店油烟、噪声影响楼上住户休息",
    "LABOUR": "务工人员讨要拖欠的劳务报酬",
    "CONSUMER": "购买的家电出现质量问题，商家拒绝退换",
    "MEDICAL": "患者家属对诊所治疗结果不满，要求赔偿",
    "TRAFFIC": "电动车与行人相撞，双方就医疗费承担有争议",
    "PROPERTY": "业主以服务不到位为由拒交物业费",
    "OTHER": "邻里之间因停车位使用发生争执",
}
ORGANISATIONS = ["某物业服务有限公司", "某装饰工程有限公司", "某商贸有限公司", "某建筑劳务有限公司"]


def create_demo_committees() -> int:
    """Give every town committee a profile, and most villages a committee; return new ones."""
    created = 0
    offices = Unit.objects.filter(kind=UnitKind.OFFICE).select_related("division")
    existing = set(Unit.objects.filter(kind=UnitKind.COMMITTEE).values_list("code", flat=True))
    rng = random.Random(20242)  # noqa: S311 - synthetic demo data
    with transaction.atomic():
        for office in offices.order_by("code"):
            if office.division is None:
                continue
            villages = Division.objects.filter(
                parent=office.division, level=DivisionLevel.VILLAGE
            ).order_by("code")
            for n, village in enumerate(villages, start=2):
                keep = rng.random() < VILLAGE_SHARE
                code = f"{office.code}{COMMITTEE_SUFFIX}{n:02d}"
                if not keep or code in existing or n > 99:
                    continue
                Unit.objects.create(
                    code=code,
                    name=f"{village.name}人民调解委员会",
                    short_name=f"{office.short_name}{village.name[:4]}",
                    kind=UnitKind.COMMITTEE,
                    parent=office,
                    division=village,
                )
                created += 1
    with transaction.atomic():
        profiled = set(CommitteeProfile.objects.values_list("unit_id", flat=True))
        for committee in Unit.objects.filter(kind=UnitKind.COMMITTEE).select_related("division"):
            if committee.pk in profiled or committee.parent_id is None:
                continue
            is_village = committee.division is not None and (
                committee.division.level == DivisionLevel.VILLAGE
            )
            services.committee_profile_save(
                actor=None,
                committee=committee,
                committee_type=CommitteeType.VILLAGE if is_village else CommitteeType.TOWN,
                served_division=committee.division,
                established_on=date(2011, 1, 1),
                term_start=date(2023, 1, 1),
            )
    return created


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _party(rng: random.Random, role: str, region: str, serial: int) -> services.PartyInput:
    if role == PartyRole.RESPONDENT and rng.random() < 0.15:
        return services.PartyInput(
            role=role, kind=PartyKind.ORGANISATION, name=rng.choice(ORGANISATIONS)
        )
    male = rng.random() < 0.5
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
    number = synthetic_id_number(region, born, serial, male)
    return services.PartyInput(
        role=role,
        name=_name(rng),
        id_number=number,
        phone=f"13{rng.randrange(100000000, 999999999)}",
        sex="M" if male else "F",
    )


def create_demo_mediators(committees: list[Unit]) -> int:
    """Five members (a director, a woman among them) for each given committee."""
    created = 0
    rng = random.Random(20243)  # noqa: S311 - synthetic demo data
    positions = [
        MediatorPosition.DIRECTOR,
        MediatorPosition.DEPUTY,
        MediatorPosition.MEMBER,
        MediatorPosition.MEMBER,
        MediatorPosition.MEDIATOR,
    ]
    for committee in committees:
        if Mediator.objects.filter(unit=committee).exists():
            continue
        with transaction.atomic():
            for n, position in enumerate(positions):
                female = n in (1, 3)
                born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
                serial = 700 + n + int(committee.code[6:9] or 0) % 50
                services.mediator_register(
                    actor=None,
                    committee=committee,
                    party=services.PartyInput(
                        role="",
                        name=_name(rng),
                        id_number=synthetic_id_number(
                            committee.code[:6], born, serial, male=not female
                        ),
                        sex="F" if female else "M",
                    ),
                    position=position,
                    employment=Employment.FULL_TIME if n == 0 else Employment.PART_TIME,
                    joined_on=date(2023, 1, 1),
                    training_hours=Decimal(rng.choice([8, 12, 16, 24])),
                )
                created += 1
    return created


def _walk(case: MediationCase, rng: random.Random, today: date, clerk: Any) -> None:
    """Take a registered case as far as its age and luck say, as the real ledger would."""
    age = (today - case.received_on).days
    if age < 2 and rng.random() < 0.7:
        return  # still awaiting the decision to accept
    if rng.random() < 0.06:
        services.case_refuse(
            actor=clerk,
            case=case,
            reason=rng.choice(RefusalReason.values),
            note="已告知当事人可通过其他途径解决。",
        )
        if age > 20:
            services.case_close(actor=clerk, case=case, closed_on=case.received_on + timedelta(3))
        return
    accepted_on = min(case.received_on + timedelta(days=rng.randrange(0, 3)), today)
    services.case_accept(actor=clerk, case=case, accepted_on=accepted_on)
    days_open = (today - accepted_on).days
    session_on = min(accepted_on + timedelta(days=rng.randrange(1, 10)), today)
    if days_open < 3 and rng.random() < 0.5:
        return
    services.case_add_record(
        actor=clerk,
        case=case,
        kind=RecordKind.INVESTIGATION,
        held_on=min(accepted_on + timedelta(days=1), today),
        content="走访双方当事人及周边群众，了解纠纷起因和经过。",
        place="当事人住所",
    )
    # Some cases stay open past the month: the overdue ones the to-do lists flag.
    if (days_open < 35 and rng.random() < 0.45) or rng.random() < 0.03:
        services.case_add_record(
            actor=clerk,
            case=case,
            kind=RecordKind.SESSION,
            held_on=session_on,
            content="组织双方面对面调解，双方各自陈述意见，调解员释法明理。",
            place="调解室",
        )
        return
    concluded_on = min(session_on + timedelta(days=rng.randrange(0, 20)), today)
    roll = rng.random()
    if roll < 0.08:
        services.case_conclude(
            actor=clerk,
            case=case,
            outcome=Outcome.FAILED,
            concluded_on=concluded_on,
            routes_informed=True,
            termination_note="双方分歧较大，已告知可申请仲裁或向人民法院起诉。",
        )
        if (today - concluded_on).days > 10:
            services.case_close(actor=clerk, case=case, closed_on=concluded_on + timedelta(5))
        return
    outcome = Outcome.WRITTEN if roll < 0.75 else Outcome.ORAL
    amount = Decimal(rng.choice([0, 500, 1200, 3000, 8000, 20000]))
    deadline = concluded_on + timedelta(days=rng.choice([3, 7, 15, 30]))
    services.case_conclude(
        actor=clerk,
        case=case,
        outcome=outcome,
        concluded_on=concluded_on,
        facts="经调查，纠纷事实清楚，双方对主要事实无异议，被申请人负主要责任。",
        agreement_terms="被申请人于履行期限内向申请人支付赔偿款，双方今后互谅互让，不再因此事发生纠纷。",
        performance_manner="一次性支付",
        performance_deadline=deadline,
        agreement_amount=amount,
    )
    if outcome == Outcome.WRITTEN and rng.random() < 0.1:
        services.case_apply_confirmation(
            actor=clerk,
            case=case,
            applied_on=min(concluded_on + timedelta(days=5), today),
            court="所在区（县）人民法院",
        )
    visit_due = case.return_visit_due
    if visit_due and visit_due < today and rng.random() < 0.85:
        visited_on = min(visit_due, today)
        services.case_return_visit(
            actor=clerk,
            case=case,
            visited_on=visited_on,
            method=rng.choice(VisitMethod.values),
            performance=Performance.PERFORMED if rng.random() < 0.92 else Performance.PARTLY,
            satisfaction=rng.choice(
                [Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.BASICALLY]
            ),
            notes="当事人表示协议已履行。",
        )
        if (today - visited_on).days > 7:
            services.case_close(actor=clerk, case=case, closed_on=visited_on + timedelta(3))


def create_demo_cases(per_office: int = 12, xiyilu: int = 60) -> int:
    """A year of cases in every office's committees (more at 西一路); 0 if any case exists."""
    if MediationCase.objects.exists():
        return 0
    rng = random.Random(20244)  # noqa: S311 - synthetic demo data
    today = timezone.localdate()
    categories = list(DisputeCategory.objects.filter(is_active=True).order_by("sort_order"))
    committees_by_office: dict[int, list[Unit]] = {}
    for committee in Unit.objects.filter(kind=UnitKind.COMMITTEE).order_by("code"):
        committees_by_office.setdefault(committee.parent_id or 0, []).append(committee)
    mediator_user = User.objects.filter(username="xiyilu_mediator").first()
    created = 0
    serial = 0
    for office in Unit.objects.filter(kind=UnitKind.OFFICE).order_by("code"):
        committees = committees_by_office.get(office.pk, [])
        if not committees:
            continue
        count = xiyilu if office.code == "610102001" else per_office
        with transaction.atomic():
            for n in range(count):
                serial += 1
                committee = committees[0] if n % 3 else rng.choice(committees)
                category = categories[(serial + n) % len(categories)]
                source = rng.choice(
                    [CaseSource.APPLICATION] * 3 + [CaseSource.INITIATIVE, CaseSource.REFERRAL]
                )
                received_on = today - timedelta(days=rng.randrange(0, 365))
                actor = mediator_user if committee.code == "610102001T01" else None
                case = services.case_register(
                    actor=actor,
                    committee=committee,
                    source=source,
                    referral_organ=rng.choice(ReferralOrgan.values)
                    if source == CaseSource.REFERRAL
                    else "",
                    category=category,
                    summary=SUMMARIES.get(category.code, SUMMARIES["OTHER"]),
                    received_on=received_on,
                    amount_involved=Decimal(rng.choice([0, 800, 2000, 5000, 30000])),
                    people_involved=rng.choice([2, 2, 2, 3, 4, 6]),
                    parties=[
                        _party(rng, PartyRole.APPLICANT, office.code[:6], serial * 2),
                        _party(rng, PartyRole.RESPONDENT, office.code[:6], serial * 2 + 1),
                    ],
                )
                _walk(case, rng, today, actor)
                created += 1
    _demo_transfer(today)
    return created


def _demo_transfer(today: date) -> None:
    """One village case escalated to the town committee of 西一路, awaiting acceptance."""
    case = (
        MediationCase.objects.filter(
            unit__parent__code="610102001",
            status__in=[CaseStatus.ACCEPTED, CaseStatus.INVESTIGATING, CaseStatus.MEDIATING],
        )
        .exclude(unit__code="610102001T01")
        .first()
    )
    town = Unit.objects.filter(code="610102001T01").first()
    if case is None or town is None:
        return
    services.case_transfer_request(
        actor=None,
        case=case,
        to_unit=town,
        kind=TransferKind.ESCALATE,
        reason="涉及多户村民，村调委会调解难度大，提请街道调委会调解。",
    )


def create_demo_screening(months: int = 3) -> int:
    """Monthly screening reports of the 西一路 committees, "none found" ones included."""
    from sifasuo.mediation.models import ScreeningReport

    if ScreeningReport.objects.exists():
        return 0
    rng = random.Random(20245)  # noqa: S311 - synthetic demo data
    today = timezone.localdate()
    categories = list(DisputeCategory.objects.order_by("sort_order"))
    created = 0
    committees = Unit.objects.filter(
        kind=UnitKind.COMMITTEE, parent__code__in=["610102001", "610116001"]
    )
    for committee in committees.select_related("division"):
        if committee.division is None:
            continue
        for back in range(1, months + 1):
            first = (today.replace(day=1) - timedelta(days=28 * back)).replace(day=1)
            items = []
            if rng.random() < 0.5:
                category = rng.choice(categories)
                items.append(
                    services.ScreeningItemInput(
                        category=category,
                        description=SUMMARIES.get(category.code, SUMMARIES["OTHER"]),
                        risk_level=rng.choice(RiskLevel.values),
                    )
                )
            services.screening_report_create(
                actor=None,
                unit=committee,
                division=committee.division,
                period=first,
                reported_on=min(first + timedelta(days=27), today),
                items=items,
            )
            created += 1
    return created


def create_demo_mediation() -> dict[str, int]:
    """Everything above, in order; return what was created."""
    committees = create_demo_committees()
    town_committees = list(
        Unit.objects.filter(kind=UnitKind.COMMITTEE, code__endswith="T01").order_by("code")[:40]
    )
    town_committees += list(Unit.objects.filter(code__in=["610102001T01", "610116001T01"]))
    mediators = create_demo_mediators(town_committees)
    cases = create_demo_cases()
    screening = create_demo_screening()
    return {
        "committees": committees,
        "mediators": mediators,
        "cases": cases,
        "screening": screening,
    }
