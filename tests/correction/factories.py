"""Correction records for tests, made through the services (so scope and audit apply)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from sifasuo.correction import services
from sifasuo.correction.choices import Category, SupervisionClass
from sifasuo.correction.models import CorrectionSubject
from sifasuo.orgs.models import Unit
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person

_numbers = count(700)
CRIME = "盗窃罪"
SENTENCE = "有期徒刑一年，缓刑二年"
PHONE = "13987654321"
ADDRESS = "西安市新城区西一路十八号院3单元502室"


def today() -> date:
    return timezone.localdate()


def id_number(born: date = date(1985, 6, 7)) -> str:
    return synthetic_id_number("610102", born + timedelta(days=next(_numbers)), 3, male=True)


def person(unit: Unit | str = "610102001", name: str = "赵矫正", number: str = "") -> Person:
    office = unit if isinstance(unit, Unit) else Unit.objects.get(code=unit)
    return services.subject_person(
        actor=None,
        office=office,
        name=name,
        id_number=number or id_number(),
        phone=PHONE,
        address=ADDRESS,
    )


def registered(
    *,
    actor: Any = None,
    office: Unit | str = "610102001",
    category: str = Category.PROBATION,
    effective: date | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    supervision_class: str = SupervisionClass.STRICT,
    name: str = "赵矫正",
    **kwargs: Any,
) -> CorrectionSubject:
    unit = office if isinstance(office, Unit) else Unit.objects.get(code=office)
    effective = effective or today() - timedelta(days=60)
    start = period_start or effective
    return services.subject_register(
        actor=actor,
        office=unit,
        person=kwargs.pop("person", None) or person(unit, name),
        category=category,
        decision_organ="西安市新城区人民法院",
        decision_document="（2024）陕0102刑初123号",
        judgment_effective_on=effective,
        crime=kwargs.pop("crime", CRIME),
        sentence=kwargs.pop("sentence", SENTENCE),
        criminal_facts=kwargs.pop("criminal_facts", "多次入户盗窃财物"),
        period_start=start,
        period_end=period_end or start + timedelta(days=730),
        supervision_class=supervision_class,
        **kwargs,
    )


def received(*, actor: Any = None, received_days_ago: int = 55, **kwargs: Any) -> CorrectionSubject:
    kwargs.setdefault("effective", today() - timedelta(days=received_days_ago + 5))
    subject = registered(actor=actor, **kwargs)
    return services.subject_receive(
        actor=actor, subject=subject, received_on=today() - timedelta(days=received_days_ago)
    )


def with_report_overdue(*, days: int = 1, actor: Any = None, **kwargs: Any) -> CorrectionSubject:
    """A strict subject (weekly report) whose next report was due ``days`` ago (visited today)."""
    subject = received(actor=actor, **kwargs)
    services.contact_record(actor=actor, subject=subject, kind="FIELD_VISIT", occurred_on=today())
    services.contact_record(
        actor=actor,
        subject=subject,
        kind="IN_PERSON",
        occurred_on=today() - timedelta(days=7 + days),
    )
    subject.refresh_from_db()
    return subject
