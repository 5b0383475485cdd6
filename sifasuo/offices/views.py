"""Office profile pages: the yearly returns and their parts, the import, honours, experiences.

Views are thin: parse, one service or selector call, render. Every write goes through
``offices.services`` (and ``staff.services`` for copying the staff list forward); single
records come through ``get_for_user`` (404 out of scope, 403 without the right).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.attachments import attachment_create
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.xlsx import audited_export, xlsx_response
from sifasuo.offices import forms, selectors, services, workbook
from sifasuo.offices.choices import ExperienceStatus
from sifasuo.offices.models import Equipment, Honour, OfficeReturn, TypicalExperience
from sifasuo.staff import services as staff_services

# Helpers shared with the staff pages ---------------------------------------------------------


def personal(request: HttpRequest) -> None:
    """The page shows personal data: no caching anywhere."""
    request.contains_personal_data = True  # type: ignore[attr-defined]


def parse_int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def form_error(form: django_forms.BaseForm, exc: Exception, request: HttpRequest) -> None:
    """Put a service's refusal on the form: on its field when the form has it."""
    if isinstance(exc, ApplicationError):
        audit.record_refusal(exc, request.user)
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return
    assert isinstance(exc, ValidationError)  # noqa: S101 - the only other kind caught
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def create_once(
    request: HttpRequest,
    form: django_forms.BaseForm,
    model: type[models.Model],
    create: Callable[[], Any],
) -> Any:
    """Run ``create`` once per form token; a double submit returns the first record."""
    data = form.cleaned_data
    payload = {
        k: v for k, v in data.items() if k != "form_token" and not isinstance(v, UploadedFile)
    }
    try:
        return submit_once(
            user=request.user, token=data.get("form_token") or "", payload=payload, create=create
        )
    except ReplayedSubmission as replay:
        return model._default_manager.get(pk=replay.token.object_id)


def new_token() -> dict[str, str]:
    return {"form_token": secrets.token_urlsafe(16)}


def record_form_page(
    request: HttpRequest,
    form: django_forms.BaseForm,
    *,
    model: type[models.Model],
    title: str,
    list_url_name: str,
    done: str,
    create: Callable[[dict[str, Any]], Any],
) -> HttpResponse:
    """The GET and POST of a simple create page: one service call, once per form token."""
    cancel = reverse(list_url_name)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_once(request, form, model, lambda: create(data))
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            return form_page(request, form, title=title, cancel_url=cancel, status=400)
        messages.success(request, done)
        return redirect(list_url_name)
    return form_page(request, form, title=title, cancel_url=cancel)


def may(user: Any, obj: models.Model, action: str) -> bool:
    """Whether ``user`` may ``action`` this record (to show or hide its buttons)."""
    manager: Any = type(obj)._default_manager
    return bool(manager.visible_to(user, action).filter(pk=obj.pk).exists())


def scope_filters(request: HttpRequest) -> dict[str, str]:
    return {
        "district": request.GET.get("district", ""),
        "office": request.GET.get("office", ""),
    }


def filter_units(user: Any) -> dict[str, Any]:
    return {
        "districts": selectors.district_choices(user=user),
        "offices": selectors.office_choices(user=user),
    }


def form_page(
    request: HttpRequest,
    form: django_forms.BaseForm,
    *,
    title: str,
    cancel_url: str,
    status: int = 200,
    intro: str = "",
    subject: Any = None,
) -> HttpResponse:
    """Render the shared form page."""
    return render(
        request,
        "offices/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "intro": intro,
            "subject": subject,
        },
        status=status,
    )


def yes_no(value: bool) -> str:
    return "是" if value else "否"


# Returns -----------------------------------------------------------------------------------

RETURN_EXPORT_HEADERS = [
    "司法所代码",
    "司法所",
    "区县",
    "年度",
    "业务用房面积",
    "六室一站",
    "一徽两牌齐全",
    "31日在岗人员",
    "政法专项编制数",
    "空编数",
]


def _return_row(r: OfficeReturn) -> list[Any]:
    staffing = selectors.staffing(r)
    return [
        r.unit.code,
        r.unit.name,
        r.unit.district_name,
        r.year,
        r.business_area,
        f"{r.rooms_present}/{selectors.ROOM_COUNT}",  # type: ignore[attr-defined]
        yes_no(selectors.signage_ok(r)),
        staffing.on_post,
        staffing.quota,
        staffing.vacancies,
    ]


@require_GET
def return_list(request: HttpRequest) -> HttpResponse:
    """The returns in scope: filter by district, office and year; sort; export."""
    user: Any = request.user
    filters: dict[str, Any] = {**scope_filters(request), "year": parse_int(request.GET.get("year"))}
    if request.GET.get("export") == "xlsx":
        exportable = sort(
            request,
            selectors.return_list(user=user, action="export", **filters),
            selectors.RETURN_SORTS,
        )
        return audited_export(
            actor=user,
            object_type="offices.officereturn",
            filename="office-returns.xlsx",
            headers=RETURN_EXPORT_HEADERS,
            rows=(_return_row(r) for r in exportable),
        )
    returns = sort(request, selectors.return_list(user=user, **filters), selectors.RETURN_SORTS)
    page = paginate(request, returns)
    rows = [
        {"r": r, "staffing": selectors.staffing(r), "signage_ok": selectors.signage_ok(r)}
        for r in page["page_obj"]
    ]
    context = {
        "filter_form": forms.ReturnFilterForm(
            request.GET or None, years=selectors.return_years(user=user), **filter_units(user)
        ),
        "sort_links": sort_links(request, selectors.RETURN_SORTS),
        "export_url": export_url(request),
        "rows": rows,
        "room_count": selectors.ROOM_COUNT,
        "can_create": selectors.offices_for(user=user).exists(),
        **page,
    }
    return render(request, "offices/return_list.html", context)


@require_http_methods(["GET", "POST"])
def return_create(request: HttpRequest) -> HttpResponse:
    """Open an office's return for a year, optionally copying last year's forward."""
    personal(request)
    user: Any = request.user
    offices = selectors.offices_for(user=user)
    if not offices.exists():
        raise PermissionDenied
    form = forms.ReturnCreateForm(request.POST or None, offices=offices, initial=new_token())
    cancel = reverse("offices:return_list")
    title = _("New yearly return")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        source = (
            selectors.previous_return(office=d["office"], year=d["year"])
            if d["copy_previous"]
            else None
        )
        if d["copy_previous"] and source is None:
            form.add_error(
                "copy_previous",
                _("There is no return of %(year)d to copy.") % {"year": d["year"] - 1},
            )
            return form_page(request, form, title=title, cancel_url=cancel, status=400)

        def create() -> OfficeReturn:
            new = services.return_create(
                actor=user, office=d["office"], year=d["year"], copy_from=source
            )
            if source is not None:
                staff_services.staff_copy(actor=user, source=source, target=new)
            return new

        try:
            office_return = create_once(request, form, OfficeReturn, create)
        except ApplicationError as exc:
            form_error(form, exc, request)
            return form_page(request, form, title=title, cancel_url=cancel, status=400)
        messages.success(request, _("The return has been opened."))
        return redirect(office_return)
    return form_page(request, form, title=title, cancel_url=cancel)


@require_GET
def return_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The whole return: premises, rooms, signage, equipment, IT, funding, systems, staff,
    trainings, party organisation, and the automatic checks (read-only)."""
    personal(request)
    user: Any = request.user
    office_return = selectors.return_for_user(user=user, public_id=public_id)
    sheet = selectors.return_sheet(user=user, office_return=office_return)
    return render(
        request,
        "offices/return_detail.html",
        {
            "sheet": sheet,
            "r": office_return,
            "can_change": may(user, office_return, "change"),
        },
    )


@require_http_methods(["GET", "POST"])
def return_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change the profile: premises, signage, quota, party organisation, IT, funding."""
    user: Any = request.user
    office_return = selectors.return_for_user(user=user, public_id=public_id, action="change")
    form = forms.ReturnProfileForm(
        request.POST or None, initial=forms.ReturnProfileForm.initial_for(office_return)
    )
    title = _("Profile of the %(year)d return") % {"year": office_return.year}
    cancel = office_return.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or office_return.version
        try:
            services.return_update(actor=user, office_return=office_return, version=version, **data)
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            return form_page(
                request, form, title=title, cancel_url=cancel, status=400, subject=office_return
            )
        messages.success(request, _("The changes have been saved."))
        return redirect(office_return)
    return form_page(request, form, title=title, cancel_url=cancel, subject=office_return)


@require_http_methods(["GET", "POST"])
def rooms_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record the 六室一站: present, area, and a photo of each (an attachment of the room)."""
    user: Any = request.user
    office_return = selectors.return_for_user(user=user, public_id=public_id, action="change")
    form = forms.RoomsForm(
        request.POST or None,
        request.FILES or None,
        initial=forms.RoomsForm.initial_for(office_return),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                loaded = form.cleaned_data["loaded"]
                if loaded and loaded != forms.RoomsForm.stamp(office_return):
                    raise ConcurrentModificationError(
                        _(
                            "Someone else saved the rooms after you opened this page. "
                            "Reload the page and enter your changes again."
                        )
                    )
                rooms = services.rooms_set(
                    actor=user,
                    office_return=office_return,
                    present=form.present(),
                    areas=form.areas(),
                )
                by_kind = {room.kind: room for room in rooms}
                for kind, photo in form.photos().items():
                    attachment_create(
                        actor=user, unit=office_return.unit, uploaded=photo, owner=by_kind[kind]
                    )
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            status = 400
        else:
            messages.success(request, _("The rooms have been saved."))
            return redirect(office_return)
    return render(
        request,
        "offices/rooms_form.html",
        {"form": form, "r": office_return, "rows": form.rows()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def equipment_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Add equipment or a vehicle to the return."""
    user: Any = request.user
    office_return = selectors.return_for_user(user=user, public_id=public_id, action="change")
    form = forms.EquipmentForm(request.POST or None, initial=new_token())
    title = _("Add equipment")
    cancel = office_return.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            create_once(
                request,
                form,
                Equipment,
                lambda: services.equipment_add(
                    actor=user,
                    office_return=office_return,
                    category=d["category"],
                    name=d["name"],
                    quantity=d["quantity"],
                    acquired_on=d["acquired_on"],
                ),
            )
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            return form_page(
                request, form, title=title, cancel_url=cancel, status=400, subject=office_return
            )
        messages.success(request, _("The equipment has been added."))
        return redirect(office_return)
    return form_page(request, form, title=title, cancel_url=cancel, subject=office_return)


@require_http_methods(["GET", "POST"])
def system_set(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Set a management system in force (its adoption date) and attach its document."""
    user: Any = request.user
    office_return = selectors.return_for_user(user=user, public_id=public_id, action="change")
    kind = request.GET.get("kind", "")
    form = forms.SystemForm(
        request.POST or None, request.FILES or None, initial={"kind": kind} if kind else None
    )
    title = _("Management system")
    cancel = office_return.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                system = services.system_set(
                    actor=user,
                    office_return=office_return,
                    kind=d["kind"],
                    adopted_on=d["adopted_on"],
                )
                if d["document"]:
                    attachment_create(
                        actor=user, unit=office_return.unit, uploaded=d["document"], owner=system
                    )
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            return form_page(
                request,
                form,
                title=title,
                cancel_url=cancel,
                status=400,
                subject=office_return,
            )
        messages.success(request, _("The management system has been saved."))
        return redirect(office_return)
    return form_page(request, form, title=title, cancel_url=cancel, subject=office_return)


@require_http_methods(["GET", "POST"])
def return_import(request: HttpRequest) -> HttpResponse:
    """Import yearly returns from one workbook: all or nothing, every error listed."""
    personal(request)
    user: Any = request.user
    if not selectors.offices_for(user=user).exists():
        raise PermissionDenied
    if request.GET.get("template") == "xlsx":
        return xlsx_response("office-profiles-template.xlsx", workbook.template_workbook())
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = workbook.import_returns(
                actor=user, stream=form.cleaned_data["file"], again=form.cleaned_data["again"]
            )
        except ApplicationError as exc:
            form_error(form, exc, request)
            status = 400
        else:
            if result.ok:
                messages.success(
                    request,
                    _(
                        "The workbook has been imported: %(created)d returns created, "
                        "%(replaced)d replaced, %(unchanged)d unchanged."
                    )
                    % {
                        "created": result.created,
                        "replaced": result.replaced,
                        "unchanged": result.unchanged,
                    },
                )
                return redirect("offices:return_list")
            status = 400
    return render(
        request, "offices/return_import.html", {"form": form, "result": result}, status=status
    )


# Honours -----------------------------------------------------------------------------------

HONOUR_EXPORT_HEADERS = [
    "司法所代码",
    "司法所",
    "区县",
    "受表彰人员",
    "荣誉",
    "级别",
    "授予单位",
    "授予日期",
]


@require_GET
def honour_list(request: HttpRequest) -> HttpResponse:
    """Honours of the offices and staff in scope (受表彰情况)."""
    personal(request)
    user: Any = request.user
    filters: dict[str, Any] = {
        **scope_filters(request),
        "level": request.GET.get("level", ""),
        "subject": request.GET.get("subject", ""),
        "year": parse_int(request.GET.get("year")),
    }
    if request.GET.get("export") == "xlsx":
        honours = sort(
            request,
            selectors.honour_list(user=user, action="export", **filters),
            selectors.HONOUR_SORTS,
        )
        return audited_export(
            actor=user,
            object_type="offices.honour",
            filename="honours.xlsx",
            headers=HONOUR_EXPORT_HEADERS,
            rows=(
                [
                    h.unit.code,
                    h.unit.name,
                    h.unit.district_name,
                    h.person.name if h.person else "",
                    h.title,
                    h.get_level_display(),
                    h.awarded_by,
                    h.awarded_on,
                ]
                for h in honours
            ),
        )
    honours = sort(request, selectors.honour_list(user=user, **filters), selectors.HONOUR_SORTS)
    context = {
        "filter_form": forms.HonourFilterForm(request.GET or None, **filter_units(user)),
        "sort_links": sort_links(request, selectors.HONOUR_SORTS),
        "export_url": export_url(request),
        "can_create": selectors.offices_for(user=user, model=Honour).exists(),
        **paginate(request, honours),
    }
    return render(request, "offices/honour_list.html", context)


@require_http_methods(["GET", "POST"])
def honour_create(request: HttpRequest) -> HttpResponse:
    """Record an honour of the office or of one of its staff."""
    personal(request)
    user: Any = request.user
    offices = selectors.offices_for(user=user, model=Honour)
    if not offices.exists():
        raise PermissionDenied
    form = forms.HonourForm(
        request.POST or None,
        offices=offices,
        people=selectors.honour_people(user=user),
        initial=new_token(),
    )
    return record_form_page(
        request,
        form,
        model=Honour,
        title=_("Record an honour"),
        list_url_name="offices:honour_list",
        done=_("The honour has been recorded."),
        create=lambda d: services.honour_create(
            actor=user,
            office=d["office"],
            person=d["person"],
            title=d["title"],
            level=d["level"],
            awarded_by=d["awarded_by"],
            awarded_on=d["awarded_on"],
        ),
    )


# Typical experiences -----------------------------------------------------------------------

EXPERIENCE_EXPORT_HEADERS = ["司法所代码", "司法所", "区县", "标题", "正文", "状态", "发布日期"]


@require_GET
def experience_list(request: HttpRequest) -> HttpResponse:
    """Typical experiences in scope; the published ones export as the collection."""
    user: Any = request.user
    filters: dict[str, Any] = {**scope_filters(request), "status": request.GET.get("status", "")}
    if request.GET.get("export") == "xlsx":
        experiences = sort(
            request,
            selectors.experience_list(user=user, action="export", **filters),
            selectors.EXPERIENCE_SORTS,
        )
        published = filters["status"] == ExperienceStatus.PUBLISHED
        return audited_export(
            actor=user,
            object_type="offices.typicalexperience",
            filename="typical-experiences.xlsx" if published else "experiences.xlsx",
            headers=EXPERIENCE_EXPORT_HEADERS,
            rows=(
                [
                    e.unit.code,
                    e.unit.name,
                    e.unit.district_name,
                    e.title,
                    e.body,
                    e.get_status_display(),
                    e.published_on,
                ]
                for e in experiences
            ),
        )
    experiences = sort(
        request, selectors.experience_list(user=user, **filters), selectors.EXPERIENCE_SORTS
    )
    context = {
        "filter_form": forms.ExperienceFilterForm(request.GET or None, **filter_units(user)),
        "sort_links": sort_links(request, selectors.EXPERIENCE_SORTS),
        "export_url": export_url(request),
        "collection_url": "?status=PUBLISHED&export=xlsx",
        "can_create": selectors.offices_for(user=user, model=TypicalExperience).exists(),
        **paginate(request, experiences),
    }
    return render(request, "offices/experience_list.html", context)


@require_http_methods(["GET", "POST"])
def experience_create(request: HttpRequest) -> HttpResponse:
    """Write up a typical experience (a draft until the office submits it), with a photo."""
    user: Any = request.user
    offices = selectors.offices_for(user=user, model=TypicalExperience)
    if not offices.exists():
        raise PermissionDenied
    form = forms.ExperienceForm(
        request.POST or None, request.FILES or None, offices=offices, initial=new_token()
    )
    title = _("Write up a typical experience")
    cancel = reverse("offices:experience_list")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def create() -> TypicalExperience:
            experience = services.experience_create(
                actor=user, office=d["office"], title=d["title"], body=d["body"]
            )
            if d["photo"]:
                attachment_create(
                    actor=user, unit=experience.unit, uploaded=d["photo"], owner=experience
                )
            return experience

        try:
            experience = create_once(request, form, TypicalExperience, create)
        except (ApplicationError, ValidationError) as exc:
            form_error(form, exc, request)
            return form_page(request, form, title=title, cancel_url=cancel, status=400)
        messages.success(request, _("The experience has been saved as a draft."))
        return redirect("offices:experience_detail", public_id=experience.public_id)
    return form_page(request, form, title=title, cancel_url=cancel)


def _experience_page(
    request: HttpRequest,
    experience: TypicalExperience,
    step_form: forms.ExperienceStepForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user: Any = request.user
    steps = selectors.experience_steps_for(user=user, experience=experience)
    if step_form is None and steps:
        step_form = forms.ExperienceStepForm(steps=steps)
    photos = selectors.attachments_of(user=user, owners=[experience]).get(
        (experience._meta.label_lower, str(experience.pk)), []
    )
    return render(
        request,
        "offices/experience_detail.html",
        {
            "experience": experience,
            "photos": photos,
            "step_form": step_form if steps else None,
        },
        status=status,
    )


@require_GET
def experience_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One typical experience, and the step its reader's unit may take."""
    experience = selectors.experience_for_user(user=request.user, public_id=public_id)
    return _experience_page(request, experience)


@require_POST
def experience_step(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Submit (office), recommend (district), publish (city) or return with a note."""
    user: Any = request.user
    experience = selectors.experience_for_user(user=user, public_id=public_id)
    steps = selectors.experience_steps_for(user=user, experience=experience)
    form = forms.ExperienceStepForm(request.POST, steps=list(forms.STEP_LABELS))
    if form.is_valid():
        try:
            services.experience_step(
                actor=user,
                experience=experience,
                step=form.cleaned_data["step"],
                note=form.cleaned_data["note"],
            )
        except PermissionDenied:
            audit.record(
                form.cleaned_data["step"],
                actor=user,
                obj=experience,
                outcome=AuditOutcome.DENIED,
            )
            raise
        except ApplicationError as exc:
            form_error(form, exc, request)
        else:
            messages.success(request, _("The step has been recorded."))
            return redirect("offices:experience_detail", public_id=experience.public_id)
    experience.refresh_from_db()
    if steps:
        form.fields["step"].choices = [  # type: ignore[attr-defined]
            (s, label) for s, label in forms.STEP_LABELS.items() if s in steps
        ]
    return _experience_page(request, experience, form, status=400)
