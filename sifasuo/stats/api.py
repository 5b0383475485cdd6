"""API: one read-only endpoint per module report, ``GET /api/v1/stats/<module>/``.

Each report of ``reports.REPORTS`` gets its own view class and response serializer, built
from its specification, so the OpenAPI schema names every figure the module reports.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sifasuo.core.measures import Measure
from sifasuo.stats import memo, reports


class UnitFigureSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A direct child of the selected unit and its figure."""

    code = serializers.CharField(help_text="The child unit's code.")
    name = serializers.CharField()
    total = serializers.IntegerField()


def _sums_decimals(measure: Measure) -> bool:
    """True when the field the measure sums is a decimal (an amount), False for a count."""
    model: Any = measure.records(None).model
    parts = str(measure.sum_field).split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return isinstance(model._meta.get_field(parts[-1]), models.DecimalField)


def report_serializer(spec: reports.ReportSpec) -> type[serializers.Serializer]:  # type: ignore[type-arg]
    """Build the response serializer of ``spec``'s report (one field per figure)."""
    fields: dict[str, Any] = {
        "unit": serializers.CharField(help_text="The code of the unit reported on."),
        "unit_name": serializers.CharField(),
        "year": serializers.IntegerField(),
        "month": serializers.IntegerField(allow_null=True, help_text="Null for the whole year."),
    }
    for key, code in spec.figures.items():
        measure = spec.measure(key)
        help_text = f"Measure {code}."
        if measure.sum_field and _sums_decimals(measure):
            fields[key] = serializers.DecimalField(
                max_digits=16, decimal_places=2, help_text=f"{help_text} Yuan, as a string."
            )
        elif measure.sum_field:
            fields[key] = serializers.IntegerField(help_text=f"{help_text} A sum.")
        else:
            fields[key] = serializers.IntegerField(help_text=help_text)
    for key, rate in spec.rates.items():
        fields[key] = serializers.FloatField(
            help_text=f"{rate.numerator} / {rate.denominator}, 4 places; 0 when nothing counts."
        )
    for name in spec.breakdowns:
        fields[name] = serializers.DictField(
            child=serializers.IntegerField(),
            help_text=f"{spec.figures[spec.breakdown_figure]} per value.",
        )
    if spec.comparison_figure:
        fields[reports.BY_UNIT] = UnitFigureSerializer(
            many=True,
            help_text=f"{spec.figures[spec.comparison_figure]} per direct child unit with records.",
        )
    name = f"{spec.module.title().replace('_', '')}ReportSerializer"
    return type(name, (serializers.Serializer,), fields)


class ModuleReportView(APIView):
    """The figures of one module for a unit in the caller's scope and a year or month."""

    module = ""
    serializer_class: type[serializers.Serializer]  # type: ignore[type-arg]

    def get(self, request: Request) -> Response:
        with memo.session():  # the figures are kept until a write touches the module
            report = reports.module_report(
                user=request.user,
                module=self.module,
                unit_code=request.query_params.get("unit", ""),
                year=request.query_params.get("year"),
                month=request.query_params.get("month"),
            )
        return Response(self.serializer_class(report.as_dict()).data)


PARAMETERS = [
    OpenApiParameter(
        "unit",
        str,
        description="Unit code (default: the caller's unit); out of scope or unknown: 404.",
    ),
    OpenApiParameter("year", int, description="Calendar year (default: this year)."),
    OpenApiParameter("month", int, description="1–12: that month only; empty: the whole year."),
]


@cache
def report_view(module: str) -> type[ModuleReportView]:
    """The view class of ``module``'s report, documented for drf-spectacular."""
    spec = reports.report_spec(module)
    serializer = report_serializer(spec)
    view = type(
        f"{serializer.__name__.removesuffix('Serializer')}View",
        (ModuleReportView,),
        {
            "module": module,
            "serializer_class": serializer,
            "__doc__": f"Figures of {module} for a unit and a period.",
            "__module__": __name__,
        },
    )
    return extend_schema(
        tags=["stats"],
        summary=f"{module} figures",
        description=(
            "Figures from the measure registry for the unit and its subtree: cases count "
            "under the unit that accepted them, in the period of their date (see the "
            "module's measures). Administrators and citizens: 403."
        ),
        parameters=PARAMETERS,
        responses={
            200: serializer,
            400: OpenApiResponse(description="Bad year or month."),
            401: OpenApiResponse(description="Not authenticated."),
            403: OpenApiResponse(description="The caller's roles see no business records."),
            404: OpenApiResponse(description="Unit unknown or out of the caller's scope."),
        },
    )(view)
