"""Demo data for legalservice (seed_demo): every office's ledgers, a full set at 西一路.

Deterministic (a fixed seed) and idempotent (each part runs once). Records are made through
the services as the system; people are linked from the registry (enter once).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifasuo.legalservice import services
from sifasuo.legalservice.choices import (
    AppointmentStatus,
    BookingChannel,
    CentreDecision,
    Channel,
    ExemptCategory,
    Referral,
    SlotService,
)
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    ConsultationTopic,
    LegalAidApplication,
    LegalAidCaseType,
    ServiceSlot,
    ServiceWindow,
    WindowServiceLog,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people.demo import GIVEN, SURNAMES
from sifasuo.people.models import Person

XIYILU = "610102001"
QUESTIONS = {
    "FAMILY": (
        "离婚时夫妻共同财产如何分割？孩子抚养权怎么确定？",
        "依照民法典第一千零八十七条，共同财产由双方协议处理；协议不成的，由人民法院按照照顾子女、女方和无过错方权益的原则判决。抚养权以有利于未成年子女为原则。",
    ),
    "INHERITANCE": (
        "父亲去世没有遗嘱，房产怎么继承？",
        "无遗嘱的按法定继承办理，第一顺序继承人为配偶、子女、父母，同一顺序继承人一般均等继承。",
    ),
    "LABOUR": (
        "公司拖欠三个月工资不发，怎么办？",
        "可先向用人单位所在地劳动保障监察机构投诉，或申请劳动争议仲裁；符合条件的可申请法律援助。",
    ),
    "DEBT": (
        "借给朋友五万元，只有微信聊天记录，能要回来吗？",
        "微信聊天记录、转账记录可以作为证据，建议及时固定证据并书面催收，诉讼时效一般为三年。",
    ),
    "HOUSING": (
        "物业不维修漏水的楼顶，能不能拒交物业费？",
        "业主不得以未接受服务为由拒交物业费，可要求物业履行维修义务，或通过业主委员会、住建部门投诉。",
    ),
    "TRAFFIC": (
        "电动车被汽车撞了，对方只愿意赔医药费。",
        "可要求赔偿医疗费、误工费、护理费、交通费等；对赔偿数额有争议的，可申请交警部门调解或向法院起诉。",
    ),
    "TORT": (
        "邻居家的狗咬伤了孩子，该找谁赔偿？",
        "饲养动物造成他人损害的，动物饲养人或管理人应当承担侵权责任（民法典第一千二百四十五条）。",
    ),
    "CONTRACT": (
        "装修公司拖延工期还要加钱，合同能解除吗？",
        "对方迟延履行主要债务经催告后在合理期限内仍未履行的，可以解除合同并要求赔偿损失。",
    ),
    "LAND": (
        "承包的土地被村里收回另包给别人，合法吗？",
        "承包期内发包方不得收回承包地，确需调整的应依法定程序进行；可向乡镇人民政府申请调解或仲裁。",
    ),
    "EXPROPRIATION": (
        "征收补偿款家里人怎么分？",
        "征收补偿款一般按户内成员的贡献和权益分配，协商不成的可申请人民调解或诉讼。",
    ),
    "CRIMINAL": (
        "家人被刑事拘留，家属能做什么？",
        "可为其委托辩护律师，经济困难的可申请法律援助；侦查阶段律师可会见并申请取保候审。",
    ),
    "ADMINISTRATIVE": (
        "对行政处罚决定不服，怎么救济？",
        "可在收到决定书之日起六十日内申请行政复议，或六个月内提起行政诉讼。",
    ),
    "OTHER": (
        "想立遗嘱，需要办哪些手续？",
        "可自书、代书、打印、录音录像或公证遗嘱，建议到公证机构办理公证遗嘱。",
    ),
}
MATTERS = [
    "用人单位拖欠劳动报酬八个月，申请人系进城务工人员。",
    "因交通事故受伤致残，肇事方拒不赔偿。",
    "子女拒绝支付赡养费，申请人年逾七十无固定收入。",
    "遭受家庭暴力，申请离婚并主张相关权益。",
    "工伤认定后用人单位不支付工伤待遇。",
]
WINDOW_MATTERS = {
    "GENERAL": "咨询引导、材料收转",
    "LEGAL_AID": "法律援助申请指引及材料审查",
    "MEDIATION": "接待纠纷当事人，登记调解申请",
    "NOTARY": "公证事项咨询及预约",
    "LAWYER": "律师值班接待",
    "APPRAISAL": "司法鉴定事项指引",
    "OTHER": "其他法律服务",
}
SLOT_TIMES = [(time(9, 0), time(10, 0)), (time(10, 0), time(11, 30)), (time(14, 30), time(16, 0))]


def _person(rng: random.Random, people: list[Person]) -> Person | None:
    if people and rng.random() < 0.7:
        return rng.choice(people)
    return None


def _consultations(
    office: Unit, count: int, rng: random.Random, topics: list[ConsultationTopic], today: date
) -> int:
    people = list(Person.objects.filter(unit__path__startswith=office.path).order_by("pk")[:30])
    created = 0
    for n in range(count):
        topic = topics[(n + rng.randrange(0, len(topics))) % len(topics)]
        question, answer = QUESTIONS.get(topic.code, QUESTIONS["OTHER"])
        channel = rng.choice([Channel.WALK_IN] * 5 + [Channel.PHONE] * 2 + [Channel.HOTLINE])
        referral = ""
        if rng.random() < 0.3:
            referral = rng.choice(Referral.values)
        services.consultation_create(
            actor=None,
            office=office,
            channel=channel,
            topic=topic,
            question=question,
            received_on=today - timedelta(days=rng.randrange(0, 120)),
            person=_person(rng, people),
            answer=answer,
            duration_minutes=rng.choice([10, 15, 20, 30, 45]),
            referral=referral,
            referral_note="已告知办理地点和所需材料。" if referral else "",
        )
        created += 1
    return created


def _online_pending(office: Unit, topics: list[ConsultationTopic], today: date) -> int:
    """Online questions awaiting an answer: one received a week ago is past its due date."""
    created = 0
    for back, topic in ((7, topics[2]), (1, topics[0]), (0, topics[3])):
        question, _ = QUESTIONS.get(topic.code, QUESTIONS["OTHER"])
        services.consultation_create(
            actor=None,
            office=office,
            channel=Channel.ONLINE,
            topic=topic,
            question=question,
            received_on=today - timedelta(days=back),
        )
        created += 1
    return created


def _legal_aid(
    office: Unit, count: int, rng: random.Random, types: list[LegalAidCaseType], today: date
) -> int:
    people = list(Person.objects.filter(unit__path__startswith=office.path).order_by("-pk")[:10])
    created = 0
    for n in range(count):
        case_type = types[(n * 3 + rng.randrange(0, len(types))) % len(types)]
        received = today - timedelta(days=rng.randrange(0, 90) if n else 1)
        person = people[n % len(people)] if people else None
        exempt = [ExemptCategory.MIGRANT_WORKER] if case_type.code == "WAGES" else []
        if rng.random() < 0.15:
            exempt.append(ExemptCategory.MINIMUM_LIVING)
        application = services.legal_aid_create(
            actor=None,
            office=office,
            channel=Channel.WALK_IN if n % 4 else Channel.PHONE,
            case_type=case_type,
            matter=MATTERS[n % len(MATTERS)],
            received_on=received,
            household_size=rng.choice([1, 2, 3, 4, 5]),
            monthly_household_income=Decimal(rng.choice([0, 600, 1200, 2000, 3500, 6000])),
            assets_note="无房产、无车辆" if rng.random() < 0.6 else "自住房一套",
            exempt_categories=exempt,
            person=person,
            applicant_name="" if person else rng.choice(SURNAMES) + rng.choice(GIVEN),
            applicant_phone="" if person else f"139{rng.randrange(10000000, 99999999)}",
        )
        created += 1
        age = (today - received).days
        if age < 3 and n % 2:
            continue  # still being prepared: the to-do list shows it
        services.legal_aid_set_materials(
            actor=None, application=application, materials=case_type.material_list
        )
        transferred = min(received + timedelta(days=rng.randrange(0, 3)), today)
        services.legal_aid_transfer(
            actor=None,
            application=application,
            transferred_on=transferred,
            note="材料齐全，已转交区法律援助中心审查。",
        )
        if (today - transferred).days < 7:
            continue
        refused = application.eligibility != "ELIGIBLE" or rng.random() < 0.1
        services.legal_aid_record_decision(
            actor=None,
            application=application,
            decision=CentreDecision.REFUSED if refused else CentreDecision.ACCEPTED,
            decided_on=transferred + timedelta(days=rng.randrange(3, 7)),
            reason="申请人家庭经济状况不符合经济困难标准。" if refused else "",
        )
    return created


def _slots_and_bookings(
    office: Unit, rng: random.Random, today: date, full: bool
) -> tuple[int, int]:
    people = list(Person.objects.filter(unit__path__startswith=office.path).order_by("pk")[:20])
    services_offered = [SlotService.CONSULTATION, SlotService.MEDIATION]
    if full:
        services_offered += [SlotService.LEGAL_AID, SlotService.REFERRAL]
    slots = 0
    for n, service in enumerate(services_offered):
        start, end = SLOT_TIMES[n % len(SLOT_TIMES)]
        slots += len(
            services.slots_publish(
                actor=None,
                office=office,
                service=service,
                first_day=today - timedelta(days=14 if full else 3),
                last_day=today + timedelta(days=14 if full else 7),
                start_time=start,
                end_time=end,
                capacity=3 if service == SlotService.CONSULTATION else 2,
                place="公共法律服务工作站",
                allow_past=True,
            )
        )
    bookings = 0
    for slot in ServiceSlot.objects.filter(unit=office).order_by("date", "start_time"):
        if rng.random() > (0.6 if full else 0.3):
            continue
        person = rng.choice(people) if people and rng.random() < 0.8 else None
        appointment = services.appointment_book(
            actor=None,
            slot=slot,
            channel=BookingChannel.COUNTER,
            person=person,
            contact_name="" if person else rng.choice(SURNAMES) + rng.choice(GIVEN),
            contact_phone="" if person else f"137{rng.randrange(10000000, 99999999)}",
            matter="咨询" + slot.get_service_display(),
            allow_past=True,
        )
        bookings += 1
        if slot.date < today:
            roll = rng.random()
            if roll < 0.15 and slot.date < today - timedelta(days=1):
                continue  # the outcome was not recorded: on the to-do list
            status = (
                AppointmentStatus.KEPT
                if roll < 0.75
                else AppointmentStatus.NO_SHOW
                if roll < 0.9
                else AppointmentStatus.CANCELLED
            )
            services.appointment_record_outcome(
                actor=None,
                appointment=appointment,
                status=status,
                on=slot.date,
                note="按时到场办理" if status == AppointmentStatus.KEPT else "",
            )
    return slots, bookings


def _windows(office: Unit, count: int, rng: random.Random, today: date) -> int:
    windows = list(ServiceWindow.objects.filter(is_active=True).order_by("sort_order"))
    for n in range(count):
        window = windows[0] if n % 3 == 0 else rng.choice(windows)
        services.window_log_create(
            actor=None,
            office=office,
            served_on=today - timedelta(days=rng.randrange(0, 60)),
            window=window,
            matter=WINDOW_MATTERS.get(window.code, "其他法律服务"),
            people_served=rng.choice([1, 1, 2, 3, 5, 8]),
            minutes=rng.choice([10, 20, 30, 60, 90]),
        )
    return count


def create_demo_legalservice() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing."""
    counts = {
        "consultations": 0,
        "legal aid pre-applications": 0,
        "appointment slots": 0,
        "appointments": 0,
        "window services": 0,
    }
    today = timezone.localdate()
    rng = random.Random(20246)  # noqa: S311 - synthetic demo data
    topics = list(ConsultationTopic.objects.filter(is_active=True).order_by("sort_order"))
    types = list(LegalAidCaseType.objects.filter(is_active=True).order_by("sort_order"))
    offices = list(Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("code"))
    xiyilu = next((o for o in offices if o.code == XIYILU), None)
    if not Consultation.objects.exists():
        for n, office in enumerate(offices):
            full = office.code == XIYILU
            with transaction.atomic():
                counts["consultations"] += _consultations(
                    office, 25 if full else 1 + n % 2, rng, topics, today
                )
        if xiyilu is not None:
            counts["consultations"] += _online_pending(xiyilu, topics, today)
    if not LegalAidApplication.objects.exists():
        for n, office in enumerate(offices):
            full = office.code == XIYILU
            if not full and n % 3:
                continue
            with transaction.atomic():
                counts["legal aid pre-applications"] += _legal_aid(
                    office, 8 if full else 1, rng, types, today
                )
        if xiyilu is not None:
            services.legal_aid_create(
                actor=None,
                office=xiyilu,
                channel=Channel.ONLINE,
                case_type=types[4],
                matter="工地拖欠工资半年，包工头失联。",
                received_on=today,
                household_size=3,
                monthly_household_income=Decimal("1800"),
                exempt_categories=[ExemptCategory.MIGRANT_WORKER],
                applicant_name="王建国",
                applicant_phone="13912345678",
            )
            counts["legal aid pre-applications"] += 1
    if not ServiceSlot.objects.exists():
        for n, office in enumerate(offices):
            full = office.code == XIYILU
            if not full and n % 20:
                continue
            with transaction.atomic():
                slots, bookings = _slots_and_bookings(office, rng, today, full)
            counts["appointment slots"] += slots
            counts["appointments"] += bookings
    if not WindowServiceLog.objects.exists():
        for n, office in enumerate(offices):
            full = office.code == XIYILU
            if not full and n % 2:
                continue
            with transaction.atomic():
                counts["window services"] += _windows(office, 15 if full else 2, rng, today)
    return counts


def demo_summary() -> dict[str, Any]:
    """How much of each ledger there is (for a quick look in a shell)."""
    return {
        "consultations": Consultation.objects.count(),
        "legal_aid": LegalAidApplication.objects.count(),
        "slots": ServiceSlot.objects.count(),
        "appointments": Appointment.objects.count(),
        "windows": WindowServiceLog.objects.count(),
    }
