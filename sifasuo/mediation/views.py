"""Mediation pages: the case ledger, the case and its steps, documents, committees, screening.

Views are thin: parse, one service or selector call, render. A step's form posts to its own
URL; a refused step re-renders the case page with the error on the form.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import DOCX_MIME, PDF_MIME
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.models import Attachment
from sifasuo.core.scope import get_for_user, may_act_at
from sifasuo.core.xlsx import audited_export, build_workbook, xlsx_response
from sifasuo.mediation import documents, forms, selectors, services
from sifasuo.mediation.choices import (
    OPEN_STATUSES,
    CaseStatus,
    CommitteeType,
    Outcome,
    TransferStatus,
)
from sifasuo.mediation.filtersets import MediationCaseFilterSet
from sifasuo.mediation.ledger import EXPORT_HEADERS, IMPORT_HEADERS, export_row
from sifasuo.mediation.models import (
    CaseRecord,
    CommitteeProfile,
    MediationCase,
    Mediator,
    ReturnVisit,
    ScreeningItem,
    ScreeningReport,
)
from sifasuo.orgs.choices import DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.people.models import Person

CASE_SORTS = ("number", "received_on", "accepted_on", "conclude_due", "status")
SEARCH_SESSION_KEY = "mediation_searches"


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
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case in scope: filter, sort, paginate, export; a figure's drill-down list."""
    _personal(request)
    user: Any = request.user
    base = selectors.case_list(
        user=user,
        measure=request.GET.get("measure", ""),
        unit=request.GET.get("unit", ""),
        year=_int(request.GET.get("year")),
        month=_int(request.GET.get("month")),
    )
    filterset = MediationCaseFilterSet(request.GET or None, queryset=base, user=user)
    cases = sort(request, filterset.qs, CASE_SORTS)
    if request.GET.get("export") == "xlsx":
        exportable = cases.filter(pk__in=MediationCase.objects.visible_to(user, "export"))
        return audited_export(
            actor=user,
            object_type="mediation.mediationcase",
            filename="mediation-cases.xlsx",
            headers=EXPORT_HEADERS,
            rows=(export_row(case) for case in exportable),
        )
    context = {
        "filter_form": filterset.form,
        "search_form": forms.DocumentSearchForm(),
        "sort_links": sort_links(request, CASE_SORTS),
        "export_url": export_url(request),
        "measure": request.GET.get("measure", ""),
        "can_create": selectors.committees_for_choice(user=user).exists(),
        **paginate(request, selectors.for_table(cases)),
    }
    return render(request, "mediation/case_list.html", context)


@require_POST
def case_search(request: HttpRequest) -> HttpResponse:
    """Find cases by a party's document number: POST in, an opaque token's results out."""
    form = forms.DocumentSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a document type and number."))
        return redirect("mediation:case_list")
    found = selectors.case_lookup_by_document(user=request.user, **form.cleaned_data)
    token = secrets.token_urlsafe(12)
    searches = dict(list(request.session.get(SEARCH_SESSION_KEY, {}).items())[-9:])
    searches[token] = [str(c.public_id) for c in found.distinct()]
    request.session[SEARCH_SESSION_KEY] = searches
    return redirect("mediation:case_search_results", token=token)


@require_GET
def case_search_results(request: HttpRequest, token: str) -> HttpResponse:
    """The cases found by one exact search (the number never enters a URL)."""
    _personal(request)
    ids = request.session.get(SEARCH_SESSION_KEY, {}).get(token)
    if ids is None:
        raise Http404
    cases = selectors.case_list(user=request.user).filter(public_id__in=ids)
    context = {
        "filter_form": MediationCaseFilterSet(queryset=cases, user=request.user).form,
        "search_form": forms.DocumentSearchForm(),
        "is_search": True,
        "sort_links": {},
        "export_url": None,
        **paginate(request, selectors.for_table(cases)),
    }
    return render(request, "mediation/case_list.html", context)


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    """受理登记: register a walk-in, referred or screened dispute; a double submit makes one."""
    _personal(request)
    user: Any = request.user
    committees = selectors.committees_for_choice(user=user)
    if not committees.exists():
        raise PermissionDenied
    form = forms.CaseIntakeForm(
        request.POST or None,
        committees=committees,
        initial={"form_token": secrets.token_urlsafe(16)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload = {k: v for k, v in data.items() if k != "form_token"}
        try:
            case = submit_once(
                user=user,
                token=data["form_token"],
                payload=payload,
                create=lambda: services.case_register(
                    actor=user,
                    committee=data["committee"],
                    source=data["source"],
                    referral_organ=data["referral_organ"],
                    category=data["category"],
                    summary=data["summary"],
                    received_on=data["received_on"],
                    amount_involved=data["amount_involved"],
                    people_involved=data["people_involved"],
                    parties=form.parties(),
                ),
            )
        except ReplayedSubmission as replay:
            case = MediationCase.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(request, "mediation/case_form.html", {"form": form}, status=400)
        messages.success(
            request, _("The intake has been registered as %(n)s.") % {"n": case.number}
        )
        return redirect(case)
    return render(request, "mediation/case_form.html", {"form": form})


# One case and its steps --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A workflow step: its form, which cases show it, and the service call it makes."""

    label: Any
    form: type[django_forms.Form]
    shows: Callable[[MediationCase], bool]
    run: Callable[[Any, MediationCase, dict[str, Any], Any], Any]
    form_kwargs: Callable[[MediationCase], dict[str, Any]] = lambda case: {}
    done: Any = gettext_lazy("Saved.")


def _mediators(case: MediationCase) -> dict[str, Any]:
    return {"mediators": Mediator.objects.filter(unit=case.unit_id, is_active=True)}


def _transfer_targets(case: MediationCase) -> dict[str, Any]:
    """Committees under the same district bureau (the receiver accepts or rejects)."""
    bureau = case.unit.bureau
    qs = Unit.objects.filter(kind=UnitKind.COMMITTEE, is_active=True).exclude(pk=case.unit_id)
    if bureau is not None:
        qs = qs.filter(path__startswith=bureau.path)
    return {"committees": qs.order_by("path")}


def _run_record(actor: Any, case: MediationCase, d: dict[str, Any], files: Any) -> Any:
    attachment = files.get("attachment") if files else None
    return services.case_add_record(
        actor=actor,
        case=case,
        kind=d["kind"],
        held_on=d["held_on"],
        place=d["place"],
        content=d["content"],
        mediators=list(d["mediators"]),
        files=[attachment] if attachment else [],
    )


def _run_add_party(actor: Any, case: MediationCase, d: dict[str, Any], files: Any) -> Any:
    party = forms.party_input(d, "party", d["role"])
    if party is None:
        raise ApplicationError(_("Enter the party's name."), field="party_name")
    return services.case_add_party(actor=actor, case=case, party=party)


STEPS: dict[str, Step] = {
    "accept": Step(
        gettext_lazy("Accept"),
        forms.AcceptForm,
        lambda c: c.status == CaseStatus.REGISTERED,
        lambda a, c, d, f: services.case_accept(
            actor=a,
            case=c,
            accepted_on=d["accepted_on"],
            mediators=list(d["mediators"]),
            version=d["version"],
        ),
        _mediators,
        gettext_lazy("The case has been accepted."),
    ),
    "refuse": Step(
        gettext_lazy("Do not accept"),
        forms.RefuseForm,
        lambda c: c.status == CaseStatus.REGISTERED,
        lambda a, c, d, f: services.case_refuse(
            actor=a, case=c, reason=d["reason"], note=d["note"], version=d["version"]
        ),
        done=gettext_lazy("The intake has been refused; the reason is on file."),
    ),
    "party": Step(
        gettext_lazy("Add a party"),
        forms.AddPartyForm,
        lambda c: c.status in (CaseStatus.REGISTERED, *OPEN_STATUSES),
        _run_add_party,
    ),
    "record": Step(
        gettext_lazy("Add a record"),
        forms.RecordForm,
        lambda c: c.status in OPEN_STATUSES,
        _run_record,
        _mediators,
        gettext_lazy("The record has been filed."),
    ),
    "extend": Step(
        gettext_lazy("Extend the time to conclude"),
        forms.ExtendForm,
        lambda c: c.can_extend,
        lambda a, c, d, f: services.case_extend(
            actor=a,
            case=c,
            consent=d["consent"],
            extended_on=d["extended_on"],
            version=d["version"],
        ),
        done=gettext_lazy("The time to conclude has been extended."),
    ),
    "conclude": Step(
        gettext_lazy("Record the outcome"),
        forms.ConcludeForm,
        lambda c: c.status in OPEN_STATUSES,
        lambda a, c, d, f: services.case_conclude(
            actor=a,
            case=c,
            outcome=d["outcome"],
            concluded_on=d["concluded_on"],
            facts=d["facts"],
            agreement_terms=d["agreement_terms"],
            performance_manner=d["performance_manner"],
            performance_deadline=d["performance_deadline"],
            agreement_amount=d["agreement_amount"] or Decimal("0"),
            routes_informed=d["routes_informed"],
            termination_note=d["termination_note"],
            version=d["version"],
        ),
        done=gettext_lazy("The outcome has been recorded."),
    ),
    "visit": Step(
        gettext_lazy("Record a return visit"),
        forms.VisitForm,
        lambda c: c.status in (CaseStatus.PERFORMING, CaseStatus.VISITED),
        lambda a, c, d, f: services.case_return_visit(actor=a, case=c, **d),
        done=gettext_lazy("The return visit has been recorded."),
    ),
    "confirmation": Step(
        gettext_lazy("Judicial confirmation applied for"),
        forms.ConfirmationApplyForm,
        lambda c: (
            c.outcome == Outcome.WRITTEN
            and c.status in (CaseStatus.PERFORMING, CaseStatus.VISITED)
            and c.confirmation_applied_on is None
        ),
        lambda a, c, d, f: services.case_apply_confirmation(
            actor=a, case=c, applied_on=d["applied_on"], court=d["court"], version=d["version"]
        ),
    ),
    "confirmation_result": Step(
        gettext_lazy("Court's decision on confirmation"),
        forms.ConfirmationResultForm,
        lambda c: c.confirmation_result == "PENDING",
        lambda a, c, d, f: services.case_record_confirmation(
            actor=a, case=c, result=d["result"], version=d["version"]
        ),
    ),
    "close": Step(
        gettext_lazy("Close and archive"),
        forms.CloseForm,
        lambda c: c.status in (CaseStatus.VISITED, CaseStatus.TERMINATED, CaseStatus.REFUSED),
        lambda a, c, d, f: services.case_close(
            actor=a, case=c, closed_on=d["closed_on"], note=d["note"], version=d["version"]
        ),
        done=gettext_lazy("The case has been closed and archived."),
    ),
    "transfer": Step(
        gettext_lazy("Refer, transfer or escalate"),
        forms.TransferForm,
        lambda c: (
            c.status in (CaseStatus.REGISTERED, *OPEN_STATUSES)
            and not c.transfers.filter(status=TransferStatus.PENDING).exists()
        ),
        lambda a, c, d, f: services.case_transfer_request(
            actor=a, case=c, to_unit=d["to_unit"], kind=d["kind"], reason=d["reason"]
        ),
        _transfer_targets,
        gettext_lazy("The request has been sent; the receiving committee decides."),
    ),
}


def _step_form(case: MediationCase, slug: str) -> Any:
    step = STEPS[slug]
    return step.form(initial={"version": case.version}, **step.form_kwargs(case))


def _step_forms(
    case: MediationCase, bound: tuple[str, Any] | None, opened: str | None = None
) -> list[dict[str, Any]]:
    """The steps that apply to the case now; only the open one carries its form.

    Open is the step just posted with errors (``bound``), else the one asked for by
    ``?step=``, else the first. The others are fetched when opened (htmx GET of the step's
    URL), so a view of the case does not build and render every step's form and choices.
    """
    shown = [slug for slug, step in STEPS.items() if step.shows(case)]
    if bound and bound[0] in shown:
        open_slug: str | None = bound[0]
    elif opened in shown:
        open_slug = opened
    else:
        open_slug = shown[0] if shown else None
    result = []
    for slug in shown:
        form = None
        if slug == open_slug:
            form = bound[1] if bound and bound[0] == slug else _step_form(case, slug)
        result.append({"slug": slug, "label": STEPS[slug].label, "form": form})
    return result


def _case_context(
    request: HttpRequest, case: MediationCase, bound: tuple[str, Any] | None = None
) -> dict[str, Any]:
    user: Any = request.user
    can_change = MediationCase.objects.visible_to(user, "change").filter(pk=case.pk).exists()
    pending = selectors.pending_transfer(case=case)
    can_decide = pending is not None and services.may_receive(user, pending)
    records = list(case.records.prefetch_related("mediators__person").order_by("held_on", "pk"))
    attachments = Attachment.objects.filter(
        owner_type="mediation.caserecord", owner_id__in=[str(r.pk) for r in records]
    )
    by_record: dict[str, list[Attachment]] = {}
    for attachment in attachments:
        by_record.setdefault(attachment.owner_id, []).append(attachment)
    return {
        "case": case,
        "parties": case.parties.select_related("person").order_by("role", "pk"),
        "records": [(r, by_record.get(str(r.pk), [])) for r in records],
        "visits": case.visits.order_by("visited_on", "pk"),
        "transfers": selectors.case_transfers(case=case),
        "pending_transfer": pending,
        "decide_form": (bound[1] if bound and bound[0] == "decide" else forms.DecideTransferForm())
        if can_decide
        else None,
        "steps": _step_forms(case, bound, request.GET.get("step")) if can_change else [],
        "documents": [
            {"slug": slug, "label": label}
            for slug, (label, available) in documents.DOCUMENTS.items()
            if available(case)
        ],
        "mediators": case.mediators.select_related("person"),
    }


@require_GET
def case_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One case: parties (masked), every step so far, the forms of the next steps."""
    _personal(request)
    case = selectors.case_for_user(user=request.user, public_id=public_id)
    return render(request, "mediation/case_detail.html", _case_context(request, case))


@require_http_methods(["GET", "POST"])
def case_step(request: HttpRequest, public_id: uuid.UUID, step: str) -> HttpResponse:
    """Run one workflow step on a case (the actor needs the change right on it).

    GET is the step's form: the fragment for htmx (the case page fetches a step's form when
    it is opened), else the case page with that step open.
    """
    _personal(request)
    spec = STEPS.get(step)
    if spec is None:
        raise Http404
    case = selectors.case_for_user(user=request.user, public_id=public_id, action="change")
    if request.method == "GET":
        if not getattr(request, "htmx", False) or not spec.shows(case):
            return redirect(f"{case.get_absolute_url()}?{urlencode({'step': step})}#step-{step}")
        context = {
            "case": case,
            "step": {"slug": step, "label": spec.label, "form": _step_form(case, step)},
        }
        return render(request, "mediation/_step_form.html", context)
    form = spec.form(request.POST, request.FILES, **spec.form_kwargs(case))
    if not spec.shows(case):
        messages.error(request, _("This step does not apply to the case in its present state."))
        return redirect(case)
    if form.is_valid():
        try:
            spec.run(request.user, case, dict(form.cleaned_data), request.FILES)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, str(spec.done))
            return redirect(case)
    case.refresh_from_db()
    # Re-rendered with the errors on the step's form, as Django forms are (200).
    return render(request, "mediation/case_detail.html", _case_context(request, case, (step, form)))


@require_POST
def transfer_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The receiving committee accepts or rejects a pending transfer."""
    _personal(request)
    case = selectors.case_for_user(user=request.user, public_id=public_id)
    transfer = selectors.pending_transfer(case=case)
    if transfer is None:
        messages.info(request, _("No transfer of this case awaits a decision."))
        return redirect(case)
    form = forms.DecideTransferForm(request.POST)
    if form.is_valid():
        decide = (
            services.transfer_accept
            if form.cleaned_data["decision"] == "accept"
            else services.transfer_reject
        )
        try:
            decide(actor=request.user, transfer=transfer, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect(case)
    context = _case_context(request, case, bound=("decide", form))
    return render(request, "mediation/case_detail.html", context)


# Documents ---------------------------------------------------------------------------------


def _download(
    request: HttpRequest, obj: Any, content: bytes, filename: str, mime: str
) -> HttpResponse:
    audit.record("print", actor=request.user, obj=obj, changes={"document": filename})
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    _personal(request)
    return response


@require_GET
def case_document(request: HttpRequest, public_id: uuid.UUID, slug: str) -> HttpResponse:
    """A Word document of the case (受理登记表, 不予受理通知书, 协议书, 司法确认申请书)."""
    case = selectors.case_for_user(user=request.user, public_id=public_id)
    entry = documents.DOCUMENTS.get(slug)
    if entry is None or not entry[1](case):
        raise Http404
    return _download(
        request, case, documents.build(slug, case), documents.docx_filename(case, slug), DOCX_MIME
    )


@require_GET
def record_document(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The Word record of one investigation or mediation session (调解记录)."""
    record = get_for_user(
        CaseRecord.objects.select_related("case", "case__unit"),
        request.user,
        "view",
        public_id=public_id,
    )
    name = f"{record.case.number}-{record.get_kind_display()}-{record.held_on}.docx"
    return _download(request, record.case, documents.session_record(record), name, DOCX_MIME)


@require_GET
def visit_document(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The Word record of a return visit (回访记录)."""
    visit = get_for_user(
        ReturnVisit.objects.select_related("case", "case__unit"),
        request.user,
        "view",
        public_id=public_id,
    )
    name = f"{visit.case.number}-回访记录-{visit.visited_on}.docx"
    return _download(request, visit.case, documents.return_visit_record(visit), name, DOCX_MIME)


@require_GET
def case_file(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The whole case file (卷宗) in the canonical order, as one PDF with its contents."""
    case = selectors.case_for_user(user=request.user, public_id=public_id)
    return _download(
        request, case, documents.case_file_pdf(case), f"{case.number}-卷宗.pdf", PDF_MIME
    )


# Import of existing ledgers --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_import(request: HttpRequest) -> HttpResponse:
    """Import an existing ledger (Excel): all rows or none, every error listed by row."""
    _personal(request)
    user: Any = request.user
    committees = selectors.committees_for_choice(user=user)
    if not committees.exists():
        raise PermissionDenied
    if request.GET.get("template") == "xlsx":
        return xlsx_response(
            "mediation-import-template.xlsx", build_workbook("调解台账", IMPORT_HEADERS, [])
        )
    form = forms.ImportForm(request.POST or None, request.FILES or None, committees=committees)
    result = None
    if request.method == "POST" and form.is_valid():
        result = services.case_import(
            actor=user, committee=form.cleaned_data["committee"], stream=form.cleaned_data["file"]
        )
        if result.ok:
            messages.success(request, _("%(n)d cases have been imported.") % {"n": result.created})
            return redirect(
                reverse("mediation:case_list") + f"?committee={form.cleaned_data['committee'].code}"
            )
    return render(
        request,
        "mediation/case_import.html",
        {"form": form, "result": result, "headers": IMPORT_HEADERS},
        status=400 if result is not None else 200,
    )


# Committees ------------------------------------------------------------------------------


@require_GET
def committee_list(request: HttpRequest) -> HttpResponse:
    """Committees in scope, with type, members and the composition warnings."""
    committees = selectors.committee_list(
        user=request.user, q=request.GET.get("q", ""), committee_type=request.GET.get("type", "")
    )
    if request.GET.get("export") == "xlsx":
        rows = (
            [
                c.code,
                c.name,
                c.parent.name if c.parent else "",
                c.mediation_profile.get_committee_type_display()
                if hasattr(c, "mediation_profile")
                else "",
                c.member_count,  # type: ignore[attr-defined]
                c.mediator_count,  # type: ignore[attr-defined]
            ]
            for c in committees
        )
        return audited_export(
            actor=request.user,
            object_type="orgs.unit",
            filename="mediation-committees.xlsx",
            headers=["调委会代码", "名称", "所属单位", "类型", "委员人数", "调解员人数"],
            rows=rows,
        )
    context = {
        "types": CommitteeType.choices,
        "q": request.GET.get("q", ""),
        "type": request.GET.get("type", ""),
        "export_url": export_url(request),
        **paginate(request, committees),
    }
    return render(request, "mediation/committee_list.html", context)


@require_GET
def committee_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A committee: its profile, members and mediators, and the rules they break."""
    _personal(request)
    committee = selectors.committee_for_user(user=request.user, code=code)
    profile = CommitteeProfile.objects.filter(unit=committee).first()
    mediators = list(selectors.committee_mediators(user=request.user, committee=committee))
    members = [m for m in mediators if m.is_active and m.position != "MEDIATOR"]
    user: Any = request.user
    return render(
        request,
        "mediation/committee_detail.html",
        {
            "committee": committee,
            "profile": profile,
            "mediators": mediators,
            "warnings": profile.composition_warnings(members) if profile else [],
            "can_change": may_act_at(user, committee, CommitteeProfile, "change"),
            "open_cases": MediationCase.objects.visible_to(user)
            .filter(unit=committee, status__in=OPEN_STATUSES)
            .count(),
        },
    )


@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Create or change the committee's mediation profile."""
    committee = selectors.committee_for_user(user=request.user, code=code)
    if not may_act_at(request.user, committee, CommitteeProfile, "change"):
        raise PermissionDenied
    profile = CommitteeProfile.objects.filter(unit=committee).first()
    initial: dict[str, Any] = {"committee_type": services.committee_type_for(committee)}
    if profile:
        initial = {
            f: getattr(profile, f)
            for f in ("committee_type", "served_place", "established_on", "term_start", "term_end")
        }
        initial["version"] = profile.version
    form = forms.CommitteeProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_profile_save(
                actor=request.user,
                committee=committee,
                served_division=committee.division,
                **form.cleaned_data,
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The committee's profile has been saved."))
            return redirect("mediation:committee_detail", code=committee.code)
    return render(request, "mediation/committee_form.html", {"form": form, "committee": committee})


@require_http_methods(["GET", "POST"])
def mediator_create(request: HttpRequest, code: str) -> HttpResponse:
    """Add a mediator: a person of the registry (found by number, or registered now)."""
    _personal(request)
    committee = selectors.committee_for_user(user=request.user, code=code)
    if not may_act_at(request.user, committee, Mediator, "create"):
        raise PermissionDenied
    form = forms.MediatorForm(
        request.POST or None, initial={"form_token": secrets.token_urlsafe(16)}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            submit_once(
                user=request.user,
                token=d["form_token"],
                payload={k: v for k, v in d.items() if k != "form_token"},
                create=lambda: services.mediator_register(
                    actor=request.user,
                    committee=committee,
                    party=services.PartyInput(
                        role="",
                        name=d["name"],
                        id_type=d["id_type"],
                        id_number=d["id_number"],
                        phone=d["phone"],
                        sex=d["sex"],
                    ),
                    position=d["position"],
                    employment=d["employment"],
                    joined_on=d["joined_on"],
                    training_hours=d["training_hours"],
                    training_note=d["training_note"],
                ),
            )
        except ReplayedSubmission:  # the first submit added the mediator
            return redirect("mediation:committee_detail", code=committee.code)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The mediator has been added."))
            return redirect("mediation:committee_detail", code=committee.code)
    return render(request, "mediation/mediator_form.html", {"form": form, "committee": committee})


@require_http_methods(["GET", "POST"])
def mediator_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change a mediator's position, employment, training or activity."""
    mediator = get_for_user(
        Mediator.objects.select_related("unit", "person"),
        request.user,
        "change",
        public_id=public_id,
    )
    fields = ("position", "employment", "joined_on", "training_hours", "training_note", "is_active")
    initial = {f: getattr(mediator, f) for f in fields} | {"version": mediator.version}
    form = forms.MediatorEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version") or mediator.version
        try:
            services.mediator_update(actor=request.user, mediator=mediator, version=version, **data)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("mediation:committee_detail", code=mediator.unit.code)
    return render(
        request,
        "mediation/mediator_form.html",
        {"form": form, "committee": mediator.unit, "mediator": mediator},
    )


# Screening -------------------------------------------------------------------------------


@require_GET
def screening_list(request: HttpRequest) -> HttpResponse:
    """Screening reports in scope, "no dispute" reports included."""
    year = _int(request.GET.get("year"))
    reports = selectors.screening_list(user=request.user, year=year)
    user: Any = request.user
    return render(
        request,
        "mediation/screening_list.html",
        {
            "year": year or "",
            "can_create": services.screening_units(user).exists(),
            **paginate(request, reports),
        },
    )


@require_http_methods(["GET", "POST"])
def screening_create(request: HttpRequest) -> HttpResponse:
    """File a month's screening report for a village or town."""
    user: Any = request.user
    units = services.screening_units(user)
    if not units.exists():
        raise PermissionDenied
    divisions = Division.objects.filter(
        Q(pk__in=units.values("division")) | Q(parent__in=units.values("division")),
        level__in=[DivisionLevel.TOWN, DivisionLevel.VILLAGE],
    ).order_by("code")
    form = forms.ScreeningForm(
        request.POST or None,
        units=units,
        divisions=divisions,
        initial={"form_token": secrets.token_urlsafe(16)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = submit_once(
                user=user,
                token=d["form_token"],
                payload={k: v for k, v in d.items() if k != "form_token"},
                create=lambda: services.screening_report_create(
                    actor=user,
                    unit=d["unit"],
                    division=d["division"],
                    period=d["period"],
                    reported_on=d["reported_on"],
                    items=form.items(),
                    note=d["note"],
                ),
            )
        except ReplayedSubmission as replay:
            report = ScreeningReport.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(request, "mediation/screening_form.html", {"form": form}, status=400)
        messages.success(request, _("The screening report has been filed."))
        return redirect(report)
    return render(request, "mediation/screening_form.html", {"form": form})


@require_GET
def screening_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = selectors.screening_for_user(user=request.user, public_id=public_id)
    items = report.items.select_related("category").order_by("pk")
    user: Any = request.user
    can_change = ScreeningReport.objects.visible_to(user, "create").filter(pk=report.pk).exists()
    cases = {
        c.screening_item_id: c
        for c in MediationCase.objects.visible_to(user).filter(screening_item__report=report)
    }
    return render(
        request,
        "mediation/screening_detail.html",
        {
            "report": report,
            "items": [(item, cases.get(item.pk)) for item in items],
            "can_change": can_change,
            "case_form": forms.ScreeningToCaseForm(),
        },
    )


@require_POST
def screening_item_case(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Turn a screened dispute into a case (主动调解)."""
    _personal(request)
    item = get_for_user(
        ScreeningItem.objects.select_related("report", "report__unit", "category"),
        request.user,
        "create",
        public_id=public_id,
    )
    form = forms.ScreeningToCaseForm(request.POST)
    if form.is_valid():
        try:
            case = services.screening_item_to_case(
                actor=request.user,
                item=item,
                parties=form.parties(),
                received_on=form.cleaned_data["received_on"],
            )
        except ApplicationError as exc:
            audit.record_refusal(exc, request.user)
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The dispute has been registered as %(n)s.") % {"n": case.number}
            )
            return redirect(case)
    else:
        messages.error(request, _("Enter an applicant and a respondent."))
    return redirect(item.report)


# The person page's panel --------------------------------------------------------------------


@require_GET
def person_cases(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every case in scope that a person is party to."""
    _personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    cases = selectors.cases_of_person(user=request.user, person=person)
    return render(
        request,
        "mediation/person_cases.html",
        {"person": person, **paginate(request, cases)},
    )
