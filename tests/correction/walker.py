"""What the URL walker and the permission matrix need to know about correction."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.db import models
from django.utils import timezone

from sifasuo.correction import services
from sifasuo.correction.models import (
    Contact,
    CorrectionSubject,
    DisciplinaryMeasure,
    SupervisionRequest,
)
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from tests.accounts.matrix import ActionPage, ScopedModel

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {}
# Page routes that name a record -> the model (or queryset) they look it up in.
ROUTE_MODELS: dict[str, Any] = {
    "correction:subject_detail": CorrectionSubject,
    "correction:subject_step": CorrectionSubject,
    "correction:subject_reveal": CorrectionSubject,
    "correction:subject_certificate": CorrectionSubject,
    "correction:request_decide": SupervisionRequest,
    "correction:request_return": SupervisionRequest,
    "correction:measure_decide": DisciplinaryMeasure,
    "correction:person_subjects": Person,
}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {"correction_step": "contact"}

_sequence = count(1)
SENSITIVE_TABLE = "scope_expectations_sensitive.csv"


def _person(unit: Unit) -> Person:
    number = synthetic_id_number("610102", date(1979, 9, 9), next(_sequence), male=True)
    return people_services.person_create(
        actor=None, unit=unit, name="矩阵矫正", id_number=number, phone="13700001111"
    )


def make_subject(unit: Unit) -> CorrectionSubject:
    """A subject under correction owned by ``unit`` (any kind: the matrix tries them all)."""
    today = timezone.localdate()
    return CorrectionSubject.objects.create(
        unit=unit,
        entrusting_agency=unit.bureau or unit,
        person=_person(unit),
        category="PROBATION",
        decision_organ="矩阵法院",
        decision_document="（矩阵）第1号",
        judgment_effective_on=today - timedelta(days=30),
        crime="矩阵罪名",
        sentence="矩阵刑罚",
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=300),
        status="UNDER_CORRECTION",
        report_in_due=today - timedelta(days=20),
        received_on=today - timedelta(days=25),
        report_due=today + timedelta(days=3),
        visit_due=today + timedelta(days=3),
    )


def make_contact(unit: Unit) -> Contact:
    subject = make_subject(unit)
    return Contact.objects.create(
        subject=subject, kind="PHONE", occurred_on=timezone.localdate(), notes="矩阵"
    )


def make_measure(unit: Unit) -> DisciplinaryMeasure:
    subject = make_subject(unit)
    return DisciplinaryMeasure.objects.create(
        subject=subject, kind="WARNING", facts="矩阵", proposed_on=timezone.localdate()
    )


# Lines of the permission matrix.
MATRIX_MODELS: tuple[ScopedModel, ...] = (
    ScopedModel(
        "correction.CorrectionSubject",
        SENSITIVE_TABLE,
        make_subject,
        lambda s: [
            f"/correction/subjects/{s.public_id}/",
            f"/api/v1/correction/subjects/{s.public_id}/",
        ],
        {
            "change": ActionPage(
                "post", lambda s: f"/correction/subjects/{s.public_id}/steps/contact/"
            ),
            "reveal": ActionPage(
                "post",
                lambda s: f"/correction/subjects/{s.public_id}/reveal/",
                {"field": "crime", "reason": "矩阵测试"},
            ),
        },
    ),
    ScopedModel(
        "correction.Contact",
        SENSITIVE_TABLE,
        make_contact,
        lambda c: [f"/api/v1/correction/reports/{c.public_id}/"],
    ),
    ScopedModel(
        "correction.DisciplinaryMeasure",
        SENSITIVE_TABLE,
        make_measure,
        lambda m: [f"/api/v1/correction/measures/{m.public_id}/"],
        {"change": ActionPage("post", lambda m: f"/correction/measures/{m.public_id}/decide/")},
    ),
)


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of the 西一路 office (610102001) for every model in ROUTE_MODELS or a viewset."""
    from tests.correction import factories

    subject = factories.received(actor=office_clerk, name="走查对象")
    contact = services.contact_record(
        actor=office_clerk, subject=subject, kind="PHONE", occurred_on=factories.today()
    )
    request = services.request_submit(
        actor=office_clerk,
        subject=subject,
        kind="LEAVE",
        destination="咸阳",
        reason="走查",
        applied_on=factories.today(),
        start_on=factories.today() + timedelta(days=1),
        end_on=factories.today() + timedelta(days=3),
    )
    measure = services.measure_record(
        actor=office_clerk,
        subject=subject,
        kind="WARNING",
        facts="走查",
        proposed_on=factories.today(),
    )
    return {
        CorrectionSubject: [subject],
        Contact: [contact],
        SupervisionRequest: [request],
        DisciplinaryMeasure: [measure],
    }
