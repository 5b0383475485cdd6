"""Remote visitation: the counter and the portal's VISITATION kind, each step, progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from sifasuo.core import applications
from sifasuo.core.applications import ApplicationStatus
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import Attachment, AuditEvent
from sifasuo.orgs.models import Unit
from sifasuo.resettlement import services
from sifasuo.resettlement.choices import VisitationStatus
from sifasuo.resettlement.forms import VisitationApplyForm
from sifasuo.resettlement.models import VisitationRequest
from tests.resettlement import factories
from tests.resettlement.factories import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Every progress() call the portal would hear."""
    calls: list[dict] = []

    def listener(**kwargs):
        calls.append(kwargs)

    applications.listen(listener)
    yield calls
    applications._listeners.remove(listener)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _form_data(visitors: int = 2) -> dict[str, str]:
    data = {
        "applicant_name": "李秀英",
        "applicant_phone": "13912345678",
        "prisoner_name": "李强",
        "prison": "陕西省监狱",
        "relationship": "PARENT",
    }
    for n in range(1, visitors + 1):
        data[f"visitor_{n}_name"] = f"李{n}"
        data[f"visitor_{n}_relationship"] = "PARENT"
    return data


def test_the_kind_is_registered():
    kind = applications.get("VISITATION")
    assert kind is not None
    assert kind.form_class is VisitationApplyForm


def test_the_portal_submits_through_the_form(citizen, media):
    # given: the portal builds the form for the chosen office, as the interface says
    office = Unit.objects.get(code="610102001")
    kind = applications.get("VISITATION")
    form = kind.form_class(_form_data(3), {"proof": factories.png()}, office=office)
    # when
    assert form.is_valid(), form.errors
    record = kind.submit(citizen=citizen, office=office, data=form.cleaned_data)
    # then
    assert record.channel == "ONLINE"
    assert record.citizen == citizen
    assert record.visitors.count() == 3
    assert record.proof is not None
    assert record.proof.file_type == "png"
    assert kind.staff_url(record) == f"/resettlement/visitations/{record.public_id}/"
    assert AuditEvent.objects.filter(object_id=str(record.public_id), action="create").count() == 1


def test_more_than_three_visitors_are_refused(citizen, media):
    office = Unit.objects.get(code="610102001")
    data = {
        "applicant_name": "李秀英",
        "prisoner_name": "李强",
        "prison": "陕西省监狱",
        "relationship": "PARENT",
        "visitors": [{"name": f"李{n}", "relationship": "CHILD"} for n in range(4)],
        "proof": factories.png(),
    }
    with translation.override("en"), pytest.raises(ApplicationError, match="At most 3"):
        services.visitation_submit(citizen=citizen, office=office, data=data)
    assert not VisitationRequest.objects.exists()


def test_the_form_has_three_visitor_slots_only():
    form = VisitationApplyForm(office=None)
    assert "visitor_3_name" in form.fields
    assert "visitor_4_name" not in form.fields


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("proof.png", b"MZ\x90\x00 not a picture", content_type="image/png"),
        SimpleUploadedFile("proof.pdf", b"plain text pretending", content_type="application/pdf"),
    ],
)
def test_a_bad_proof_file_is_refused_by_content(upload, media):
    form = VisitationApplyForm(_form_data(), {"proof": upload}, office=None)
    assert not form.is_valid()
    assert "proof" in form.errors


def test_a_bad_proof_is_refused_by_the_service_too(citizen, media):
    office = Unit.objects.get(code="610102001")
    bad = SimpleUploadedFile("proof.png", b"\x00\x01 not an image", content_type="image/png")
    data = {**_form_data(), "visitors": [{"name": "李一", "relationship": "PARENT"}], "proof": bad}
    with pytest.raises(ApplicationError) as exc:
        services.visitation_submit(citizen=citizen, office=office, data=data)
    assert exc.value.field == "proof"
    assert not Attachment.objects.exists()


def test_a_large_proof_is_refused(settings, media):
    settings.ATTACHMENT_MAX_BYTES = 10
    form = VisitationApplyForm(_form_data(), {"proof": factories.png()}, office=None)
    assert not form.is_valid()
    assert "proof" in form.errors


def test_online_needs_a_proof(citizen):
    office = Unit.objects.get(code="610102001")
    data = {**_form_data(), "visitors": [{"name": "李一", "relationship": "PARENT"}]}
    with pytest.raises(ApplicationError) as exc:
        services.visitation_submit(citizen=citizen, office=office, data=data)
    assert exc.value.field == "proof"


def test_the_flow_tells_the_portal(office_clerk, heard):
    # given
    request = factories.visitation(actor=office_clerk)
    # when
    request = services.visitation_forward(
        actor=office_clerk, request=request, forwarded_on=today(), version=request.version
    )
    request = services.visitation_book(
        actor=office_clerk, request=request, slot_at=factories.slot(3), version=request.version
    )
    # then
    assert [c["status"] for c in heard] == [ApplicationStatus.IN_PROGRESS] * 2
    slot_day = (today() + timedelta(days=3)).isoformat()
    assert slot_day in heard[1]["message"]
    # when: the slot came and the visit was held
    request.slot_at = factories.slot(-1)
    request.save()
    request = services.visitation_record_held(
        actor=office_clerk, request=request, held_on=today(), version=request.version
    )
    assert request.status == VisitationStatus.HELD
    assert heard[-1]["status"] == ApplicationStatus.COMPLETED
    assert heard[-1]["record"] == request


def test_not_held_and_refused_carry_the_reason(office_clerk, heard):
    booked = factories.booked(actor=office_clerk)
    services.visitation_record_not_held(
        actor=office_clerk, request=booked, reason="监狱临时管控", version=booked.version
    )
    assert heard[-1]["status"] == ApplicationStatus.REJECTED
    assert "监狱临时管控" in heard[-1]["message"]
    fresh = factories.visitation(actor=office_clerk)
    with pytest.raises(ApplicationError):
        services.visitation_refuse(actor=office_clerk, request=fresh, reason=" ", version=1)
    services.visitation_refuse(
        actor=office_clerk, request=fresh, reason="非直系亲属", version=fresh.version
    )
    assert heard[-1]["status"] == ApplicationStatus.REJECTED
    assert "非直系亲属" in heard[-1]["message"]


def test_steps_out_of_order_are_refused(office_clerk):
    request = factories.visitation(actor=office_clerk)
    with pytest.raises(ApplicationError):
        services.visitation_book(
            actor=office_clerk, request=request, slot_at=factories.slot(), version=1
        )
    with pytest.raises(ApplicationError):
        services.visitation_record_held(
            actor=office_clerk, request=request, held_on=today(), version=1
        )


def test_held_not_before_the_slot(office_clerk):
    request = factories.visitation(actor=office_clerk)
    request = services.visitation_forward(
        actor=office_clerk, request=request, forwarded_on=today(), version=request.version
    )
    request = services.visitation_book(
        actor=office_clerk, request=request, slot_at=factories.slot(2), version=request.version
    )
    with pytest.raises(ApplicationError) as exc:
        services.visitation_record_held(
            actor=office_clerk, request=request, held_on=today(), version=request.version
        )
    assert exc.value.field == "held_on"


def test_another_office_cannot_forward(office_clerk, other_clerk):
    from django.core.exceptions import PermissionDenied

    request = factories.visitation(actor=office_clerk)
    with pytest.raises(PermissionDenied):
        services.visitation_forward(
            actor=other_clerk, request=request, forwarded_on=today(), version=request.version
        )


def test_coverage_record(office_clerk):
    office = Unit.objects.get(code="610102001")
    with pytest.raises(ApplicationError):
        services.visitation_system_save(
            actor=office_clerk, office=office, installed=True, installed_on=None
        )
    system = services.visitation_system_save(
        actor=office_clerk,
        office=office,
        installed=True,
        installed_on=today(),
        terminal_location="一楼远程探视室",
    )
    assert system.installed
    again = services.visitation_system_save(
        actor=office_clerk,
        office=office,
        installed=True,
        installed_on=today(),
        terminal_location="二楼",
        version=system.version,
    )
    assert again.pk == system.pk
    assert again.terminal_location == "二楼"
