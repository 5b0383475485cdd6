"""Every URL pattern is either on the public list or needs a login; records stay in scope.

The routes are discovered from ``config.urls`` at collection time (includes and the DRF
router's format-suffix patterns too), so a new route that is neither listed as public nor
protected fails here. Every route that names a record (a ``public_id``, ``code`` or ``pk``)
is tried by a clerk of a sibling office on records the 西一路 office owns, read and then
written to by every method the route takes (SECURITY.md checks 1 and 2): 404, never 200, the
body that of a record that does not exist, one DENIED audit row per request and nothing else
written, and the record's row and file unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import Max
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from sifasuo.accounts.models import User
from sifasuo.core.attachments import attachment_create
from sifasuo.core.models import Attachment, AuditEvent
from sifasuo.mediation import services as mediation_services
from sifasuo.mediation.models import (
    CaseRecord,
    CaseTransfer,
    DisputeCategory,
    MediationCase,
    Mediator,
    ReturnVisit,
    ScreeningItem,
    ScreeningReport,
)
from sifasuo.offices import services as office_services
from sifasuo.offices.models import OfficeReturn, TypicalExperience
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from sifasuo.staff.models import StaffMember
from sifasuo.standards.models import Assessment, AssessmentItem, Campaign, Rectification
from tests.accounts.walkers import WALKERS
from tests.mediation import factories as mediation_factories
from tests.offices import factories as office_factories
from tests.standards import factories as standards_factories

# Staff go to the staff login; the citizens' own pages to the portal's SMS login.
LOGIN_PATHS = ("/accounts/login/", "/portal/login/")

# Route name -> the status an anonymous GET gets. Nothing else is public.
PUBLIC: dict[str, int] = {
    "portal:home": 200,
    "portal:experiences": 200,
    "orgs:locator": 200,
    "orgs:locator_towns": 200,
    "accounts:login": 200,
    "set_language": 302,  # back to "next" or "/" (a POST also sets the language cookie)
    "api-token": 405,  # POST only
}
for _walker in WALKERS:
    PUBLIC.update(_walker.PUBLIC)
# Citizens' own pages (login required, owned by a citizen, not by an office).
CITIZEN_ROUTES: set[str] = set()
for _walker in WALKERS:
    CITIZEN_ROUTES |= getattr(_walker, "CITIZEN_ROUTES", frozenset())

# Keyword arguments that do not name a record, and the value they are walked with.
NON_OBJECT_VALUES = {
    "format": "json",
    "token": "no-such-search",
    "step": "accept",
    "slug": "intake",
}
for _walker in WALKERS:
    NON_OBJECT_VALUES.update(_walker.NON_OBJECT_VALUES)
NON_OBJECT_KWARGS = set(NON_OBJECT_VALUES)

# Routes that take only some records of a model (a committee is a unit) say which ones.
COMMITTEES = Unit.objects.filter(kind="COMMITTEE")

# Page views (functions) that name a record: the model they look it up in (or a queryset).
# DRF viewsets need no entry: their queryset says it.
ROUTE_MODELS: dict[str, type[models.Model] | models.QuerySet[Any]] = {
    "core:attachment_download": Attachment,
    "orgs:unit_detail": Unit,
    "people:person_detail": Person,
    "people:person_edit": Person,
    "people:person_reveal": Person,
    "accounts:user_detail": User,
    "accounts:user_set_roles": User,
    "accounts:user_toggle_active": User,
    "accounts:user_unlock": User,
    "accounts:user_otp_reset": User,
    "mediation:case_detail": MediationCase,
    "mediation:case_step": MediationCase,
    "mediation:transfer_decide": MediationCase,
    "mediation:case_document": MediationCase,
    "mediation:case_file": MediationCase,
    "mediation:visit_document": ReturnVisit,
    "mediation:record_document": CaseRecord,
    "mediation:committee_detail": COMMITTEES,
    "mediation:committee_edit": COMMITTEES,
    "mediation:mediator_create": COMMITTEES,
    "mediation:mediator_edit": Mediator,
    "mediation:screening_detail": ScreeningReport,
    "mediation:screening_item_case": ScreeningItem,
    "mediation:person_cases": Person,
    "offices:return_detail": OfficeReturn,
    "offices:return_edit": OfficeReturn,
    "offices:rooms_edit": OfficeReturn,
    "offices:equipment_add": OfficeReturn,
    "offices:system_set": OfficeReturn,
    "offices:staff:staff_add": OfficeReturn,
    "offices:staff:training_add": OfficeReturn,
    "offices:staff:staff_edit": StaffMember,
    "offices:experience_detail": TypicalExperience,
    "offices:experience_step": TypicalExperience,
    "standards:campaign_detail": Campaign,
    "standards:assessment_detail": Assessment,
    "standards:assessment_step": Assessment,
    "standards:assessment_pdf": Assessment,
    "standards:item_update": AssessmentItem,
    "standards:rectification_detail": Rectification,
    "standards:rectification_evidence": Rectification,
}
for _walker in WALKERS:
    ROUTE_MODELS.update(_walker.ROUTE_MODELS)

# Records that are no office's business record: the administrators' own pages (accounts).
# Anyone else is refused alike for every id, so the answer says nothing about the record.
ADMIN_RECORDS = {User}

# A POST-only route gets this body (the reveal form); scope is decided before it is read.
POST_DATA = {"field": "id_number", "reason": "URL walker"}

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)

_sequence = count(1)


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    callback: Any
    kwargs: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        return tuple(k for k in self.kwargs if k not in NON_OBJECT_KWARGS)

    def __str__(self) -> str:
        return f"{self.name} ({self.pattern})"


def _kwarg_names(pattern: Any) -> list[str]:
    return list(pattern.regex.groupindex)


def iter_routes(
    patterns: list[Any] | None = None,
    prefix: str = "",
    namespace: str = "",
    kwargs: tuple[str, ...] = (),
) -> list[Route]:
    """Every URL pattern of config.urls, with its namespaced name and keyword arguments."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    routes: list[Route] = []
    for entry in patterns:
        names = (*kwargs, *_kwarg_names(entry.pattern))
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            routes += iter_routes(entry.url_patterns, prefix + str(entry.pattern), inner, names)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            routes.append(Route(prefix + str(entry.pattern), name, entry.callback, names))
    return routes


ROUTES = iter_routes()
PROTECTED = [r for r in ROUTES if r.name not in PUBLIC]
OBJECT_ROUTES = [r for r in PROTECTED if r.object_kwargs and r.name not in CITIZEN_ROUTES]


def route_model(route: Route) -> tuple[type[models.Model], Any, str] | None:
    """The model a route looks its record up in, the base queryset and the lookup field."""
    view_class = getattr(route.callback, "cls", None)
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        lookup = getattr(view_class, "lookup_url_kwarg", None) or view_class.lookup_field
        return queryset.model, queryset, lookup
    found = ROUTE_MODELS.get(route.name)
    if found is None:
        return None
    (lookup,) = route.object_kwargs
    if isinstance(found, models.QuerySet):
        return found.model, found.all(), lookup
    return found, found._default_manager.all(), lookup


def make_person(unit: Unit, name: str = "测试人") -> Person:
    number = synthetic_id_number("610102", date(1980, 1, 1), next(_sequence), male=True)
    return people_services.person_create(
        actor=None, unit=unit, name=name, id_number=number, phone="13800001234", address="西安"
    )


class Owned:
    """Records the 西一路 office owns, by model, each app's group built when first asked for.

    Building every app's records for every walked route made the walk slow; a route needs
    the records of its own model only. The shared records (people, mediation, offices,
    standards …) are one group; each later app's ``walker_records`` is another.
    """

    def __init__(self, office_clerk: Any) -> None:
        self._clerk = office_clerk
        self._groups: dict[str, dict[type[models.Model], list[Any]]] = {}

    def _group(self, name: str) -> dict[type[models.Model], list[Any]]:
        if name not in self._groups:
            if name == "base":
                self._groups[name] = base_records(self._clerk)
            else:
                walker = next(w for w in WALKERS if w.__name__ == name)
                self._groups[name] = walker.walker_records(self._clerk)
        return self._groups[name]

    def build_all(self) -> None:
        """Build every group now (before a test's transaction could roll one back)."""
        for name in ("base", *(w.__name__ for w in WALKERS)):
            self._group(name)

    def __getitem__(self, model: type[models.Model]) -> list[Any]:
        name = f"tests.{model._meta.app_label}.walker"
        first = name if any(w.__name__ == name for w in WALKERS) else "base"
        for group in (first, "base", *(w.__name__ for w in WALKERS)):
            records = self._group(group).get(model)
            if records is not None:
                return records
        raise KeyError(model)


@pytest.fixture
def owned(office_clerk: Any, settings: Any, tmp_path: Any) -> Owned:
    """Records the 西一路 office owns, by model (built on demand), for one test of another
    module (this module's tests share ``owned_for_the_walk``: the two would make the same
    once-a-month records twice)."""
    settings.MEDIA_ROOT = tmp_path
    return Owned(office_clerk)


@pytest.fixture(scope="module")
def owned_for_the_walk(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """Every record 西一路 owns, by model, built once for the walk of all the record routes.

    Built per route, the records were most of the walk's time. They live in a transaction
    of the module, rolled back after its last test; each test's own transaction is a
    savepoint inside it, so what one route's requests write is gone before the next.
    """
    media = tmp_path_factory.mktemp("walker-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        records = Owned(User.objects.get(username="xiyilu_clerk"))
        records.build_all()
        yield records
        transaction.set_rollback(True)


def base_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """The records of the shared modules that 西一路 owns, by model."""
    office = Unit.objects.get(code="610102001")
    committee = Unit.objects.get(code="610102001T01")
    attachment = attachment_create(
        actor=office_clerk,
        unit=office,
        uploaded=SimpleUploadedFile("scan.png", PNG_BYTES, content_type="image/png"),
    )
    case = mediation_factories.visited(actor=office_clerk)
    # A transfer addressed to 西一路 by another 新城区 office: 西一路 decides on it.
    transfer = mediation_services.case_transfer_request(
        actor=None,
        case=mediation_factories.accepted(committee="610102002T01"),
        to_unit=committee,
        kind="TRANSFER",
        reason="走查",
    )
    mediator = mediation_services.mediator_add(
        actor=office_clerk, committee=committee, person=make_person(committee, "调解员")
    )
    report = mediation_services.screening_report_create(
        actor=office_clerk,
        unit=committee,
        division=committee.division,
        period=date(2024, 5, 1),
        reported_on=date(2024, 5, 28),
        items=[
            mediation_services.ScreeningItemInput(
                category=DisputeCategory.objects.get(code="OTHER"), description="排查发现的纠纷"
            )
        ],
    )
    office_return = office_factories.office_return(actor=office_clerk)
    member = office_factories.staff_member(office_return, actor=office_clerk)
    experience = office_services.experience_create(
        actor=office_clerk, office=office, title="走查", body="典型经验"
    )
    return {
        **standards_factories.walker_records(),
        OfficeReturn: [office_return],
        StaffMember: [member],
        TypicalExperience: [experience],
        Person: [make_person(office)],
        Attachment: [attachment],
        Unit: [office, committee],
        User: [office_clerk],
        MediationCase: [case],
        CaseRecord: list(case.records.all()),
        ReturnVisit: list(case.visits.all()),
        Mediator: [mediator],
        ScreeningReport: [report],
        ScreeningItem: list(report.items.all()),
        CaseTransfer: [transfer],
    }


def sample_kwargs(route: Route, value: Any = None) -> dict[str, Any]:
    """Keyword arguments that reverse ``route``; an object kwarg gets ``value``."""
    result: dict[str, Any] = {}
    for name in route.kwargs:
        result[name] = NON_OBJECT_VALUES.get(name, value)
    return result


def anonymous_url(route: Route) -> str:
    """A URL of ``route`` with a well-formed value: an anonymous request is refused before
    any record is looked up, so no record is needed."""
    for value in (uuid.uuid4(), 1, "x"):
        try:
            return reverse(route.name, kwargs=sample_kwargs(route, value))
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot reverse {route}")


def fetch(client: Any, url: str) -> Any:
    """GET, or POST where the route does not take GET."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, POST_DATA)
    return response


def close(response: Any) -> None:
    """Finish a streamed answer (a file) by reading it, as the test client means it to be:
    its wrapper then closes the answer without closing the database connection, which
    ``response.close()`` alone does on PostgreSQL (``request_finished``)."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def missing_url(route: Route) -> str:
    """A URL of ``route`` naming a record that does not exist."""
    for value in (uuid.uuid4(), 987654321):
        try:
            return reverse(route.name, kwargs=sample_kwargs(route, value))
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot reverse {route}")


def fingerprint(obj: models.Model) -> str:
    """A hash of the record's row as stored, and of the content of its files."""
    model = type(obj)
    row = model._base_manager.filter(pk=obj.pk).values().get()
    digest = hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode())
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField) and row[field.attname]:
            with field.storage.open(row[field.attname], "rb") as stored:
                digest.update(stored.read())
    return digest.hexdigest()


def audit_name(obj: models.Model) -> tuple[str, str]:
    """How an audit row names ``obj``."""
    return obj._meta.label_lower, str(getattr(obj, "public_id", None) or obj.pk)


def audit_names(obj: models.Model) -> set[tuple[str, str]]:
    """The records a refusal of ``obj`` may be audited on: itself, and the record a file
    is attached to where the file is served to whoever may see that record."""
    names = {audit_name(obj)}
    owner_type = getattr(obj, "owner_type", "")
    if isinstance(obj, Attachment) and owner_type:
        owner = apps.get_model(owner_type)._base_manager.get(pk=obj.owner_id)
        names.add(audit_name(owner))
    return names


def last_audit_seq() -> int:
    return AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0


Send = Callable[[Any, str], Any]


def _api_send(method: str) -> Send:
    def send(client: Any, url: str) -> Any:
        if method == "get":
            return client.get(url)
        return getattr(client, method)(url, "{}", content_type="application/json")

    return send


def _post(client: Any, url: str) -> Any:
    return client.post(url, POST_DATA)


def sibling_requests(route: Route, owner_method: str) -> list[Send]:
    """How a sibling office tries a record's URL: as the owner did first, then every write.

    An API route takes the methods its viewset maps (PUT, PATCH, DELETE, an action's POST);
    a page is read with GET, then POSTed to (a POST-only page: POSTed to once).
    """
    actions = getattr(route.callback, "actions", None)
    if actions:
        methods = [m for m in ("get", "post", "put", "patch", "delete") if m in actions]
        return [_api_send(m) for m in methods]
    return [_post] if owner_method == "POST" else [_api_send("get"), _post]


CSRF_TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="\w+"')


def page_text(response: Any) -> bytes:
    """The body without what differs on every response: its request id, its path (a
    page's language form returns there) and its CSRF token (masked anew each time)."""
    body = response.content.replace(response["X-Request-ID"].encode(), b"")
    body = body.replace(response.request["PATH_INFO"].encode(), b"")
    return CSRF_TOKEN.sub(rb"\1", body)


def test_the_walker_finds_the_routes_we_know():
    # then: includes, the router and its format suffixes are all walked
    names = {r.name for r in ROUTES}
    assert {"accounts:workbench", "people:person_detail", "office-detail", "api-root"} <= names
    assert any(r.name == "person-detail" and "format" in r.kwargs for r in ROUTES)
    assert all(r.name for r in ROUTES), [str(r) for r in ROUTES if not r.name]


def test_every_public_name_is_a_route():
    # then: the public list holds no stale entry
    assert set(PUBLIC) <= {r.name for r in ROUTES}


def test_every_route_with_a_record_names_its_model():
    # then: a new detail route must say where its record lives (ROUTE_MODELS or a viewset)
    missing = [str(r) for r in OBJECT_ROUTES if route_model(r) is None]
    assert not missing, f"add these routes to ROUTE_MODELS: {missing}"


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_anonymous_is_refused(client, demo, route):
    # given
    url = anonymous_url(route)
    # when
    response = fetch(client, url)
    close(response)
    # then
    if route.is_api:
        assert response.status_code == 401, f"{url}: {response.status_code}"
    else:
        assert response.status_code == 302, f"{url}: {response.status_code}"
        assert response["Location"].startswith(LOGIN_PATHS), response["Location"]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in PUBLIC], ids=str)
def test_public_routes_answer_anonymous(client, demo, route):
    # given
    url = reverse(route.name, kwargs=sample_kwargs(route))
    # when
    response = client.get(url)
    # then
    assert response.status_code == PUBLIC[route.name], f"{url}: {response.status_code}"
    # (the portal's second login step may send a visitor back to the first: no "next")
    location = response.get("Location", "")
    assert not (location.startswith(LOGIN_PATHS) and "next=" in location), location


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_sibling_office_gets_404_on_records_of_another_office(
    client_for, owned_for_the_walk, office_director, other_clerk, route
):
    # given: the records of 西一路 this route can show (a 韦曲 clerk is a sibling office)
    model, queryset, lookup = route_model(route)  # type: ignore[misc]
    objects = [o for o in owned_for_the_walk[model] if queryset.filter(pk=o.pk).exists()]
    assert objects, f"no 西一路 record for {route}"
    owner, sibling = client_for(office_director), client_for(other_clerk)
    nowhere = missing_url(route)
    if model in ADMIN_RECORDS:
        # then: the sibling's answer for a 西一路 account is the answer for no account at all
        for obj in objects:
            url = reverse(route.name, kwargs=sample_kwargs(route, getattr(obj, lookup)))
            before = fingerprint(obj)
            theirs, missing = fetch(sibling, url), fetch(sibling, nowhere)
            assert theirs.status_code in (403, 404), f"sibling {url}: {theirs.status_code}"
            assert theirs.status_code == missing.status_code
            assert fingerprint(obj) == before, f"sibling changed {obj!r} through {url}"
        return
    for obj in objects:
        url = reverse(route.name, kwargs=sample_kwargs(route, getattr(obj, lookup)))
        # when
        mine = fetch(owner, url)
        close(mine)
        # then: the URL is right (the owner gets it: a POST-only step may refuse the walker's
        # body, after scope)
        owner_method = mine.request["REQUEST_METHOD"]
        reached = (200, 302, 400) if owner_method == "POST" else (200, 302)
        assert mine.status_code in reached, f"owner {url}: {mine.status_code}"
        # when: the sibling office reads it, then writes to it by every method the route takes
        before = fingerprint(obj)
        for number, send in enumerate(sibling_requests(route, owner_method)):
            seq = last_audit_seq()
            theirs = send(sibling, url)
            close(theirs)
            # then: 404 (a method the route does not take: 405, before any look-up) ...
            method = theirs.request["REQUEST_METHOD"]
            allowed = (404,) if number == 0 else (404, 405)
            assert theirs.status_code in allowed, f"sibling {method} {url}: {theirs.status_code}"
            # ... with one DENIED audit row of this request, and nothing else written
            rows = list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))
            expected = [] if theirs.status_code == 405 else [("DENIED", theirs["X-Request-ID"])]
            assert [(r.outcome, r.request_id) for r in rows] == expected, (
                f"sibling {method} {url}: audit rows {[(r.action, r.outcome) for r in rows]}"
            )
            assert all(r.actor_id == other_clerk.pk for r in rows)
            assert all((r.object_type, r.object_id) in audit_names(obj) for r in rows), (
                f"sibling {method} {url}: {[(r.object_type, r.object_id) for r in rows]}"
            )
            if number == 0:
                # ... and a body no different from that for a record that does not exist
                missing = send(sibling, nowhere)
                close(missing)
                assert missing.status_code == 404, f"sibling {method} {nowhere}"
                assert page_text(theirs) == page_text(missing), (
                    f"sibling {method} {url}: unlike no record"
                )
        # then: the record is as it was
        assert fingerprint(obj) == before, f"sibling changed {obj!r} through {url}"


@pytest.mark.parametrize(
    "url",
    [
        "/units/610102001/",
        "/units/610102001T01/",
        "/api/v1/offices/610102001/",
    ],
)
def test_named_detail_urls_are_404_for_a_sibling_office(client_for, other_clerk, url):
    # when
    response = client_for(other_clerk).get(url)
    # then
    assert response.status_code == 404


def test_person_urls_are_404_for_a_sibling_office(client_for, owned_for_the_walk, other_clerk):
    # given
    person = owned_for_the_walk[Person][0]
    unit = Unit.objects.get(code="610102001T01")
    client = client_for(other_clerk)
    # when / then
    for url in (
        f"/people/{person.public_id}/",
        f"/people/{person.public_id}/edit/",
        f"/api/v1/people/{person.public_id}/",
        f"/api/v1/units/{unit.pk}/",
        f"/attachments/{owned_for_the_walk[Attachment][0].public_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/people/{person.public_id}/reveal/", POST_DATA).status_code == 404


def test_a_missing_record_and_an_unseen_one_look_alike(client_for, owned_for_the_walk, other_clerk):
    # given
    client = client_for(other_clerk)
    person = owned_for_the_walk[Person][0]
    # when
    unseen = client.get(f"/api/v1/people/{person.public_id}/")
    missing = client.get("/api/v1/people/00000000-0000-0000-0000-000000000000/")
    # then
    assert unseen.status_code == missing.status_code == 404
    assert unseen.json() == missing.json()


def test_anonymous_can_switch_the_language(client, demo):
    # when
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/locator/"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/locator/"
    assert response.cookies["django_language"].value == "en"
