"""Publicity pages: six ledgers on one pattern, the coverage and adviser-norms pages.

Each ledger (``LEDGERS``) has a list (filter, sort, paginate, Excel export), a create form
(idempotent), a detail page and an edit form (optimistic locking); the records a ledger
keeps under a parent (photos, trainings, service logs, reviews, matters) are posted from
the parent's detail page. Views are thin: parse, one service or selector call, render.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.scope import get_for_user
from sifasuo.core.xlsx import audited_export
from sifasuo.orgs.models import Unit
from sifasuo.people.models import Person
from sifasuo.publicity import filtersets, forms, selectors, services
from sifasuo.publicity.choices import NORM_LECTURES_PER_QUARTER, NORM_ONSITE_DAYS, VillageKind
from sifasuo.publicity.models import (
    DemonstrationHousehold,
    DemonstrationVillage,
    LegalLiterate,
    PublicityActivity,
    TownAdviser,
    VillageAdviser,
)


@dataclass(frozen=True)
class Badge:
    """A cell shown as a coloured badge."""

    text: Any
    tone: str = "secondary"

    def __str__(self) -> str:
        return str(self.text)


def _d(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


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


def _payload(data: dict[str, Any]) -> dict[str, Any]:
    """A JSON-able fingerprint of a form's values (records by primary key)."""
    result: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, models.QuerySet | list | tuple):
            value = sorted(str(getattr(v, "pk", v)) for v in value)
        result[key] = value
    return result


# The ledgers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    """What a ledger's list, forms and detail page show and which services they call."""

    key: str
    model: type[models.Model]
    title: Any
    create_label: Any
    records: Callable[..., Any]
    filterset: type[filtersets.UnitScopedFilterSet]
    sorts: tuple[str, ...]
    columns: tuple[tuple[Any, str], ...]  # (heading, sort key or "")
    row: Callable[[Any], list[Any]]
    export_name: str
    export_headers: tuple[str, ...]
    export_row: Callable[[Any], list[Any]]
    form: type[forms.LedgerForm]
    create: Callable[[Any, Unit, Any], Any]
    update: Callable[[Any, Any, int, Any], Any]
    edit_fields: tuple[str, ...]
    details: Callable[[Any], list[tuple[Any, Any]]]
    related: tuple[str, ...] = ("unit",)
    personal: bool = False
    sections: Callable[[HttpRequest, Any, bool, dict[str, Any]], dict[str, Any]] = field(
        default=lambda request, obj, can_change, bound: {}
    )

    @property
    def object_type(self) -> str:
        return self.model._meta.label_lower

    @property
    def list_url(self) -> str:
        return reverse(f"publicity:{self.key}_list")

    @property
    def create_url(self) -> str:
        return reverse(f"publicity:{self.key}_create")

    def edit_url(self, obj: Any) -> str:
        return reverse(f"publicity:{self.key}_edit", args=[obj.public_id])


def _laws(activity: PublicityActivity) -> str:
    return "、".join(law.name for law in activity.laws.all())


def _activity_extra(
    request: HttpRequest, obj: PublicityActivity, can_change: bool, bound: dict[str, Any]
) -> dict[str, Any]:
    return {
        "photos": list(services.activity_photos(obj)),
        "child_forms": [
            {
                "title": gettext_lazy("Add photos"),
                "url_name": "publicity:activity_photo_add",
                "form": bound.get("photos") or forms.PhotoForm(),
                "multipart": True,
            }
        ]
        if can_change
        else [],
    }


def _literate_extra(
    request: HttpRequest, obj: LegalLiterate, can_change: bool, bound: dict[str, Any]
) -> dict[str, Any]:
    trainings = obj.trainings.order_by("-trained_on", "-pk")  # type: ignore[attr-defined]
    return {
        "children": {
            "title": gettext_lazy("Training records"),
            "headings": [_("Date"), _("Hours"), _("Topic")],
            "rows": [[_d(t.trained_on), t.hours, t.topic] for t in trainings],
        },
        "child_forms": [
            {
                "title": gettext_lazy("Record a training"),
                "url_name": "publicity:literate_training_add",
                "form": bound.get("training")
                or forms.TrainingForm(initial={"form_token": secrets.token_urlsafe(16)}),
            }
        ]
        if can_change
        else [],
    }


def _adviser_extra(
    request: HttpRequest, obj: VillageAdviser, can_change: bool, bound: dict[str, Any]
) -> dict[str, Any]:
    logs = obj.logs.order_by("-served_on", "-pk")  # type: ignore[attr-defined]
    return {
        "children": {
            "title": gettext_lazy("Service log"),
            "headings": [
                _("Date"),
                _("Mode"),
                _("Hours"),
                _("Lectures"),
                _("Consultations"),
                _("Matters"),
            ],
            "rows": [
                [
                    _d(log.served_on),
                    log.get_mode_display(),
                    log.hours,
                    log.lectures,
                    log.consultations,
                    log.matters,
                ]
                for log in logs
            ],
        },
        "child_forms": [
            {
                "title": gettext_lazy("Record a service"),
                "url_name": "publicity:adviser_log_add",
                "form": bound.get("log")
                or forms.ServiceLogForm(initial={"form_token": secrets.token_urlsafe(16)}),
            }
        ]
        if can_change
        else [],
    }


def _village_extra(
    request: HttpRequest, obj: DemonstrationVillage, can_change: bool, bound: dict[str, Any]
) -> dict[str, Any]:
    return {
        "child_forms": [
            {
                "title": gettext_lazy("Record the review (复核)"),
                "url_name": "publicity:village_review",
                "form": bound.get("review") or forms.ReviewForm(initial={"version": obj.version}),
            }
        ]
        if can_change and obj.is_active
        else [],
    }


def _town_adviser_extra(
    request: HttpRequest, obj: TownAdviser, can_change: bool, bound: dict[str, Any]
) -> dict[str, Any]:
    matters = obj.matters.order_by("-handled_on", "-pk")  # type: ignore[attr-defined]
    return {
        "children": {
            "title": gettext_lazy("Matters handled"),
            "headings": [_("Date"), _("Kind"), _("Matter"), _("Outcome")],
            "rows": [
                [_d(m.handled_on), m.get_kind_display(), m.matter, m.outcome] for m in matters
            ],
        },
        "child_forms": [
            {
                "title": gettext_lazy("Record a matter"),
                "url_name": "publicity:town_adviser_matter_add",
                "form": bound.get("matter")
                or forms.MatterForm(initial={"form_token": secrets.token_urlsafe(16)}),
            }
        ]
        if can_change
        else [],
    }


def _contract(obj: Any) -> Badge | str:
    text = f"{_d(obj.contract_start)} — {_d(obj.contract_end)}"
    if obj.contract_end < timezone.localdate():
        return Badge(f"{text} {_('ended')}", "secondary")
    return text


def _review(obj: DemonstrationVillage) -> Badge | str:
    if not obj.is_active:
        return Badge(obj.get_review_result_display(), "secondary")
    if obj.review_overdue:
        return Badge(f"{_d(obj.review_due)} {_('overdue')}", "danger")
    return _d(obj.review_due)


ACTIVITY = Ledger(
    key="activity",
    model=PublicityActivity,
    title=gettext_lazy("Publicity activities"),
    create_label=gettext_lazy("Record an activity"),
    records=selectors.activity_list,
    filterset=filtersets.ActivityFilterSet,
    sorts=("held_on", "participants", "target"),
    columns=(
        (gettext_lazy("Theme"), ""),
        (gettext_lazy("Held on"), "held_on"),
        (gettext_lazy("Target"), "target"),
        (gettext_lazy("Laws covered"), ""),
        (gettext_lazy("Place"), ""),
        (gettext_lazy("Participants"), "participants"),
    ),
    row=lambda a: [
        a.theme,
        _d(a.held_on),
        a.get_target_display(),
        _laws(a),
        f"{a.place}{'（' + a.village.name + '）' if a.village else ''}",
        a.participants,
    ],
    export_name="publicity-activities.xlsx",
    export_headers=(
        "司法所",
        "日期",
        "主题",
        "学习宣传的法律",
        "“八进”对象",
        "形式",
        "地点",
        "村（社区）",
        "参与人数",
        "发放资料",
        "联合单位",
    ),
    export_row=lambda a: [
        a.unit.name,
        a.held_on,
        a.theme,
        _laws(a),
        a.get_target_display(),
        a.get_form_display(),
        a.place,
        a.village.name if a.village else "",
        a.participants,
        a.materials,
        a.organiser,
    ],
    form=forms.ActivityEntryForm,
    create=lambda actor, office, form: services.activity_create(
        actor=actor, office=office, **form.values()
    ),
    update=lambda actor, obj, version, form: services.activity_update(
        actor=actor, activity=obj, version=version, **form.values()
    ),
    edit_fields=(
        "held_on",
        "theme",
        "target",
        "form",
        "place",
        "village",
        "participants",
        "materials",
        "organiser",
        "note",
    ),
    details=lambda a: [
        (gettext_lazy("Judicial office"), a.unit.name),
        (gettext_lazy("Held on"), _d(a.held_on)),
        (gettext_lazy('"Eight into" target'), a.get_target_display()),
        (gettext_lazy("Form"), a.get_form_display()),
        (gettext_lazy("Laws covered"), _laws(a)),
        (gettext_lazy("Place"), a.place),
        (gettext_lazy("Village or community"), a.village.name if a.village else "—"),
        (gettext_lazy("Participants"), a.participants),
        (gettext_lazy("Materials distributed"), a.materials),
        (gettext_lazy("Organised with"), a.organiser or "—"),
        (gettext_lazy("Note"), a.note or "—"),
    ],
    related=("unit", "village"),
    sections=_activity_extra,
)

LITERATE = Ledger(
    key="literate",
    model=LegalLiterate,
    title=gettext_lazy("Legal-literate villagers"),
    create_label=gettext_lazy("Register a legal-literate villager"),
    records=selectors.literate_list,
    filterset=filtersets.LiterateFilterSet,
    sorts=("appointed_on", "village__code", "status"),
    columns=(
        (gettext_lazy("Name"), ""),
        (gettext_lazy("Village or community"), "village__code"),
        (gettext_lazy("Selected from"), ""),
        (gettext_lazy("Appointed on"), "appointed_on"),
        (gettext_lazy("Training hours"), ""),
        (gettext_lazy("Status"), "status"),
    ),
    row=lambda x: [
        x.person.name,
        x.village.name,
        x.get_pool_display(),
        _d(x.appointed_on),
        x.training_hours or 0,
        Badge(x.get_status_display(), "success" if x.status == "ACTIVE" else "secondary"),
    ],
    export_name="publicity-legal-literates.xlsx",
    export_headers=(
        "司法所",
        "镇街",
        "村（社区）",
        "姓名",
        "证件号码",
        "联系电话",
        "来源",
        "聘任日期",
        "证书编号",
        "培训学时",
        "状态",
    ),
    export_row=lambda x: [
        x.unit.name,
        x.village.parent.name if x.village.parent else "",
        x.village.name,
        x.person.name,
        x.person.id_number_masked,
        x.person.phone_masked,
        x.get_pool_display(),
        x.appointed_on,
        x.certificate_number,
        x.training_hours or 0,
        x.get_status_display(),
    ],
    form=forms.LiterateForm,
    create=lambda actor, office, form: services.literate_create(
        actor=actor,
        office=office,
        person=form.person(),
        # a new villager starts active: the status and removal belong to editing
        **{k: v for k, v in form.values().items() if k not in ("status", "removed_on")},
    ),
    update=lambda actor, obj, version, form: services.literate_update(
        actor=actor, literate=obj, version=version, **form.values()
    ),
    edit_fields=(
        "village",
        "pool",
        "appointed_on",
        "certificate_number",
        "status",
        "removed_on",
        "note",
    ),
    details=lambda x: [
        (gettext_lazy("Name"), x.person.name),
        (gettext_lazy("Document number"), x.person.id_number_masked or "—"),
        (gettext_lazy("Phone"), x.person.phone_masked or "—"),
        (gettext_lazy("Judicial office"), x.unit.name),
        (gettext_lazy("Village or community"), x.village.name),
        (gettext_lazy("Selected from"), x.get_pool_display()),
        (gettext_lazy("Appointed on"), _d(x.appointed_on)),
        (gettext_lazy("Certificate number"), x.certificate_number or "—"),
        (gettext_lazy("Status"), x.get_status_display()),
        (gettext_lazy("Removed on"), _d(x.removed_on) or "—"),
        (gettext_lazy("Note"), x.note or "—"),
    ],
    related=("unit", "village", "village__parent", "person"),
    personal=True,
    sections=_literate_extra,
)

HOUSEHOLD = Ledger(
    key="household",
    model=DemonstrationHousehold,
    title=gettext_lazy("Demonstration households"),
    create_label=gettext_lazy("Register a demonstration household"),
    records=selectors.household_list,
    filterset=filtersets.HouseholdFilterSet,
    sorts=("year", "village__code", "status"),
    columns=(
        (gettext_lazy("Head of household"), ""),
        (gettext_lazy("Village or community"), "village__code"),
        (gettext_lazy("Year designated"), "year"),
        (gettext_lazy("Status"), "status"),
    ),
    row=lambda h: [
        h.head.name,
        h.village.name,
        h.year,
        Badge(h.get_status_display(), "success" if h.status == "ACTIVE" else "secondary"),
    ],
    export_name="publicity-demonstration-households.xlsx",
    export_headers=("司法所", "村（社区）", "户主", "证件号码", "联系电话", "认定年度", "状态"),
    export_row=lambda h: [
        h.unit.name,
        h.village.name,
        h.head.name,
        h.head.id_number_masked,
        h.head.phone_masked,
        h.year,
        h.get_status_display(),
    ],
    form=forms.HouseholdForm,
    create=lambda actor, office, form: services.household_create(
        actor=actor, office=office, head=form.person(), **form.values()
    ),
    update=lambda actor, obj, version, form: services.household_update(
        actor=actor, household=obj, version=version, **form.values()
    ),
    edit_fields=("village", "year", "status", "note"),
    details=lambda h: [
        (gettext_lazy("Head of household"), h.head.name),
        (gettext_lazy("Document number"), h.head.id_number_masked or "—"),
        (gettext_lazy("Phone"), h.head.phone_masked or "—"),
        (gettext_lazy("Judicial office"), h.unit.name),
        (gettext_lazy("Village or community"), h.village.name),
        (gettext_lazy("Year designated"), h.year),
        (gettext_lazy("Status"), h.get_status_display()),
        (gettext_lazy("Note"), h.note or "—"),
    ],
    related=("unit", "village", "head"),
    personal=True,
)

ADVISER = Ledger(
    key="adviser",
    model=VillageAdviser,
    title=gettext_lazy("Village legal advisers"),
    create_label=gettext_lazy("Assign an adviser"),
    records=selectors.adviser_list,
    filterset=filtersets.AdviserFilterSet,
    sorts=("village__code", "contract_end", "lawyer_name"),
    columns=(
        (gettext_lazy("Lawyer"), "lawyer_name"),
        (gettext_lazy("Village or community"), "village__code"),
        (gettext_lazy("Law firm"), ""),
        (gettext_lazy("Contract"), "contract_end"),
        (gettext_lazy("Services"), ""),
    ),
    row=lambda a: [a.lawyer_name, a.village.name, a.law_firm, _contract(a), a.log_count],
    export_name="publicity-village-advisers.xlsx",
    export_headers=(
        "司法所",
        "村（社区）",
        "村类型",
        "律师",
        "律师事务所",
        "执业证号",
        "联系电话",
        "聘期起",
        "聘期止",
        "服务记录数",
    ),
    export_row=lambda a: [
        a.unit.name,
        a.village.name,
        a.get_village_kind_display(),
        a.lawyer_name,
        a.law_firm,
        a.licence_number,
        a.phone_masked,
        a.contract_start,
        a.contract_end,
        a.log_count,
    ],
    form=forms.AdviserForm,
    create=lambda actor, office, form: services.adviser_create(
        actor=actor, office=office, **form.values()
    ),
    update=lambda actor, obj, version, form: services.adviser_update(
        actor=actor, adviser=obj, version=version, **form.values()
    ),
    edit_fields=(
        "village",
        "village_kind",
        "lawyer_name",
        "law_firm",
        "licence_number",
        "contract_start",
        "contract_end",
        "note",
    ),
    details=lambda a: [
        (gettext_lazy("Lawyer"), a.lawyer_name),
        (gettext_lazy("Law firm"), a.law_firm),
        (gettext_lazy("Licence number"), a.licence_number),
        (gettext_lazy("Phone"), a.phone_masked or "—"),
        (gettext_lazy("Judicial office"), a.unit.name),
        (gettext_lazy("Village or community"), a.village.name),
        (gettext_lazy("Kind of village"), a.get_village_kind_display()),
        (gettext_lazy("Contract"), _contract(a)),
        (gettext_lazy("Note"), a.note or "—"),
    ],
    related=("unit", "village"),
    personal=True,
    sections=_adviser_extra,
)

VILLAGE = Ledger(
    key="village",
    model=DemonstrationVillage,
    title=gettext_lazy("Demonstration villages"),
    create_label=gettext_lazy("Record a title"),
    records=selectors.village_list,
    filterset=filtersets.VillageFilterSet,
    sorts=("review_due", "year", "level"),
    columns=(
        (gettext_lazy("Village or community"), ""),
        (gettext_lazy("Level"), "level"),
        (gettext_lazy("Year named"), "year"),
        (gettext_lazy("Review due"), "review_due"),
        (gettext_lazy("Last reviewed"), ""),
    ),
    row=lambda v: [
        v.village.name,
        v.get_level_display(),
        v.year,
        _review(v),
        _d(v.reviewed_on) or "—",
    ],
    export_name="publicity-demonstration-villages.xlsx",
    export_headers=(
        "司法所",
        "村（社区）",
        "级别",
        "命名年度",
        "命名日期",
        "复核期限",
        "最近复核",
        "复核结果",
    ),
    export_row=lambda v: [
        v.unit.name,
        v.village.name,
        v.get_level_display(),
        v.year,
        v.designated_on,
        v.review_due,
        v.reviewed_on or "",
        v.get_review_result_display(),
    ],
    form=forms.VillageForm,
    create=lambda actor, office, form: services.village_designate(
        actor=actor, office=office, **form.values()
    ),
    update=lambda actor, obj, version, form: services.village_update(
        actor=actor, title=obj, version=version, **form.values()
    ),
    edit_fields=("village", "level", "year", "designated_on", "review_due", "note"),
    details=lambda v: [
        (gettext_lazy("Village or community"), v.village.name),
        (gettext_lazy("Judicial office"), v.unit.name),
        (gettext_lazy("Level"), v.get_level_display()),
        (gettext_lazy("Year named"), v.year),
        (gettext_lazy("Named on"), _d(v.designated_on)),
        (gettext_lazy("Review due"), _review(v)),
        (gettext_lazy("Last reviewed on"), _d(v.reviewed_on) or "—"),
        (gettext_lazy("Review result"), v.get_review_result_display() or "—"),
        (gettext_lazy("Note"), v.note or "—"),
    ],
    related=("unit", "village"),
    sections=_village_extra,
)

TOWN_ADVISER = Ledger(
    key="town_adviser",
    model=TownAdviser,
    title=gettext_lazy("Town legal advisers"),
    create_label=gettext_lazy("Register an adviser or public-sector lawyer"),
    records=selectors.town_adviser_list,
    filterset=filtersets.TownAdviserFilterSet,
    sorts=("contract_end", "name", "kind"),
    columns=(
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Kind"), "kind"),
        (gettext_lazy("Law firm or post"), ""),
        (gettext_lazy("Contract"), "contract_end"),
        (gettext_lazy("Matters handled"), ""),
    ),
    row=lambda t: [t.name, t.get_kind_display(), t.firm_or_post, _contract(t), t.matter_count],
    export_name="publicity-town-advisers.xlsx",
    export_headers=(
        "司法所",
        "类别",
        "姓名",
        "律师事务所或职务",
        "执业证号",
        "联系电话",
        "聘期起",
        "聘期止",
        "办理事项数",
    ),
    export_row=lambda t: [
        t.unit.name,
        t.get_kind_display(),
        t.name,
        t.firm_or_post,
        t.licence_number,
        t.phone_masked,
        t.contract_start,
        t.contract_end,
        t.matter_count,
    ],
    form=forms.TownAdviserForm,
    create=lambda actor, office, form: services.town_adviser_create(
        actor=actor, office=office, **form.values()
    ),
    update=lambda actor, obj, version, form: services.town_adviser_update(
        actor=actor, adviser=obj, version=version, **form.values()
    ),
    edit_fields=(
        "kind",
        "name",
        "firm_or_post",
        "licence_number",
        "contract_start",
        "contract_end",
        "note",
    ),
    details=lambda t: [
        (gettext_lazy("Name"), t.name),
        (gettext_lazy("Kind"), t.get_kind_display()),
        (gettext_lazy("Law firm or post"), t.firm_or_post),
        (gettext_lazy("Licence number"), t.licence_number or "—"),
        (gettext_lazy("Phone"), t.phone_masked or "—"),
        (gettext_lazy("Judicial office"), t.unit.name),
        (gettext_lazy("Contract"), _contract(t)),
        (gettext_lazy("Note"), t.note or "—"),
    ],
    personal=True,
    sections=_town_adviser_extra,
)

LEDGERS = {
    ledger.key: ledger for ledger in (ACTIVITY, LITERATE, HOUSEHOLD, ADVISER, VILLAGE, TOWN_ADVISER)
}


# Generic ledger pages ----------------------------------------------------------------------


@require_GET
def ledger_list(request: HttpRequest, ledger: str) -> HttpResponse:
    """A ledger in scope: filter, sort, paginate, export to Excel (audited)."""
    spec = LEDGERS[ledger]
    if spec.personal:
        _personal(request)
    user: Any = request.user
    filterset = spec.filterset(request.GET or None, queryset=spec.records(user=user), user=user)
    records = sort(request, filterset.qs, spec.sorts)
    if request.GET.get("export") == "xlsx":
        exportable = records.filter(pk__in=spec.model._default_manager.visible_to(user, "export"))  # type: ignore[attr-defined]
        return audited_export(
            actor=user,
            object_type=spec.object_type,
            filename=spec.export_name,
            headers=spec.export_headers,
            rows=(spec.export_row(obj) for obj in exportable),
        )
    context = paginate(request, records)
    context.update(
        {
            "ledger": spec,
            "filter_form": filterset.form,
            "sort_links": sort_links(request, spec.sorts),
            "export_url": export_url(request),
            "can_create": services.offices_for(user, spec.model).exists(),
            "headings": [(label, sort_key) for label, sort_key in spec.columns],
        }
    )
    context["rows"] = [(obj, spec.row(obj)) for obj in context["page_obj"]]
    return render(request, "publicity/ledger_list.html", context)


def _form_kwargs(user: Any, spec: Ledger, obj: Any = None) -> dict[str, Any]:
    if obj is not None:
        kwargs: dict[str, Any] = {
            "editing": True,
            "villages": services.villages_of([obj.unit]),
        }
        if hasattr(obj, "phone_masked"):
            kwargs["masked_phone"] = obj.phone_masked
        return kwargs
    offices = services.offices_for(user, spec.model).prefetch_related("other_divisions")
    if not offices.exists():
        raise PermissionDenied
    return {"offices": offices, "villages": services.villages_of(offices)}


@require_http_methods(["GET", "POST"])
def ledger_create(request: HttpRequest, ledger: str) -> HttpResponse:
    """A new record of the ledger; a double submit makes one."""
    spec = LEDGERS[ledger]
    if spec.personal:
        _personal(request)
    user: Any = request.user
    form = spec.form(
        request.POST or None,
        request.FILES or None,
        initial={"form_token": secrets.token_urlsafe(16)},
        **_form_kwargs(user, spec),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payload = _payload(
            {k: v for k, v in data.items() if k not in ("form_token", "version", "photos")}
        )
        try:
            obj = submit_once(
                user=user,
                token=data["form_token"],
                payload=payload,
                create=lambda: spec.create(user, data["office"], form),
            )
        except ReplayedSubmission as replay:
            obj = spec.model._default_manager.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
            return render(
                request, "publicity/ledger_form.html", {"form": form, "ledger": spec}, status=400
            )
        messages.success(request, _("The record has been saved."))
        return redirect(obj)
    return render(request, "publicity/ledger_form.html", {"form": form, "ledger": spec})


def _get(spec: Ledger, request: HttpRequest, public_id: uuid.UUID, action: str) -> Any:
    return selectors.record_for_user(
        queryset=spec.model._default_manager.select_related(*spec.related),
        user=request.user,
        public_id=public_id,
        action=action,
    )


def _render_detail(
    request: HttpRequest, spec: Ledger, obj: Any, bound: dict[str, Any] | None = None
) -> HttpResponse:
    if spec.personal:
        _personal(request)
    user: Any = request.user
    can_change = spec.model._default_manager.visible_to(user, "change").filter(pk=obj.pk).exists()  # type: ignore[attr-defined]
    context = {
        "ledger": spec,
        "object": obj,
        "details": spec.details(obj),
        "can_change": can_change,
        "edit_url": spec.edit_url(obj),
        **spec.sections(request, obj, can_change, bound or {}),
    }
    return render(request, "publicity/ledger_detail.html", context, status=400 if bound else 200)


@require_GET
def ledger_detail(request: HttpRequest, ledger: str, public_id: uuid.UUID) -> HttpResponse:
    """One record, with what it keeps (photos, trainings, services, matters)."""
    spec = LEDGERS[ledger]
    return _render_detail(request, spec, _get(spec, request, public_id, "view"))


@require_http_methods(["GET", "POST"])
def ledger_edit(request: HttpRequest, ledger: str, public_id: uuid.UUID) -> HttpResponse:
    """Change a record at the version loaded; a stale save is refused."""
    spec = LEDGERS[ledger]
    if spec.personal:
        _personal(request)
    obj = _get(spec, request, public_id, "change")
    initial = {f: getattr(obj, f) for f in spec.edit_fields} | {"version": obj.version}
    if spec.key == "activity":
        initial["laws"] = list(obj.laws.all())
    form = spec.form(request.POST or None, initial=initial, **_form_kwargs(request.user, spec, obj))
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or obj.version
        try:
            spec.update(request.user, obj, version, form)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect(obj)
    return render(
        request, "publicity/ledger_form.html", {"form": form, "ledger": spec, "object": obj}
    )


# Records kept under a parent ---------------------------------------------------------------


def _child_post(
    request: HttpRequest,
    spec: Ledger,
    public_id: uuid.UUID,
    form_class: type[django_forms.Form],
    key: str,
    run: Callable[[Any, Any, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    obj = _get(spec, request, public_id, "change")
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "form_token"}
        token = form.cleaned_data.get("form_token")
        try:
            if token:  # a double submit records one row
                submit_once(
                    user=request.user,
                    token=token,
                    payload=_payload(data),
                    create=lambda: run(request.user, obj, data),
                )
            else:
                run(request.user, obj, data)
        except ReplayedSubmission:
            return redirect(obj)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, done)
            return redirect(obj)
    return _render_detail(request, spec, obj, {key: form})


@require_POST
def activity_photo_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Attach photos to an activity."""

    def run(user: Any, activity: Any, d: dict[str, Any]) -> None:
        for uploaded in d["photos"]:
            services.activity_add_photo(actor=user, activity=activity, uploaded=uploaded)

    return _child_post(
        request, ACTIVITY, public_id, forms.PhotoForm, "photos", run, _("The photos are added.")
    )


@require_POST
def literate_training_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a training of a 法律明白人."""
    return _child_post(
        request,
        LITERATE,
        public_id,
        forms.TrainingForm,
        "training",
        lambda user, obj, d: services.literate_add_training(actor=user, literate=obj, **d),
        _("The training is recorded."),
    )


@require_POST
def adviser_log_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a service of a village adviser."""
    return _child_post(
        request,
        ADVISER,
        public_id,
        forms.ServiceLogForm,
        "log",
        lambda user, obj, d: services.adviser_add_log(actor=user, adviser=obj, **d),
        _("The service is recorded."),
    )


@require_POST
def village_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record the review (复核) of a demonstration title."""

    def run(user: Any, title: Any, d: dict[str, Any]) -> None:
        services.village_review(
            actor=user,
            title=title,
            version=d.get("version") or title.version,
            reviewed_on=d["reviewed_on"],
            result=d["result"],
            note=d["note"],
        )

    return _child_post(
        request, VILLAGE, public_id, forms.ReviewForm, "review", run, _("The review is recorded.")
    )


@require_POST
def town_adviser_matter_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record a matter a town adviser handled."""
    return _child_post(
        request,
        TOWN_ADVISER,
        public_id,
        forms.MatterForm,
        "matter",
        lambda user, obj, d: services.town_adviser_add_matter(actor=user, adviser=obj, **d),
        _("The matter is recorded."),
    )


# Coverage and norms ------------------------------------------------------------------------


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """法律明白人 coverage per office and the villages below the target."""
    user: Any = request.user
    unit = request.GET.get("unit", "")
    result = selectors.literate_coverage(user=user, unit=unit)
    if request.GET.get("export") == "xlsx":
        return audited_export(
            actor=user,
            object_type="publicity.legalliterate",
            filename="publicity-legal-literate-coverage.xlsx",
            headers=[
                "司法所",
                "镇街",
                "村（社区）代码",
                "村（社区）",
                "法律明白人数",
                "目标",
                "达标",
            ],
            rows=(
                [
                    r.office.name,
                    _town(r.village),
                    r.village.code,
                    r.village.name,
                    r.count,
                    r.target,
                    "是" if r.met else "否",
                ]
                for r in result.villages
            ),
        )
    below = result.below
    context = {
        "coverage": result,
        "unit": unit,
        "export_url": export_url(request),
        **paginate(request, below),  # type: ignore[arg-type]
    }
    return render(request, "publicity/coverage.html", context)


def _town(village: Any) -> str:
    return village.parent.name if village.parent else ""


def _month(value: str | None) -> date:
    try:
        return date.fromisoformat(f"{value}-01") if value else selectors.last_complete_month()
    except ValueError:
        return selectors.last_complete_month()


@require_GET
def adviser_norms(request: HttpRequest) -> HttpResponse:
    """Which villages' advisers met the norms in a month; villages without an adviser."""
    _personal(request)
    user: Any = request.user
    unit = request.GET.get("unit", "")
    month = _month(request.GET.get("month"))
    result = selectors.adviser_norms(user=user, month=month, unit=unit)
    if request.GET.get("export") == "xlsx":
        return audited_export(
            actor=user,
            object_type="publicity.villageadviser",
            filename="publicity-adviser-norms.xlsx",
            headers=[
                "月份",
                "司法所",
                "村（社区）",
                "律师",
                "驻点天数",
                "驻点要求",
                "本季度讲座",
                "讲座要求",
                "达标",
            ],
            rows=(
                [
                    f"{month:%Y-%m}",
                    str(r.adviser.unit),
                    str(r.adviser.village),
                    r.adviser.lawyer_name,
                    r.onsite_days,
                    r.onsite_norm,
                    r.lectures,
                    r.lecture_norm,
                    "是" if r.met else "否",
                ]
                for r in result.rows
            ),
        )
    context = {
        "norms": result,
        "norm_values": {
            "community": services.norm(NORM_ONSITE_DAYS[VillageKind.COMMUNITY]),
            "remote": services.norm(NORM_ONSITE_DAYS[VillageKind.REMOTE]),
            "lectures": services.norm(NORM_LECTURES_PER_QUARTER),
        },
        "month": f"{month:%Y-%m}",
        "unit": unit,
        "export_url": export_url(request),
        **paginate(request, result.without),  # type: ignore[arg-type]
    }
    return render(request, "publicity/adviser_norms.html", context)


@require_GET
def person_records(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A person's 法律明白人 and 示范户 records in scope."""
    _personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    return render(
        request,
        "publicity/person_records.html",
        {
            "person": person,
            "literates": selectors.literates_of_person(user=request.user, person=person),
            "households": selectors.households_of_person(user=request.user, person=person),
        },
    )
