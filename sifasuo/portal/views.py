"""The citizens' site, and the office's side of it (inbox, follow-ups, legal guides).

Citizens' pages ask for the SMS login (``citizen_required``: the portal's login page, not the
staff one); staff pages need the staff login as every other page. Views are thin: parse,
one service or selector call, render.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.accounts.roles import Role
from sifasuo.core import applications, audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate
from sifasuo.core.masking import mask
from sifasuo.core.middleware import client_ip
from sifasuo.core.scope import get_for_user
from sifasuo.core.xlsx import audited_export
from sifasuo.offices.selectors import public_experiences
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.portal import forms, selectors, services
from sifasuo.portal.config import value
from sifasuo.portal.filtersets import FollowUpFilterSet, PortalApplicationFilterSet
from sifasuo.portal.models import FollowUp, LegalGuide, LoginCode, PortalApplication

SESSION_LOGIN_CODE = "portal_login_code"
LOGIN_BACKEND = "sifasuo.accounts.backends.StaffModelBackend"

_View = Callable[..., HttpResponse]


def citizen_required(view: _View) -> _View:
    """A citizen's page: anonymous users go to the portal's SMS login; staff are refused."""

    @login_required(login_url="portal:login")
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_citizen", False):
            raise PermissionDenied
        request.contains_personal_data = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(view: _View) -> _View:
    """An office page: a citizen finds nothing here (404; their requests are elsewhere)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "is_citizen", False):
            raise Http404
        request.contains_personal_data = True  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _form_error(form: Any, exc: ApplicationError, request: HttpRequest) -> None:
    audit.record_refusal(exc, request.user)
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _kind_or_404(code: str) -> applications.ApplicationKind:
    kind = applications.get(code)
    if kind is None:
        raise Http404
    return kind


def _office_or_404(code: str) -> Unit:
    office = services.offices_for_application().filter(code=code).first()
    if office is None:
        raise Http404
    return office


def _hours(office: Unit) -> str:
    return office.opening_hours or value("PORTAL_DEFAULT_OPENING_HOURS")


# Public pages ---------------------------------------------------------------------------------


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The citizens' landing page: services to apply for, tracking, guides, the locator."""
    return render(request, "portal/home.html", {"kinds": applications.kinds()})


@login_not_required
@require_GET
def experiences(request: HttpRequest) -> HttpResponse:
    """The typical experiences of judicial offices that the city bureau has published."""
    return render(
        request, "portal/experiences.html", paginate(request, public_experiences(), per_page=10)
    )


@login_not_required
@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """The personal-information notice in force (PIPL)."""
    return render(request, "portal/notice.html", {"notice": services.current_notice()})


@login_not_required
@require_GET
def guide_list(request: HttpRequest) -> HttpResponse:
    """The legal guides the city bureau has published."""
    return render(request, "portal/guide_list.html", {"guides": selectors.public_guides()})


@login_not_required
@require_GET
def guide_detail(request: HttpRequest, guide_id: Any) -> HttpResponse:
    guide = selectors.public_guides().filter(public_id=guide_id).first()
    if guide is None:
        raise Http404
    return render(request, "portal/guide_detail.html", {"guide": guide})


@login_not_required
@require_GET
def apply_start(request: HttpRequest) -> HttpResponse:
    """Choose what to apply for."""
    return render(request, "portal/apply_start.html", {"kinds": applications.kinds()})


@login_not_required
@require_GET
def apply_office(request: HttpRequest, kind_code: str) -> HttpResponse:
    """Choose the office (the town's judicial office), by district or by name."""
    kind = _kind_or_404(kind_code)
    form = forms.OfficeSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    groups = []
    if filters.get("district") or filters.get("q"):
        groups = selectors.offices_by_district(
            district=filters.get("district", ""), q=filters.get("q", "")
        )
    context = {"kind": kind, "form": form, "groups": groups, "searched": bool(filters)}
    return render(request, "portal/apply_office.html", context)


# Login by SMS code --------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("portal:my_requests")


@login_not_required
@require_http_methods(["GET", "POST"])
def login_start(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number; a code is sent by SMS."""
    form = forms.PhoneForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            login_code = services.login_code_request(
                phone=form.cleaned_data["phone"], ip=client_ip(request)
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
            status = exc.status_code
        else:
            request.session[SESSION_LOGIN_CODE] = str(login_code.public_id)
            target = reverse("portal:login_verify")
            next_url = request.POST.get("next", "")
            if next_url:
                target += "?" + urlencode({"next": next_url})
            return redirect(target)
    elif request.method == "POST":
        status = 400
    context = {"form": form, "next": request.GET.get("next") or request.POST.get("next", "")}
    return render(request, "portal/login.html", context, status=status)


def _pending_code(request: HttpRequest) -> LoginCode | None:
    public_id = request.session.get(SESSION_LOGIN_CODE)
    if not public_id:
        return None
    return LoginCode.objects.filter(public_id=public_id).first()


@login_not_required
@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the SMS; a right code logs the citizen in."""
    pending = _pending_code(request)
    if pending is None:
        return redirect("portal:login")
    form = forms.CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_code_verify(code=form.cleaned_data["code"], login_code=pending)
        except ApplicationError as exc:
            form.add_error("code", exc.message)
            status = 400
        else:
            request.session.pop(SESSION_LOGIN_CODE, None)
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("You are logged in."))
            return redirect(_next_url(request))
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "phone": mask(pending.phone, "phone"),
        "minutes": max(value("PORTAL_OTP_TTL_SECONDS") // 60, 1),
        "next": request.GET.get("next", ""),
    }
    return render(request, "portal/login_verify.html", context, status=status)


@login_not_required
@require_POST
def login_resend(request: HttpRequest) -> HttpResponse:
    """Send a new code to the number of the pending login (rate limits apply)."""
    pending = _pending_code(request)
    if pending is None:
        return redirect("portal:login")
    try:
        login_code = services.login_code_request(phone=pending.phone, ip=client_ip(request))
    except ApplicationError as exc:
        audit.record_refusal(exc, request.user)
        messages.error(request, exc.message)
    else:
        request.session[SESSION_LOGIN_CODE] = str(login_code.public_id)
        messages.success(request, _("A new code has been sent."))
    return redirect("portal:login_verify")


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


# A citizen's requests -----------------------------------------------------------------------


@citizen_required
@require_http_methods(["GET", "POST"])
def apply_form(request: HttpRequest, kind_code: str, office_code: str) -> HttpResponse:
    """The kind's own form, the notice and the consent; submit files the request."""
    kind = _kind_or_404(kind_code)
    office = _office_or_404(office_code)
    user: Any = request.user
    notice = services.current_notice()
    consented = services.active_consent(user, notice)
    data = request.POST if request.method == "POST" else None
    form = kind.form_class(data, request.FILES or None, office=office)
    meta = forms.ApplyMetaForm(data, initial={"portal_form_token": secrets.token_urlsafe(16)})
    if consented is not None:
        del meta.fields["pipl_consent"]  # consent is asked once per notice version
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and meta.is_valid():
            payload = {
                "kind": kind.code,
                "office": office.code,
                **{k: str(v) for k, v in form.cleaned_data.items()},
            }
            try:
                envelope = submit_once(
                    user=user,
                    token=meta.cleaned_data["portal_form_token"],
                    payload=payload,
                    create=lambda: services.application_submit(
                        citizen=user,
                        kind_code=kind.code,
                        office=office,
                        data=form.cleaned_data,
                        consent=meta.cleaned_data.get("pipl_consent", False),
                        ip=client_ip(request),
                    ),
                )
            except ReplayedSubmission as replay:
                return redirect(PortalApplication.objects.get(pk=replay.token.object_id))
            except ApplicationError as exc:
                audit.record_refusal(exc, user)
                target = meta if exc.field in meta.fields else form
                target.add_error(exc.field if exc.field in target.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Your request has been submitted. Tracking number: %(n)s.")
                    % {"n": envelope.tracking_number},
                )
                return redirect(envelope)
    context = {
        "kind": kind,
        "office": office,
        "hours": _hours(office),
        "form": form,
        "meta": meta,
        "notice": notice,
        "consented": consented,
    }
    return render(request, "portal/apply_form.html", context, status=status)


@citizen_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    """The citizen's own requests with their status."""
    applications_qs = selectors.my_applications(citizen=request.user)
    return render(request, "portal/my_requests.html", paginate(request, applications_qs, 20))


def _own(request: HttpRequest, application_id: Any) -> PortalApplication:
    return get_for_user(
        selectors.my_applications(citizen=request.user), request.user, public_id=application_id
    )


@citizen_required
@require_GET
def request_detail(request: HttpRequest, application_id: Any) -> HttpResponse:
    """One of the citizen's requests: status, the office's replies, the rating."""
    envelope = _own(request, application_id)
    return _render_request(request, envelope, forms.RatingForm())


def _render_request(
    request: HttpRequest, envelope: PortalApplication, rating_form: Any, status: int = 200
) -> HttpResponse:
    context = {
        "application": envelope,
        "events": selectors.application_timeline(envelope),
        "rating": getattr(envelope, "rating", None),
        "rating_form": rating_form,
        "hours": _hours(envelope.unit),
    }
    return render(request, "portal/request_detail.html", context, status=status)


@citizen_required
@require_POST
def request_rate(request: HttpRequest, application_id: Any) -> HttpResponse:
    """Rate a completed request once (好差评)."""
    envelope = _own(request, application_id)
    form = forms.RatingForm(request.POST)
    if form.is_valid():
        try:
            rating = services.rating_create(
                citizen=request.user,
                application=envelope,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            text = _("Thank you for your rating.")
            if rating.is_poor:
                text += " " + _(
                    "The office will call you back within 15 working days about what went wrong."
                )
            messages.success(request, text)
            return redirect(envelope)
    envelope.refresh_from_db()
    return _render_request(request, envelope, form, status=400)


@citizen_required
@require_POST
def consent_withdraw(request: HttpRequest) -> HttpResponse:
    """Withdraw the consent; a new application asks for it again."""
    services.consent_withdraw(citizen=request.user)
    messages.success(
        request,
        _("Your consent has been withdrawn. You will be asked again before a new application."),
    )
    return redirect("portal:my_requests")


# The office's side --------------------------------------------------------------------------

INBOX_HEADERS = (
    "受理编号",
    "申请类型",
    "司法所",
    "状态",
    "提交日期",
    "首次答复期限",
    "办结日期",
    "评价",
)


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Online requests of the user's offices: filter, export, open the record."""
    user: Any = request.user
    filterset = PortalApplicationFilterSet(
        request.GET or None, queryset=selectors.inbox(user=user), user=user
    )
    rows = filterset.qs
    if request.GET.get("export") == "xlsx":
        exportable = rows.filter(pk__in=PortalApplication.objects.visible_to(user, "export"))
        return audited_export(
            actor=user,
            object_type="portal.portalapplication",
            filename="online-requests.xlsx",
            headers=INBOX_HEADERS,
            rows=(
                (
                    a.tracking_number,
                    a.kind_label,
                    a.unit.name,
                    a.get_status_display(),
                    a.submitted_on,
                    a.respond_by,
                    a.completed_on or "",
                    a.rating.get_level_display() if hasattr(a, "rating") else "",
                )
                for a in exportable
            ),
        )
    context = {
        "filter_form": filterset.form,
        "export_url": export_url(request),
        **paginate(request, rows),
    }
    page = context["page_obj"]
    for envelope in page.object_list:
        kind = envelope.application_kind
        envelope.staff_link = kind.staff_url(envelope.record) if kind and envelope.record else ""
    return render(request, "portal/inbox.html", context)


FOLLOWUP_HEADERS = (
    "受理编号",
    "司法所",
    "评价",
    "评价日期",
    "整改期限",
    "状态",
    "回访日期",
    "回访对象",
    "整改情况",
)


@staff_required
@require_GET
def followup_list(request: HttpRequest) -> HttpResponse:
    """Follow-ups of poor ratings: open, overdue, closed; export."""
    user: Any = request.user
    filterset = FollowUpFilterSet(
        request.GET or None, queryset=selectors.followups(user=user), user=user
    )
    rows = filterset.qs
    if request.GET.get("export") == "xlsx":
        exportable = rows.filter(pk__in=FollowUp.objects.visible_to(user, "export"))
        return audited_export(
            actor=user,
            object_type="portal.followup",
            filename="rating-followups.xlsx",
            headers=FOLLOWUP_HEADERS,
            rows=(
                (
                    f.rating.application.tracking_number,
                    f.unit.name,
                    f.rating.get_level_display(),
                    f.rating.rated_on,
                    f.due_on,
                    f.get_status_display(),
                    f.called_on or "",
                    f.get_reached_display(),
                    f.rectification,
                )
                for f in exportable
            ),
        )
    context = {
        "filter_form": filterset.form,
        "export_url": export_url(request),
        **paginate(request, rows),
    }
    return render(request, "portal/followup_list.html", context)


def _followup(request: HttpRequest, public_id: Any, action: str = "view") -> FollowUp:
    return get_for_user(
        FollowUp.objects.select_related("unit", "rating", "rating__application"),
        request.user,
        action,
        public_id=public_id,
    )


def _render_followup(
    request: HttpRequest,
    followup: FollowUp,
    call_form: Any = None,
    reveal_form: Any = None,
    phone: str = "",
) -> HttpResponse:
    user: Any = request.user
    envelope = followup.rating.application
    kind = envelope.application_kind
    can_change = FollowUp.objects.visible_to(user, "change").filter(pk=followup.pk).exists()
    can_reveal = FollowUp.objects.visible_to(user, "reveal").filter(pk=followup.pk).exists()
    context = {
        "followup": followup,
        "application": envelope,
        "events": selectors.application_timeline(envelope),
        "staff_link": kind.staff_url(envelope.record) if kind and envelope.record else "",
        "masked_phone": services.masked_phone(envelope.citizen),
        "phone": phone,
        "can_change": can_change and followup.is_open,
        "can_reveal": can_reveal,
        "call_form": call_form or forms.FollowUpCallForm(initial={"version": followup.version}),
        "reveal_form": reveal_form or forms.RevealForm(),
    }
    return render(request, "portal/followup_detail.html", context)


@staff_required
@require_GET
def followup_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    """One follow-up: the rating, the request's timeline, the return-call form."""
    return _render_followup(request, _followup(request, public_id))


@staff_required
@require_POST
def followup_call(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Record the return call; close the follow-up when done."""
    followup = _followup(request, public_id, "change")
    form = forms.FollowUpCallForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.followup_record_call(
                actor=request.user,
                followup=followup,
                called_on=data["called_on"],
                reached=data["reached"],
                outcome=data["outcome"],
                rectification=data["rectification"],
                close=data["close"],
                version=data["version"],
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The return call has been recorded."))
            return redirect(followup)
    followup.refresh_from_db()
    return _render_followup(request, followup, call_form=form)


@staff_required
@require_POST
def followup_reveal(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Show the citizen's number to call back (with a reason, audited)."""
    followup = _followup(request, public_id, "reveal")
    form = forms.RevealForm(request.POST)
    phone = ""
    if form.is_valid():
        try:
            phone = services.followup_reveal_phone(
                actor=request.user, followup=followup, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
    return _render_followup(request, followup, reveal_form=form, phone=phone)


# Legal guides (the city bureau) -------------------------------------------------------------


def _city_user(request: HttpRequest) -> Any:
    user: Any = request.user
    unit = getattr(user, "unit", None)
    if unit is None or unit.kind != UnitKind.CITY or not user.has_role(Role.CITY_OFFICER):
        raise PermissionDenied
    return user


@staff_required
@require_GET
def guide_manage(request: HttpRequest) -> HttpResponse:
    """The city's guides, drafts and published."""
    user = _city_user(request)
    guides = selectors.managed_guides(user=user)
    return render(request, "portal/guide_manage.html", paginate(request, guides))


@staff_required
@require_http_methods(["GET", "POST"])
def guide_create(request: HttpRequest) -> HttpResponse:
    user = _city_user(request)
    form = forms.GuideForm(request.POST or None, initial={"form_token": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {f: data[f] for f in ("title", "category", "summary", "body")}
        try:
            if data["form_token"]:  # the page's one-time token: a double submit makes one
                guide = submit_once(
                    user=user,
                    token=data["form_token"],
                    payload=fields,
                    create=lambda: services.guide_create(actor=user, **fields),
                )
            else:
                guide = services.guide_create(actor=user, **fields)
        except ReplayedSubmission as replay:
            guide = LegalGuide.objects.get(pk=replay.token.object_id)
            return redirect("portal:guide_edit", public_id=guide.public_id)
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The guide has been saved as a draft."))
            return redirect("portal:guide_edit", public_id=guide.public_id)
    return render(request, "portal/guide_form.html", {"form": form, "guide": None})


@staff_required
@require_http_methods(["GET", "POST"])
def guide_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    guide = get_for_user(LegalGuide.objects.all(), request.user, "change", public_id=public_id)
    initial = {f: getattr(guide, f) for f in services.GUIDE_FIELDS}
    form = forms.GuideForm(request.POST or None, initial={**initial, "version": guide.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.guide_update(
                actor=request.user,
                guide=guide,
                version=data["version"],
                **{f: data[f] for f in services.GUIDE_FIELDS},
            )
        except ApplicationError as exc:
            _form_error(form, exc, request)
        else:
            messages.success(request, _("The guide has been saved."))
            return redirect("portal:guide_edit", public_id=guide.public_id)
    return render(request, "portal/guide_form.html", {"form": form, "guide": guide})


@staff_required
@require_POST
def guide_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    guide = get_for_user(LegalGuide.objects.all(), request.user, "change", public_id=public_id)
    publish = request.POST.get("publish") == "1"
    with transaction.atomic():
        services.guide_publish(actor=request.user, guide=guide, publish=publish)
    messages.success(
        request,
        _("The guide is published.") if publish else _("The guide has been taken down."),
    )
    return redirect("portal:guide_edit", public_id=guide.public_id)
