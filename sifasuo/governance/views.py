"""Rule-of-law pages: the five ledgers, their workflow steps, documents and the public
pages where citizens comment on drafts.

Views are thin: parse, one service or selector call, render. A record's next steps are a
table (``Step``); each step's form posts to its own URL and a refused step re-renders the
record's page with the error on its form.
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
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.accounts.models import User
from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import DOCX_MIME
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.xlsx import audited_export, xlsx_response
from sifasuo.governance import documents, forms, selectors, services, tables
from sifasuo.governance.choices import (
    OPEN_REVIEW_STATUSES,
    CandidateResult,
    DraftStatus,
    ReviewStatus,
    RoundStatus,
)
from sifasuo.governance.filtersets import (
    DraftFilterSet,
    InterferenceRecordFilterSet,
    JurorRoundFilterSet,
    LegalityReviewFilterSet,
    OpinionFilterSet,
    SupervisionActivityFilterSet,
)
from sifasuo.governance.models import (
    Draft,
    InterferenceRecord,
    JurorCandidate,
    JurorRound,
    LegalityReview,
    Opinion,
    SupervisionActivity,
)
from sifasuo.orgs.choices import UnitKind

BUREAU_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.DEVZONE)
DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.DEVZONE)


def _personal(request: HttpRequest) -> None:
    request.contains_personal_data = True  # type: ignore[attr-defined]


def _form_error(form: django_forms.Form, exc: ApplicationError, request: HttpRequest) -> None:
    audit.record_refusal(exc, request.user)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _may(user: Any, obj: Model, action: str) -> bool:
    manager: Any = type(obj)._default_manager
    return bool(manager.visible_to(user, action).filter(pk=obj.pk).exists())


def _download(
    request: HttpRequest, obj: Model, content: bytes, filename: str, mime: str
) -> HttpResponse:
    audit.record("print", actor=request.user, obj=obj, changes={"document": filename})
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# Lists -----------------------------------------------------------------------------------


def _ledger_page(
    request: HttpRequest,
    *,
    ledger: tables.Ledger,
    queryset: QuerySet[Any],
    filterset_class: Any,
    title: Any,
    create_url: str = "",
    create_label: Any = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A ledger's list: filter, sort, paginate, and the audited Excel export of the same rows."""
    user: Any = request.user
    filterset = filterset_class(request.GET or None, queryset=queryset, user=user)
    rows = sort(request, filterset.qs, ledger.sorts)
    if request.GET.get("export") == "xlsx":
        exportable = rows.filter(pk__in=queryset.model.objects.visible_to(user, "export"))
        return audited_export(
            actor=user,
            object_type=ledger.object_type,
            filename=ledger.filename,
            headers=ledger.headers(),
            rows=ledger.export_rows(exportable),
        )
    links = sort_links(request, ledger.sorts)
    context = {
        "title": title,
        "filter_form": filterset.form,
        "headers": [{"label": c.label, "link": links.get(c.sort, "")} for c in ledger.columns],
        "export_url": export_url(request),
        "create_url": create_url,
        "create_label": create_label,
        **paginate(request, rows),
        **(extra or {}),
    }
    context["rows"] = ledger.rows(context["page_obj"].object_list)
    return render(request, "governance/ledger_list.html", context)


# Record pages with steps -----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A step on a record: its form, when it shows, the service call it makes."""

    label: Any
    form: type[django_forms.Form]
    shows: Callable[[Any, Any], bool]  # (record, user) -> bool
    run: Callable[[Any, Any, dict[str, Any], Any], Any]  # (actor, record, data, files)
    form_kwargs: Callable[[Any], dict[str, Any]] = lambda obj: {}
    initial: Callable[[Any], dict[str, Any]] = lambda obj: {}
    done: Any = gettext_lazy("Saved.")
    action: str = "change"


def _step_forms(
    steps: dict[str, Step], obj: Any, user: Any, bound: tuple[str, Any] | None
) -> list[dict[str, Any]]:
    result = []
    for slug, step in steps.items():
        if not step.shows(obj, user):
            continue
        if bound and bound[0] == slug:
            form = bound[1]
        else:
            initial = {"version": obj.version, **step.initial(obj)}
            form = step.form(initial=initial, **step.form_kwargs(obj))
        result.append(
            {
                "slug": slug,
                "label": step.label,
                "form": form,
                "open": bool(bound and bound[0] == slug),
            }
        )
    return result


def _run_step(
    request: HttpRequest,
    *,
    steps: dict[str, Step],
    slug: str,
    obj: Any,
    render_page: Callable[[tuple[str, Any]], HttpResponse],
) -> HttpResponse:
    spec = steps.get(slug)
    if spec is None:
        raise Http404
    if not spec.shows(obj, request.user):
        messages.error(request, _("This step does not apply to the record in its present state."))
        return redirect(obj)
    form = spec.form(request.POST, request.FILES, **spec.form_kwargs(obj))
    if form.is_valid():
        try:
            spec.run(request.user, obj, dict(form.cleaned_data), request.FILES)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, str(spec.done))
            return redirect(obj)
    obj.refresh_from_db()
    return render_page((slug, form))


def _create_page(
    request: HttpRequest,
    *,
    form: Any,
    template: str,
    model: type[Model],
    create: Callable[[dict[str, Any]], Any],
    done: Any,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A create form: one record per form token, refusals on the form."""
    user: Any = request.user
    ctx = {"form": form, **(context or {})}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            obj = submit_once(
                user=user,
                token=data["form_token"],
                payload=form.payload(),
                create=lambda: create(data),
            )
        except ReplayedSubmission as replay:
            obj = model._default_manager.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(request, template, ctx, status=400)
        messages.success(request, str(done))
        return redirect(obj)
    return render(request, template, ctx)


def _token() -> dict[str, str]:
    return {"form_token": secrets.token_urlsafe(16)}


# Legality review -------------------------------------------------------------------------


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """The legality-review ledger; ``?filed=on`` is the filing register."""
    user: Any = request.user
    can_create = selectors.offices_for_choice(user=user, model=LegalityReview).exists()
    return _ledger_page(
        request,
        ledger=tables.REVIEWS,
        queryset=selectors.review_list(user=user),
        filterset_class=LegalityReviewFilterSet,
        title=gettext_lazy("Legality reviews"),
        create_url=reverse("governance:review_create") if can_create else "",
        create_label=gettext_lazy("Register a matter"),
        extra={
            "register_url": reverse("governance:review_list") + "?filed=on&sort=registration_number"
        },
    )


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest) -> HttpResponse:
    """Register a matter the town submits; the first version of its draft may be attached."""
    user: Any = request.user
    units = selectors.offices_for_choice(user=user, model=LegalityReview)
    if not units.exists():
        raise PermissionDenied
    form = forms.ReviewForm(
        request.POST or None, request.FILES or None, units=units, initial=_token()
    )

    def create(d: dict[str, Any]) -> LegalityReview:
        return services.review_register(
            actor=user,
            unit=d["unit"],
            matter_type=d["matter_type"],
            title=d["title"],
            submitting_body=d["submitting_body"],
            received_on=d["received_on"],
            files=[d["file"]] if d.get("file") else [],
        )

    return _create_page(
        request,
        form=form,
        template="governance/form.html",
        model=LegalityReview,
        create=create,
        done=gettext_lazy("The matter has been registered."),
        context={"title": _("Register a matter for legality review")},
    )


def _reviewers(review: LegalityReview) -> dict[str, Any]:
    return {"reviewers": User.objects.filter(unit=review.unit_id, is_active=True)}


def _review_edit_initial(review: LegalityReview) -> dict[str, Any]:
    return {
        f: getattr(review, f) for f in ("matter_type", "title", "submitting_body", "received_on")
    }


def _can_change(review: Any, user: Any) -> bool:
    return _may(user, review, "change")


def _run_opinion(actor: Any, review: LegalityReview, d: dict[str, Any], files: Any) -> Any:
    return services.review_issue_opinion(
        actor=actor,
        review=review,
        conclusion=d["conclusion"],
        opinion_text=d["opinion_text"],
        issued_on=d["issued_on"],
        checks=forms.opinion_checks(d),
        changes=forms.opinion_changes(d),
        version=d["version"],
    )


REVIEW_STEPS: dict[str, Step] = {
    "assign": Step(
        gettext_lazy("Assign the reviewer"),
        forms.AssignForm,
        lambda r, u: r.is_open,
        lambda a, r, d, f: services.review_assign(
            actor=a, review=r, reviewer=d["reviewer"], version=d["version"]
        ),
        _reviewers,
        lambda r: {"reviewer": r.reviewer_id},
    ),
    "opinion": Step(
        gettext_lazy("Issue the review opinion"),
        forms.OpinionForm,
        lambda r, u: r.is_open,
        _run_opinion,
        done=gettext_lazy("The review opinion has been issued."),
    ),
    "material": Step(
        gettext_lazy("Add a new version of the draft"),
        forms.MaterialForm,
        lambda r, u: r.status != ReviewStatus.FILED,
        lambda a, r, d, f: services.review_add_material(
            actor=a, review=r, uploaded=d["file"], note=d["note"]
        ),
        done=gettext_lazy("The new version has been stored."),
    ),
    "adoption": Step(
        gettext_lazy("Record whether the town adopted it"),
        forms.AdoptionForm,
        lambda r, u: r.status == ReviewStatus.ISSUED,
        lambda a, r, d, f: services.review_record_adoption(
            actor=a, review=r, adoption=d["adoption"], note=d["adoption_note"], version=d["version"]
        ),
        initial=lambda r: {"adoption": r.adoption, "adoption_note": r.adoption_note},
    ),
    "file": Step(
        gettext_lazy("Enter in the filing register"),
        forms.FilingForm,
        lambda r, u: r.status == ReviewStatus.ISSUED and bool(r.adoption),
        lambda a, r, d, f: services.review_file(
            actor=a, review=r, filed_on=d["filed_on"], version=d["version"]
        ),
        done=gettext_lazy("The matter has been entered in the filing register."),
    ),
    "edit": Step(
        gettext_lazy("Correct the registration"),
        forms.ReviewEditForm,
        lambda r, u: r.status in OPEN_REVIEW_STATUSES,
        lambda a, r, d, f: services.review_update(
            actor=a,
            review=r,
            version=d["version"],
            title=d["title"],
            submitting_body=d["submitting_body"],
            matter_type=d["matter_type"],
            received_on=d["received_on"],
        ),
        initial=_review_edit_initial,
    ),
}


def _review_page(
    request: HttpRequest, review: LegalityReview, bound: tuple[str, Any] | None = None
) -> HttpResponse:
    user: Any = request.user
    materials = list(review.materials.select_related("attachment").order_by("-version_number"))
    context = {
        "review": review,
        "materials": materials,
        "checks": review.checks.select_related("item").order_by("item__sort_order"),
        "changes": review.changes.order_by("position"),
        "steps": _step_forms(REVIEW_STEPS, review, user, bound)
        if _can_change(review, user)
        else [],
    }
    return render(request, "governance/review_detail.html", context)


@require_GET
def review_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = selectors.review_for_user(user=request.user, public_id=public_id)
    return _review_page(request, review)


@require_POST
def review_step(request: HttpRequest, public_id: uuid.UUID, review_step: str) -> HttpResponse:
    review = selectors.review_for_user(user=request.user, public_id=public_id, action="change")
    return _run_step(
        request,
        steps=REVIEW_STEPS,
        slug=review_step,
        obj=review,
        render_page=lambda bound: _review_page(request, review, bound),
    )


@require_GET
def review_document(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The review opinion (合法性审查意见书) as a Word document."""
    review = selectors.review_for_user(user=request.user, public_id=public_id)
    if not review.conclusion:
        raise Http404
    return _download(
        request,
        review,
        documents.review_opinion(review),
        documents.review_filename(review),
        DOCX_MIME,
    )


# Enforcement supervision -----------------------------------------------------------------


@require_GET
def supervision_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    can_create = selectors.offices_for_choice(user=user, model=SupervisionActivity).exists()
    return _ledger_page(
        request,
        ledger=tables.SUPERVISION,
        queryset=selectors.supervision_list(user=user),
        filterset_class=SupervisionActivityFilterSet,
        title=gettext_lazy("Enforcement supervision"),
        create_url=reverse("governance:supervision_create") if can_create else "",
        create_label=gettext_lazy("Record an activity"),
    )


@require_http_methods(["GET", "POST"])
def supervision_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    units = selectors.offices_for_choice(user=user, model=SupervisionActivity)
    if not units.exists():
        raise PermissionDenied
    form = forms.SupervisionForm(request.POST or None, units=units, initial=_token())

    def create(d: dict[str, Any]) -> SupervisionActivity:
        return services.supervision_create(
            actor=user,
            unit=d["unit"],
            enforcement_unit=d["enforcement_unit"],
            kind=d["kind"],
            held_on=d["held_on"],
            subject=d["subject"],
            findings=d["findings"],
            problems_found=d["problems_found"],
        )

    return _create_page(
        request,
        form=form,
        template="governance/form.html",
        model=SupervisionActivity,
        create=create,
        done=gettext_lazy("The activity has been recorded."),
        context={"title": _("Record a supervision activity")},
    )


SUPERVISION_FIELDS = ("enforcement_unit", "kind", "held_on", "subject", "findings")

SUPERVISION_STEPS: dict[str, Step] = {
    "rectify": Step(
        gettext_lazy("Request a rectification"),
        forms.RectificationForm,
        lambda a, u: True,
        lambda a, r, d, f: services.rectification_request(
            actor=a,
            activity=r,
            issue=d["issue"],
            requested_on=d["requested_on"],
            due_on=d["due_on"],
        ),
        done=gettext_lazy("The rectification request has been recorded."),
    ),
    "edit": Step(
        gettext_lazy("Correct the activity"),
        forms.SupervisionEditForm,
        lambda a, u: True,
        lambda a, r, d, f: services.supervision_update(
            actor=a,
            activity=r,
            version=d["version"],
            **{k: d[k] for k in (*SUPERVISION_FIELDS, "problems_found")},
        ),
        initial=lambda a: {f: getattr(a, f) for f in (*SUPERVISION_FIELDS, "problems_found")},
    ),
}


def _supervision_page(
    request: HttpRequest, activity: SupervisionActivity, bound: tuple[str, Any] | None = None
) -> HttpResponse:
    user: Any = request.user
    can_change = _may(user, activity, "change")
    close_bound = bound[1] if bound and bound[0].startswith("close-") else None
    rectifications = []
    for r in activity.rectifications.order_by("due_on", "pk"):
        form = None
        if can_change and r.status == "OPEN":
            form = (
                close_bound
                if close_bound is not None and bound and bound[0] == f"close-{r.public_id}"
                else forms.RectificationCloseForm(initial={"version": r.version})
            )
        rectifications.append((r, form))
    context = {
        "activity": activity,
        "rectifications": rectifications,
        "steps": _step_forms(SUPERVISION_STEPS, activity, user, bound) if can_change else [],
    }
    return render(request, "governance/supervision_detail.html", context)


@require_GET
def supervision_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    activity = selectors.supervision_for_user(user=request.user, public_id=public_id)
    return _supervision_page(request, activity)


@require_POST
def supervision_step(
    request: HttpRequest, public_id: uuid.UUID, supervision_step: str
) -> HttpResponse:
    activity = selectors.supervision_for_user(
        user=request.user, public_id=public_id, action="change"
    )
    return _run_step(
        request,
        steps=SUPERVISION_STEPS,
        slug=supervision_step,
        obj=activity,
        render_page=lambda bound: _supervision_page(request, activity, bound),
    )


@require_POST
def rectification_close(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record the result of a rectification request."""
    rectification = selectors.rectification_for_user(
        user=request.user, public_id=public_id, action="change"
    )
    activity = rectification.activity
    form = forms.RectificationCloseForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.rectification_close(
                actor=request.user,
                rectification=rectification,
                status=d["status"],
                result=d["result"],
                completed_on=d["completed_on"],
                version=d["version"],
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The result has been recorded."))
            return redirect(activity)
    return _supervision_page(request, activity, (f"close-{rectification.public_id}", form))


# Legislative opinions: the bureau's and the offices' pages ---------------------------------


@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    can_create = selectors.units_for_choice(user=user, model=Draft, kinds=BUREAU_KINDS).exists()
    return _ledger_page(
        request,
        ledger=tables.DRAFTS,
        queryset=selectors.draft_list(user=user),
        filterset_class=DraftFilterSet,
        title=gettext_lazy("Drafts for comment"),
        create_url=reverse("governance:draft_create") if can_create else "",
        create_label=gettext_lazy("Prepare a draft"),
    )


@require_http_methods(["GET", "POST"])
def draft_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    units = selectors.units_for_choice(user=user, model=Draft, kinds=BUREAU_KINDS)
    if not units.exists():
        raise PermissionDenied
    form = forms.DraftForm(request.POST or None, units=units, initial=_token())

    def create(d: dict[str, Any]) -> Draft:
        return services.draft_create(
            actor=user,
            unit=d["unit"],
            title=d["title"],
            issuing_body=d["issuing_body"],
            introduction=d["introduction"],
            text=d["text"],
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
        )

    return _create_page(
        request,
        form=form,
        template="governance/form.html",
        model=Draft,
        create=create,
        done=gettext_lazy("The draft has been split into clauses; check them, then publish."),
        context={"title": _("Prepare a draft for comment")},
    )


DRAFT_FIELDS = ("title", "issuing_body", "introduction", "text", "opens_on", "closes_on")


def _may_change_draft(draft: Draft, user: Any) -> bool:
    return services.may_answer(user, draft)


def _opinion_units(draft: Draft, user: Any) -> Any:
    from django.db.models import Q

    from sifasuo.core.scope import unit_reach_q
    from sifasuo.orgs.models import Unit

    return Unit.objects.filter(unit_reach_q(user, Opinion, "create")).filter(
        Q(pk__in=draft.addressed_units.values("pk")) | Q(pk=draft.unit_id)
    )


def _run_office_opinion(actor: Any, draft: Draft, d: dict[str, Any], files: Any) -> Any:
    return services.opinion_record(
        actor=actor,
        unit=d["unit"],
        draft=draft,
        clause=d["clause"],
        source=d["source"],
        meeting=d["meeting"],
        people_count=d["people_count"],
        text=d["text"],
        submitted_on=d["submitted_on"],
    )


def _run_clause(actor: Any, draft: Draft, d: dict[str, Any], files: Any) -> Any:
    clause = d["clause"]
    return services.clause_update(
        actor=actor,
        clause=clause,
        heading=d["heading"],
        text=d["text"],
        version=d["version"] or clause.version,
    )


DRAFT_STEPS: dict[str, Step] = {
    "publish": Step(
        gettext_lazy("Publish for comment"),
        forms.PublishForm,
        lambda d, u: d.status == DraftStatus.PREPARING and _may_change_draft(d, u),
        lambda a, d, data, f: services.draft_publish(actor=a, draft=d, version=data["version"]),
        done=gettext_lazy("The draft is published: the offices have it, citizens can comment."),
    ),
    "edit": Step(
        gettext_lazy("Change the draft"),
        forms.DraftEditForm,
        lambda d, u: d.status == DraftStatus.PREPARING and _may_change_draft(d, u),
        lambda a, d, data, f: services.draft_update(
            actor=a, draft=d, version=data["version"], **{k: data[k] for k in DRAFT_FIELDS}
        ),
        initial=lambda d: {f: getattr(d, f) for f in DRAFT_FIELDS},
    ),
    "clause": Step(
        gettext_lazy("Correct one clause"),
        forms.ClauseForm,
        lambda d, u: d.status == DraftStatus.PREPARING and _may_change_draft(d, u),
        _run_clause,
        lambda d: {"clauses": d.clauses.order_by("position")},
        done=gettext_lazy("The clause has been saved."),
    ),
}


def _draft_page(
    request: HttpRequest, draft: Draft, bound: tuple[str, Any] | None = None
) -> HttpResponse:
    user: Any = request.user
    opinions = list(selectors.draft_opinions(user=user, draft=draft))
    may_answer = services.may_answer(user, draft)
    answer_bound = bound if bound and bound[0].startswith("answer-") else None
    rows = []
    for opinion in opinions:
        form = None
        if may_answer:
            key = f"answer-{opinion.public_id}"
            if answer_bound and answer_bound[0] == key:
                form = answer_bound[1]
            else:
                form = forms.AnswerForm(
                    initial={
                        "version": opinion.version,
                        "adoption": opinion.adoption,
                        "reason": opinion.answer_reason,
                    }
                )
        rows.append((opinion, form))
    units = _opinion_units(draft, user) if draft.status == DraftStatus.PUBLISHED else None
    opinion_form = None
    if units is not None and units.exists():
        opinion_form = (
            bound[1]
            if bound and bound[0] == "office-opinion"
            else forms.OfficeOpinionForm(units=units, clauses=draft.clauses.all(), initial=_token())
        )
    context = {
        "draft": draft,
        "clauses": draft.clauses.order_by("position"),
        "opinions": rows,
        "may_answer": may_answer,
        "may_edit_clauses": draft.status == DraftStatus.PREPARING and may_answer,
        "opinion_form": opinion_form,
        "steps": _step_forms(DRAFT_STEPS, draft, user, bound if bound else None),
    }
    return render(request, "governance/draft_detail.html", context)


@require_GET
def draft_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A draft: its clauses, the opinions the user may see, and the answers."""
    draft = selectors.draft_for_user(user=request.user, public_id=public_id)
    return _draft_page(request, draft)


@require_POST
def draft_step(request: HttpRequest, public_id: uuid.UUID, draft_step: str) -> HttpResponse:
    user: Any = request.user
    draft = selectors.draft_for_user(user=user, public_id=public_id)
    if draft_step == "office-opinion":
        return _office_opinion(request, draft)
    return _run_step(
        request,
        steps=DRAFT_STEPS,
        slug=draft_step,
        obj=draft,
        render_page=lambda bound: _draft_page(request, draft, bound),
    )


def _office_opinion(request: HttpRequest, draft: Draft) -> HttpResponse:
    """An office enters an opinion gathered at a meeting (idempotent)."""
    user: Any = request.user
    units = _opinion_units(draft, user)
    if draft.status != DraftStatus.PUBLISHED or not units.exists():
        raise PermissionDenied
    form = forms.OfficeOpinionForm(request.POST, units=units, clauses=draft.clauses.all())
    if form.is_valid():
        d = form.cleaned_data
        try:
            submit_once(
                user=user,
                token=d["form_token"],
                payload=form.payload(),
                create=lambda: _run_office_opinion(user, draft, d, None),
            )
        except ReplayedSubmission:
            return redirect(draft)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The opinion has been entered."))
            return redirect(draft)
    return _draft_page(request, draft, ("office-opinion", form))


@require_POST
def opinion_answer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The publishing bureau answers one opinion."""
    opinion = selectors.opinion_for_user(user=request.user, public_id=public_id)
    draft = opinion.draft
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.opinion_answer(
                actor=request.user,
                opinion=opinion,
                adoption=d["adoption"],
                reason=d["reason"],
                version=d["version"],
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The answer has been recorded."))
            return redirect(reverse("governance:draft_detail", args=[draft.public_id]))
    return _draft_page(request, draft, (f"answer-{opinion.public_id}", form))


@require_GET
def opinion_list(request: HttpRequest) -> HttpResponse:
    """Every opinion in scope, on every draft: what was gathered and how it was answered."""
    return _ledger_page(
        request,
        ledger=tables.OPINIONS,
        queryset=selectors.opinion_list(user=request.user),
        filterset_class=OpinionFilterSet,
        title=gettext_lazy("Legislative opinions"),
    )


@require_GET
def draft_summary(request: HttpRequest, public_id: uuid.UUID, fmt: str) -> HttpResponse:
    """The summary of opinions (意见汇总表), as Word or Excel."""
    user: Any = request.user
    draft = selectors.draft_for_user(user=user, public_id=public_id)
    opinions = list(selectors.draft_opinions(user=user, draft=draft))
    if fmt == "docx":
        return _download(
            request,
            draft,
            documents.opinion_summary(draft, opinions),
            documents.summary_filename(draft, "docx"),
            DOCX_MIME,
        )
    if fmt != "xlsx":
        raise Http404
    headers, rows = documents.summary_rows(opinions)
    audit.record("export", actor=user, obj=draft, changes={"rows": len(rows)})
    from sifasuo.core.xlsx import build_workbook

    return xlsx_response(
        documents.summary_filename(draft, "xlsx"), build_workbook("意见汇总表", headers, rows)
    )


# Legislative opinions: the public pages --------------------------------------------------


@login_not_required
@require_GET
def public_draft_list(request: HttpRequest) -> HttpResponse:
    """Drafts open for comment (and recently closed), for anyone: counts, never names."""
    today = timezone.localdate()
    drafts = selectors.public_drafts()
    return render(
        request,
        "governance/public_draft_list.html",
        {
            "open_drafts": [d for d in drafts if d.closes_on >= today],
            "closed_drafts": [d for d in drafts if d.closes_on < today][:10],
        },
    )


@login_not_required
@require_GET
def public_draft_detail(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    """A draft's clauses, each with how many opinions it has had, and a comment button."""
    draft = selectors.public_draft(public_id=draft_id)
    return render(
        request,
        "governance/public_draft_detail.html",
        {"draft": draft, "clauses": selectors.public_clauses(draft)},
    )


def _citizen(request: HttpRequest) -> None:
    if not getattr(request.user, "is_citizen", False):
        raise PermissionDenied
    _personal(request)


@login_required(login_url="portal:login")
@require_http_methods(["GET", "POST"])
def comment(request: HttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    """A citizen comments on one clause of an open draft (phone first)."""
    _citizen(request)
    user: Any = request.user
    draft = selectors.public_draft(public_id=draft_id)
    clauses = draft.clauses.order_by("position")
    initial: dict[str, Any] = _token()
    wanted = request.GET.get("clause", "")
    wanted_id = _uuid_or_none(wanted) if wanted else None
    if wanted_id is not None:
        initial["clause"] = clauses.filter(public_id=wanted_id).first()
    form = forms.CommentForm(request.POST or None, clauses=clauses, initial=initial)
    context = {"form": form, "draft": draft}
    if not draft.is_open:
        return render(request, "governance/comment.html", context)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            submit_once(
                user=user,
                token=d["form_token"],
                payload=form.payload(),
                create=lambda: services.opinion_submit_online(
                    actor=user, draft=draft, clause=d["clause"], text=d["text"]
                ),
            )
        except ReplayedSubmission:
            pass
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(request, "governance/comment.html", context, status=400)
        messages.success(request, _("Thank you: your opinion has been received."))
        return redirect("governance:my_comments")
    return render(request, "governance/comment.html", context)


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required(login_url="portal:login")
@require_GET
def my_comments(request: HttpRequest) -> HttpResponse:
    """The citizen's own comments and the answers given to them."""
    _citizen(request)
    return render(
        request,
        "governance/my_comments.html",
        paginate(request, selectors.my_opinions(citizen=request.user), 20),
    )


# Juror selection -------------------------------------------------------------------------


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    can_create = selectors.units_for_choice(
        user=user, model=JurorRound, kinds=DISTRICT_KINDS
    ).exists()
    return _ledger_page(
        request,
        ledger=tables.ROUNDS,
        queryset=selectors.round_list(user=user),
        filterset_class=JurorRoundFilterSet,
        title=gettext_lazy("People's juror selection"),
        create_url=reverse("governance:round_create") if can_create else "",
        create_label=gettext_lazy("Open a selection round"),
    )


@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    units = selectors.units_for_choice(user=user, model=JurorRound, kinds=DISTRICT_KINDS)
    if not units.exists():
        raise PermissionDenied
    form = forms.RoundForm(request.POST or None, units=units, initial=_token())

    def create(d: dict[str, Any]) -> JurorRound:
        return services.round_create(
            actor=user,
            unit=d["unit"],
            title=d["title"],
            court_name=d["court_name"],
            quota=d["quota"],
            pool_multiple=d["pool_multiple"],
            min_age=d["min_age"],
        )

    return _create_page(
        request,
        form=form,
        template="governance/form.html",
        model=JurorRound,
        create=create,
        done=gettext_lazy("The round has been opened; draw the candidates next."),
        context={"title": _("Open a juror selection round")},
    )


ROUND_STEPS: dict[str, Step] = {
    "draw": Step(
        gettext_lazy("Draw the candidates at random"),
        forms.DrawForm,
        lambda r, u: r.status == RoundStatus.PREPARING and services.may_decide(u, r),
        lambda a, r, d, f: services.round_draw(
            actor=a, juror_round=r, draw_date=d["draw_date"], seed=d["seed"], version=d["version"]
        ),
        done=gettext_lazy("The candidates have been drawn; the offices verify them now."),
    ),
    "complete": Step(
        gettext_lazy("Close the round"),
        forms.CompleteForm,
        lambda r, u: r.status == RoundStatus.DRAWN and services.may_decide(u, r),
        lambda a, r, d, f: services.round_complete(actor=a, juror_round=r, version=d["version"]),
    ),
}


def _round_page(
    request: HttpRequest, juror_round: JurorRound, bound: tuple[str, Any] | None = None
) -> HttpResponse:
    user: Any = request.user
    _personal(request)
    context = {
        "round": juror_round,
        "candidates": selectors.round_candidates(user=user, juror_round=juror_round),
        "progress": selectors.round_progress(juror_round=juror_round, user=user),
        "steps": _step_forms(ROUND_STEPS, juror_round, user, bound),
    }
    return render(request, "governance/round_detail.html", context)


@require_GET
def round_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    juror_round = selectors.round_for_user(user=request.user, public_id=public_id)
    return _round_page(request, juror_round)


@require_POST
def round_step(request: HttpRequest, public_id: uuid.UUID, round_step: str) -> HttpResponse:
    user: Any = request.user
    juror_round = selectors.round_for_user(user=user, public_id=public_id)
    return _run_step(
        request,
        steps=ROUND_STEPS,
        slug=round_step,
        obj=juror_round,
        render_page=lambda bound: _round_page(request, juror_round, bound),
    )


CANDIDATE_STEPS: dict[str, Step] = {
    "verify": Step(
        gettext_lazy("Record the verification"),
        forms.VerifyForm,
        lambda c, u: (
            c.round.status == RoundStatus.DRAWN
            and c.result == CandidateResult.PENDING
            and _may(u, c, "change")
        ),
        lambda a, c, d, f: services.candidate_verify(
            actor=a,
            candidate=c,
            grounds=list(d["grounds"]),
            consent=d["consent"],
            verified_on=d["verified_on"],
            note=d["note"],
            version=d["version"],
        ),
        initial=lambda c: {"consent": c.consent, "grounds": list(c.grounds.all())},
        done=gettext_lazy("The verification has been recorded."),
    ),
    "decide": Step(
        gettext_lazy("Record the result"),
        forms.DecideForm,
        lambda c, u: (
            c.round.status == RoundStatus.DRAWN
            and c.is_verified
            and services.may_decide(u, c.round)
        ),
        lambda a, c, d, f: services.candidate_decide(
            actor=a, candidate=c, result=d["result"], reason=d["reason"], version=d["version"]
        ),
        done=gettext_lazy("The result has been recorded."),
    ),
}


def _candidate_page(
    request: HttpRequest, candidate: JurorCandidate, bound: tuple[str, Any] | None = None
) -> HttpResponse:
    _personal(request)
    context = {
        "candidate": candidate,
        "grounds": candidate.grounds.all(),
        "steps": _step_forms(CANDIDATE_STEPS, candidate, request.user, bound),
    }
    return render(request, "governance/candidate_detail.html", context)


@require_GET
def candidate_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    candidate = selectors.candidate_for_user(user=request.user, public_id=public_id)
    return _candidate_page(request, candidate)


@require_POST
def candidate_step(request: HttpRequest, public_id: uuid.UUID, candidate_step: str) -> HttpResponse:
    candidate = selectors.candidate_for_user(user=request.user, public_id=public_id)
    return _run_step(
        request,
        steps=CANDIDATE_STEPS,
        slug=candidate_step,
        obj=candidate,
        render_page=lambda bound: _candidate_page(request, candidate, bound),
    )


@require_GET
def person_candidacies(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The juror rounds, in scope, a person of the registry was drawn for."""
    from sifasuo.core.scope import get_for_user
    from sifasuo.people.models import Person

    _personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    candidacies = (
        JurorCandidate.objects.visible_to(request.user)
        .filter(person=person)
        .select_related("round", "unit")
        .order_by("-round__draw_date")
    )
    return render(
        request,
        "governance/person_candidacies.html",
        {"person": person, "candidacies": candidacies},
    )


# The "three rules" register --------------------------------------------------------------


@require_GET
def interference_list(request: HttpRequest) -> HttpResponse:
    """The register in scope, with the counts per unit and category above it."""
    user: Any = request.user
    queryset = selectors.interference_list(user=user)
    can_create = selectors.units_for_choice(
        user=user, model=InterferenceRecord, kinds=tuple(UnitKind.values)
    ).exists()
    return _ledger_page(
        request,
        ledger=tables.INTERFERENCE,
        queryset=queryset,
        filterset_class=InterferenceRecordFilterSet,
        title=gettext_lazy("Three-rules register"),
        create_url=reverse("governance:interference_create") if can_create else "",
        create_label=gettext_lazy("Record an inquiry"),
        extra={"interference_counts": selectors.interference_counts(records=queryset)},
    )


ENTRY_FIELDS = (
    "occurred_on",
    "category",
    "who",
    "case_reference",
    "what_asked",
    "handling",
    "reported_to",
)


@require_http_methods(["GET", "POST"])
def interference_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    units = selectors.units_for_choice(
        user=user, model=InterferenceRecord, kinds=tuple(UnitKind.values)
    )
    if not units.exists():
        raise PermissionDenied
    form = forms.InterferenceForm(request.POST or None, units=units, initial=_token())

    def create(d: dict[str, Any]) -> InterferenceRecord:
        return services.interference_create(
            actor=user, unit=d["unit"], submit=d["submit"], **{k: d[k] for k in ENTRY_FIELDS}
        )

    return _create_page(
        request,
        form=form,
        template="governance/form.html",
        model=InterferenceRecord,
        create=create,
        done=gettext_lazy("The entry has been recorded."),
        context={"title": _("Record an inquiry about a case")},
    )


INTERFERENCE_STEPS: dict[str, Step] = {
    "submit": Step(
        gettext_lazy("Submit the entry"),
        forms.SubmitForm,
        lambda e, u: not e.is_submitted,
        lambda a, e, d, f: services.interference_submit(actor=a, record=e, version=d["version"]),
        done=gettext_lazy("The entry is submitted; it can now only be annotated."),
    ),
    "edit": Step(
        gettext_lazy("Change the draft entry"),
        forms.InterferenceEditForm,
        lambda e, u: not e.is_submitted,
        lambda a, e, d, f: services.interference_update(
            actor=a, record=e, version=d["version"], **{k: d[k] for k in ENTRY_FIELDS}
        ),
        initial=lambda e: {f: getattr(e, f) for f in ENTRY_FIELDS},
    ),
    "annotate": Step(
        gettext_lazy("Add an annotation"),
        forms.AnnotationForm,
        lambda e, u: e.is_submitted,
        lambda a, e, d, f: services.interference_annotate(actor=a, record=e, text=d["text"]),
        done=gettext_lazy("The annotation has been added."),
    ),
}


def _interference_page(
    request: HttpRequest, record: InterferenceRecord, bound: tuple[str, Any] | None = None
) -> HttpResponse:
    user: Any = request.user
    can_change = _may(user, record, "change")
    context = {
        "record": record,
        "annotations": record.annotations.select_related("created_by").order_by("created_at"),
        "steps": _step_forms(INTERFERENCE_STEPS, record, user, bound) if can_change else [],
    }
    return render(request, "governance/interference_detail.html", context)


@require_GET
def interference_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    record = selectors.interference_for_user(user=request.user, public_id=public_id)
    return _interference_page(request, record)


@require_POST
def interference_step(request: HttpRequest, public_id: uuid.UUID, entry_step: str) -> HttpResponse:
    record = selectors.interference_for_user(
        user=request.user, public_id=public_id, action="change"
    )
    return _run_step(
        request,
        steps=INTERFERENCE_STEPS,
        slug=entry_step,
        obj=record,
        render_page=lambda bound: _interference_page(request, record, bound),
    )
