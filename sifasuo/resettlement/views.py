"""Resettlement pages: the released persons' ledger, a file and its steps, remote visitation
and its coverage.

Views are thin: parse, one service or selector call, render. Reading a file writes one audit
row; a step's form posts to its own URL, and a refused step re-renders the file with the
error on the form.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.scope import get_for_user, may_act_at
from sifasuo.core.xlsx import audited_export
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.people.models import Person
from sifasuo.resettlement import forms, selectors, services
from sifasuo.resettlement.choices import (
    ACTIVE_STATUSES,
    ON_FILE_STATUSES,
    Channel,
    MeasureResult,
    PersonStatus,
    VisitationStatus,
)
from sifasuo.resettlement.filtersets import ReleasedPersonFilterSet, VisitationFilterSet
from sifasuo.resettlement.ledger import EXPORT_HEADERS, export_row
from sifasuo.resettlement.models import (
    ReleasedPerson,
    VisitationRequest,
    VisitationSystem,
)

PERSON_SORTS = ("released_on", "period_end", "status")
SEARCH_SESSION_KEY = "resettlement_searches"
LIVE = (*ACTIVE_STATUSES, PersonStatus.LOST_CONTACT)


def _personal(request: HttpRequest) -> None:
    request.contains_personal_data = True  # type: ignore[attr-defined]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _form_error(form: django_forms.Form, exc: ApplicationError, request: HttpRequest) -> None:
    audit.record_refusal(exc, request.user)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# The ledger --------------------------------------------------------------------------------


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    """Every file in scope: filter, sort, paginate, export (masked unless revealed)."""
    _personal(request)
    user: Any = request.user
    base = selectors.person_list(
        user=user,
        measure=request.GET.get("measure", ""),
        unit=request.GET.get("unit", ""),
        year=_int(request.GET.get("year")),
    )
    filterset = ReleasedPersonFilterSet(request.GET or None, queryset=base, user=user)
    files = sort(request, filterset.qs, PERSON_SORTS)
    if request.GET.get("export") == "xlsx":
        return _export(request, files)
    can_reveal = ReleasedPerson.objects.visible_to(user, "reveal").exists()
    context = {
        "filter_form": filterset.form,
        "search_form": forms.DocumentSearchForm(),
        "sort_links": sort_links(request, PERSON_SORTS),
        "export_url": export_url(request),
        "export_params": [
            (k, v) for k, v in request.GET.items() if k not in ("page", "export", "reason")
        ],
        "can_reveal": can_reveal,
        "measure": request.GET.get("measure", ""),
        "can_create": selectors.offices_for_choice(user=user).exists(),
        **paginate(request, files),
    }
    return render(request, "resettlement/person_list.html", context)


def _export(request: HttpRequest, files: Any) -> HttpResponse:
    """The ledger as Excel: IDs and crime masked; unmasked with a reason (reveal right)."""
    user: Any = request.user
    exportable = files.filter(pk__in=ReleasedPerson.objects.visible_to(user, "export"))
    reveal = request.GET.get("reveal") == "1"
    if reveal:
        reason = request.GET.get("reason", "").strip()
        if not reason:
            return HttpResponse(_("State the reason for revealing this value."), status=400)
        revealable = ReleasedPerson.objects.visible_to(user, "reveal")
        if exportable.exclude(pk__in=revealable).exists():
            audit.record(
                "reveal",
                actor=user,
                object_type="resettlement.releasedperson",
                outcome="DENIED",
                changes={"export": True},
            )
            raise PermissionDenied
        rows = [export_row(rp, reveal=True) for rp in exportable]
        audit.record(
            "reveal",
            actor=user,
            object_type="resettlement.releasedperson",
            reason=reason,
            changes={
                "export": True,
                "fields": ["crime", "id_number", "sentence"],
                "rows": len(rows),
            },
        )
    else:
        rows = [export_row(rp) for rp in exportable]
    return audited_export(
        actor=user,
        object_type="resettlement.releasedperson",
        filename="resettlement-released-persons.xlsx",
        headers=EXPORT_HEADERS,
        rows=rows,
    )


@require_POST
def person_search(request: HttpRequest) -> HttpResponse:
    """Find files by the person's document number: POST in, an opaque token's results out."""
    form = forms.DocumentSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a document type and number."))
        return redirect("resettlement:person_list")
    found = selectors.person_lookup_by_document(user=request.user, **form.cleaned_data)
    token = secrets.token_urlsafe(12)
    searches = dict(list(request.session.get(SEARCH_SESSION_KEY, {}).items())[-9:])
    searches[token] = [str(rp.public_id) for rp in found]
    request.session[SEARCH_SESSION_KEY] = searches
    return redirect("resettlement:person_search_results", token=token)


@require_GET
def person_search_results(request: HttpRequest, token: str) -> HttpResponse:
    """The files found by one exact search (the number never enters a URL)."""
    _personal(request)
    ids = request.session.get(SEARCH_SESSION_KEY, {}).get(token)
    if ids is None:
        raise Http404
    files = selectors.person_list(user=request.user).filter(public_id__in=ids)
    context = {
        "filter_form": ReleasedPersonFilterSet(queryset=files, user=request.user).form,
        "search_form": forms.DocumentSearchForm(),
        "is_search": True,
        "sort_links": {},
        "export_url": None,
        **paginate(request, files),
    }
    return render(request, "resettlement/person_list.html", context)


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """Open a file from the prison's notice; a double submit makes one file."""
    _personal(request)
    user: Any = request.user
    offices = selectors.offices_for_choice(user=user)
    if not offices.exists():
        raise PermissionDenied
    form = forms.RegisterForm(
        request.POST or None, offices=offices, initial={"form_token": secrets.token_urlsafe(16)}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        payload = {k: v for k, v in d.items() if k != "form_token"}

        def create() -> ReleasedPerson:
            person = services.person_for(
                actor=user,
                unit=d["office"],
                entry=services.PersonInput(
                    name=d["name"],
                    id_type=d["id_type"],
                    id_number=d["id_number"],
                    phone=d["phone"],
                    address=d["address"],
                ),
            )
            return services.released_person_register(
                actor=user,
                unit=d["office"],
                person=person,
                release_type=d["release_type"],
                released_on=d["released_on"],
                prison=d["prison"],
                crime=d["crime"],
                sentence=d["sentence"],
                is_key_person=d["is_key_person"],
                notice_received_on=d["notice_received_on"],
            )

        try:
            rp = submit_once(user=user, token=d["form_token"], payload=payload, create=create)
        except ReplayedSubmission as replay:
            rp = ReleasedPerson.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(request, "resettlement/person_form.html", {"form": form}, status=400)
        messages.success(request, _("The file has been opened."))
        return redirect(rp)
    return render(request, "resettlement/person_form.html", {"form": form})


# One file and its steps ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A step of the file: its form, when it shows, and the service call it makes."""

    label: Any
    form: type[django_forms.Form]
    shows: Callable[[ReleasedPerson], bool]
    run: Callable[[Any, ReleasedPerson, dict[str, Any]], Any]
    form_kwargs: Callable[[ReleasedPerson], dict[str, Any]] = lambda rp: {}
    done: Any = gettext_lazy("Saved.")


def _pending_measures(rp: ReleasedPerson) -> dict[str, Any]:
    return {"measures": rp.measures.filter(result=MeasureResult.PENDING)}


def _run_measure_result(actor: Any, rp: ReleasedPerson, d: dict[str, Any]) -> Any:
    measure = d["measure"]
    if measure.released_person_id != rp.pk:
        raise Http404
    return services.measure_record_result(
        actor=actor,
        measure=measure,
        result=d["result"],
        result_on=d["result_on"],
        note=d["note"],
        version=measure.version,
    )


STEPS: dict[str, Step] = {
    "family": Step(
        gettext_lazy("Family notified"),
        forms.FamilyNoticeForm,
        lambda rp: rp.status == PersonStatus.AWAITING and not rp.family_notified_on,
        lambda a, rp, d: services.released_person_notify_family(
            actor=a, released_person=rp, notified_on=d["notified_on"], version=d["version"]
        ),
    ),
    "handover": Step(
        gettext_lazy("Record the hand-over"),
        forms.HandoverForm,
        lambda rp: rp.status == PersonStatus.AWAITING,
        lambda a, rp, d: services.released_person_hand_over(
            actor=a,
            released_person=rp,
            handed_over_on=d["handed_over_on"],
            method=d["method"],
            handed_over_by=d["handed_over_by"],
            reported_on=d["reported_on"],
            version=d["version"],
        ),
        done=gettext_lazy("The hand-over has been recorded; the person is on file."),
    ),
    "report_in": Step(
        gettext_lazy("Reported in"),
        forms.ReportInForm,
        lambda rp: rp.status in ON_FILE_STATUSES and not rp.reported_on,
        lambda a, rp, d: services.released_person_report_in(
            actor=a, released_person=rp, reported_on=d["reported_on"], version=d["version"]
        ),
    ),
    "known": Step(
        gettext_lazy("Key person's situation known"),
        forms.KnownForm,
        lambda rp: rp.is_key_person and rp.status in ACTIVE_STATUSES and not rp.situation_known_on,
        lambda a, rp, d: services.released_person_know_situation(
            actor=a, released_person=rp, known_on=d["known_on"], version=d["version"]
        ),
    ),
    "visit": Step(
        gettext_lazy("Record a visit"),
        forms.VisitForm,
        lambda rp: rp.status in LIVE and rp.is_released,
        lambda a, rp, d: services.visit_record(actor=a, released_person=rp, **d),
        done=gettext_lazy("The visit has been recorded."),
    ),
    "team": Step(
        gettext_lazy("Add a team member"),
        forms.TeamMemberForm,
        lambda rp: rp.status in LIVE,
        lambda a, rp, d: services.team_member_add(actor=a, released_person=rp, **d),
    ),
    "agreement": Step(
        gettext_lazy("Assistance agreement signed"),
        forms.AgreementForm,
        lambda rp: rp.status == PersonStatus.ASSISTING and not rp.agreement_signed_on,
        lambda a, rp, d: services.released_person_sign_agreement(
            actor=a, released_person=rp, signed_on=d["signed_on"], version=d["version"]
        ),
    ),
    "measure": Step(
        gettext_lazy("Add a measure of help"),
        forms.MeasureForm,
        lambda rp: rp.status in ON_FILE_STATUSES,
        lambda a, rp, d: services.measure_add(actor=a, released_person=rp, **d),
    ),
    "measure_result": Step(
        gettext_lazy("Result of a measure"),
        forms.MeasureResultForm,
        lambda rp: (
            rp.status in ON_FILE_STATUSES
            and rp.measures.filter(result=MeasureResult.PENDING).exists()
        ),
        _run_measure_result,
        _pending_measures,
    ),
    "risk": Step(
        gettext_lazy("Risk assessment"),
        forms.RiskForm,
        lambda rp: rp.status in LIVE,
        lambda a, rp, d: services.risk_assess(actor=a, released_person=rp, **d),
    ),
    "lost_contact": Step(
        gettext_lazy("Report lost contact to the police"),
        forms.LostContactForm,
        lambda rp: rp.status in ACTIVE_STATUSES and rp.is_released,
        lambda a, rp, d: services.released_person_report_lost_contact(
            actor=a,
            released_person=rp,
            lost_contact_on=d["lost_contact_on"],
            police_reported_on=d["police_reported_on"],
            police_station=d["police_station"],
            version=d["version"],
        ),
    ),
    "restore": Step(
        gettext_lazy("Contact restored"),
        forms.RestoreForm,
        lambda rp: rp.status == PersonStatus.LOST_CONTACT,
        lambda a, rp, d: services.released_person_restore_contact(
            actor=a, released_person=rp, restored_on=d["restored_on"], version=d["version"]
        ),
    ),
    "reoffence": Step(
        gettext_lazy("Record re-offending"),
        forms.ReoffenceForm,
        lambda rp: rp.status in ON_FILE_STATUSES,
        lambda a, rp, d: services.released_person_record_reoffence(
            actor=a,
            released_person=rp,
            reoffended_on=d["reoffended_on"],
            note=d["note"],
            version=d["version"],
        ),
    ),
    "close": Step(
        gettext_lazy("Close at the end of the period"),
        forms.CloseForm,
        lambda rp: rp.status in ON_FILE_STATUSES and rp.period_end <= timezone.localdate(),
        lambda a, rp, d: services.released_person_close_period(
            actor=a,
            released_person=rp,
            closed_on=d["closed_on"],
            note=d["note"],
            version=d["version"],
        ),
    ),
    "death": Step(
        gettext_lazy("Record the death"),
        forms.DeathForm,
        lambda rp: rp.status in LIVE,
        lambda a, rp, d: services.released_person_record_death(
            actor=a, released_person=rp, died_on=d["died_on"], note=d["note"], version=d["version"]
        ),
    ),
}


def _step_forms(rp: ReleasedPerson, bound: tuple[str, Any] | None) -> list[dict[str, Any]]:
    result = []
    for slug, step in STEPS.items():
        if not step.shows(rp):
            continue
        if bound and bound[0] == slug:
            form = bound[1]
        else:
            form = step.form(initial={"version": rp.version}, **step.form_kwargs(rp))
        result.append(
            {
                "slug": slug,
                "label": step.label,
                "form": form,
                "open": bool(bound and bound[0] == slug),
            }
        )
    return result


def _person_context(
    request: HttpRequest, rp: ReleasedPerson, bound: tuple[str, Any] | None = None
) -> dict[str, Any]:
    user: Any = request.user
    can_change = ReleasedPerson.objects.visible_to(user, "change").filter(pk=rp.pk).exists()
    can_reveal = ReleasedPerson.objects.visible_to(user, "reveal").filter(pk=rp.pk).exists()
    return {
        "rp": rp,
        "person": rp.person,
        "deadlines": rp.open_deadlines(),
        "team": rp.team.all(),
        "measures": rp.measures.all(),
        "visits": rp.visits.all(),
        "assessments": rp.assessments.all(),
        "steps": _step_forms(rp, bound) if can_change else [],
        "can_change": can_change,
        "can_reveal": can_reveal,
    }


@require_GET
def person_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One file (masked), every step so far, the forms of the next steps; the read is audited."""
    _personal(request)
    rp = selectors.person_read(user=request.user, public_id=public_id)
    return render(request, "resettlement/person_detail.html", _person_context(request, rp))


@require_POST
def person_step(request: HttpRequest, public_id: uuid.UUID, rs_step: str) -> HttpResponse:
    """Run one step on a file (the actor needs the change right on it)."""
    _personal(request)
    spec = STEPS.get(rs_step)
    if spec is None:
        raise Http404
    rp = selectors.person_for_user(user=request.user, public_id=public_id, action="change")
    if not spec.shows(rp):
        messages.error(request, _("This step does not apply to the file in its present state."))
        return redirect(rp)
    form = spec.form(request.POST, **spec.form_kwargs(rp))
    if form.is_valid():
        data = dict(form.cleaned_data)
        if "version" in data and data["version"] is None:
            data["version"] = rp.version
        try:
            spec.run(request.user, rp, data)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, str(spec.done))
            return redirect(rp)
    rp.refresh_from_db()
    audit.record("view", actor=request.user, obj=rp)
    context = _person_context(request, rp, (rs_step, form))
    return render(request, "resettlement/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct the release details (criminal history is typed again, never shown)."""
    _personal(request)
    rp = selectors.person_for_user(user=request.user, public_id=public_id, action="change")
    fields = ("release_type", "released_on", "prison", "is_key_person", "notice_received_on")
    initial = {f: getattr(rp, f) for f in fields} | {"version": rp.version}
    form = forms.EditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.released_person_update(
                actor=request.user,
                released_person=rp,
                version=form.cleaned_data["version"] or rp.version,
                **form.changes(),
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(rp)
    return render(request, "resettlement/person_edit.html", {"form": form, "rp": rp})


@require_POST
def person_reveal(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Show one criminal-history value to a user who may reveal it, after a reason."""
    _personal(request)
    rp = selectors.person_for_user(user=request.user, public_id=public_id)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("State the reason for revealing this value."), status=400)
    try:
        value = services.released_person_reveal(
            actor=request.user, released_person=rp, **form.cleaned_data
        )
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=400)
    return render(request, "resettlement/_revealed.html", {"value": value})


@require_GET
def person_files(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The resettlement files in scope of one registry person (the person page's panel)."""
    _personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    files = selectors.files_of_person(user=request.user, person=person)
    return render(
        request, "resettlement/person_files.html", {"person": person, **paginate(request, files)}
    )


# Remote visitation ------------------------------------------------------------------------


@require_GET
def visitation_list(request: HttpRequest) -> HttpResponse:
    """Remote visitation requests in scope, from the counter and the portal."""
    _personal(request)
    user: Any = request.user
    filterset = VisitationFilterSet(
        request.GET or None, queryset=selectors.visitation_list(user=user), user=user
    )
    context = {
        "filter_form": filterset.form,
        "can_create": _visitation_offices(user).exists(),
        **paginate(request, filterset.qs),
    }
    return render(request, "resettlement/visitation_list.html", context)


def _visitation_offices(user: Any) -> Any:
    from sifasuo.core.scope import unit_reach_q

    return Unit.objects.filter(
        unit_reach_q(user, VisitationRequest, "create"), kind=UnitKind.OFFICE, is_active=True
    ).order_by("path")


@require_http_methods(["GET", "POST"])
def visitation_create(request: HttpRequest) -> HttpResponse:
    """Take a family's request at the counter; a double submit makes one request."""
    _personal(request)
    user: Any = request.user
    office = _visitation_offices(user).first()
    if office is None:
        raise PermissionDenied
    form = forms.CounterVisitationForm(
        request.POST or None,
        request.FILES or None,
        office=office,
        initial={"form_token": secrets.token_urlsafe(16)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        payload = {k: v for k, v in d.items() if k not in ("form_token", "proof")}
        try:
            visit = submit_once(
                user=user,
                token=d["form_token"],
                payload=payload,
                create=lambda: services.visitation_apply(
                    actor=user,
                    office=office,
                    channel=Channel.COUNTER,
                    applicant_name=d["applicant_name"],
                    applicant_phone=d["applicant_phone"],
                    prisoner_name=d["prisoner_name"],
                    prison=d["prison"],
                    relationship=d["relationship"],
                    visitors=[services.VisitorInput(**v) for v in d["visitors"]],
                    proof=d.get("proof"),
                ),
            )
        except ReplayedSubmission as replay:
            visit = VisitationRequest.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(request, "resettlement/visitation_form.html", {"form": form}, status=400)
        messages.success(request, _("The request has been registered."))
        return redirect(visit)
    return render(request, "resettlement/visitation_form.html", {"form": form})


@dataclass(frozen=True)
class VisitationStep:
    label: Any
    form: type[django_forms.Form]
    statuses: tuple[str, ...]
    run: Callable[[Any, VisitationRequest, dict[str, Any]], Any]


VISITATION_STEPS: dict[str, VisitationStep] = {
    "forward": VisitationStep(
        gettext_lazy("Checked: forward to the prison"),
        forms.ForwardForm,
        (VisitationStatus.APPLIED,),
        lambda a, r, d: services.visitation_forward(
            actor=a, request=r, forwarded_on=d["forwarded_on"], version=d["version"]
        ),
    ),
    "book": VisitationStep(
        gettext_lazy("Book the slot"),
        forms.BookForm,
        (VisitationStatus.FORWARDED,),
        lambda a, r, d: services.visitation_book(
            actor=a, request=r, slot_at=d["slot_at"], version=d["version"]
        ),
    ),
    "held": VisitationStep(
        gettext_lazy("Held"),
        forms.HeldForm,
        (VisitationStatus.BOOKED,),
        lambda a, r, d: services.visitation_record_held(
            actor=a, request=r, held_on=d["held_on"], version=d["version"]
        ),
    ),
    "not_held": VisitationStep(
        gettext_lazy("Not held"),
        forms.ReasonForm,
        (VisitationStatus.BOOKED,),
        lambda a, r, d: services.visitation_record_not_held(
            actor=a, request=r, reason=d["reason"], version=d["version"]
        ),
    ),
    "refuse": VisitationStep(
        gettext_lazy("Refuse"),
        forms.ReasonForm,
        (VisitationStatus.APPLIED, VisitationStatus.FORWARDED),
        lambda a, r, d: services.visitation_refuse(
            actor=a, request=r, reason=d["reason"], version=d["version"]
        ),
    ),
}


def _visitation_context(
    request: HttpRequest, visit: VisitationRequest, bound: tuple[str, Any] | None = None
) -> dict[str, Any]:
    user: Any = request.user
    can_change = VisitationRequest.objects.visible_to(user, "change").filter(pk=visit.pk).exists()
    steps = []
    if can_change:
        for slug, step in VISITATION_STEPS.items():
            if visit.status not in step.statuses:
                continue
            form = (
                bound[1]
                if bound and bound[0] == slug
                else step.form(initial={"version": visit.version})
            )
            steps.append({"slug": slug, "label": step.label, "form": form, "open": bool(bound)})
    return {"visit": visit, "visitors": visit.visitors.all(), "steps": steps}


@require_GET
def visitation_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One request, its visitors and proof, and the next steps; the read is audited."""
    _personal(request)
    visit = selectors.visitation_for_user(user=request.user, public_id=public_id)
    audit.record("view", actor=request.user, obj=visit)
    return render(
        request, "resettlement/visitation_detail.html", _visitation_context(request, visit)
    )


@require_POST
def visitation_step(request: HttpRequest, public_id: uuid.UUID, vstep: str) -> HttpResponse:
    """Run one step on a visitation request."""
    _personal(request)
    spec = VISITATION_STEPS.get(vstep)
    if spec is None:
        raise Http404
    visit = selectors.visitation_for_user(user=request.user, public_id=public_id, action="change")
    if visit.status not in spec.statuses:
        messages.error(request, _("This step does not apply to the request in its present state."))
        return redirect(visit)
    form = spec.form(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        data["version"] = data.get("version") or visit.version
        try:
            spec.run(request.user, visit, data)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("Saved."))
            return redirect(visit)
    visit.refresh_from_db()
    context = _visitation_context(request, visit, (vstep, form))
    return render(request, "resettlement/visitation_detail.html", context)


# Coverage ---------------------------------------------------------------------------------


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Per office: the remote visitation system (installed, when, where) and sessions held."""
    user: Any = request.user
    year = _int(request.GET.get("year")) or timezone.localdate().year
    unit = request.GET.get("unit", "")
    rows = selectors.coverage(user=user, unit=unit, year=year)
    installed = sum(1 for _office, system, _n in rows if system and system.installed)
    if request.GET.get("export") == "xlsx":
        return audited_export(
            actor=user,
            object_type="resettlement.visitationsystem",
            filename="resettlement-visitation-coverage.xlsx",
            headers=[
                "司法所代码",
                "司法所",
                "所属区县",
                "已安装",
                "安装日期",
                "终端位置",
                "探视次数",
            ],
            rows=(
                [
                    office.code,
                    office.name,
                    office.district_name,
                    "是" if system and system.installed else "否",
                    system.installed_on if system and system.installed_on else "",
                    system.terminal_location if system else "",
                    held,
                ]
                for office, system, held in rows
            ),
        )
    context = {
        "rows": rows,
        "installed": installed,
        "total": len(rows),
        "rate": round(100 * installed / len(rows)) if rows else 0,
        "sessions": sum(n for _o, _s, n in rows),
        "year": year,
        "unit": unit,
        "export_url": export_url(request),
    }
    return render(request, "resettlement/coverage.html", context)


@require_http_methods(["GET", "POST"])
def coverage_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The office records its remote visitation system."""
    office = unit_for_user(user=request.user, code=code)
    if office.kind != UnitKind.OFFICE:
        raise Http404
    system = VisitationSystem.objects.filter(unit=office).first()
    action = "change" if system else "create"
    if not may_act_at(request.user, office, VisitationSystem, action):
        raise PermissionDenied
    initial: dict[str, Any] = {}
    if system:
        initial = {
            f: getattr(system, f)
            for f in ("installed", "installed_on", "terminal_location", "note")
        } | {"version": system.version}
    form = forms.VisitationSystemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.visitation_system_save(actor=request.user, office=office, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("resettlement:coverage")
    return render(request, "resettlement/coverage_form.html", {"form": form, "office": office})
