"""Public legal service pages: consultations, legal aid, appointments, slots, windows, figures.

Views are thin: parse, one service or selector call, render. A refused action re-renders the
page with the message on the form.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.measures import registry
from sifasuo.core.scope import get_for_user
from sifasuo.core.xlsx import audited_export
from sifasuo.legalservice import forms, ledger, measures, selectors, services
from sifasuo.legalservice.choices import (
    AppointmentStatus,
    BookingChannel,
    ConsultationStatus,
    LegalAidStatus,
)
from sifasuo.legalservice.filtersets import (
    AppointmentFilterSet,
    ConsultationFilterSet,
    LegalAidFilterSet,
    WindowLogFilterSet,
)
from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    LegalAidApplication,
    ServiceSlot,
    WindowServiceLog,
)
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people.models import Person

CONSULTATION_SORTS = ("received_on", "status", "answer_due", "channel")
LEGAL_AID_SORTS = ("received_on", "status", "transfer_due", "transferred_on")
APPOINTMENT_SORTS = ("date", "status")
WINDOW_SORTS = ("served_on", "people_served", "minutes")
SEARCH_SESSION_KEY = "legalservice_searches"


def _personal(request: HttpRequest) -> None:
    request.contains_personal_data = True  # type: ignore[attr-defined]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _form_error(form: django_forms.Form, exc: ApplicationError, request: HttpRequest) -> None:
    audit.record_refusal(exc, request.user)
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _can(user: Any, obj: Model, action: str) -> bool:
    manager: Any = type(obj)._default_manager
    return bool(manager.visible_to(user, action).filter(pk=obj.pk).exists())


def _token() -> dict[str, str]:
    return {"form_token": secrets.token_urlsafe(16)}


# Lists -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """What a ledger's list page needs: its title, filters, sorts, table and export."""

    title: Any
    filterset: type[Any]
    sorts: Sequence[str]
    table: str
    export_name: str
    headers: Sequence[str]
    row: Callable[[Any], list[Any]]
    list_url: str
    create_url: str = ""
    create_label: Any = ""
    search_url: str = ""
    empty: Any = gettext_lazy("Nothing matches.")


LEDGERS = {
    "consultations": Ledger(
        gettext_lazy("Legal consultations"),
        ConsultationFilterSet,
        CONSULTATION_SORTS,
        "legalservice/_consultation_table.html",
        "consultations.xlsx",
        ledger.CONSULTATION_HEADERS,
        ledger.consultation_row,
        "legalservice:consultation_list",
        "legalservice:consultation_create",
        gettext_lazy("Record a consultation"),
        "legalservice:consultation_search",
    ),
    "legal_aid": Ledger(
        gettext_lazy("Legal aid pre-applications"),
        LegalAidFilterSet,
        LEGAL_AID_SORTS,
        "legalservice/_legal_aid_table.html",
        "legal-aid.xlsx",
        ledger.LEGAL_AID_HEADERS,
        ledger.legal_aid_row,
        "legalservice:legal_aid_list",
        "legalservice:legal_aid_create",
        gettext_lazy("Register a pre-application"),
        "legalservice:legal_aid_search",
    ),
    "appointments": Ledger(
        gettext_lazy("Appointments"),
        AppointmentFilterSet,
        APPOINTMENT_SORTS,
        "legalservice/_appointment_table.html",
        "appointments.xlsx",
        ledger.APPOINTMENT_HEADERS,
        ledger.appointment_row,
        "legalservice:appointment_list",
        "legalservice:appointment_create",
        gettext_lazy("Book at the counter"),
    ),
    "windows": Ledger(
        gettext_lazy("Window services"),
        WindowLogFilterSet,
        WINDOW_SORTS,
        "legalservice/_window_table.html",
        "window-services.xlsx",
        ledger.WINDOW_HEADERS,
        ledger.window_row,
        "legalservice:window_list",
        "legalservice:window_create",
        gettext_lazy("Log window services"),
    ),
}

MODELS: dict[str, type[Any]] = {
    "consultations": Consultation,
    "legal_aid": LegalAidApplication,
    "appointments": Appointment,
    "windows": WindowServiceLog,
}


def _list_page(request: HttpRequest, key: str, base: QuerySet[Any]) -> HttpResponse:
    """Filter, sort, paginate or export one ledger."""
    _personal(request)
    user: Any = request.user
    spec = LEDGERS[key]
    filterset = spec.filterset(request.GET or None, queryset=base, user=user)
    records = sort(request, filterset.qs, spec.sorts)
    model = MODELS[key]
    if request.GET.get("export") == "xlsx":
        exportable = records.filter(pk__in=model.objects.visible_to(user, "export"))
        return audited_export(
            actor=user,
            object_type=model._meta.label_lower,
            filename=spec.export_name,
            headers=spec.headers,
            rows=(spec.row(r) for r in exportable),
        )
    context = {
        "ledger": spec,
        "filter_form": filterset.form,
        "search_form": forms.DocumentSearchForm() if spec.search_url else None,
        "sort_links": sort_links(request, spec.sorts),
        "export_url": export_url(request),
        "measure": request.GET.get("measure", ""),
        "can_create": selectors.offices_for_choice(user=user, model=model).exists(),
        **paginate(request, records),
    }
    return render(request, "legalservice/ledger_list.html", context)


def _drill(request: HttpRequest) -> dict[str, Any]:
    return {
        "measure": request.GET.get("measure", ""),
        "unit": request.GET.get("unit", ""),
        "year": _int(request.GET.get("year")),
        "month": _int(request.GET.get("month")),
    }


@require_GET
def consultation_list(request: HttpRequest) -> HttpResponse:
    """Every consultation in scope: filter, sort, paginate, export; a figure's drill-down."""
    base = selectors.consultation_list(user=request.user, **_drill(request))
    return _list_page(request, "consultations", base)


@require_GET
def legal_aid_list(request: HttpRequest) -> HttpResponse:
    """Every legal aid pre-application in scope."""
    base = selectors.legal_aid_list(user=request.user, **_drill(request))
    return _list_page(request, "legal_aid", base)


@require_GET
def appointment_list(request: HttpRequest) -> HttpResponse:
    """Every appointment in scope."""
    base = selectors.appointment_list(user=request.user, **_drill(request))
    return _list_page(request, "appointments", base)


@require_GET
def window_list(request: HttpRequest) -> HttpResponse:
    """The window services log."""
    base = selectors.window_log_list(user=request.user, **_drill(request))
    return _list_page(request, "windows", base)


def _search(request: HttpRequest, key: str, results: str) -> HttpResponse:
    form = forms.DocumentSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a document type and number."))
        return redirect(LEDGERS[key].list_url)
    found = selectors.lookup_by_document(user=request.user, model=MODELS[key], **form.cleaned_data)
    token = secrets.token_urlsafe(12)
    searches = dict(list(request.session.get(SEARCH_SESSION_KEY, {}).items())[-9:])
    searches[token] = [key, [str(pk) for pk in found.values_list("public_id", flat=True)]]
    request.session[SEARCH_SESSION_KEY] = searches
    return redirect(results, token=token)


def _search_results(request: HttpRequest, key: str, token: str, base: QuerySet[Any]) -> Any:
    _personal(request)
    entry = request.session.get(SEARCH_SESSION_KEY, {}).get(token)
    if entry is None or entry[0] != key:
        raise Http404
    records = base.filter(public_id__in=entry[1])
    spec = LEDGERS[key]
    context = {
        "ledger": spec,
        "filter_form": spec.filterset(queryset=records, user=request.user).form,
        "search_form": forms.DocumentSearchForm(),
        "is_search": True,
        "sort_links": {},
        "export_url": None,
        **paginate(request, records),
    }
    return render(request, "legalservice/ledger_list.html", context)


@require_POST
def consultation_search(request: HttpRequest) -> HttpResponse:
    """Find consultations by the person's document number: POST in, a token's results out."""
    return _search(request, "consultations", "legalservice:consultation_search_results")


@require_GET
def consultation_search_results(request: HttpRequest, token: str) -> HttpResponse:
    base = selectors.consultation_list(user=request.user)
    return _search_results(request, "consultations", token, base)  # type: ignore[no-any-return]


@require_POST
def legal_aid_search(request: HttpRequest) -> HttpResponse:
    """Find pre-applications by the applicant's document number."""
    return _search(request, "legal_aid", "legalservice:legal_aid_search_results")


@require_GET
def legal_aid_search_results(request: HttpRequest, token: str) -> HttpResponse:
    base = selectors.legal_aid_list(user=request.user)
    return _search_results(request, "legal_aid", token, base)  # type: ignore[no-any-return]


def _offices(request: HttpRequest, model: type[Any]) -> Any:
    offices = selectors.offices_for_choice(user=request.user, model=model)
    if not offices.exists():
        raise PermissionDenied
    return offices


def _create_page(
    request: HttpRequest,
    *,
    form: django_forms.Form,
    model: type[Any],
    create: Callable[[dict[str, Any]], Any],
    template: str,
    done: Callable[[Any], str],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """An idempotent create form: a double submit makes one record."""
    user: Any = request.user
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload = {k: v for k, v in data.items() if k != "form_token"}
        try:
            obj = submit_once(
                user=user, token=data["form_token"], payload=payload, create=lambda: create(data)
            )
        except ReplayedSubmission as replay:
            obj = model._default_manager.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(request, template, {"form": form, **(context or {})}, status=400)
        messages.success(request, done(obj))
        return redirect(obj)
    return render(request, template, {"form": form, **(context or {})})


# Consultations -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    """Record a walk-in, phone or hotline consultation (answered now, or later)."""
    _personal(request)
    user: Any = request.user
    offices = _offices(request, Consultation)
    form = forms.ConsultationForm(request.POST or None, offices=offices, initial=_token())

    def create(d: dict[str, Any]) -> Consultation:
        office = d["office"]
        person = services.person_for(actor=user, unit=office, **form.person_input())
        return services.consultation_create(
            actor=user,
            office=office,
            channel=d["channel"],
            topic=d["topic"],
            question=d["question"],
            received_on=d["received_on"],
            person=person,
            answer=d["answer"],
            duration_minutes=d["duration_minutes"],
            referral=d["referral"],
            referral_note=d["referral_note"],
        )

    return _create_page(
        request,
        form=form,
        model=Consultation,
        create=create,
        template="legalservice/consultation_form.html",
        done=lambda c: _("The consultation has been recorded."),
    )


def _consultation_context(
    request: HttpRequest, consultation: Consultation, answer_form: Any = None
) -> dict[str, Any]:
    can_change = _can(request.user, consultation, "change")
    pending = consultation.status == ConsultationStatus.PENDING
    return {
        "consultation": consultation,
        "can_change": can_change,
        "answer_form": (answer_form or forms.AnswerForm(initial={"version": consultation.version}))
        if can_change and pending
        else None,
    }


@require_GET
def consultation_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One consultation; a pending one carries the answer form."""
    _personal(request)
    consultation = selectors.consultation_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "legalservice/consultation_detail.html",
        _consultation_context(request, consultation),
    )


@require_POST
def consultation_answer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Answer a consultation; an online one's answer reaches the citizen."""
    _personal(request)
    consultation = selectors.consultation_for_user(
        user=request.user, public_id=public_id, action="change"
    )
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.consultation_answer(
                actor=request.user,
                consultation=consultation,
                answer=d["answer"],
                duration_minutes=d["duration_minutes"],
                referral=d["referral"],
                referral_note=d["referral_note"],
                version=d["version"],
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The answer has been recorded."))
            return redirect(consultation)
    consultation.refresh_from_db()
    context = _consultation_context(request, consultation, form)
    return render(request, "legalservice/consultation_detail.html", context)


def _edit_page(
    request: HttpRequest,
    *,
    obj: Any,
    form_class: type[django_forms.Form],
    initial: dict[str, Any],
    update: Callable[[dict[str, Any]], Any],
    title: Any,
    back: str,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """An edit form at the loaded version (a stale save is refused with a message)."""
    form = form_class(
        request.POST or None, initial={"version": obj.version, **initial}, **(form_kwargs or {})
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            update({"version": version, **data})
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(
        request,
        "legalservice/edit_form.html",
        {"form": form, "title": title, "back": back, "object": obj},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct a consultation's record."""
    _personal(request)
    c = selectors.consultation_for_user(user=request.user, public_id=public_id, action="change")
    fields = ("channel", "received_on", "topic", "question", "answer", "duration_minutes")
    initial = {f: getattr(c, f) for f in fields}
    initial.update(referral=c.referral, referral_note=c.referral_note)
    return _edit_page(
        request,
        obj=c,
        form_class=forms.ConsultationEditForm,
        initial=initial,
        update=lambda d: services.consultation_update(actor=request.user, consultation=c, **d),
        title=_("Edit the consultation"),
        back=c.get_absolute_url(),
    )


# Legal aid ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def legal_aid_create(request: HttpRequest) -> HttpResponse:
    """Register a pre-application: applicant, case type and the financial questionnaire."""
    _personal(request)
    user: Any = request.user
    offices = _offices(request, LegalAidApplication)
    form = forms.LegalAidForm(request.POST or None, offices=offices, initial=_token())

    def create(d: dict[str, Any]) -> LegalAidApplication:
        office = d["office"]
        person = services.person_for(actor=user, unit=office, **form.person_input())
        return services.legal_aid_create(
            actor=user,
            office=office,
            channel=d["channel"],
            case_type=d["case_type"],
            matter=d["matter"],
            received_on=d["received_on"],
            household_size=d["household_size"],
            monthly_household_income=d["monthly_household_income"],
            assets_value=d["assets_value"] or Decimal("0"),
            assets_note=d["assets_note"],
            exempt_categories=d["exempt_categories"],
            person=person,
        )

    return _create_page(
        request,
        form=form,
        model=LegalAidApplication,
        create=create,
        template="legalservice/legal_aid_form.html",
        done=lambda a: (
            _("The pre-application has been registered: %(result)s.")
            % {"result": a.get_eligibility_display()}
        ),
    )


@dataclass(frozen=True)
class Step:
    label: Any
    form: type[django_forms.Form]
    shows: Callable[[LegalAidApplication], bool]
    run: Callable[[Any, LegalAidApplication, dict[str, Any]], Any]
    form_kwargs: Callable[[LegalAidApplication], dict[str, Any]] = lambda a: {}
    initial: Callable[[LegalAidApplication], dict[str, Any]] = lambda a: {}
    done: Any = gettext_lazy("Saved.")


LEGAL_AID_STEPS: dict[str, Step] = {
    "materials": Step(
        gettext_lazy("Materials received"),
        forms.MaterialsForm,
        lambda a: a.status == LegalAidStatus.REGISTERED,
        lambda u, a, d: services.legal_aid_set_materials(
            actor=u, application=a, materials=d["materials"], version=d["version"]
        ),
        lambda a: {"application": a},
        lambda a: {"materials": a.materials_received},
        gettext_lazy("The materials checklist has been saved."),
    ),
    "transfer": Step(
        gettext_lazy("Transfer to the legal aid centre"),
        forms.TransferForm,
        lambda a: a.status == LegalAidStatus.REGISTERED,
        lambda u, a, d: services.legal_aid_transfer(
            actor=u,
            application=a,
            transferred_on=d["transferred_on"],
            note=d["note"],
            version=d["version"],
        ),
        done=gettext_lazy("The pre-application has been transferred."),
    ),
    "decision": Step(
        gettext_lazy("Record the centre's decision"),
        forms.DecisionForm,
        lambda a: a.status == LegalAidStatus.TRANSFERRED,
        lambda u, a, d: services.legal_aid_record_decision(
            actor=u,
            application=a,
            decision=d["decision"],
            decided_on=d["decided_on"],
            reason=d["reason"],
            version=d["version"],
        ),
        done=gettext_lazy("The centre's decision has been recorded."),
    ),
}


def _legal_aid_context(
    request: HttpRequest, application: LegalAidApplication, bound: tuple[str, Any] | None = None
) -> dict[str, Any]:
    steps = []
    if _can(request.user, application, "change"):
        for slug, step in LEGAL_AID_STEPS.items():
            if not step.shows(application):
                continue
            if bound and bound[0] == slug:
                form = bound[1]
            else:
                form = step.form(
                    initial={"version": application.version, **step.initial(application)},
                    **step.form_kwargs(application),
                )
            steps.append(
                {
                    "slug": slug,
                    "label": step.label,
                    "form": form,
                    "open": bool(bound and bound[0] == slug),
                    "url": reverse(f"legalservice:legal_aid_{slug}", args=[application.public_id]),
                }
            )
    return {
        "application": application,
        "steps": steps,
        "can_change": bool(steps) and application.status == LegalAidStatus.REGISTERED,
        "criteria": application.eligibility_reasons,
        "materials": [
            (m, m in (application.materials_received or []))
            for m in application.case_type.material_list
        ],
    }


@require_GET
def legal_aid_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One pre-application: the eligibility explained, the checklist, transfer and outcome."""
    _personal(request)
    application = selectors.legal_aid_for_user(user=request.user, public_id=public_id)
    return render(
        request, "legalservice/legal_aid_detail.html", _legal_aid_context(request, application)
    )


@require_POST
def legal_aid_step(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    """Run one step on a pre-application (the change right is needed)."""
    _personal(request)
    spec = LEGAL_AID_STEPS.get(step)
    if spec is None:
        raise Http404
    application = selectors.legal_aid_for_user(
        user=request.user, public_id=public_id, action="change"
    )
    form = spec.form(request.POST, **spec.form_kwargs(application))
    if not spec.shows(application):
        messages.error(request, _("This step does not apply in the present state."))
        return redirect(application)
    if form.is_valid():
        try:
            spec.run(request.user, application, dict(form.cleaned_data))
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, str(spec.done))
            return redirect(application)
    application.refresh_from_db()
    context = _legal_aid_context(request, application, (step, form))
    return render(request, "legalservice/legal_aid_detail.html", context)


@require_http_methods(["GET", "POST"])
def legal_aid_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct the questionnaire before transfer (the eligibility is assessed again)."""
    _personal(request)
    a = selectors.legal_aid_for_user(user=request.user, public_id=public_id, action="change")
    fields = services.LEGAL_AID_EDITABLE
    return _edit_page(
        request,
        obj=a,
        form_class=forms.LegalAidEditForm,
        initial={f: getattr(a, f) for f in fields},
        update=lambda d: services.legal_aid_update(
            actor=request.user,
            application=a,
            **{**d, "assets_value": d.get("assets_value") or Decimal("0")},
        ),
        title=_("Edit the pre-application"),
        back=a.get_absolute_url(),
    )


# Slots and appointments --------------------------------------------------------------------


@require_GET
def slot_list(request: HttpRequest) -> HttpResponse:
    """The coming slots of the offices in scope, with their bookings."""
    user: Any = request.user
    slots = selectors.slot_list(user=user, upcoming=request.GET.get("past") != "1")
    return render(
        request,
        "legalservice/slot_list.html",
        {
            "can_create": selectors.offices_for_choice(user=user, model=ServiceSlot).exists(),
            "past": request.GET.get("past") == "1",
            **paginate(request, slots, per_page=50),
        },
    )


@require_http_methods(["GET", "POST"])
def slot_publish(request: HttpRequest) -> HttpResponse:
    """Publish slots: one per working day over a period (publishing again adds nothing)."""
    user: Any = request.user
    offices = _offices(request, ServiceSlot)
    form = forms.SlotPublishForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.slots_publish(actor=user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("%(n)d slots have been published.") % {"n": len(created)})
            return redirect("legalservice:slot_list")
    return render(
        request,
        "legalservice/edit_form.html",
        {
            "form": form,
            "title": _("Publish appointment slots"),
            "back": reverse("legalservice:slot_list"),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def slot_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change a slot's capacity or place, or close it for booking."""
    slot = selectors.slot_for_user(user=request.user, public_id=public_id, action="change")
    return _edit_page(
        request,
        obj=slot,
        form_class=forms.SlotUpdateForm,
        initial={"capacity": slot.capacity, "place": slot.place, "is_open": slot.is_open},
        update=lambda d: services.slot_update(actor=request.user, slot=slot, **d),
        title=str(slot),
        back=reverse("legalservice:slot_list"),
    )


@require_http_methods(["GET", "POST"])
def appointment_create(request: HttpRequest) -> HttpResponse:
    """Book a slot at the counter for a person of the registry."""
    _personal(request)
    user: Any = request.user
    offices = _offices(request, Appointment)
    form = forms.AppointmentForm(request.POST or None, offices=offices, initial=_token())

    def create(d: dict[str, Any]) -> Appointment:
        slot = d["slot"]
        person = services.person_for(actor=user, unit=slot.unit, **form.person_input())
        return services.appointment_book(
            actor=user,
            slot=slot,
            channel=BookingChannel.COUNTER,
            person=person,
            contact_phone=d["person_phone"],
            matter=d["matter"],
        )

    return _create_page(
        request,
        form=form,
        model=Appointment,
        create=create,
        template="legalservice/appointment_form.html",
        done=lambda a: _("The appointment has been booked: %(slot)s.") % {"slot": a.slot},
    )


def _appointment_context(
    request: HttpRequest, appointment: Appointment, form: Any = None
) -> dict[str, Any]:
    can_change = _can(request.user, appointment, "change")
    booked = appointment.status == AppointmentStatus.BOOKED
    return {
        "appointment": appointment,
        "outcome_form": (
            form or forms.AppointmentOutcomeForm(initial={"version": appointment.version})
        )
        if can_change and booked
        else None,
    }


@require_GET
def appointment_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One appointment and the form recording whether it was kept."""
    _personal(request)
    appointment = selectors.appointment_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "legalservice/appointment_detail.html",
        _appointment_context(request, appointment),
    )


@require_POST
def appointment_outcome(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record kept, no-show or cancelled."""
    _personal(request)
    appointment = selectors.appointment_for_user(
        user=request.user, public_id=public_id, action="change"
    )
    form = forms.AppointmentOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_record_outcome(
                actor=request.user,
                appointment=appointment,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The outcome has been recorded."))
            return redirect(appointment)
    appointment.refresh_from_db()
    context = _appointment_context(request, appointment, form)
    return render(request, "legalservice/appointment_detail.html", context)


# Window services ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def window_create(request: HttpRequest) -> HttpResponse:
    """Log what a window handled."""
    user: Any = request.user
    offices = _offices(request, WindowServiceLog)
    form = forms.WindowLogForm(request.POST or None, offices=offices, initial=_token())
    return _create_page(
        request,
        form=form,
        model=WindowServiceLog,
        create=lambda d: services.window_log_create(
            actor=user, **{k: v for k, v in d.items() if k != "form_token"}
        ),
        template="legalservice/window_form.html",
        done=lambda log: _("The window service has been logged."),
    )


@require_http_methods(["GET", "POST"])
def window_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct a line of the window log."""
    log = selectors.window_log_for_user(user=request.user, public_id=public_id, action="change")
    fields = services.WINDOW_EDITABLE
    return _edit_page(
        request,
        obj=log,
        form_class=forms.WindowLogEditForm,
        initial={f: getattr(log, f) for f in fields},
        update=lambda d: services.window_log_update(actor=request.user, log=log, **d),
        title=_("Edit the window service"),
        back=reverse("legalservice:window_list"),
    )


# A person's records and the figures --------------------------------------------------------


@require_GET
def person_consultations(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every consultation in scope of one person."""
    _personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    records = selectors.consultations_of_person(user=request.user, person=person)
    return render(
        request,
        "legalservice/person_records.html",
        {
            "person": person,
            "ledger": LEDGERS["consultations"],
            "sort_links": {},
            **paginate(request, records),
        },
    )


@require_GET
def person_legal_aid(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every legal aid pre-application in scope of one person."""
    _personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    records = selectors.legal_aid_of_person(user=request.user, person=person)
    return render(
        request,
        "legalservice/person_records.html",
        {
            "person": person,
            "ledger": LEDGERS["legal_aid"],
            "sort_links": {},
            **paginate(request, records),
        },
    )


FIGURE_LISTS = {
    Consultation: "legalservice:consultation_list",
    LegalAidApplication: "legalservice:legal_aid_list",
    Appointment: "legalservice:appointment_list",
    WindowServiceLog: "legalservice:window_list",
}


def _labelled(name: str, counts: dict[str, int]) -> dict[str, int]:
    labels = measures.breakdown_labels(name)
    return {labels.get(key, key): n for key, n in counts.items()}


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """The month's (or year's) figures of a unit in scope; each opens the records behind it."""
    from django.utils import timezone

    user: Any = request.user
    form = forms.FiguresForm(request.GET or None)
    today = timezone.localdate()
    unit_code, year, month = user.unit.code if user.unit else "", today.year, today.month
    if form.is_valid():
        unit_code = form.cleaned_data["unit"] or unit_code
        year = form.cleaned_data["year"] or year
        month = form.cleaned_data["month"]
    unit = unit_for_user(user=user, code=unit_code) if unit_code else None
    start, end = selectors.period_bounds(year, month)
    rows = []
    for measure in registry.all():
        if not measure.code.startswith(selectors.MEASURE_PREFIX):
            continue
        kwargs = {"unit": unit, "start": start, "end": end}
        qs = measure.queryset(user, **kwargs)
        url_name = FIGURE_LISTS.get(qs.model)
        params = f"?measure={measure.code}&unit={unit.code if unit else ''}&year={year}"
        if month:
            params += f"&month={month}"
        rows.append(
            {
                "measure": measure,
                "value": measure.value(user, **kwargs),
                "url": reverse(url_name) + params if url_name else "",
                "breakdowns": {
                    name: _labelled(name, measure.breakdown(user, name, **kwargs))
                    for name in measure.breakdowns
                },
            }
        )
    return render(
        request,
        "legalservice/figures.html",
        {"form": form, "rows": rows, "unit": unit, "year": year, "month": month},
    )
