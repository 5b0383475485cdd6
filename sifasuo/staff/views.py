"""Staff pages: the staff lists across returns, a return's staff and trainings, rotations and
secondments, party meetings (三会一课) with their due frequencies.

Mounted under ``/offices/`` (``sifasuo.offices.urls`` includes them as ``offices:staff``).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sifasuo.core.errors import ApplicationError
from sifasuo.core.listing import PAGE_SIZE, export_url, paginate, sort, sort_links
from sifasuo.core.xlsx import audited_export
from sifasuo.offices import selectors as office_selectors
from sifasuo.offices.models import OfficeReturn
from sifasuo.offices.views import (
    create_once,
    filter_units,
    form_error,
    form_page,
    new_token,
    parse_int,
    personal,
    record_form_page,
    scope_filters,
    yes_no,
)
from sifasuo.people import services as people_services
from sifasuo.people.models import Person
from sifasuo.staff import forms, selectors, services
from sifasuo.staff.choices import MeetingKind
from sifasuo.staff.models import Movement, PartyMeeting, StaffMember, Training

# The staff lists ----------------------------------------------------------------------------

STAFF_EXPORT_HEADERS = [
    "司法所代码",
    "司法所",
    "年度",
    "姓名",
    "身份证号",
    "编制类型",
    "职务",
    "是否党员",
    "法律职业资格",
    "学历",
    "到岗日期",
    "离岗日期",
    "12月31日在岗",
]


def _party(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _staff_row(m: StaffMember) -> list[Any]:
    r = m.office_return
    return [
        r.unit.code,
        r.unit.name,
        r.year,
        m.person.name,
        m.person.id_number_masked,
        m.get_establishment_display(),
        m.get_post_display(),
        yes_no(m.is_party_member),
        yes_no(m.has_legal_qualification),
        m.get_education_display(),
        m.on_post_on,
        m.off_post_on,
        yes_no(m.on_post(date(r.year, 12, 31))),
    ]


@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    """Staff members of the returns in scope: filter by year, establishment, post, party."""
    personal(request)
    user: Any = request.user
    filters: dict[str, Any] = {
        **scope_filters(request),
        "year": parse_int(request.GET.get("year")),
        "establishment": request.GET.get("establishment", ""),
        "post": request.GET.get("post", ""),
        "party_member": _party(request.GET.get("party_member", "")),
    }
    if request.GET.get("export") == "xlsx":
        members = sort(
            request,
            selectors.staff_list(user=user, action="export", **filters),
            selectors.STAFF_SORTS,
        )
        return audited_export(
            actor=user,
            object_type="staff.staffmember",
            filename="staff.xlsx",
            headers=STAFF_EXPORT_HEADERS,
            rows=(_staff_row(m) for m in members),
        )
    members = sort(request, selectors.staff_list(user=user, **filters), selectors.STAFF_SORTS)
    page = paginate(request, members)
    rows = [
        {"m": m, "on_post": m.on_post(date(m.office_return.year, 12, 31))} for m in page["page_obj"]
    ]
    context = {
        "filter_form": forms.StaffFilterForm(
            request.GET or None,
            years=office_selectors.return_years(user=user),
            **filter_units(user),
        ),
        "sort_links": sort_links(request, selectors.STAFF_SORTS),
        "export_url": export_url(request),
        "rows": rows,
        **page,
    }
    return render(request, "staff/staff_list.html", context)


def _registry_person(*, actor: Any, office_return: OfficeReturn, data: dict[str, Any]) -> Person:
    """The registry person of the document number (under the same name), or a new one."""
    name = data["name"].strip()
    found = selectors.person_for_document(id_type=data["id_type"], id_number=data["id_number"])
    if found is not None:
        if found.name != name:
            raise ApplicationError(
                _("This document number is registered under another name."),
                field="id_number",
                audit_action="create",
                audit_object_type="staff.staffmember",
            )
        return found
    return people_services.person_create(
        actor=actor,
        unit=office_return.unit,
        name=name,
        id_type=data["id_type"],
        id_number=data["id_number"],
        sex=data["sex"],
    )


@require_http_methods(["GET", "POST"])
def staff_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Put a person on the return's staff list (found by document number, or registered)."""
    personal(request)
    user: Any = request.user
    office_return = office_selectors.return_for_user(
        user=user, public_id=public_id, action="change"
    )
    form = forms.StaffAddForm(request.POST or None, initial=new_token())
    title = _("Add a staff member")
    cancel = office_return.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def create() -> StaffMember:
            person = _registry_person(actor=user, office_return=office_return, data=d)
            return services.staff_add(
                actor=user,
                office_return=office_return,
                row=services.StaffInput(person=person, **form.staff_values()),
            )

        try:
            create_once(request, form, StaffMember, create)
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            return form_page(
                request, form, title=title, cancel_url=cancel, status=400, subject=office_return
            )
        messages.success(request, _("The staff member has been added."))
        return redirect(office_return)
    return form_page(request, form, title=title, cancel_url=cancel, subject=office_return)


@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change a staff member's establishment, post, party membership or dates."""
    personal(request)
    user: Any = request.user
    member = selectors.member_for_user(user=user, public_id=public_id, action="change")
    form = forms.StaffEditForm(
        request.POST or None, initial=forms.StaffEditForm.initial_for(member)
    )
    title = _("Staff member: %(name)s") % {"name": member.person.name}
    cancel = member.office_return.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or member.version
        try:
            services.staff_update(actor=user, member=member, version=version, **data)
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            return form_page(
                request,
                form,
                title=title,
                cancel_url=cancel,
                status=400,
                subject=member.office_return,
            )
        messages.success(request, _("The changes have been saved."))
        return redirect(member.office_return)
    return form_page(request, form, title=title, cancel_url=cancel, subject=member.office_return)


@require_http_methods(["GET", "POST"])
def training_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a training of a staff member in the return of the year it starts."""
    personal(request)
    user: Any = request.user
    office_return = office_selectors.return_for_user(
        user=user, public_id=public_id, action="change"
    )
    form = forms.TrainingForm(
        request.POST or None,
        people=selectors.return_people(office_return=office_return),
        year=office_return.year,
        initial=new_token(),
    )
    title = _("Add a training")
    cancel = office_return.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            create_once(
                request,
                form,
                Training,
                lambda: services.training_add(
                    actor=user,
                    office_return=office_return,
                    row=services.TrainingInput(
                        person=d["person"],
                        course=d["course"],
                        start_date=d["start_date"],
                        days=d["days"],
                        hours=d["hours"],
                        level=d["level"],
                    ),
                ),
            )
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            return form_page(
                request, form, title=title, cancel_url=cancel, status=400, subject=office_return
            )
        messages.success(request, _("The training has been recorded."))
        return redirect(office_return)
    return form_page(request, form, title=title, cancel_url=cancel, subject=office_return)


# Rotations and secondments --------------------------------------------------------------------

MOVEMENT_EXPORT_HEADERS = [
    "司法所代码",
    "司法所",
    "姓名",
    "类型",
    "交流（挂职）单位",
    "开始日期",
    "结束日期",
]


@require_GET
def movement_list(request: HttpRequest) -> HttpResponse:
    """Rotations and secondments (交流轮岗、挂职锻炼) in scope."""
    personal(request)
    user: Any = request.user
    filters: dict[str, Any] = {
        **scope_filters(request),
        "kind": request.GET.get("kind", ""),
        "year": parse_int(request.GET.get("year")),
    }
    if request.GET.get("export") == "xlsx":
        movements = sort(
            request,
            selectors.movement_list(user=user, action="export", **filters),
            selectors.MOVEMENT_SORTS,
        )
        return audited_export(
            actor=user,
            object_type="staff.movement",
            filename="rotations.xlsx",
            headers=MOVEMENT_EXPORT_HEADERS,
            rows=(
                [
                    m.unit.code,
                    m.unit.name,
                    m.person.name,
                    m.get_kind_display(),
                    m.counterpart,
                    m.start_date,
                    m.end_date,
                ]
                for m in movements
            ),
        )
    movements = sort(
        request, selectors.movement_list(user=user, **filters), selectors.MOVEMENT_SORTS
    )
    context = {
        "filter_form": forms.MovementFilterForm(request.GET or None, **filter_units(user)),
        "sort_links": sort_links(request, selectors.MOVEMENT_SORTS),
        "export_url": export_url(request),
        "can_create": office_selectors.offices_for(user=user, model=Movement).exists(),
        **paginate(request, movements),
    }
    return render(request, "staff/movement_list.html", context)


@require_http_methods(["GET", "POST"])
def movement_create(request: HttpRequest) -> HttpResponse:
    """Record a rotation or secondment of a staff member."""
    personal(request)
    user: Any = request.user
    offices = office_selectors.offices_for(user=user, model=Movement)
    if not offices.exists():
        raise PermissionDenied
    form = forms.MovementForm(
        request.POST or None,
        offices=offices,
        people=selectors.office_staff_people(offices=offices),
        initial=new_token(),
    )
    return record_form_page(
        request,
        form,
        model=Movement,
        title=_("Record a rotation or secondment"),
        list_url_name="offices:staff:movement_list",
        done=_("The rotation or secondment has been recorded."),
        create=lambda d: services.movement_add(
            actor=user,
            office=d["office"],
            person=d["person"],
            kind=d["kind"],
            counterpart=d["counterpart"],
            start_date=d["start_date"],
            end_date=d["end_date"],
        ),
    )


# Party meetings --------------------------------------------------------------------------------

MEETING_EXPORT_HEADERS = ["司法所代码", "司法所", "类型", "日期", "主题", "参加人数"]


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """三会一课: the meetings held, and per office and kind whether the next one is overdue."""
    user: Any = request.user
    filters: dict[str, Any] = {
        **scope_filters(request),
        "kind": request.GET.get("kind", ""),
        "year": parse_int(request.GET.get("year")),
    }
    if request.GET.get("export") == "xlsx":
        meetings = sort(
            request,
            selectors.meeting_list(user=user, action="export", **filters),
            selectors.MEETING_SORTS,
        )
        return audited_export(
            actor=user,
            object_type="staff.partymeeting",
            filename="party-meetings.xlsx",
            headers=MEETING_EXPORT_HEADERS,
            rows=(
                [m.unit.code, m.unit.name, m.get_kind_display(), m.held_on, m.topic, m.attendees]
                for m in meetings
            ),
        )
    meetings = sort(request, selectors.meeting_list(user=user, **filters), selectors.MEETING_SORTS)
    offices = Paginator(
        selectors.meeting_offices(user=user, **scope_filters(request)), PAGE_SIZE
    ).get_page(request.GET.get("opage"))
    params = request.GET.copy()
    params.pop("opage", None)
    context = {
        "filter_form": forms.MeetingFilterForm(request.GET or None, **filter_units(user)),
        "sort_links": sort_links(request, selectors.MEETING_SORTS),
        "export_url": export_url(request),
        "can_create": office_selectors.offices_for(user=user, model=PartyMeeting).exists(),
        "offices_page": offices,
        "office_query": params.urlencode(),
        "status": selectors.meeting_status(
            user=user, offices=list(offices.object_list), today=timezone.localdate()
        ),
        "frequencies": [
            (label, selectors.MEETING_EVERY_DAYS[kind]) for kind, label in MeetingKind.choices
        ],
        **paginate(request, meetings),
    }
    return render(request, "staff/meeting_list.html", context)


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    """Record a meeting of 三会一课."""
    user: Any = request.user
    offices = office_selectors.offices_for(user=user, model=PartyMeeting)
    if not offices.exists():
        raise PermissionDenied
    form = forms.MeetingForm(request.POST or None, offices=offices, initial=new_token())
    return record_form_page(
        request,
        form,
        model=PartyMeeting,
        title=_("Record a party meeting"),
        list_url_name="offices:staff:meeting_list",
        done=_("The meeting has been recorded."),
        create=lambda d: services.party_meeting_add(
            actor=user,
            office=d["office"],
            kind=d["kind"],
            held_on=d["held_on"],
            topic=d["topic"],
            attendees=d["attendees"],
        ),
    )
