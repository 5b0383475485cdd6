"""The records behind any figure: ``/stats/records/?measure=<code>&unit=&year=&month=``.

The page lists exactly what the figure counts: ``measure.queryset(user, unit=, start=, end=)``
for the unit and the period of the link (none for a "now" figure), narrowed to one value of
a breakdown (``&breakdown=by_category&key=NEIGHBOUR``) for a breakdown cell. So its count is
the figure, by construction, and it stays inside the user's scope (the queryset is scoped).

The list is generic: each record shows as ``str()`` with its link, its counting unit and the
date the figure counts it by. The relations ``str()`` reads are found on the first record of
the page and loaded for the others in one query each, so the page's query count does not
grow with its rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import F, Model, QuerySet, Sum, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from sifasuo.core.errors import ApplicationError
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.measures import Measure, registry
from sifasuo.core.xlsx import audited_export
from sifasuo.orgs.models import Unit
from sifasuo.orgs.selectors import unit_for_user
from sifasuo.stats import reports

DATE = "record_date"  # the annotation holding the measure's date of each record
UNIT = "record_unit"  # the annotation holding the counting unit's path (tree order)


@dataclass(frozen=True)
class DrillDown:
    """What a figure counts: the measure, the unit, the period, the breakdown cell."""

    measure: Measure
    unit: Unit
    period: reports.Period | None  # None: a "now" figure (no date, or no year asked)
    breakdown: str
    key: str
    key_label: str
    records: QuerySet[Any]  # the counted records, annotated, in default order
    unit_relation: str | None  # "unit", "subject__unit" …; "" when the record is a unit
    date_label: str
    sum_label: str

    @property
    def sorts(self) -> tuple[str, ...]:
        columns = []
        if self.measure.date_field:
            columns.append(DATE)
        if self.unit_relation is not None:
            columns.append(UNIT)
        return tuple(columns)

    @property
    def period_applies(self) -> bool:
        """True when the period narrows the records (a dated or a computed figure)."""
        computed = type(self.measure).queryset is not Measure.queryset
        return self.period is not None and (bool(self.measure.date_field) or computed)

    @property
    def figure_differs(self) -> bool:
        """True when the figure is not the number of records (a percentage, say)."""
        return (
            not self.measure.sum_field
            and not self.breakdown
            and type(self.measure).value is not Measure.value
        )

    def where(self) -> dict[str, Any]:
        where: dict[str, Any] = {"unit": self.unit}
        if self.period is not None:
            where.update(start=self.period.start, end=self.period.end)
        return where


@dataclass(frozen=True)
class Record:
    """One line of the list."""

    pk: Any
    text: str
    url: str
    unit: str
    day: Any
    amount: Any


def _field_path(model: type[Model], path: str) -> list[Any]:
    """The model fields along ``path`` (``subject__unit__path``); FieldDoesNotExist if none."""
    fields = []
    current: Any = model
    for part in path.split("__"):
        field = current._meta.get_field(part)
        fields.append(field)
        if field.is_relation and field.related_model is not None:
            current = field.related_model
    return fields


def _unit_relation(model: type[Model], unit_path_field: str) -> str | None:
    """The relation from the record to its counting unit; "" for a unit; None if unknown."""
    try:
        fields = _field_path(model, unit_path_field)
    except FieldDoesNotExist:
        return None
    if fields[-1].name != "path" or fields[-1].model is not Unit:
        return None
    if any(f.many_to_many or f.one_to_many for f in fields):
        return None
    return unit_path_field.removesuffix("path").removesuffix("__")


def _field_label(model: type[Model], path: str | None, default: str) -> str:
    """The verbose name of the field at ``path`` (the measure's date or summed field)."""
    if not path:
        return ""
    try:
        return str(_field_path(model, path)[-1].verbose_name)
    except FieldDoesNotExist:
        return default


def _spec_breakdown(measure: Measure, params: Any) -> tuple[str, str]:
    """A breakdown cell linked the way a module list takes it (``&category=NEIGHBOUR``).

    A report's breakdown names its list parameter (``Breakdown.parameter``); a link to this
    page that carries it instead of ``breakdown=<name>&key=<value>`` means the same cell.
    """
    for spec in reports.REPORTS.values():
        if not spec.breakdown_figure or spec.figures.get(spec.breakdown_figure) != measure.code:
            continue
        for name, cell in spec.breakdowns.items():
            value = params.get(cell.parameter, "")
            if value and name in measure.breakdowns:
                return name, value
    return "", ""


def drill_down(*, user: Any, params: Any) -> DrillDown:
    """Read the link's parameters and return the records of that figure.

    404 for an unknown measure or breakdown and a unit out of scope, 403 for a user whose
    roles do not reach the records the measure counts, ``ApplicationError`` for a bad year,
    month, quarter or breakdown value.
    """
    try:
        measure = registry.get(params.get("measure", ""))
    except KeyError:
        raise Http404 from None
    breakdown = params.get("breakdown", "")
    key = params.get("key", "")
    if not breakdown:
        breakdown, key = _spec_breakdown(measure, params)
    if breakdown and (breakdown not in measure.breakdowns or not key):
        raise Http404
    model = measure.records(user).model
    reach = getattr(user, "scope_reach", None)
    if getattr(user, "unit", None) is None or reach is None or not reach(model, "view"):
        raise PermissionDenied
    unit = unit_for_user(user=user, code=params.get("unit", "") or user.unit.code)
    period = None
    if (params.get("year") or "").strip():
        period = reports.parse_period(
            params.get("year"), params.get("month"), quarter=params.get("quarter")
        )
    where: dict[str, Any] = {"unit": unit}
    if period is not None:
        where.update(start=period.start, end=period.end)
    qs = measure.queryset(user, **where)
    key_label = ""
    if breakdown:
        by = measure.breakdowns[breakdown]
        try:
            qs = qs.filter(**{by: key})
            if any(f.many_to_many or f.one_to_many for f in _field_path(qs.model, by)):
                qs = qs.distinct()
        except (ValueError, TypeError, ValidationError) as exc:
            raise ApplicationError(
                _("Breakdown: %(value)s is not a value of this breakdown.") % {"value": key},
                field="key",
            ) from exc
        key_label = reports.breakdown_labels(measure, user, breakdown, [key]).get(key, key)
    relation = _unit_relation(qs.model, measure.unit_path_field)
    if relation:
        qs = qs.select_related(relation)
    if relation is not None:
        qs = qs.annotate(**{UNIT: F(measure.unit_path_field)})
    if measure.date_field:
        qs = qs.annotate(**{DATE: F(measure.date_field)}).order_by(f"-{DATE}", "-pk")
    elif not qs.ordered:
        qs = qs.order_by("pk")
    return DrillDown(
        measure=measure,
        unit=unit,
        period=period,
        breakdown=breakdown,
        key=key,
        key_label=key_label,
        records=qs,
        unit_relation=relation,
        date_label=_field_label(qs.model, measure.date_field, _("Date")),
        sum_label=_field_label(qs.model, measure.sum_field, _("Value")),
    )


def _cached_paths(obj: Model, prefix: str = "", seen: set[int] | None = None) -> set[str]:
    """The relations loaded on ``obj`` (and on what they loaded), as lookup paths.

    A one-to-one relation caches its way back (``unit.visitation_system.unit``): an object
    already on the path is not followed again.
    """
    seen = seen if seen is not None else {id(obj)}
    paths: set[str] = set()
    for name, value in obj._state.fields_cache.items():
        if id(value) in seen:
            continue
        paths.add(prefix + name)
        if isinstance(value, Model):
            seen.add(id(value))
            paths |= _cached_paths(value, f"{prefix}{name}__", seen)
    return paths


def _lines(drill: DrillDown, objects: list[Any]) -> list[Record]:
    """The records as lines; what the first one's ``str()`` reads is loaded for all at once."""
    relation = drill.unit_relation
    sum_field = drill.measure.sum_field
    texts: dict[int, tuple[str, str]] = {}

    def describe(index: int, obj: Any) -> None:
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        texts[index] = (str(obj), url)

    if objects:
        describe(0, objects[0])
        paths = sorted(_cached_paths(objects[0]))
        if len(objects) > 1 and paths:
            prefetch_related_objects(objects[1:], *paths)
    lines = []
    for index, obj in enumerate(objects):
        if index not in texts:
            describe(index, obj)
        text, url = texts[index]
        unit: Any = None
        if relation == "":
            unit = obj
        elif relation:
            unit = obj
            for part in relation.split("__"):
                unit = getattr(unit, part) if unit is not None else None
        amount = None
        if sum_field:
            amount = obj
            for part in sum_field.split("__"):
                amount = getattr(amount, part, None) if amount is not None else None
        lines.append(
            Record(
                pk=obj.pk,
                text=text,
                url=url,
                unit=unit.name if unit is not None else "",
                day=getattr(obj, DATE, None),
                amount=amount,
            )
        )
    return lines


def _day(value: Any) -> Any:
    """A date as the export writes it (an aware datetime: its local date)."""
    return timezone.localdate(value) if isinstance(value, datetime) else value


def _title(drill: DrillDown) -> str:
    parts = [str(drill.measure.label), drill.unit.name]
    if drill.period_applies and drill.period is not None:
        parts.append(period_text(drill.period))
    elif not drill.measure.date_field:
        parts.append(_("Now"))
    if drill.breakdown:
        parts.append(drill.key_label)
    return " · ".join(parts)


def period_text(period: reports.Period) -> str:
    """``2024年度``, ``2024年第2季度`` or ``2024年3月``."""
    if period.month:
        return _("%(month)s/%(year)s") % {"month": period.month, "year": period.year}
    if period.quarter:
        return _("Quarter %(quarter)s of %(year)s") % {
            "quarter": period.quarter,
            "year": period.year,
        }
    return _("Year %(year)s") % {"year": period.year}


@require_GET
def records(request: HttpRequest) -> HttpResponse:
    """The list of the records a figure counts: the figure, the records, the export."""
    request.contains_personal_data = True  # type: ignore[attr-defined]
    user: Any = request.user
    try:
        drill = drill_down(user=user, params=request.GET)
    except ApplicationError as exc:
        return render(
            request,
            "stats/records.html",
            {"error": exc.message, "title": _("Records behind the figure")},
            status=400,
        )
    records_qs = sort(request, drill.records, drill.sorts)
    if request.GET.get("export") == "xlsx":
        return _export(request, drill, records_qs)
    context: dict[str, Any] = paginate(request, records_qs)
    page = context["page_obj"]
    total: Decimal | None = None
    if drill.measure.sum_field:
        total = drill.records.aggregate(total=Sum(drill.measure.sum_field))["total"]
        total = total if total is not None else Decimal("0.00")
    figure = None
    if drill.figure_differs:
        figure = drill.measure.value(user, **drill.where())
    context.update(
        drill=drill,
        title=_title(drill),
        lines=_lines(drill, list(page.object_list)),
        total=total,
        figure=figure,
        sort_links=sort_links(request, drill.sorts),
        sort_date=DATE,
        sort_unit=UNIT,
        export_url=export_url(request),
        dashboard_url=_dashboard_url(drill),
    )
    return render(request, "stats/records.html", context)


def _dashboard_url(drill: DrillDown) -> str:
    params = {"unit": drill.unit.code}
    if drill.period is not None:
        params.update(drill.period.params())
    return f"{reverse('stats:dashboard')}?{urlencode(params)}"


def _export(request: HttpRequest, drill: DrillDown, qs: QuerySet[Any]) -> HttpResponse:
    """The records the user may export, as .xlsx (one audit row with the row count)."""
    user: Any = request.user
    model = drill.measure.records(user).model
    if not user.scope_reach(model, "export"):
        raise PermissionDenied
    manager = qs.model._default_manager
    if hasattr(manager, "visible_to"):
        qs = qs.filter(pk__in=manager.visible_to(user, "export").values("pk"))
    headers = [pgettext("drill-down", "Record"), _("Unit")]
    if drill.measure.date_field:
        headers.append(drill.date_label)
    if drill.measure.sum_field:
        headers.append(drill.sum_label)
    rows = []
    for line in _lines(drill, list(qs)):
        row: list[Any] = [line.text, line.unit]
        if drill.measure.date_field:
            row.append(_day(line.day))
        if drill.measure.sum_field:
            row.append(line.amount)
        rows.append(row)
    slug = drill.period.slug if drill.period_applies and drill.period else "now"
    suffix = f"-{drill.breakdown}-{drill.key}" if drill.breakdown else ""
    return audited_export(
        actor=user,
        object_type=f"stats.records.{drill.measure.code}",
        filename=f"{drill.measure.code}-{drill.unit.code}-{slug}{suffix}.xlsx",
        headers=headers,
        rows=rows,
    )
