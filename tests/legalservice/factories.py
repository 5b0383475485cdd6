"""Public legal service records for tests, made through the services (scope and audit apply)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from sifasuo.legalservice import services
from sifasuo.legalservice.choices import Channel, SlotService
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
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person

XIYILU = "610102001"
_numbers = count(300)


def office(code: str = XIYILU) -> Unit:
    return Unit.objects.get(code=code)


def topic(code: str = "LABOUR") -> ConsultationTopic:
    return ConsultationTopic.objects.get(code=code)


def case_type(code: str = "WAGES") -> LegalAidCaseType:
    return LegalAidCaseType.objects.get(code=code)


def id_number() -> str:
    return synthetic_id_number("610102", date(1970, 1, 1) + timedelta(days=next(_numbers)), 3, True)


def person(unit: Unit | None = None, name: str = "赵咨询") -> Person:
    return people_services.person_create(
        actor=None,
        unit=unit or office(),
        name=name,
        id_number=id_number(),
        phone="13812345678",
    )


def consultation(*, actor: Any = None, unit: str = XIYILU, **kwargs: Any) -> Consultation:
    defaults: dict[str, Any] = {
        "channel": Channel.WALK_IN,
        "topic": topic(),
        "question": "公司拖欠工资怎么办？",
        "received_on": timezone.localdate(),
        "answer": "可申请劳动争议仲裁。",
    }
    defaults.update(kwargs)
    return services.consultation_create(actor=actor, office=office(unit), **defaults)


def online_consultation(*, unit: str = XIYILU, days_ago: int = 0, citizen: Any = None) -> Any:
    return services.consultation_create(
        actor=None,
        office=office(unit),
        channel=Channel.ONLINE,
        topic=topic(),
        question="网上提问：工资被拖欠。",
        received_on=timezone.localdate() - timedelta(days=days_ago),
        citizen=citizen,
    )


def legal_aid(*, actor: Any = None, unit: str = XIYILU, **kwargs: Any) -> LegalAidApplication:
    defaults: dict[str, Any] = {
        "channel": Channel.WALK_IN,
        "case_type": case_type(),
        "matter": "拖欠工资八个月。",
        "received_on": timezone.localdate(),
        "household_size": 3,
        "monthly_household_income": Decimal("1500"),
        "applicant_name": "钱援助",
        "applicant_phone": "13900001111",
    }
    defaults.update(kwargs)
    return services.legal_aid_create(actor=actor, office=office(unit), **defaults)


def slot(
    *,
    actor: Any = None,
    unit: str = XIYILU,
    day: date | None = None,
    capacity: int = 2,
    start: time = time(9, 0),
    service: str = SlotService.CONSULTATION,
) -> ServiceSlot:
    day = day or timezone.localdate() + timedelta(days=1)
    (made,) = services.slots_publish(
        actor=actor,
        office=office(unit),
        service=service,
        first_day=day,
        last_day=day,
        start_time=start,
        end_time=time(start.hour + 1, 0),
        capacity=capacity,
        allow_past=day < timezone.localdate(),
    )
    return made


def appointment(
    *, actor: Any = None, slot_: ServiceSlot | None = None, **kwargs: Any
) -> Appointment:
    defaults: dict[str, Any] = {"contact_name": "孙预约", "contact_phone": "13700002222"}
    defaults.update(kwargs)
    target = slot_ or slot()
    return services.appointment_book(
        actor=actor, slot=target, allow_past=target.is_past, **defaults
    )


def window_log(*, actor: Any = None, unit: str = XIYILU) -> WindowServiceLog:
    return services.window_log_create(
        actor=actor,
        office=office(unit),
        served_on=timezone.localdate(),
        window=ServiceWindow.objects.get(code="GENERAL"),
        matter="咨询引导",
        people_served=3,
        minutes=30,
    )


# The permission matrix makes records for units of every kind: straight into the table.
_serial = count(1)


def matrix_consultation(unit: Unit) -> Consultation:
    return Consultation.objects.create(
        unit=unit,
        channel=Channel.WALK_IN,
        topic=topic(),
        question="矩阵测试",
        received_on=date(2024, 3, 1),
    )


def matrix_legal_aid(unit: Unit) -> LegalAidApplication:
    return LegalAidApplication.objects.create(
        unit=unit,
        channel=Channel.WALK_IN,
        case_type=case_type(),
        matter="矩阵测试",
        received_on=date(2024, 3, 1),
        eligibility="ELIGIBLE",
        applicant_name="矩阵",
    )


def matrix_appointment(unit: Unit) -> Appointment:
    made = ServiceSlot.objects.create(
        unit=unit,
        service=SlotService.CONSULTATION,
        date=date(2030, 1, 1) + timedelta(days=next(_serial)),
        start_time=time(9, 0),
        end_time=time(10, 0),
        capacity=2,
        booked=1,
    )
    return Appointment.objects.create(
        unit=unit, slot=made, date=made.date, channel="COUNTER", contact_name="矩阵"
    )
