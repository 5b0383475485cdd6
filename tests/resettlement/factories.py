"""Resettlement records for tests, made through the services (so scope and audit apply)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import count
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sifasuo.orgs.models import Unit
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from sifasuo.resettlement import services
from sifasuo.resettlement.choices import Channel, HandoverMethod, Relationship, ReleaseType
from sifasuo.resettlement.models import ReleasedPerson, VisitationRequest

_numbers = count(300)

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
CRIME = "盗窃罪（秘密窃取他人财物）"
SENTENCE = "有期徒刑三年六个月"
PHONE = "13912345678"
ADDRESS = "西安市新城区西一路甲巷88号"


def id_number(region: str = "610102") -> str:
    """A fresh synthetic, checksum-valid ID number."""
    n = next(_numbers)
    return synthetic_id_number(region, date(1978, 1, 1) + timedelta(days=n), n, male=True)


def today() -> date:
    return timezone.localdate()


def unit(code: str | Unit) -> Unit:
    return code if isinstance(code, Unit) else Unit.objects.get(code=code)


def person(*, office: str | Unit = "610102001", name: str = "王建国", number: str = "") -> Person:
    return services.person_for(
        actor=None,
        unit=unit(office),
        entry=services.PersonInput(
            name=name, id_number=number or id_number(), phone=PHONE, address=ADDRESS
        ),
    )


def awaiting(
    *,
    actor: Any = None,
    office: str | Unit = "610102001",
    released_on: date | None = None,
    notice_received_on: date | None = None,
    key: bool = False,
    release_type: str = ReleaseType.PRISON,
    name: str = "王建国",
) -> ReleasedPerson:
    """A file opened from the prison's notice (released 30 days after the notice by default)."""
    released_on = released_on or today() + timedelta(days=20)
    return services.released_person_register(
        actor=actor,
        unit=unit(office),
        person=person(office=office, name=name),
        release_type=release_type,
        released_on=released_on,
        prison="陕西省监狱",
        crime=CRIME,
        sentence=SENTENCE,
        is_key_person=key,
        notice_received_on=notice_received_on
        if notice_received_on is not None
        else min(released_on - timedelta(days=30), today()),
    )


def assisting(*, actor: Any = None, days_ago: int = 30, **kwargs: Any) -> ReleasedPerson:
    """A file handed over (reported in) ``days_ago`` days ago."""
    rp = awaiting(actor=actor, released_on=today() - timedelta(days=days_ago), **kwargs)
    return services.released_person_hand_over(
        actor=actor,
        released_person=rp,
        handed_over_on=rp.released_on,
        method=HandoverMethod.REPORTED_IN,
        handed_over_by="值班人员",
        version=rp.version,
    )


def visitation(
    *, actor: Any = None, office: str | Unit = "610102001", visitors: int = 2, **kwargs: Any
) -> VisitationRequest:
    return services.visitation_apply(
        actor=actor,
        office=unit(office),
        channel=kwargs.pop("channel", Channel.COUNTER),
        applicant_name="李秀英",
        applicant_phone=PHONE,
        prisoner_name="李强",
        prison="陕西省监狱",
        relationship=Relationship.PARENT,
        visitors=[services.VisitorInput(f"李{n}", Relationship.PARENT) for n in range(visitors)],
        proof=kwargs.pop("proof", None),
        applied_on=kwargs.pop("applied_on", today() - timedelta(days=5)),
        **kwargs,
    )


def png() -> SimpleUploadedFile:
    return SimpleUploadedFile("proof.png", PNG_BYTES, content_type="image/png")


def slot(days: int = 3) -> datetime:
    return timezone.make_aware(datetime.combine(today() + timedelta(days=days), time(10, 0)))


def booked(*, actor: Any = None, **kwargs: Any) -> VisitationRequest:
    request = visitation(actor=actor, **kwargs)
    services.visitation_forward(
        actor=actor, request=request, forwarded_on=today() - timedelta(days=4), version=1
    )
    return services.visitation_book(
        actor=actor, request=request, slot_at=slot(-2), version=request.version
    )


def matrix_person(owner: Unit) -> ReleasedPerson:
    """A file owned by any unit (the matrix tries every relation; services need an office)."""
    rp = ReleasedPerson(
        unit=owner,
        person=person(office=owner if owner.kind == "OFFICE" else "610102001", name="矩阵人"),
        release_type=ReleaseType.PRISON,
        released_on=today() - timedelta(days=10),
        crime=CRIME,
        sentence=SENTENCE,
        period_years=5,
        period_end=today() + timedelta(days=1800),
        status="ASSISTING",
        handed_over_on=today() - timedelta(days=10),
        handover_method=HandoverMethod.REPORTED_IN,
    )
    rp.save()
    return rp


def matrix_visitation(owner: Unit) -> VisitationRequest:
    request = VisitationRequest(
        unit=owner,
        channel=Channel.COUNTER,
        applicant_name="矩阵",
        prisoner_name="矩阵",
        prison="陕西省监狱",
        relationship=Relationship.PARENT,
        applied_on=today(),
    )
    request.save()
    return request
