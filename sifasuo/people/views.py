"""Person registry pages: list, detail, register, edit, exact search, reveal."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sifasuo.core import audit
from sifasuo.core.errors import ApplicationError
from sifasuo.core.idempotency import ReplayedSubmission, submit_once
from sifasuo.core.listing import export_url, paginate, sort, sort_links
from sifasuo.core.scope import get_for_user
from sifasuo.core.xlsx import audited_export
from sifasuo.people import selectors, services
from sifasuo.people.forms import (
    PersonEditForm,
    PersonFilterForm,
    PersonForm,
    PersonSearchForm,
    RevealForm,
)
from sifasuo.people.models import Person
from sifasuo.people.related import related_for

SORTS = ("name", "created_at")
SEARCH_SESSION_KEY = "people_searches"
EXPORT_HEADERS = ["姓名", "性别", "出生年份", "证件类型", "证件号码", "联系电话", "登记单位"]


def _mark_personal(request: HttpRequest) -> None:
    request.contains_personal_data = True  # type: ignore[attr-defined]


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    """People in scope, masked; filter, sort, paginate, export."""
    _mark_personal(request)
    form = PersonFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = sort(request, selectors.person_list(user=request.user, **filters), SORTS)
    if request.GET.get("export") == "xlsx":
        people = people.filter(pk__in=Person.objects.visible_to(request.user, "export"))
        rows = (
            [
                p.name,
                p.get_sex_display(),
                p.birth_year or "",
                p.get_id_type_display(),
                p.id_number_masked,
                p.phone_masked,
                p.unit.name,
            ]
            for p in people
        )
        return audited_export(
            actor=request.user,
            object_type="people.person",
            filename="people.xlsx",
            headers=EXPORT_HEADERS,
            rows=rows,
        )
    context = {
        "filter_form": form,
        "search_form": PersonSearchForm(),
        "sort_links": sort_links(request, SORTS),
        "export_url": export_url(request),
        **paginate(request, people),
    }
    return render(request, "people/person_list.html", context)


@require_POST
def person_search(request: HttpRequest) -> HttpResponse:
    """Exact search by document number: POST in, redirect to an opaque token's results."""
    form = PersonSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a document type and number."))
        return redirect("people:person_list")
    found = selectors.person_lookup(user=request.user, **form.cleaned_data)
    token = secrets.token_urlsafe(12)
    searches = request.session.get(SEARCH_SESSION_KEY, {})
    searches = dict(list(searches.items())[-9:])
    searches[token] = [str(p.public_id) for p in found]
    request.session[SEARCH_SESSION_KEY] = searches
    return redirect("people:person_search_results", token=token)


@require_GET
def person_search_results(request: HttpRequest, token: str) -> HttpResponse:
    """The results of one exact search, by its token (the number never enters a URL)."""
    _mark_personal(request)
    ids = request.session.get(SEARCH_SESSION_KEY, {}).get(token)
    if ids is None:
        raise Http404
    people = Person.objects.visible_to(request.user).filter(public_id__in=ids)
    context = {
        "filter_form": PersonFilterForm(),
        "search_form": PersonSearchForm(),
        "is_search": True,
        "sort_links": {},
        "export_url": None,
        **paginate(request, people),
    }
    return render(request, "people/person_list.html", context)


@require_GET
def person_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One person, masked; reveal buttons for roles that may reveal."""
    _mark_personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    audit.record("view", actor=request.user, obj=person)  # a read of personal data (fail closed)
    can_reveal = Person.objects.visible_to(request.user, "reveal").filter(pk=person.pk).exists()
    can_change = Person.objects.visible_to(request.user, "change").filter(pk=person.pk).exists()
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "can_reveal": can_reveal,
            "can_change": can_change,
            "reveal_form": RevealForm(),
            "related": related_for(request.user, person),
        },
    )


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """Register a person in the user's unit; a double submit creates one person."""
    _mark_personal(request)
    user: Any = request.user
    if user.unit is None or "own" not in user.scope_reach(Person, "create"):
        raise PermissionDenied
    form = PersonForm(request.POST or None, initial={"form_token": secrets.token_urlsafe(16)})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("form_token", "version")}
        try:
            person = submit_once(
                user=user,
                token=form.cleaned_data["form_token"],
                payload=data,
                create=lambda: services.person_create(actor=user, unit=user.unit, **data),
            )
        except ReplayedSubmission as replay:
            person = Person.objects.get(pk=replay.token.object_id)
        except ApplicationError as exc:
            audit.record_refusal(exc, request.user)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return render(request, "people/person_form.html", {"form": form})
        messages.success(request, _("The person has been registered."))
        return redirect("people:person_detail", public_id=person.public_id)
    return render(request, "people/person_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Edit a person; stored numbers are never shown, and a stale form is refused."""
    _mark_personal(request)
    person = get_for_user(Person.objects.all(), request.user, "change", public_id=public_id)
    initial: dict[str, Any] = {f: getattr(person, f) for f in services.EDITABLE}
    initial["version"] = person.version
    masked = {
        "id_number": person.id_number_masked,
        "phone": person.phone_masked,
        "address": person.address_masked,
        "birth_date": f"{person.birth_year}-**-**" if person.birth_year else "",
    }
    form = PersonEditForm(request.POST or None, initial=initial, masked=masked)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                version=form.cleaned_data["version"] or person.version,
                **form.changes(),
            )
        except ApplicationError as exc:
            audit.record_refusal(exc, request.user)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("people:person_detail", public_id=person.public_id)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@require_POST
def person_reveal(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Show one unmasked value to a user who may reveal it, after stating a reason."""
    _mark_personal(request)
    person = get_for_user(Person.objects.all(), request.user, "view", public_id=public_id)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("State the reason for revealing this value."), status=400)
    try:
        value = services.person_reveal(actor=request.user, person=person, **form.cleaned_data)
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=400)
    return render(request, "people/_revealed.html", {"value": value})
