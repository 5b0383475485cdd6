"""Pages of the six-good standard: league table, campaigns, assessments, rectification, 示范单位.

Thin: parse, one service or selector call, render. Who may take a step is the services'
rule (PermissionDenied → 403); a step that does not apply in the present state is refused
with a message on the page.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import PDF_MIME
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.xlsx import audited_export
from sifasuo.standards import documents, forms, selectors, services
from sifasuo.standards.checks import CHECK_CODES
from sifasuo.standards.choices import (
    AssessmentStatus,
    RectificationStatus,
    RuleType,
)
from sifasuo.standards.filtersets import RectificationFilterSet
from sifasuo.standards.models import Assessment, Campaign, Rectification
from sifasuo.standards.scoring import load_framework

RECTIFICATION_SORTS = ("due_on", "status", "unit__code", "indicator__code")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _default_year() -> int:
    """The latest year with a framework, not after this year."""
    framework = selectors.framework_for_year(timezone.localdate().year)
    return framework.year if framework else timezone.localdate().year


def _refused(request: HttpRequest, exc: ApplicationError) -> None:
    audit.record_refusal(exc, request.user)
    messages.error(request, exc.message)


# League table -------------------------------------------------------------------------------

LEAGUE_HEADERS_FIXED = ("司法所代码", "司法所", "区县（开发区）司法局", "年度填报", "总分")


@require_GET
def league(request: HttpRequest) -> HttpResponse:
    """Every office in scope for a year: score, dimensions, checks, grade, 示范; milestones."""
    user: Any = request.user
    year = _int(request.GET.get("year")) or _default_year()
    table = selectors.league_table(
        user=user,
        year=year,
        district=request.GET.get("district", "").strip(),
        campaign_id=_uuid(request.GET.get("campaign")),
        sort=request.GET.get("sort", ""),
    )
    if request.GET.get("export") == "xlsx":
        return _league_export(user, table)
    dimensions = table.table.dimensions if table.table else []
    dimension_sorts = [f"dim_{d.code}" for d in dimensions]
    links = sort_links(request, [*selectors.LEAGUE_SORTS, *dimension_sorts])
    context = {
        "league": table,
        "dimension_columns": [(d, links[f"dim_{d.code}"]) for d in dimensions],
        "year": year,
        "years": sorted({*selectors.PLAN_YEARS, year}),
        "district": request.GET.get("district", ""),
        "campaign_param": request.GET.get("campaign", ""),
        "sort_links": links,
        "export_url": export_url(request),
        "check_codes": CHECK_CODES,
    }
    return render(request, "standards/league.html", context)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def _league_export(user: Any, table: selectors.LeagueTable) -> HttpResponse:
    dimensions = table.table.dimensions if table.table else []
    headers = [
        *LEAGUE_HEADERS_FIXED,
        *[d.name for d in dimensions],
        "自动检查通过",
        "未通过的检查",
        "等次",
        "示范单位",
        "评价状态",
    ]
    rows = [
        [
            row.office.code,
            row.office.name,
            row.district.name if row.district else "",
            "有" if row.office_return else "无",
            float(row.card.total),
            *[float(score) for _d, score in row.dimension_scores],
            f"{row.card.checks_passed}/9",
            "、".join(c.code for c in row.card.failing_checks),
            row.card.grade.name if row.card.grade else "",
            "是" if row.demonstration else "",
            row.assessment.get_status_display() if row.assessment else "",
        ]
        for row in table.rows
    ]
    return audited_export(
        actor=user,
        object_type="standards.league",
        filename=f"六好司法所排名-{table.year}.xlsx",
        headers=headers,
        rows=rows,
    )


# Frameworks ---------------------------------------------------------------------------------


@require_GET
def framework(request: HttpRequest) -> HttpResponse:
    """A framework's point table: dimensions, indicators, methods, grade bands."""
    found = selectors.framework_get(
        year=_int(request.GET.get("year")), version=_int(request.GET.get("version"))
    )
    table = load_framework(found) if found is not None else None
    context = {
        "framework": found,
        "table": table,
        "frameworks": selectors.framework_list(),
    }
    return render(request, "standards/framework.html", context)


# Campaigns ----------------------------------------------------------------------------------


@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns in scope, with the user's assessments counted by status."""
    user: Any = request.user
    year = _int(request.GET.get("year"))
    qs = selectors.campaign_list(user=user, year=year)
    page = paginate(request, qs)
    rows = selectors.campaign_rows(user=user, campaigns=list(page["page_obj"].object_list))
    mine: dict[int, Assessment] = {}
    if getattr(user, "unit", None) is not None:
        mine = {
            a.campaign_id: a
            for a in Assessment.objects.filter(
                unit=user.unit, campaign__in=[r.campaign.pk for r in rows]
            )
        }
    context = {
        **page,
        "rows": [
            {
                "campaign": r.campaign,
                "total": r.total,
                "counts": [
                    (value, label, r.counts[value])
                    for value, label in AssessmentStatus.choices
                    if r.counts.get(value)
                ],
                "mine": mine.get(r.campaign.pk),
            }
            for r in rows
        ],
        "can_open": services.is_city_officer(user),
        "year": year,
    }
    return render(request, "standards/campaign_list.html", context)


@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    """The city opens a campaign (all offices or a batch); a double submit opens one."""
    user: Any = request.user
    if not services.is_city_officer(user):
        raise PermissionDenied
    year = timezone.localdate().year
    initial = {
        "form_token": secrets.token_urlsafe(16),
        "year": _default_year(),
        "framework": selectors.framework_for_year(year),
    }
    form = forms.CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload = {
            "name": data["name"],
            "year": data["year"],
            "framework": data["framework"].pk,
            "batch": data["batch"],
            "due_on": data["due_on"],
            "offices": sorted(o.pk for o in data["chosen"]) if data["chosen"] else None,
        }
        try:
            campaign = submit_once(
                user=user,
                token=data["form_token"],
                payload=payload,
                create=lambda: services.campaign_open(
                    actor=user,
                    framework=data["framework"],
                    year=data["year"],
                    name=data["name"],
                    due_on=data["due_on"],
                    offices=data["chosen"],
                    batch=data["batch"],
                ),
            )
        except ReplayedSubmission as replay:
            campaign = Campaign.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            audit.record_refusal(exc, user)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render(request, "standards/campaign_form.html", {"form": form}, status=400)
        messages.success(request, _("The campaign has been opened."))
        return redirect(campaign)
    return render(request, "standards/campaign_form.html", {"form": form})


@require_GET
def campaign_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A campaign's offices and the status of their assessments (those in scope)."""
    user: Any = request.user
    campaign = selectors.campaign_for_user(user=user, public_id=public_id)
    status = request.GET.get("status", "")
    if status not in AssessmentStatus.values:
        status = ""
    assessments = selectors.campaign_assessments(
        user=user,
        campaign=campaign,
        status=status,
        district=request.GET.get("district", "").strip(),
    )
    counts = selectors.campaign_rows(user=user, campaigns=[campaign])[0].counts
    context = {
        "campaign": campaign,
        "counts": [
            (value, label, counts.get(value, 0)) for value, label in AssessmentStatus.choices
        ],
        "status": status,
        "bureaus": selectors.bureaus_in_scope(user),
        "district": request.GET.get("district", ""),
        **paginate(request, assessments, per_page=50),
    }
    return render(request, "standards/campaign_detail.html", context)


# One assessment -----------------------------------------------------------------------------

STEP_LABELS = {
    "submit": (gettext_lazy("Submit to the district"), "primary"),
    "district_accept": (gettext_lazy("Accept and pass to the city"), "success"),
    "district_return": (gettext_lazy("Return to the office"), "outline-danger"),
    "city_accept": (gettext_lazy("Accept (final)"), "success"),
    "city_return": (gettext_lazy("Return to the office"), "outline-danger"),
}


def _steps_for(user: Any, assessment: Assessment) -> list[str]:
    unit = assessment.unit
    status = assessment.status
    steps = []
    if assessment.is_editable and services.is_office_user(user, unit, director=True):
        steps.append("submit")
    if status == AssessmentStatus.SUBMITTED and services.is_district_officer_over(user, unit):
        steps += ["district_accept", "district_return"]
    if status == AssessmentStatus.DISTRICT_ACCEPTED and services.is_city_officer(user):
        steps += ["city_accept", "city_return"]
    return steps


def _item_form(item: Any) -> forms.ItemForm:
    initial: dict[str, Any] = {"version": item.version, "note": item.note}
    if item.manual_score is not None:
        score = item.manual_score
        initial["score"] = str(score.normalize()) if score == score.to_integral() else str(score)
        initial["present"] = [e for e in item.indicator.elements if e not in item.missing_elements]
    return forms.ItemForm(indicator=item.indicator, initial=initial, prefix=f"item{item.pk}")


def _assessment_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    user: Any = request.user
    overview = selectors.assessment_overview(assessment=assessment, user=user)
    can_edit = assessment.is_editable and services.is_office_user(user, assessment.unit)
    sections = []
    for dimension, live, frozen, rows in overview.dimensions:
        lines = [{"row": row, "form": _item_form(row.item) if can_edit else None} for row in rows]
        sections.append({"dimension": dimension, "live": live, "frozen": frozen, "lines": lines})
    steps = [
        {"slug": s, "label": STEP_LABELS[s][0], "style": STEP_LABELS[s][1]}
        for s in _steps_for(user, assessment)
    ]
    return {
        "assessment": assessment,
        "overview": overview,
        "card": overview.card,
        "sections": sections,
        "can_edit": can_edit,
        "steps": steps,
        "return_url": selectors.safe_url(overview.card.office_return),
        "manual": RuleType.MANUAL,
    }


@require_GET
def assessment_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The assessment: items (live and as submitted), evidence, history, the next steps."""
    assessment = selectors.assessment_for_user(user=request.user, public_id=public_id)
    return render(
        request, "standards/assessment_detail.html", _assessment_context(request, assessment)
    )


STEP_SERVICES: dict[str, Callable[..., Assessment]] = {
    "submit": services.assessment_submit,
    "district_accept": services.assessment_district_accept,
    "district_return": services.assessment_district_return,
    "city_accept": services.assessment_city_accept,
    "city_return": services.assessment_city_return,
}
STEP_DONE = {
    "submit": gettext_lazy("The self-assessment has been submitted to the district."),
    "district_accept": gettext_lazy("The assessment has been accepted and passed to the city."),
    "district_return": gettext_lazy("The assessment has been returned to the office."),
    "city_accept": gettext_lazy("The assessment has been accepted."),
    "city_return": gettext_lazy("The assessment has been returned to the office."),
}


@require_POST
def assessment_step(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Take one workflow step (the services decide who may)."""
    assessment = selectors.assessment_for_user(user=request.user, public_id=public_id)
    form = forms.StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect(assessment)
    data = form.cleaned_data
    step = data["step"]
    try:
        STEP_SERVICES[step](
            actor=request.user,
            assessment=assessment,
            comment=data["comment"],
            version=data["version"],
        )
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, str(STEP_DONE[step]))
    return redirect(assessment)


@require_POST
def item_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The office assesses one item and may add a piece of evidence to it."""
    item = selectors.item_for_user(user=request.user, public_id=public_id)
    form = forms.ItemForm(
        request.POST, request.FILES, indicator=item.indicator, prefix=f"item{item.pk}"
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{item.indicator.code}: {error}")
        return redirect(item)
    try:
        services.item_assess(actor=request.user, item=item, **form.service_kwargs())
        uploaded = form.cleaned_data.get("evidence")
        if uploaded:
            item.refresh_from_db()
            services.item_evidence_add(actor=request.user, item=item, uploaded=uploaded)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("Item %(code)s has been saved.") % {"code": item.indicator.code}
        )
    return redirect(item)


@require_GET
def assessment_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The assessment as an A4 PDF for signing."""
    assessment = selectors.assessment_for_user(user=request.user, public_id=public_id)
    overview = selectors.assessment_overview(assessment=assessment, user=request.user)
    content = documents.assessment_pdf(overview)
    filename = documents.pdf_filename(overview)
    audit.record("print", actor=request.user, obj=assessment, changes={"document": filename})
    response = HttpResponse(content, content_type=PDF_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# Rectification ------------------------------------------------------------------------------

RECTIFICATION_HEADERS = (
    "司法所代码",
    "司法所",
    "年度",
    "指标",
    "问题",
    "整改措施",
    "责任人",
    "期限",
    "状态",
    "是否逾期",
    "完成日期",
    "核验日期",
)


@require_GET
def rectification_list(request: HttpRequest) -> HttpResponse:
    """Rectifications in scope: filter by status and overdue, sort, paginate, export."""
    user: Any = request.user
    filterset = RectificationFilterSet(
        request.GET or None, queryset=selectors.rectification_list(user=user), user=user
    )
    items = sort(request, filterset.qs, RECTIFICATION_SORTS)
    if request.GET.get("export") == "xlsx":
        exportable = items.filter(pk__in=Rectification.objects.visible_to(user, "export"))
        return audited_export(
            actor=user,
            object_type="standards.rectification",
            filename="六好司法所整改台账.xlsx",
            headers=RECTIFICATION_HEADERS,
            rows=(
                [
                    r.unit.code,
                    r.unit.name,
                    r.assessment.campaign.year,
                    r.indicator.code,
                    r.problem,
                    r.measure,
                    r.owner,
                    r.due_on,
                    r.get_status_display(),
                    "是" if r.is_overdue else "",
                    r.done_on,
                    r.verified_on,
                ]
                for r in exportable
            ),
        )
    context = {
        "filter_form": filterset.form,
        "sort_links": sort_links(request, RECTIFICATION_SORTS),
        "export_url": export_url(request),
        **paginate(request, items),
    }
    return render(request, "standards/rectification_list.html", context)


RECTIFICATION_STEPS: dict[str, tuple[Callable[..., Any], Any]] = {
    "start": (
        lambda a, r, d: services.rectification_start(
            actor=a, rectification=r, version=d["version"]
        ),
        gettext_lazy("Work on the rectification has started."),
    ),
    "done": (
        lambda a, r, d: services.rectification_done(actor=a, rectification=r, version=d["version"]),
        gettext_lazy("The rectification has been reported done; the district verifies it."),
    ),
    "verify": (
        lambda a, r, d: services.rectification_verify(
            actor=a, rectification=r, note=d["note"], version=d["version"]
        ),
        gettext_lazy("The rectification has been verified."),
    ),
    "reject": (
        lambda a, r, d: services.rectification_reject(
            actor=a, rectification=r, note=d["note"], version=d["version"]
        ),
        gettext_lazy("The rectification has been sent back to the office."),
    ),
}


def _rectification_steps(user: Any, rectification: Rectification) -> list[dict[str, Any]]:
    unit = rectification.unit
    status = rectification.status
    found = []
    if services.is_office_user(user, unit):
        if status == RectificationStatus.OPEN:
            found.append(("start", _("Start"), "outline-primary"))
        if status in (RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS):
            found.append(("done", _("Report done"), "primary"))
    if status == RectificationStatus.DONE and services.is_district_officer_over(user, unit):
        found += [("verify", _("Verify"), "success"), ("reject", _("Send back"), "outline-danger")]
    return [{"slug": s, "label": label, "style": style} for s, label, style in found]


@require_http_methods(["GET", "POST"])
def rectification_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One rectification: the problem, the office's measure, the steps, the evidence."""
    user: Any = request.user
    rectification = selectors.rectification_for_user(user=user, public_id=public_id)
    can_edit = services.is_office_user(user, rectification.unit) and rectification.status in (
        RectificationStatus.OPEN,
        RectificationStatus.IN_PROGRESS,
    )
    form = forms.RectificationForm(
        initial={
            "version": rectification.version,
            "measure": rectification.measure,
            "owner": rectification.owner,
            "due_on": rectification.due_on,
        }
    )
    if request.method == "POST":
        if "step" in request.POST:
            return _rectification_step(request, rectification)
        form = forms.RectificationForm(request.POST)
        if form.is_valid():
            try:
                services.rectification_update(
                    actor=user, rectification=rectification, **form.cleaned_data
                )
            except ApplicationError as exc:
                audit.record_refusal(exc, user)
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("The rectification has been saved."))
                return redirect(rectification)
        status = 400
    else:
        status = 200
    check = services.recheck(rectification)
    context = {
        "rectification": rectification,
        "form": form,
        "can_edit": can_edit,
        "steps": _rectification_steps(user, rectification),
        "evidence": selectors.rectification_evidence(rectification),
        "evidence_form": forms.EvidenceForm() if can_edit else None,
        "recheck": check,
    }
    return render(request, "standards/rectification_detail.html", context, status=status)


def _rectification_step(request: HttpRequest, rectification: Rectification) -> HttpResponse:
    form = forms.RectificationStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect(rectification)
    data = form.cleaned_data
    run, done = RECTIFICATION_STEPS[data["step"]]
    try:
        run(request.user, rectification, data)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, str(done))
    return redirect(rectification)


@require_POST
def rectification_evidence(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Attach evidence to a rectification."""
    rectification = selectors.rectification_for_user(user=request.user, public_id=public_id)
    form = forms.EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect(rectification)
    try:
        services.rectification_evidence_add(
            actor=request.user, rectification=rectification, uploaded=form.cleaned_data["evidence"]
        )
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The evidence has been attached."))
    return redirect(rectification)


# Demonstration units -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def demonstration(request: HttpRequest) -> HttpResponse:
    """Demonstration units per district for a year; the city designates and withdraws."""
    user: Any = request.user
    year = _int(request.GET.get("year")) or _default_year()
    can_designate = services.is_city_officer(user)
    form = forms.DemonstrationForm(initial={"year": year})
    status = 200
    if request.method == "POST":
        if not can_designate:
            raise PermissionDenied
        if "demonstration" in request.POST:
            remove = forms.UndesignateForm(request.POST)
            if remove.is_valid():
                found = selectors.demonstration_for_user(
                    user=user, public_id=remove.cleaned_data["demonstration"]
                )
                services.demonstration_undesignate(actor=user, demonstration=found)
                messages.success(
                    request,
                    _("%(office)s is no longer a demonstration unit of %(year)s.")
                    % {"office": found.office.name, "year": found.year},
                )
                return redirect(f"{reverse('standards:demonstration')}?year={found.year}")
            messages.error(request, _("Choose a designation."))
            return redirect(f"{reverse('standards:demonstration')}?year={year}")
        form = forms.DemonstrationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.demonstration_designate(
                    actor=user, office=data["office"], year=data["year"], note=data["note"]
                )
            except ApplicationError as exc:
                audit.record_refusal(exc, user)
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(office)s has been designated a demonstration unit of %(year)s.")
                    % {"office": data["office"].name, "year": data["year"]},
                )
                return redirect(f"{reverse('standards:demonstration')}?year={data['year']}")
        status = 400
    districts = selectors.demonstration_overview(user=user, year=year)
    context = {
        "year": year,
        "years": sorted({*selectors.PLAN_YEARS, year}),
        "districts": districts,
        "warnings": [d for d in districts if d.warning],
        "form": form if can_designate else None,
        "minimum": selectors.DEMONSTRATION_MIN,
        "maximum": selectors.DEMONSTRATION_MAX,
    }
    return render(request, "standards/demonstration.html", context, status=status)
