"""Every edit form refuses a stale save (SECURITY.md check 39), generated from the URLconf.

Two sessions open the same edit page (version n). The first saves (version n+1); the second
posts its stale copy. The second is refused (409 or the form again, with an error), the
database keeps the first save, and the trail holds one ``update``-like row for the winner and
one ``conflict`` row for the loser.

Every route whose name ends in ``_edit``/``_update`` must be in ``EDITS`` (or in
``NOT_EDIT_FORMS`` with the reason): a new edit route without a case fails
``test_every_edit_route_is_covered``. The POST data is the form as rendered (every field at
its shown value) with one text field changed, so the test needs no per-form data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django import forms as django_forms
from django.contrib.messages import constants as message_levels
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sifasuo.accounts.models import User
from sifasuo.core.models import AuditEvent
from sifasuo.orgs.models import Unit

pytestmark = pytest.mark.django_db

EDIT_NAME = re.compile(r"(_edit|_update)$")


def _route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], ns: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, ns + (f"{entry.namespace}:" if entry.namespace else ""))
            elif (
                isinstance(entry, URLPattern)
                and entry.name
                and ".api" not in (entry.callback.__module__ or "")
            ):
                names.add(ns + entry.name)

    walk(get_resolver().url_patterns, "")
    return names


@dataclass(frozen=True)
class Edit:
    user: str  # a fixture name of tests/conftest.py
    make: Callable[[User], models.Model]
    field: str  # the field the test changes
    kwargs: Callable[[models.Model], dict[str, Any]] = lambda obj: {
        "public_id": obj.public_id  # type: ignore[attr-defined]
    }
    values: tuple[str, str] = ("第一次保存", "第二次保存")  # the first and the stale value


def _person(user: User) -> models.Model:
    from tests.offices import factories

    return factories.person(office=user.unit, actor=user, name="原名")


def _guide(user: User) -> models.Model:
    from sifasuo.portal import services

    return services.guide_create(actor=user, title="原标题", category="OTHER", body="正文")


def _return(user: User) -> models.Model:
    from tests.offices import factories

    return factories.office_return(office=user.unit, actor=user)


def _staff(user: User) -> models.Model:
    from tests.offices import factories

    return factories.staff_member(factories.office_return(office=user.unit, actor=user), actor=user)


def _committee(user: User) -> models.Model:
    from sifasuo.mediation import services

    committee = Unit.objects.get(code="610102001T01")
    services.committee_profile_save(
        actor=user,
        committee=committee,
        committee_type=services.committee_type_for(committee),
        served_place="原地点",
    )
    return committee


def _mediator(user: User) -> models.Model:
    from sifasuo.mediation import services
    from tests.offices import factories

    committee = Unit.objects.get(code="610102001T01")
    return services.mediator_add(
        actor=user, committee=committee, person=factories.person(office=user.unit, actor=user)
    )


def _consultation(user: User) -> models.Model:
    from tests.legalservice import factories

    return factories.consultation(actor=user)


def _legal_aid(user: User) -> models.Model:
    from tests.legalservice import factories

    return factories.legal_aid(actor=user)


def _slot(user: User) -> models.Model:
    from tests.legalservice import factories

    return factories.slot(actor=user)


def _window(user: User) -> models.Model:
    from tests.legalservice import factories

    return factories.window_log(actor=user)


def _released(user: User) -> models.Model:
    from tests.resettlement import factories

    return factories.awaiting(actor=user)


def _coverage(user: User) -> models.Model:
    from sifasuo.resettlement import services

    services.visitation_system_save(
        actor=user,
        office=user.unit,
        installed=True,
        installed_on=date(2024, 1, 2),
        terminal_location="一楼",
        note="原备注",
    )
    return user.unit


def _publicity(name: str) -> Callable[[User], models.Model]:
    def make(user: User) -> models.Model:
        from tests.publicity import factories

        return getattr(factories, name)(actor=user)  # type: ignore[no-any-return]

    return make


def _task(user: User) -> models.Model:
    from tests.workorders import factories

    return factories.send(actor=user)


def _notice(user: User) -> models.Model:
    from sifasuo.workorders import services
    from tests.workorders import factories

    return services.notice_publish(
        actor=user,
        sender=user.unit,
        title="原通知",
        body="请各所知悉。",
        offices=factories.offices_of(user.unit.code),
    )


def _code(obj: models.Model) -> dict[str, Any]:
    return {"code": obj.code}  # type: ignore[attr-defined]


EDITS: dict[str, Edit] = {
    "people:person_edit": Edit("office_clerk", _person, "name"),
    "portal:guide_edit": Edit("city_officer", _guide, "title"),
    "offices:return_edit": Edit(
        "office_clerk", _return, "business_area", values=("101.5", "102.5")
    ),
    "offices:staff:staff_edit": Edit(
        "office_clerk", _staff, "on_post_on", values=("2020-02-01", "2020-03-01")
    ),
    "mediation:committee_edit": Edit("office_clerk", _committee, "served_place", _code),
    "mediation:mediator_edit": Edit("office_clerk", _mediator, "training_note"),
    "legalservice:consultation_edit": Edit("office_clerk", _consultation, "question"),
    "legalservice:legal_aid_edit": Edit("office_clerk", _legal_aid, "matter"),
    "legalservice:slot_edit": Edit("office_clerk", _slot, "place"),
    "legalservice:window_edit": Edit("office_clerk", _window, "matter"),
    "resettlement:person_edit": Edit("office_clerk", _released, "prison"),
    "resettlement:coverage_edit": Edit("office_clerk", _coverage, "note", _code),
    "publicity:activity_edit": Edit("office_clerk", _publicity("activity"), "theme"),
    "publicity:literate_edit": Edit("office_clerk", _publicity("literate"), "note"),
    "publicity:household_edit": Edit("office_clerk", _publicity("household"), "note"),
    "publicity:adviser_edit": Edit("office_clerk", _publicity("adviser"), "note"),
    "publicity:village_edit": Edit("office_clerk", _publicity("title"), "note"),
    "publicity:town_adviser_edit": Edit("office_clerk", _publicity("town_adviser"), "note"),
    "workorders:task_edit": Edit("district_reviewer", _task, "title"),
    "workorders:notice_edit": Edit("district_reviewer", _notice, "title"),
}

# Routes named like edits that are not a version-carrying edit form, and why.
NOT_EDIT_FORMS: dict[str, str] = {
    "standards:item_update": "one assessment item; the item's save is version-checked "
    "(BaseModel) and item_assess reloads it in the transaction",
    "offices:rooms_edit": "the rooms page checks a stamp of all rooms (RoomsForm.loaded), "
    "tested in tests/offices/test_views.py",
}


def test_every_edit_route_is_covered():
    # given
    routes = {name for name in _route_names() if EDIT_NAME.search(name)}
    # then: a new edit route needs a case here (or a reason it is not an edit form)
    assert routes - set(EDITS) - set(NOT_EDIT_FORMS) == set()
    assert set(EDITS) | set(NOT_EDIT_FORMS) <= routes


def _post_value(field: django_forms.Field, value: Any) -> Any:
    if isinstance(field, django_forms.MultipleChoiceField | django_forms.ModelMultipleChoiceField):
        return [str(v.pk if isinstance(v, models.Model) else v) for v in value or []]
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date | time | Decimal):
        return str(value)
    return value


def _form_data(form: django_forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if isinstance(field, django_forms.FileField):
            continue
        bound = form[name]
        value = _post_value(field, bound.value())
        if value in ("", []) and isinstance(
            field, django_forms.BooleanField | django_forms.MultipleChoiceField
        ):
            continue
        data[bound.html_name] = value
    return data


def _level_messages(response: Any, level: int) -> list[str]:
    return (
        [str(m) for m in response.context["messages"] if m.level == level]
        if (response.context and "messages" in response.context)
        else []
    )


def _last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def _writes(record: models.Model, seq: int) -> int:
    """Successful audited writes on ``record`` since ``seq`` (reads are left out)."""
    return (
        AuditEvent.objects.filter(
            seq__gt=seq,
            object_type=record._meta.label_lower,
            object_id=str(getattr(record, "public_id", None) or record.pk),
            outcome="SUCCESS",
        )
        .exclude(action__in=["view", "read", "export", "reveal"])
        .count()
    )


def _open(client: Client, url: str) -> django_forms.BaseForm:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    form = page.context["form"]
    assert "version" in form.fields, f"{url}: the edit form carries no version"
    return form


@pytest.mark.parametrize("route", sorted(EDITS))
def test_a_stale_edit_is_refused_and_the_first_save_is_kept(route, request):
    # given: two sessions of the same user open the same record
    case = EDITS[route]
    user = request.getfixturevalue(case.user)
    obj = case.make(user)
    url = reverse(route, kwargs=case.kwargs(obj))
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    first_form, second_form = _open(first, url), _open(second, url)
    stale = _form_data(second_form)
    loaded_version = type(obj)._default_manager.get(pk=obj.pk).version  # type: ignore[attr-defined]
    record: Any = obj
    if route == "resettlement:coverage_edit":
        from sifasuo.resettlement.models import VisitationSystem

        record = VisitationSystem.objects.get(unit=obj)
    elif route == "mediation:committee_edit":
        from sifasuo.mediation.models import CommitteeProfile

        record = CommitteeProfile.objects.get(unit=obj)
    field_name = first_form[case.field].html_name
    conflicts = AuditEvent.objects.filter(action="conflict").count()
    seq = _last_seq()
    # when: the first saves
    first_value, stale_value = case.values
    saved = first.post(url, {**_form_data(first_form), field_name: first_value})
    assert saved.status_code == 302, (
        route,
        saved.status_code,
        saved.context and saved.context.get("form") and saved.context["form"].errors,
    )
    record.refresh_from_db()
    assert str(getattr(record, case.field)) == first_value
    assert record.version == loaded_version + 1 or record is not obj
    assert _writes(record, seq) == 1, route  # one change row for the winner
    seq = _last_seq()
    # and the second posts its stale copy
    refused = second.post(url, {**stale, field_name: stale_value})
    # then
    if refused.status_code == 302:
        followed = second.get(refused["Location"])
        assert _level_messages(followed, message_levels.ERROR), route
    else:
        assert refused.status_code in (200, 400, 409), route
        form = refused.context["form"]
        assert form.errors, route
    record.refresh_from_db()
    assert str(getattr(record, case.field)) == first_value
    assert AuditEvent.objects.filter(action="conflict").count() == conflicts + 1
    assert _writes(record, seq) == 0, route  # the loser changed nothing
    conflict = AuditEvent.objects.get(action="conflict", seq__gt=seq)
    assert (conflict.outcome, conflict.actor_id) == ("DENIED", user.pk)


def test_the_api_changes_records_only_through_versioned_steps():
    # given: the API has no PUT/PATCH; its changes are POST steps that carry the version
    # (e.g. workorders assignments draft/submit, tested for 409 in test_optimistic_locking)
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    # then: a new update endpoint must get a stale-save case like the pages above
    updates = [
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method in ("put", "patch")
    ]
    assert updates == []
