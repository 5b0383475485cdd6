"""Community correction pages: the subject list, a subject and its steps, the board.

Views are thin: parse, one service or selector call, render. Each read of a subject's page
writes one ``view`` audit row (``selectors.subject_read``); criminal history is masked and
revealed one value at a time with a reason.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import DOCX_MIME
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.scope import get_for_user
from sifasuo.core.xlsx import audited_export
from sifasuo.correction import documents, forms, selectors, services
from sifasuo.correction.choices import (
    OFFICE_DECIDES,
    EndReason,
    MeasureStatus,
    RequestStatus,
    SubjectStatus,
)
from sifasuo.correction.filtersets import CorrectionSubjectFilterSet
from sifasuo.correction.models import (
    CorrectionSubject,
    DisciplinaryMeasure,
    DisciplineRule,
    SupervisionRequest,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.people.models import Person

SORTS = ("period_start", "period_end", "report_due", "status", "supervision_class")
SEARCH_SESSION_KEY = "correction_searches"
EXPORT_HEADERS = [
    "姓名",
    "证件号码",
    "矫正类别",
    "罪名",
    "原判刑罚",
    "矫正期限起",
    "矫正期限止",
    "管理等级",
    "状态",
    "下次报告",
    "执行司法所",
    "区县",
]


def _personal(request: HttpRequest) -> None:
    request.contains_personal_data = True  # type: ignore[attr-defined]


def _form_error(form: django_forms.Form, exc: ApplicationError, request: HttpRequest) -> None:
    audit.record_refusal(exc, request.user)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _may(user: Any, obj: Any, action: str) -> bool:
    return bool(type(obj).objects.visible_to(user, action).filter(pk=obj.pk).exists())


def _is_office_staff(user: Any, subject: CorrectionSubject) -> bool:
    return getattr(user, "unit_id", None) == subject.unit_id and _may(user, subject, "create")


def _is_district_officer(user: Any, subject: CorrectionSubject) -> bool:
    unit = getattr(user, "unit", None)
    return bool(
        unit is not None
        and unit.kind in (UnitKind.DISTRICT, UnitKind.DEVZONE)
        and user.has_role("DISTRICT_OFFICER")
        and subject.unit.path.startswith(unit.path)
    )


# The list --------------------------------------------------------------------------------


def _export_rows(subjects: Any, *, revealed: bool) -> Any:
    for s in subjects:
        yield [
            s.person.name,
            s.person.id_number if revealed else s.person.id_number_masked,
            s.get_category_display(),
            s.crime if revealed else s.crime_masked,
            s.sentence if revealed else s.sentence_masked,
            s.period_start,
            s.period_end,
            s.get_supervision_class_display(),
            s.get_status_display(),
            s.report_due or "",
            s.unit.name,
            s.unit.parent.name if s.unit.parent else "",
        ]


@require_GET
def subject_list(request: HttpRequest) -> HttpResponse:
    """Subjects in scope, masked: filter, sort, paginate, export (masked)."""
    _personal(request)
    user: Any = request.user
    filterset = CorrectionSubjectFilterSet(
        request.GET or None, queryset=selectors.subject_list(user=user), user=user
    )
    subjects = sort(request, filterset.qs, SORTS)
    if request.GET.get("export") == "xlsx":
        exportable = subjects.filter(pk__in=CorrectionSubject.objects.visible_to(user, "export"))
        return audited_export(
            actor=user,
            object_type=selectors.SUBJECT_TYPE,
            filename="correction-subjects.xlsx",
            headers=EXPORT_HEADERS,
            rows=_export_rows(exportable, revealed=False),
        )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter_form": filterset.form,
        "search_form": forms.DocumentSearchForm(),
        "reveal_export_form": forms.RevealedExportForm(initial={"query": params.urlencode()})
        if CorrectionSubject.objects.visible_to(user, "reveal").exists()
        else None,
        "sort_links": sort_links(request, SORTS),
        "export_url": export_url(request),
        "can_create": _can_register(user),
        **paginate(request, subjects),
    }
    return render(request, "correction/subject_list.html", context)


@require_POST
def subject_export_revealed(request: HttpRequest) -> HttpResponse:
    """Export with unmasked numbers and crimes: reveal right and a reason (audited)."""
    _personal(request)
    user: Any = request.user
    form = forms.RevealedExportForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("State the reason for the unmasked export."), status=400)
    query = QueryDict(form.cleaned_data["query"] or "")
    filterset = CorrectionSubjectFilterSet(
        query or None, queryset=selectors.subject_list(user=user, action="reveal"), user=user
    )
    subjects = filterset.qs.filter(pk__in=CorrectionSubject.objects.visible_to(user, "export"))
    if not CorrectionSubject.objects.visible_to(user, "reveal").exists():
        audit.record("reveal", actor=user, object_type=selectors.SUBJECT_TYPE, outcome="DENIED")
        raise PermissionDenied
    audit.record(
        "reveal",
        actor=user,
        object_type=selectors.SUBJECT_TYPE,
        reason=form.cleaned_data["reason"],
        changes={"export": True, "fields": ["id_number", "crime", "sentence"]},
    )
    return audited_export(
        actor=user,
        object_type=selectors.SUBJECT_TYPE,
        filename="correction-subjects-unmasked.xlsx",
        headers=EXPORT_HEADERS,
        rows=_export_rows(subjects, revealed=True),
    )


@require_POST
def subject_search(request: HttpRequest) -> HttpResponse:
    """Find subjects by document number: POST in, an opaque token's results out."""
    form = forms.DocumentSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a document type and number."))
        return redirect("correction:subject_list")
    found = selectors.subject_lookup_by_document(user=request.user, **form.cleaned_data)
    token = secrets.token_urlsafe(12)
    searches = dict(list(request.session.get(SEARCH_SESSION_KEY, {}).items())[-9:])
    searches[token] = [str(s.public_id) for s in found]
    request.session[SEARCH_SESSION_KEY] = searches
    return redirect("correction:subject_search_results", token=token)


@require_GET
def subject_search_results(request: HttpRequest, token: str) -> HttpResponse:
    """The subjects found by one exact search (the number never enters a URL)."""
    _personal(request)
    ids = request.session.get(SEARCH_SESSION_KEY, {}).get(token)
    if ids is None:
        raise Http404
    subjects = selectors.subject_list(user=request.user).filter(public_id__in=ids)
    context = {
        "filter_form": CorrectionSubjectFilterSet(user=request.user).form,
        "search_form": forms.DocumentSearchForm(),
        "is_search": True,
        "sort_links": {},
        "export_url": None,
        **paginate(request, subjects),
    }
    return render(request, "correction/subject_list.html", context)


@require_GET
def person_subjects(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The correction records of one person of the registry (within scope)."""
    _personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    subjects = selectors.subjects_of_person(user=request.user, person=person)
    context = {
        "filter_form": None,
        "search_form": None,
        "person": person,
        "sort_links": {},
        "export_url": None,
        **paginate(request, subjects),
    }
    return render(request, "correction/subject_list.html", context)


def _can_register(user: Any) -> bool:
    unit = getattr(user, "unit", None)
    return bool(
        unit is not None
        and unit.kind == UnitKind.OFFICE
        and "own" in user.scope_reach(CorrectionSubject, "create")
    )


@require_http_methods(["GET", "POST"])
def subject_create(request: HttpRequest) -> HttpResponse:
    """Register a subject entrusted to the user's office; a double submit makes one."""
    _personal(request)
    user: Any = request.user
    if not _can_register(user):
        raise PermissionDenied
    form = forms.SubjectForm(
        request.POST or None, initial={"form_token": secrets.token_urlsafe(16)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload = {k: v for k, v in data.items() if k != "form_token"}

        def create() -> CorrectionSubject:
            person = services.subject_person(
                actor=user,
                office=user.unit,
                name=data["name"],
                id_type=data["id_type"],
                id_number=data["id_number"],
                sex=data["sex"],
                phone=data["phone"],
                address=data["address"],
            )
            return services.subject_register(
                actor=user,
                office=user.unit,
                person=person,
                **{
                    k: data[k]
                    for k in (
                        "category",
                        "decision_organ",
                        "decision_document",
                        "judgment_effective_on",
                        "crime",
                        "sentence",
                        "criminal_facts",
                        "period_start",
                        "period_end",
                        "supervision_class",
                        "has_prohibition_order",
                        "prohibition_content",
                        "is_five_alone",
                        "is_five_involved",
                        "has_four_histories",
                    )
                },
            )

        try:
            subject = submit_once(
                user=user, token=data["form_token"], payload=payload, create=create
            )
        except ReplayedSubmission as replay:
            subject = CorrectionSubject.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(request, "correction/subject_form.html", {"form": form}, status=400)
        messages.success(
            request, _("The subject has been registered; the report-in deadline runs.")
        )
        return redirect(subject)
    return render(request, "correction/subject_form.html", {"form": form})


# One subject and its steps ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A step on the subject page: its form, when it shows, and the service call it makes."""

    label: Any
    form: type[django_forms.Form]
    shows: Callable[[CorrectionSubject], bool]
    run: Callable[[Any, CorrectionSubject, dict[str, Any]], Any]
    done: Any = gettext_lazy("Saved.")


def _open(subject: CorrectionSubject) -> bool:
    return subject.status in (SubjectStatus.AWAITING_REPORT, SubjectStatus.UNDER_CORRECTION)


def _run_measure(actor: Any, subject: CorrectionSubject, d: dict[str, Any]) -> Any:
    rule = DisciplineRule.objects.filter(code=d.get("rule") or "").first()
    return services.measure_record(
        actor=actor,
        subject=subject,
        kind=d["kind"],
        facts=d["facts"],
        proposed_on=d["proposed_on"],
        rule=rule,
    )


STEPS: dict[str, Step] = {
    "receive": Step(
        gettext_lazy("Record the report-in"),
        forms.ReceiveForm,
        lambda s: s.status == SubjectStatus.AWAITING_REPORT,
        lambda a, s, d: services.subject_receive(
            actor=a, subject=s, received_on=d["received_on"], note=d["note"], version=d["version"]
        ),
        gettext_lazy("The subject has been received; supervision has started."),
    ),
    "announce": Step(
        gettext_lazy("Record the announcement"),
        forms.AnnounceForm,
        lambda s: s.announcement_due,
        lambda a, s, d: services.subject_announce(
            actor=a, subject=s, announced_on=d["announced_on"], version=d["version"]
        ),
    ),
    "contact": Step(
        gettext_lazy("Record a report or field visit"),
        forms.ContactForm,
        lambda s: s.under_correction,
        lambda a, s, d: services.contact_record(
            actor=a,
            subject=s,
            kind=d["kind"],
            occurred_on=d["occurred_on"],
            notes=d["notes"],
            version=d["version"],
        ),
        gettext_lazy("The report has been recorded."),
    ),
    "request": Step(
        gettext_lazy("Record an application (leave, residence, entry, visitor)"),
        forms.RequestForm,
        lambda s: s.under_correction,
        lambda a, s, d: services.request_submit(actor=a, subject=s, **d),
        gettext_lazy("The application has been recorded."),
    ),
    "measure": Step(
        gettext_lazy("Record a reward or sanction"),
        forms.MeasureForm,
        lambda s: s.under_correction,
        _run_measure,
        gettext_lazy("The measure has been recorded."),
    ),
    "activity": Step(
        gettext_lazy("Record education or public service"),
        forms.ActivityForm,
        lambda s: s.under_correction,
        lambda a, s, d: services.activity_record(actor=a, subject=s, **d),
    ),
    "team": Step(
        gettext_lazy("Add a correction team member"),
        forms.TeamMemberForm,
        _open,
        lambda a, s, d: services.team_member_add(actor=a, subject=s, **d),
    ),
    "plan": Step(
        gettext_lazy("Correction plan"),
        forms.PlanForm,
        lambda s: s.under_correction,
        lambda a, s, d: services.subject_set_plan(
            actor=a, subject=s, plan=d["plan"], review_on=d["review_on"], version=d["version"]
        ),
    ),
    "reclassify": Step(
        gettext_lazy("Change the supervision class"),
        forms.ClassChangeForm,
        lambda s: s.under_correction,
        lambda a, s, d: services.class_change(
            actor=a,
            subject=s,
            to_class=d["to_class"],
            changed_on=d["changed_on"],
            reason=d["reason"],
            version=d["version"],
        ),
    ),
    "monitoring": Step(
        gettext_lazy("Electronic monitoring period"),
        forms.MonitoringForm,
        lambda s: s.under_correction,
        lambda a, s, d: services.monitoring_start(actor=a, subject=s, **d),
    ),
    "end": Step(
        gettext_lazy("End the correction"),
        forms.EndForm,
        _open,
        lambda a, s, d: services.subject_end(
            actor=a,
            subject=s,
            reason=d["reason"],
            ended_on=d["ended_on"],
            note=d["note"],
            version=d["version"],
        ),
        gettext_lazy("The correction has ended."),
    ),
}


def _step_forms(subject: CorrectionSubject, bound: tuple[str, Any] | None) -> list[dict[str, Any]]:
    result = []
    for slug, step in STEPS.items():
        if not step.shows(subject):
            continue
        if bound and bound[0] == slug:
            form = bound[1]
        else:
            initial: dict[str, Any] = {"version": subject.version}
            if slug == "plan":
                initial.update(plan=subject.plan, review_on=subject.plan_review_on)
            if slug == "end" and subject.days_remaining <= 0:
                initial.update(reason=EndReason.PERIOD_END)
            form = step.form(initial=initial, auto_id=f"id_{slug}_%s")
        result.append(
            {
                "slug": slug,
                "label": step.label,
                "form": form,
                "open": bool(bound and bound[0] == slug),
            }
        )
    return result


def _subject_context(
    request: HttpRequest, subject: CorrectionSubject, bound: tuple[str, Any] | None = None
) -> dict[str, Any]:
    user: Any = request.user
    office_staff = _is_office_staff(user, subject)
    district = _is_district_officer(user, subject)
    requests = list(subject.requests.select_related("office_by", "district_by"))
    measures = list(subject.measures.select_related("rule", "decided_by"))
    proposals = selectors.proposals_for(subject, measures=measures, requests=requests)
    request_rows = []
    for n, item in enumerate(requests):
        decide = None
        if item.status == RequestStatus.PENDING_OFFICE and office_staff:
            decide = "office"
        elif item.status == RequestStatus.PENDING_DISTRICT and district:
            decide = "district"
        bound_form = bound[1] if bound and bound[0] == f"request-{item.public_id}" else None
        request_rows.append(
            {
                "item": item,
                "decide": decide,
                "form": bound_form
                or forms.DecideForm(initial={"version": item.version}, auto_id=f"id_req{n}_%s"),
                "return_form": forms.ReturnForm(
                    initial={"version": item.version}, auto_id=f"id_ret{n}_%s"
                )
                if item.awaiting_return and office_staff
                else None,
            }
        )
    measure_rows = []
    for n, m in enumerate(measures):
        form = None
        if bound and bound[0] == f"measure-{m.public_id}":
            form = bound[1]
        elif district and m.status == MeasureStatus.PROPOSED:
            form = forms.DecideForm(initial={"version": m.version}, auto_id=f"id_m{n}_%s")
        measure_rows.append({"item": m, "form": form})
    return {
        "subject": subject,
        "person": subject.person,
        "can_reveal": _may(user, subject, "reveal"),
        "reveal_form": forms.RevealForm(),
        "office_staff": office_staff,
        "steps": _step_forms(subject, bound) if office_staff else [],
        "proposals": [
            {
                "proposal": p,
                "form": forms.MeasureForm(
                    initial={"kind": p.kind, "rule": p.rule.code, "facts": p.detail},
                    auto_id=f"id_p{n}_%s",
                ),
            }
            for n, p in enumerate(proposals)
        ],
        "requests": request_rows,
        "measures": measure_rows,
        "contacts": subject.contacts.order_by("-occurred_on", "-pk")[:20],
        "activities": subject.activities.order_by("-held_on", "-pk")[:10],
        "hours": selectors.monthly_hours(subject),
        "team": subject.team.select_related("person"),
        "class_changes": subject.class_changes.order_by("changed_on", "pk"),
        "monitoring": subject.monitoring_periods.order_by("start_on"),
        "office_decides": OFFICE_DECIDES,
        "grace_days": selectors.grace_days(),
        "today": timezone.localdate(),
    }


@require_GET
def subject_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One subject (masked); every read writes one audit row."""
    _personal(request)
    subject = selectors.subject_read(user=request.user, public_id=public_id)
    return render(request, "correction/subject_detail.html", _subject_context(request, subject))


def _rerender(
    request: HttpRequest, subject: CorrectionSubject, bound: tuple[str, Any]
) -> HttpResponse:
    """Re-render the subject page with a form's errors (a read: one audit row)."""
    subject = selectors.subject_read(user=request.user, public_id=subject.public_id)
    context = _subject_context(request, subject, bound)
    return render(request, "correction/subject_detail.html", context)


@require_POST
def subject_step(request: HttpRequest, public_id: uuid.UUID, correction_step: str) -> HttpResponse:
    """Run one step on a subject (the actor needs the change right on it)."""
    _personal(request)
    spec = STEPS.get(correction_step)
    if spec is None:
        raise Http404
    subject = selectors.subject_for_user(user=request.user, public_id=public_id, action="change")
    form = spec.form(request.POST, auto_id=f"id_{correction_step}_%s")
    if not spec.shows(subject):
        messages.error(request, _("This step does not apply to the subject in its present state."))
        return redirect(subject)
    if form.is_valid():
        try:
            spec.run(request.user, subject, dict(form.cleaned_data))
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, str(spec.done))
            return redirect(subject)
    return _rerender(request, subject, (correction_step, form))


@require_POST
def request_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The office, or the district bureau, decides an application."""
    _personal(request)
    item = get_for_user(
        SupervisionRequest.objects.select_related("subject", "subject__unit"),
        request.user,
        "change",
        public_id=public_id,
    )
    form = forms.DecideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        approve = d["decision"] == "approve"
        try:
            if item.status == RequestStatus.PENDING_DISTRICT:
                services.request_district_decide(
                    actor=request.user,
                    request=item,
                    approve=approve,
                    decision=d["note"],
                    decided_on=d["decided_on"],
                    version=d["version"],
                )
            else:
                services.request_office_decide(
                    actor=request.user,
                    request=item,
                    approve=approve,
                    opinion=d["note"],
                    decided_on=d["decided_on"],
                    version=d["version"],
                )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect(item.subject)
    return _rerender(request, item.subject, (f"request-{item.public_id}", form))


@require_POST
def request_return(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The subject reported back after leave."""
    _personal(request)
    item = get_for_user(
        SupervisionRequest.objects.select_related("subject", "subject__unit"),
        request.user,
        "change",
        public_id=public_id,
    )
    form = forms.ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.request_return(
                actor=request.user,
                request=item,
                returned_on=form.cleaned_data["returned_on"],
                version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            audit.record_refusal(exc, request.user)
        else:
            messages.success(request, _("The report back has been recorded."))
    else:
        messages.error(request, _("Enter the date the subject reported back."))
    return redirect(item.subject)


@require_POST
def measure_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The district bureau decides a proposed measure."""
    _personal(request)
    measure = get_for_user(
        DisciplinaryMeasure.objects.select_related("subject", "subject__unit"),
        request.user,
        "change",
        public_id=public_id,
    )
    form = forms.DecideForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.measure_decide(
                actor=request.user,
                measure=measure,
                approve=d["decision"] == "approve",
                note=d["note"],
                decided_on=d["decided_on"],
                version=d["version"],
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect(measure.subject)
    return _rerender(request, measure.subject, (f"measure-{measure.public_id}", form))


@require_POST
def subject_reveal(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Show one criminal-history value unmasked to a role that may reveal, with a reason."""
    _personal(request)
    subject = selectors.subject_for_user(user=request.user, public_id=public_id)
    form = forms.RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("State the reason for revealing this value."), status=400)
    try:
        value = services.subject_reveal(actor=request.user, subject=subject, **form.cleaned_data)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=400)
    return render(request, "correction/_revealed.html", {"value": value})


@require_GET
def subject_certificate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """解除社区矫正证明书 (.docx) of a subject whose correction ended with the period."""
    subject = selectors.subject_for_user(user=request.user, public_id=public_id)
    if subject.end_reason != EndReason.PERIOD_END:
        messages.info(request, _("A certificate is issued when the correction period has ended."))
        return redirect(subject)
    _personal(request)
    content = documents.release_certificate(subject)
    filename = f"解除社区矫正证明书-{subject.certificate_number}.docx"
    audit.record("print", actor=request.user, obj=subject, changes={"document": "certificate"})
    response = HttpResponse(content, content_type=DOCX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# The losing-contact board ----------------------------------------------------------------


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """脱管预警: subjects with an overdue report, visit, report-back or report-in."""
    _personal(request)
    user: Any = request.user
    filterset = CorrectionSubjectFilterSet(
        request.GET or None, queryset=selectors.subject_list(user=user), user=user
    )
    rows = selectors.board_rows(user=user, queryset=filterset.qs)
    return render(
        request,
        "correction/board.html",
        {
            "rows": rows,
            "filter_form": filterset.form,
            "grace_days": selectors.grace_days(),
            "escalated_count": sum(1 for r in rows if r.escalated),
        },
    )
