"""Statistical report pages: choose, preview and download a report; close and reopen periods."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.listing import paginate
from sifasuo.core.scope import get_for_user
from sifasuo.stats import closing, memo, reports, statements
from sifasuo.stats.models import ClosedPeriod, StoredReport
from sifasuo.stats.specs.base import BY_UNIT, SUMMARY

YEARS_SHOWN = 10
EXPLAIN_PAGE = 50
ID_CHUNK = 900  # below SQLite's bound on query parameters


def _choices(request: HttpRequest, params: Any) -> dict[str, Any]:
    """The unit, module and period choices of the report form."""
    user = request.user
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    units = (
        reports.dashboard_units(user=user, selected=params.get("unit", ""))
        if getattr(user, "unit", None)
        else []
    )
    selected_year = params.get("year") or str(this_year)
    return {
        "unit_options": units,
        "modules": [(spec.module, spec.title) for spec in reports.REPORTS.values()],
        "selected_unit": params.get("unit") or getattr(getattr(user, "unit", None), "code", ""),
        "selected_module": params.get("module") or next(iter(reports.REPORTS), ""),
        "years": years,
        "selected_year": selected_year,
        "months": range(1, 13),
        "selected_month": params.get("month", ""),
        "quarters": range(1, 5),
        "selected_quarter": params.get("quarter", ""),
    }


def _closed_periods(user: Any) -> QuerySet[ClosedPeriod]:
    return (
        ClosedPeriod.objects.visible_to(user)
        .select_related("unit", "closed_by", "reopened_by")
        .prefetch_related("reports")
    )


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """The report form (unit, module, period) and the closed periods of the units in scope."""
    if getattr(request.user, "unit", None) is None:
        raise Http404
    periods = _closed_periods(request.user)
    context = {**_choices(request, request.GET), **paginate(request, periods)}
    return render(request, "stats/reports/list.html", context)


def _statement_params(statement: statements.Statement) -> dict[str, str]:
    return {
        "module": statement.spec.module,
        "unit": statement.unit.code,
        **statement.period.params(),
    }


def _explain_urls(statement: statements.Statement) -> dict[str, str]:
    """For a stored statement: each row's reference -> its explain page."""
    if statement.stored is None:
        return {}
    base = reverse("stats:report_explain", args=[statement.stored.pk])
    return {
        row["ref"]: f"{base}?{urlencode({'ref': row['ref']})}"
        for table in statement.tables
        for row in table["rows"]
        if row["ref"]
    }


def _drill_urls(statement: statements.Statement) -> dict[str, str]:
    """For a live statement: each row's reference -> the list of its records now."""
    if statement.stored is not None:
        return {}
    spec, unit, period = statement.spec, statement.unit, statement.period
    urls: dict[str, str] = {}
    for table in statement.tables:
        for row in table["rows"]:
            ref = row["ref"]
            if not ref:
                continue
            name, _sep, key = ref.partition(":")
            if table["name"] == SUMMARY:
                code = spec.figures[ref]
                urls[ref] = reports.records_url(spec, code=code, unit=unit.code, period=period)
            elif name == BY_UNIT:
                code = spec.figures[spec.comparison_figure]
                urls[ref] = reports.records_url(spec, code=code, unit=key, period=period)
            else:
                code = spec.figures[spec.breakdown_figure]
                parameter = spec.breakdowns[name].parameter
                urls[ref] = reports.records_url(
                    spec, code=code, unit=unit.code, period=period, **{parameter: key}
                )
    return urls


def _render_statement(
    request: HttpRequest, statement: statements.Statement, *, status: int = 200
) -> HttpResponse:
    links = _explain_urls(statement) or _drill_urls(statement)
    tables = [
        {**table, "rows": [{**row, "url": links.get(row["ref"], "")} for row in table["rows"]]}
        for table in statement.tables
    ]
    period = statement.period
    can_close = (
        statement.closed is None
        and closing.may_close(request.user, statement.unit)
        and period.end <= timezone.localdate()
    )
    context = {
        "statement": statement,
        "tables": tables,
        "query": urlencode(_statement_params(statement)),
        "can_close": can_close,
        "checksum_ok": statement.stored.checksum_ok if statement.stored else None,
    }
    return render(request, "stats/reports/statement.html", context, status=status)


@require_GET
def report_statement(request: HttpRequest) -> HttpResponse:
    """One report: shown, or downloaded with ``format=xlsx|pdf`` (audited)."""
    params = request.GET
    try:
        with memo.session():  # a live statement's figures are kept until a write
            statement = statements.statement(
                user=request.user,
                module=params.get("module", ""),
                unit_code=params.get("unit", ""),
                year=params.get("year"),
                month=params.get("month"),
                quarter=params.get("quarter"),
            )
    except ApplicationError as exc:
        context = {**_choices(request, params), "error": exc.message, "error_field": exc.field}
        return render(request, "stats/reports/list.html", context, status=400)
    file_format = params.get("format", "")
    if file_format in statements.FORMATS:
        return statements.statement_export(
            actor=request.user, statement=statement, file_format=file_format
        )
    if file_format:
        raise Http404
    return _render_statement(request, statement)


@require_GET
def report_stored(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored report of a closed (or since reopened) period, exactly as it was closed."""
    stored = get_for_user(
        StoredReport.objects.select_related(
            "generated_by", "closed_period__unit", "closed_period__closed_by"
        ),
        request.user,
        pk=pk,
    )
    spec = reports.report_spec(stored.module)
    reports._require(request.user, spec, "view")
    return _render_statement(request, statements.stored_statement(stored, spec=spec))


def _explained_measure(stored: StoredReport, ref: str) -> Any:
    spec = reports.report_spec(stored.module)
    name, _sep, _key = ref.partition(":")
    if ref in spec.figures:
        return spec, spec.measure(ref)
    if name == BY_UNIT and spec.comparison_figure:
        return spec, spec.measure(spec.comparison_figure)
    if name in spec.breakdowns and spec.breakdown_figure:
        return spec, spec.measure(spec.breakdown_figure)
    raise Http404


@require_GET
def report_explain(request: HttpRequest, pk: int) -> HttpResponse:
    """The records a stored figure counted at closing, as far as the reader may see them now."""
    stored = get_for_user(
        StoredReport.objects.select_related("closed_period__unit"), request.user, pk=pk
    )
    ref = request.GET.get("ref", "")
    if not ref:  # no figure named: the stored report, whose figures name themselves
        return redirect("stats:report_stored", pk=stored.pk)
    spec, measure = _explained_measure(stored, ref)
    reports._require(request.user, spec, "view")
    ids: list[int] = list(stored.record_ids.get(ref, []))
    model = measure.records(request.user).model
    visible = model._default_manager.visible_to(request.user)
    seen = 0
    for start in range(0, len(ids), ID_CHUNK):
        seen += visible.filter(pk__in=ids[start : start + ID_CHUNK]).count()
    context = paginate(request, ids, per_page=EXPLAIN_PAGE)  # type: ignore[arg-type]
    page_ids = list(context["page_obj"].object_list)
    found = {obj.pk: obj for obj in visible.filter(pk__in=page_ids)}
    rows = [{"pk": pk_, "record": found.get(pk_)} for pk_ in page_ids]
    label = next(
        (row["label"] for table in stored.tables for row in table["rows"] if row["ref"] == ref),
        ref,
    )
    audit.record(
        "view",
        actor=request.user,
        obj=stored,
        changes={"explain": ref, "records": len(ids), "visible": seen},
    )
    context.update(
        {
            "stored": stored,
            "statement": statements.stored_statement(stored, spec=spec),
            "ref": ref,
            "label": label,
            "rows": rows,
            "stored_count": len(ids),
            "visible_count": seen,
            "missing_count": len(ids) - seen,
        }
    )
    return render(request, "stats/reports/explain.html", context)


@require_POST
def period_close(request: HttpRequest) -> HttpResponse:
    """Close the period posted (unit, year, month or quarter) for the user's unit."""
    data = request.POST
    try:
        unit = reports.report_unit(user=request.user, code=data.get("unit", ""))
        period = reports.parse_period(
            data.get("year"), data.get("month"), quarter=data.get("quarter")
        )
        closed = closing.close_period(actor=request.user, unit=unit, period=period)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        back = {"module": data.get("module", ""), "unit": data.get("unit", "")}
        back.update({k: data[k] for k in ("year", "month", "quarter") if data.get(k)})
        return redirect(f"{reverse('stats:report_statement')}?{urlencode(back)}")
    messages.success(
        request,
        _("%(period)s is closed for %(unit)s; its reports are stored.")
        % {"period": statements.period_label(period), "unit": unit.name},
    )
    return redirect("stats:period_detail", pk=closed.pk)


@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A closed period: who closed it and when, its stored reports, and the reopen form."""
    closed = get_for_user(_closed_periods(request.user), request.user, pk=pk)
    context = {
        "closed": closed,
        "period_label": statements.period_label(statements.period_of(closed)),
        "stored_reports": [
            (
                report,
                reports.REPORTS[report.module].title
                if report.module in reports.REPORTS
                else report.module,
            )
            for report in closed.reports.all()
        ],
        "can_reopen": closed.is_closed and closing.may_close(request.user, closed.unit),
        "reason_max": closing.REASON_MAX,
    }
    return render(request, "stats/reports/period_detail.html", context)


@require_POST
def period_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a closed period, with a reason (audited)."""
    closed = get_for_user(ClosedPeriod.objects.select_related("unit"), request.user, pk=pk)
    try:
        closing.reopen_period(
            actor=request.user, closed=closed, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The period is reopened; its reports are computed live again."))
    return redirect("stats:period_detail", pk=closed.pk)
