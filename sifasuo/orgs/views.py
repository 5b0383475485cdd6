"""Pages: the public office locator, the unit list with export, and the office import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.scope import get_for_user
from sifasuo.core.xlsx import audited_export, build_workbook, xlsx_response
from sifasuo.orgs import selectors, services
from sifasuo.orgs.forms import LocatorForm, OfficeImportForm, UnitFilterForm
from sifasuo.orgs.models import Unit

UNIT_SORTS = ("code", "name", "kind")


@login_not_required
@require_GET
def locator(request: HttpRequest) -> HttpResponse:
    """Find a judicial office by district, town or name (public, phone-friendly)."""
    form = LocatorForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A district or town that does not exist (or does not match) finds nothing; the
        # form says why, rather than listing every office as if no filter were given.
        offices: QuerySet[Unit] = Unit.objects.none()
    else:
        filters = form.cleaned_data if form.is_bound else {}
        offices = selectors.locator_offices(
            district=filters.get("district", ""),
            town=filters.get("town", ""),
            q=filters.get("q", ""),
        )
    return render(request, "orgs/locator.html", {"form": form, **paginate(request, offices, 20)})


@login_not_required
@require_GET
def locator_towns(request: HttpRequest) -> HttpResponse:
    """The town options of a district (htmx partial for the locator)."""
    district = request.GET.get("district", "")[:12]
    return render(request, "orgs/_town_options.html", {"towns": selectors.towns(district)})


@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    """Units in scope: filter, sort, paginate, export to Excel."""
    form = UnitFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    units = sort(request, selectors.unit_list(user=request.user, **filters), UNIT_SORTS)
    if request.GET.get("export") == "xlsx":
        units = (
            Unit.objects.visible_to(request.user, "export")
            .filter(pk__in=units.values("pk"))
            .select_related("parent", "division")
            .prefetch_related("other_divisions")
        )
        return audited_export(
            actor=request.user,
            object_type="orgs.unit",
            filename="units.xlsx",
            headers=services.UNIT_COLUMNS,
            rows=services.unit_rows(units.order_by("code")),
        )
    can_import = Unit.objects.visible_to(request.user, "create").exists()
    context = {
        "filter_form": form,
        "sort_links": sort_links(request, UNIT_SORTS),
        "export_url": export_url(request),
        "import_url": reverse("orgs:office_import") if can_import else None,
        "office_export_url": reverse("orgs:office_export") + "?" + request.GET.urlencode(),
        **paginate(request, units),
    }
    return render(request, "orgs/unit_list.html", context)


@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One unit and its children."""
    unit = get_for_user(Unit.objects.all(), request.user, "view", code=code)
    children = Unit.objects.visible_to(request.user).filter(parent=unit)
    return render(request, "orgs/unit_detail.html", {"unit": unit, "children": children})


@require_http_methods(["GET", "POST"])
def office_import(request: HttpRequest) -> HttpResponse:
    """Upload the office workbook: all rows or none, with a per-row error report."""
    if not Unit.objects.visible_to(request.user, "create").exists():
        raise PermissionDenied
    form = OfficeImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        "form": form,
        "errors": [],
        "result": None,
        "template_url": reverse("orgs:office_template"),
    }
    if request.method == "POST" and form.is_valid():
        result = services.office_import(
            actor=request.user,
            stream=form.cleaned_data["file"],
            again=form.cleaned_data["again"],
        )
        if result.ok:
            context["result"] = {"created": result.created, "updated": result.updated}
        else:
            context["errors"] = [vars(e) for e in result.errors]
    return render(request, "orgs/office_import.html", context)


@require_GET
def office_export(request: HttpRequest) -> HttpResponse:
    """The offices in scope, filtered as the unit list, in the import workbook's columns."""
    form = UnitFilterForm(request.GET or None)
    filters = {**(form.cleaned_data if form.is_valid() else {}), "kind": "OFFICE"}
    listed = selectors.unit_list(user=request.user, **filters)
    offices = (
        Unit.objects.visible_to(request.user, "export")
        .filter(pk__in=listed.values("pk"))
        .select_related("parent", "division")
        .prefetch_related("other_divisions")
        .order_by("code")
    )
    return audited_export(
        actor=request.user,
        object_type="orgs.unit",
        filename="offices.xlsx",
        headers=services.OFFICE_COLUMNS,
        rows=services.office_rows(offices),
    )


@require_GET
def office_template(request: HttpRequest) -> HttpResponse:
    """The empty office workbook with its header row."""
    return xlsx_response(
        "offices-template.xlsx", build_workbook("offices", services.OFFICE_COLUMNS, [])
    )
