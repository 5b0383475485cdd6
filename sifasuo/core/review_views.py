"""The audit administrator's access-review page (SECURITY.md 1.3, issue 9): read, flag, export."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sifasuo.core import access_review as review
from sifasuo.core import audit
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.listing import paginate, sort, sort_links
from sifasuo.core.xlsx import audited_export

SORTABLE = ("ts", "actor_username", "actor_unit_code", "action", "object_type")
EXPORT_LIMIT = 50000
EXPORT_HEADERS = [
    "序号",
    "时间",
    "用户",
    "角色",
    "单位代码",
    "操作",
    "对象类型",
    "对象ID",
    "结果",
    "理由",
    "非工作时间",
    "本单位范围外",
    "IP",
]


class AccessReviewForm(forms.Form):
    """The month and the filters of the access review."""

    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"}),
    )
    username = forms.CharField(label=_("Username"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Record type"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    flag = forms.ChoiceField(label=_("Flag"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, Any]]] = {
            "action": [(a, a) for a in review.READ_ACTIONS],
            "object_type": list(review.SENSITIVE_TYPES.items()),
            "outcome": list(AuditOutcome.choices),
            "flag": [
                (review.OFF_HOURS, review.FINDING_LABELS[review.OFF_HOURS]),
                (review.DENIED, review.FINDING_LABELS[review.DENIED]),
            ],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = [("", _("All")), *options]


def _month(form: AccessReviewForm) -> date:
    chosen = form.cleaned_data.get("month") if form.is_valid() else None
    return (chosen or timezone.localdate()).replace(day=1)


def _flags(month: date, events: list[Any]) -> tuple[set[int], set[int]]:
    """Return the ids read off hours and the ids of records outside the reader's tree."""
    if not events:
        return set(), set()
    ids = [e.pk for e in events]
    off = review.off_hours_ids(
        month, review.with_local_time(review.reads(month)).filter(pk__in=ids)
    )
    outside = review.outside_tree([(e.actor_unit_code, e.object_type, e.object_id) for e in events])
    other = {e.pk for e in events if (e.actor_unit_code, e.object_type, e.object_id) in outside}
    return off, other


@require_GET
def access_review(request: HttpRequest) -> HttpResponse:
    """Who read which sensitive records in a month; unusual patterns; export to Excel."""
    user: Any = request.user
    review.require_audit_admin(user)
    form = AccessReviewForm(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    month = _month(form)
    events = sort(request, review.filtered(month, filters), SORTABLE)
    if not request.GET.get("sort"):
        events = events.order_by("-ts", "-seq")
    if request.GET.get("export") == "xlsx":
        chosen = list(events[:EXPORT_LIMIT])
        off, other = _flags(month, chosen)
        rows = [
            [
                e.seq,
                timezone.localtime(e.ts).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_username,
                e.actor_roles,
                e.actor_unit_code,
                e.action,
                e.object_type,
                e.object_id,
                e.outcome,
                e.reason,
                "是" if e.pk in off else "",
                "是" if e.pk in other else "",
                e.ip or "",
            ]
            for e in chosen
        ]
        return audited_export(
            actor=user,
            object_type=review.OBJECT_TYPE,
            filename=f"access-review-{month:%Y-%m}.xlsx",
            headers=EXPORT_HEADERS,
            rows=rows,
        )
    audit.record(
        "view", actor=user, object_type=review.OBJECT_TYPE, changes={"month": f"{month:%Y-%m}"}
    )
    context: dict[str, Any] = {
        "filter_form": form,
        "month": month,
        "findings": review.findings(month),
        "summary": review.summary(month),
        "threshold": review.subjects_threshold(),
        "office_hours": review.office_hours(),
        "sort_links": sort_links(request, SORTABLE),
        **paginate(request, events, per_page=50),
    }
    page_events = list(context["page_obj"].object_list)
    off, other = _flags(month, page_events)
    context["rows"] = [
        {"event": e, "off_hours": e.pk in off, "other_unit": e.pk in other} for e in page_events
    ]
    return render(request, "core/access_review.html", context)
