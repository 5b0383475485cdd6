"""Demo data for resettlement (seed_demo): files in every office, every state, some overdue.

Created through the services as the system (``actor=None``), with dates relative to today
so that the deadlines and to-dos always show something. Idempotent: a person who already
has a file is skipped, an office with a visitation system or requests gets no more.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import GIVEN, STREETS, SURNAMES, synthetic_id_number
from sifasuo.people.models import Person
from sifasuo.resettlement import services
from sifasuo.resettlement.choices import (
    Channel,
    HandoverMethod,
    MeasureKind,
    MeasureResult,
    Relationship,
    ReleaseType,
    RiskLevel,
    TeamRole,
    VisitMethod,
)
from sifasuo.resettlement.models import ReleasedPerson, VisitationRequest, VisitationSystem

XIYILU = "610102001"
PRISONS = ["陕西省监狱", "陕西省渭南监狱", "陕西省女子监狱", "西安市看守所", "陕西省汉中监狱"]
CRIMES = [
    ("盗窃罪", "有期徒刑三年"),
    ("诈骗罪", "有期徒刑四年"),
    ("故意伤害罪", "有期徒刑二年六个月"),
    ("寻衅滋事罪", "有期徒刑一年六个月"),
    ("危险驾驶罪", "拘役四个月"),
]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def _person(office: Unit, rng: random.Random, sequence: int) -> Person:
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35))
    male = rng.random() < 0.85
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = f"13{rng.randrange(100000000, 999999999)}"
    street, house = rng.choice(STREETS), rng.randrange(1, 300)
    number = synthetic_id_number(office.code[:6], born, 700 + sequence, male)
    index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
    existing = Person.objects.filter(id_number_bidx=index).first()
    if existing is not None:
        return existing
    return people_services.person_create(
        actor=None,
        unit=office,
        name=name,
        id_number=number,
        phone=phone,
        address=f"西安市{office.name.removesuffix('司法所')}{street}{house}号",
    )


def _register(
    office: Unit, person: Person, rng: random.Random, *, released_on: date, **kwargs: Any
) -> ReleasedPerson:
    crime, sentence = rng.choice(CRIMES)
    release_type = kwargs.pop("release_type", ReleaseType.PRISON)
    prison = "西安市看守所" if release_type == ReleaseType.DETENTION else rng.choice(PRISONS[:3])
    return services.released_person_register(
        actor=None,
        unit=office,
        person=person,
        release_type=release_type,
        released_on=released_on,
        prison=prison,
        crime=crime,
        sentence=sentence,
        notice_received_on=kwargs.pop("notice_received_on", released_on - timedelta(days=30)),
        **kwargs,
    )


def _v(rp: ReleasedPerson) -> int:
    rp.refresh_from_db(fields=["version"])
    return rp.version


def _hand_over(rp: ReleasedPerson, day: date, gate: bool = False) -> ReleasedPerson:
    if rp.unit.code == XIYILU:  # elsewhere the family step is left out to keep the seed quick
        services.released_person_notify_family(
            actor=None, released_person=rp, notified_on=rp.notice_received_on or day, version=_v(rp)
        )
    return services.released_person_hand_over(
        actor=None,
        released_person=rp,
        handed_over_on=day,
        method=HandoverMethod.MET_AT_GATE if gate else HandoverMethod.REPORTED_IN,
        handed_over_by="司法所工作人员、村（社区）干部、家属" if gate else "司法所值班人员",
        reported_on=day + timedelta(days=1) if gate else None,
        version=_v(rp),
    )


def _assist(rp: ReleasedPerson, today: date, placed: bool = True) -> ReleasedPerson:
    start = rp.handed_over_on or rp.released_on
    services.team_member_add(
        actor=None, released_person=rp, name="司法所专干", role=TeamRole.OFFICE, joined_on=start
    )
    services.released_person_sign_agreement(
        actor=None,
        released_person=rp,
        signed_on=min(start + timedelta(days=3), today),
        version=_v(rp),
    )
    services.visit_record(
        actor=None,
        released_person=rp,
        visited_on=min(start + timedelta(days=5), today),
        method=VisitMethod.HOME,
        visitors="司法所专干、社区网格员",
        notes="家庭关系和睦，正在联系就业。",
    )
    services.measure_add(
        actor=None,
        released_person=rp,
        kind=MeasureKind.EMPLOYMENT if placed else MeasureKind.TRAINING,
        started_on=min(start + timedelta(days=10), today),
        result=MeasureResult.PLACED if placed else MeasureResult.PENDING,
        result_on=min(start + timedelta(days=40), today) if placed else None,
        note="社区推荐就业" if placed else "参加技能培训",
    )
    if not placed:
        services.risk_assess(
            actor=None,
            released_person=rp,
            assessed_on=min(start + timedelta(days=5), today),
            level=RiskLevel.MEDIUM,
        )
    return rp


# The states a file of the demo can be in: each makes one file, from a fresh person.
def _awaiting_key(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    return _register(
        office,
        person,
        rng,
        released_on=today + timedelta(days=3),
        is_key_person=True,
        notice_received_on=today - timedelta(days=27),
    )


def _awaiting(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    return _register(
        office,
        person,
        rng,
        released_on=today + timedelta(days=rng.randrange(10, 40)),
        notice_received_on=today - timedelta(days=2),
    )


def _assisting(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    released = today - timedelta(days=rng.randrange(60, 700))
    rp = _register(
        office,
        person,
        rng,
        released_on=released,
        release_type=rng.choice([ReleaseType.PRISON, ReleaseType.DETENTION]),
    )
    _hand_over(rp, released, gate=rng.random() < 0.3)
    return _assist(rp, today, placed=rng.random() < 0.7)


def _lost(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    released = today - timedelta(days=rng.randrange(90, 400))
    rp = _register(office, person, rng, released_on=released)
    _hand_over(rp, released)
    _assist(rp, today, placed=False)
    return services.released_person_report_lost_contact(
        actor=None,
        released_person=rp,
        lost_contact_on=today - timedelta(days=20),
        police_reported_on=today - timedelta(days=18),
        police_station=f"{office.name.removesuffix('街道司法所').removesuffix('司法所')}派出所",
        version=_v(rp),
    )


def _reoffended(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    released = today - timedelta(days=rng.randrange(200, 900))
    rp = _register(office, person, rng, released_on=released)
    _hand_over(rp, released)
    _assist(rp, today, placed=False)
    return services.released_person_record_reoffence(
        actor=None,
        released_person=rp,
        reoffended_on=today - timedelta(days=45),
        note="因涉嫌盗窃被公安机关刑事拘留",
        version=_v(rp),
    )


def _ended(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    released = today - timedelta(days=365 * 3 + rng.randrange(10, 300))
    rp = _register(office, person, rng, released_on=released, release_type=ReleaseType.CONTROL_END)
    _hand_over(rp, released)
    _assist(rp, today)
    return services.released_person_close_period(
        actor=None, released_person=rp, closed_on=today, note="帮教期满，解除帮教", version=_v(rp)
    )


def _deceased(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    released = today - timedelta(days=rng.randrange(300, 1200))
    rp = _register(office, person, rng, released_on=released)
    _hand_over(rp, released)
    return services.released_person_record_death(
        actor=None,
        released_person=rp,
        died_on=today - timedelta(days=60),
        note="因病死亡",
        version=_v(rp),
    )


def _from_correction(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    crime, sentence = rng.choice(CRIMES)
    return services.released_person_from_correction(
        actor=None,
        person=person,
        office=office,
        release_type=ReleaseType.PROBATION_END,
        released_on=today - timedelta(days=rng.randrange(20, 300)),
        crime=crime,
        sentence=f"{sentence}，缓刑",
        source_reference=f"demo-{office.code}-{person.pk}",
    )


# 西一路: overdue hand-over steps for the demo accounts' to-do lists.
def _overdue_family(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    return _register(
        office,
        person,
        rng,
        released_on=today + timedelta(days=20),
        notice_received_on=today - timedelta(days=10),
    )


def _overdue_gate(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    return _register(
        office,
        person,
        rng,
        released_on=today - timedelta(days=9),
        is_key_person=True,
        notice_received_on=today - timedelta(days=40),
    )


def _overdue_visit(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    released = today - timedelta(days=12)
    rp = _register(office, person, rng, released_on=released)
    return _hand_over(rp, released + timedelta(days=1))


def _not_reported(office: Unit, person: Person, rng: random.Random, today: date) -> Any:
    return _register(office, person, rng, released_on=today - timedelta(days=24))


Maker = Callable[[Unit, Person, random.Random, date], Any]
ROTATION: list[Maker] = [
    _assisting,
    _awaiting,
    _assisting,
    _lost,
    _awaiting_key,
    _reoffended,
    _ended,
    _deceased,
    _from_correction,
    _assisting,
]
XIYILU_SET: list[Maker] = [
    _awaiting_key,
    _awaiting_key,
    _awaiting,
    _overdue_family,
    _overdue_gate,
    _overdue_visit,
    _not_reported,
    _assisting,
    _assisting,
    _assisting,
    _lost,
    _reoffended,
    _ended,
    _deceased,
    _from_correction,
]
PER_OFFICE = 2


def _visitations(office: Unit, rng: random.Random, today: date, states: list[str]) -> int:
    if VisitationRequest.objects.filter(unit=office).exists():
        return 0
    made = 0
    for n, state in enumerate(states):
        applied = today - timedelta(days=30 - n)
        request = services.visitation_apply(
            actor=None,
            office=office,
            channel=Channel.COUNTER,
            applicant_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            applicant_phone=f"13{rng.randrange(100000000, 999999999)}",
            prisoner_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            prison=rng.choice(PRISONS[:3]),
            relationship=Relationship.PARENT,
            visitors=[
                services.VisitorInput(rng.choice(SURNAMES) + "某", Relationship.PARENT),
                services.VisitorInput(rng.choice(SURNAMES) + "某", Relationship.SPOUSE),
            ][: 1 + n % 2],
            proof=SimpleUploadedFile("proof.png", PNG, content_type="image/png")
            if n == 0
            else None,
            applied_on=applied,
        )
        made += 1
        if state in ("APPLIED",):
            continue
        if state == "REFUSED":
            services.visitation_refuse(
                actor=None,
                request=request,
                reason="非直系亲属，无法提供亲属关系证明",
                version=request.version,
            )
            continue
        services.visitation_forward(
            actor=None,
            request=request,
            forwarded_on=applied + timedelta(days=1),
            version=request.version,
        )
        if state == "FORWARDED":
            continue
        slot_day = (
            applied + timedelta(days=8)
            if state in ("HELD", "NOT_HELD")
            else today + timedelta(days=3 + n)
        )
        slot = timezone.make_aware(datetime.combine(slot_day, time(10, 0)))
        services.visitation_book(actor=None, request=request, slot_at=slot, version=request.version)
        if state == "HELD":
            services.visitation_record_held(
                actor=None, request=request, held_on=slot_day, version=request.version
            )
        elif state == "NOT_HELD":
            services.visitation_record_not_held(
                actor=None,
                request=request,
                reason="监狱临时管控，会见取消",
                version=request.version,
            )
    return made


@transaction.atomic
def create_demo_resettlement() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing."""
    today = timezone.localdate()
    offices = list(Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("code"))
    counts = {"released persons": 0, "remote visitation requests": 0, "visitation systems": 0}
    for index, office in enumerate(offices):
        makers = (
            XIYILU_SET
            if office.code == XIYILU
            else [ROTATION[(index * PER_OFFICE + n) % len(ROTATION)] for n in range(PER_OFFICE)]
        )
        for n, make in enumerate(makers):
            # One generator per file, so that a second run draws the same values.
            rng = random.Random(f"{office.code}-{n}")  # noqa: S311 - synthetic demo data
            person = _person(office, rng, n)
            if ReleasedPerson.objects.filter(person=person).exists():
                continue
            make(office, person, rng, today)
            counts["released persons"] += 1
        if office.code == XIYILU:
            states = ["APPLIED", "FORWARDED", "BOOKED", "HELD", "HELD", "NOT_HELD", "REFUSED"]
        elif index % 4 == 0:
            states = [["HELD", "APPLIED", "BOOKED", "FORWARDED", "NOT_HELD"][index % 5]]
        else:
            states = []
        rng = random.Random(f"{office.code}-visits")  # noqa: S311 - synthetic demo data
        counts["remote visitation requests"] += _visitations(office, rng, today, states)
        if index % 6 != 5 and not VisitationSystem.objects.filter(unit=office).exists():
            services.visitation_system_save(
                actor=None,
                office=office,
                installed=True,
                installed_on=date(2022, 1 + index % 12, 1 + index % 28),
                terminal_location=f"{office.name}远程探视室",
            )
            counts["visitation systems"] += 1
    return counts
