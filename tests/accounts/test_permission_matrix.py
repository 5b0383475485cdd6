"""The permission matrix: model × role × where the record lives × action (SECURITY.md check 5).

``permission_matrix.csv`` (``model,role,relation,action,expected``) is the checked-in
expectation table. ``test_generated_matrix`` enumerates every scoped model of the app
registry (its default manager has ``visible_to``; the others are listed with a reason in
``matrix.EXCLUDED``), makes one user per role at the unit the role works at (``ROLE_HOME``)
and one record of every model at every unit a relation names, asks the real decision
(``Model.objects.visible_to(user, action)``, which every view, selector, export, reveal and
``get_for_user`` uses) and compares it with the table: any difference fails with a diff,
unexpected allows first.

- relation, from the user's unit: own: the unit itself; child: a unit below it (a direct
  child and a grandchild are both tried, and must agree); sibling: another unit under the
  same parent; parent: the parent unit. Where the tree has no such unit the nearest
  structure is made: the city's sibling and parent are another root (a second city bureau);
  a committee gets a made-up child.
- a citizen has no unit: ``own`` is the citizen's own request at 西一路 (for the models
  with ``scope_citizen_field``; otherwise an ordinary record of 西一路), and child, sibling
  and parent are other people's records of the units around 西一路.
- action: view, create (a record may be created at that unit), change, delete, export,
  reveal (show a masked value).

To regenerate the table after a deliberate change of policy, and review its diff::

    python -m tests.accounts.matrix --write
    # or: SIFASUO_MATRIX_WRITE=1 pytest tests/accounts/test_permission_matrix.py

``test_http_matrix`` checks the same table through the pages and the API for the models
that have them (the ``ScopedModel`` lines of ``MODELS``): out of scope is 404, in scope but
the role lacks the action is 403 (DESIGN rule 1).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from itertools import count
from typing import Any

import pytest
from django.db import transaction

from sifasuo.accounts import services as account_services
from sifasuo.accounts.models import User, UserKind
from sifasuo.accounts.roles import ADMIN_ROLES, Role
from sifasuo.core.scope import ACTIONS
from sifasuo.mediation.models import CaseParty, DisputeCategory, MediationCase
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from tests.accounts import matrix
from tests.accounts.matrix import RELATIONS, ActionPage, ScopedModel, related_units
from tests.accounts.walkers import WALKERS
from tests.standards import factories as standards_factories

# The unit a user of each role works at (a citizen has none; relations are taken from 西一路).
ROLE_HOME: dict[str, str] = {
    Role.CITY_OFFICER: "610100",
    Role.DISTRICT_OFFICER: "610102",
    Role.OFFICE_DIRECTOR: "610102001",
    Role.OFFICE_CLERK: "610102001",
    Role.MEDIATOR: "610102001T01",
    Role.SYSTEM_ADMIN: "610100",
    Role.SECURITY_ADMIN: "610100",
    Role.AUDIT_ADMIN: "610100",
    Role.CITIZEN: "610102001",
}

_sequence = count(1)


def make_person(unit: Unit) -> Person:
    n = next(_sequence)
    born = date(1975, 5, 5) + timedelta(days=n // 100)  # 100 numbers a day (synthetic_id_number)
    number = synthetic_id_number("610102", born, n, male=False)
    return people_services.person_create(
        actor=None, unit=unit, name="矩阵人", id_number=number, phone="13900001111", address="西安"
    )


def make_case(unit: Unit) -> MediationCase:
    """A registered case owned by ``unit`` (any kind: the matrix tries every relation)."""
    case = MediationCase.objects.create(
        unit=unit,
        registered_unit=unit,
        number=f"（矩阵）第{next(_sequence):04d}号",
        source="APPLICATION",
        category=DisputeCategory.objects.get(code="OTHER"),
        summary="矩阵测试",
        received_on=date(2024, 3, 1),
    )
    CaseParty.objects.create(case=case, role="APPLICANT", person=make_person(unit))
    return case


def make_return(unit: Unit) -> OfficeReturn:
    """A return owned by ``unit`` (any kind: the matrix tries every relation)."""
    return OfficeReturn.objects.create(unit=unit, year=2000 + next(_sequence) % 25)


MODELS: tuple[ScopedModel, ...] = (
    ScopedModel(
        "people.Person",
        "scope_expectations.csv",
        make_person,
        lambda p: [f"/people/{p.public_id}/", f"/api/v1/people/{p.public_id}/"],
        {
            "change": ActionPage("get", lambda p: f"/people/{p.public_id}/edit/"),
            "reveal": ActionPage(
                "post",
                lambda p: f"/people/{p.public_id}/reveal/",
                {"field": "phone", "reason": "矩阵测试"},
            ),
        },
    ),
    ScopedModel(
        "mediation.MediationCase",
        "scope_expectations.csv",
        make_case,
        lambda c: [
            f"/mediation/cases/{c.public_id}/",
            f"/mediation/cases/{c.public_id}/documents/intake/",
            f"/api/v1/mediation/cases/{c.public_id}/",
        ],
        {
            "change": ActionPage("post", lambda c: f"/mediation/cases/{c.public_id}/steps/refuse/"),
        },
    ),
    ScopedModel(
        "offices.OfficeReturn",
        "scope_expectations.csv",
        make_return,
        lambda r: [f"/offices/returns/{r.public_id}/", f"/api/v1/office-returns/{r.public_id}/"],
        {"change": ActionPage("get", lambda r: f"/offices/returns/{r.public_id}/edit/")},
    ),
    ScopedModel(
        "standards.Assessment",
        "scope_expectations.csv",
        standards_factories.matrix_assessment,
        lambda a: [
            f"/standards/assessments/{a.public_id}/",
            f"/api/v1/standards/assessments/{a.public_id}/",
        ],
    ),
    ScopedModel(
        "standards.Rectification",
        "scope_expectations.csv",
        standards_factories.matrix_rectification,
        lambda r: [
            f"/standards/rectifications/{r.public_id}/",
            f"/api/v1/standards/rectifications/{r.public_id}/",
        ],
    ),
    ScopedModel(
        "orgs.Unit",
        "scope_expectations_units.csv",
        lambda unit: unit,
        lambda u: [f"/units/{u.code}/", f"/api/v1/units/{u.pk}/"],
    ),
    *(m for walker in WALKERS for m in walker.MATRIX_MODELS),
)


TABLE = matrix.read_table()


def expected(model: str, role: str, relation: str, action: str) -> bool:
    return TABLE[model, role, relation, action] == "allow"


def make_user(role: str) -> User:
    home = Unit.objects.get(code=ROLE_HOME[role])
    if role == Role.CITIZEN:
        user = User.objects.create_user(username="matrix_citizen", kind=UserKind.CITIZEN)
    else:
        user = User.objects.create_user(username=f"matrix_{role.lower()}", unit=home)
    return account_services.user_set_roles(actor=None, user=user, roles=[role])


def labels(models: Any) -> set[str]:
    return {m._meta.label for m in models}


@pytest.fixture(scope="module")
def generated(django_db_setup: Any, django_db_blocker: Any) -> tuple[dict[str, str], dict]:
    """The decisions of the code for every line of the table (built once, rolled back)."""
    makers = {m.label: m.make for m in MODELS}
    with django_db_blocker.unblock(), transaction.atomic():
        world = matrix.build_world(makers, ROLE_HOME, make_user)
        result = matrix.evaluate(world)
        transaction.set_rollback(True)
    return world.failures, result


# The tests -------------------------------------------------------------------------------


def test_every_model_is_in_the_matrix_or_excluded():
    # given
    from django.apps import apps

    every = labels(apps.get_models())
    scoped = labels(matrix.scoped_models())
    # then: a model holding business or personal data is scoped; the rest say why not
    assert not scoped & set(matrix.EXCLUDED), "an excluded model is scoped"
    assert every - scoped - set(matrix.EXCLUDED) == set(), "scope it or exclude it with a reason"
    assert set(matrix.EXCLUDED) <= every, "stale exclusions"
    assert all(reason.strip() for reason in matrix.EXCLUDED.values())
    # and: every model with pages is in the generated matrix
    assert {m.label for m in MODELS} <= scoped


def test_the_table_is_complete():
    # given
    keys = set(TABLE)
    models = sorted({k[0] for k in keys})
    # then: every scoped model × role × relation × action exactly once, with a known answer
    assert models == sorted(labels(matrix.scoped_models()))
    assert keys == {
        (m, ro, rel, a) for m in models for ro in Role.values for rel in RELATIONS for a in ACTIONS
    }
    assert set(TABLE.values()) <= {"allow", "deny"}


@pytest.mark.django_db  # pytest-django sets up the test database only for marked tests
def test_generated_matrix(generated):
    # given
    failures, actual = generated
    # then: a record of every scoped model could be made at every unit
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    if os.environ.get("SIFASUO_MATRIX_WRITE"):
        matrix.write_table(actual)
        pytest.skip(f"wrote {matrix.TABLE} for review")
    # then: the code decides exactly what the table says, and nothing is allowed unexpectedly
    lines = matrix.diff(TABLE, actual)
    assert not lines, "the permission matrix differs from permission_matrix.csv:\n" + "\n".join(
        lines[:200]
    )


def test_the_diff_puts_unexpected_allows_first():
    # given: a table and decisions that differ both ways
    want = {("m", "R", "own", "view"): "allow", ("m", "R", "sibling", "view"): "deny"}
    got = {("m", "R", "own", "view"): "deny", ("m", "R", "sibling", "view"): "mixed"}
    # when
    lines = matrix.diff(want, got)
    # then
    assert lines == [
        "UNEXPECTED ALLOW m,R,sibling,view: expected deny, got mixed",
        "m,R,own,view: expected allow, got deny",
    ]
    assert matrix.diff(want, want) == []


def test_the_table_keeps_the_design_rules():
    # given: DESIGN rule 1 and "Roles", read straight off the table
    allowed = {k for k, v in TABLE.items() if v == "allow"}
    model = {m._meta.label: m for m in matrix.scoped_models()}

    def policy(label: str) -> str:
        return getattr(model[label], "scope_policy", "business")

    data = {k for k in allowed if policy(k[0]) != "units"}
    # then: the three administrators see no business or personal records
    assert not [k for k in data if k[1] in ADMIN_ROLES]
    # and: nothing sideways or upwards (sharing is explicit, never by position in the tree)
    assert not [k for k in allowed if k[2] in ("sibling", "parent")]
    # and: only the office director reveals a masked value
    assert {k[1] for k in allowed if k[3] == "reveal"} == {Role.OFFICE_DIRECTOR}
    # and: a mediator works their own committee only, and never correction or resettlement
    assert {k[2] for k in allowed if k[1] == Role.MEDIATOR} == {"own"}
    assert not [k for k in allowed if k[1] == Role.MEDIATOR and policy(k[0]) == "sensitive"]
    # and: a citizen sees and files only their own requests
    citizen = {k for k in allowed if k[1] == Role.CITIZEN}
    assert {(k[2], k[3]) for k in citizen} == {("own", "view"), ("own", "create")}
    assert {k[0] for k in citizen} == {
        label for label, m in model.items() if getattr(m, "scope_citizen_field", None)
    }
    # and: every action on a record implies seeing it
    assert not [k for k in allowed if (k[0], k[1], k[2], "view") not in allowed]
    # and: staff of the business units see their own unit and below in every ledger
    for label in model:
        for role in (Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.OFFICE_DIRECTOR):
            assert {(label, role, "own", "view"), (label, role, "child", "view")} <= allowed


@pytest.mark.parametrize("model", MODELS, ids=str)
def test_http_matrix(client_for, demo, model):
    """The same table through the pages and the API, for the models that have them."""
    made: dict[int, Any] = {}  # one record per unit, shared by the roles
    for role in Role.values:
        # given: a user of the role at its unit, and records owned by the related unit(s)
        user = make_user(role)
        home = Unit.objects.get(code=ROLE_HOME[role])
        client = client_for(user)
        for relation in RELATIONS:
            if role == Role.CITIZEN and relation == "own":
                continue  # a citizen's own requests answer on the portal (tests/portal)
            units = related_units(home, relation)
            records = [
                made[u.pk] if u.pk in made else made.setdefault(u.pk, model.make(u)) for u in units
            ]
            if not expected(model.label, role, relation, "view"):
                # then: out of scope is 404, on the page and in the API alike, and so is
                # every action on it (edit, step, reveal: SECURITY check 2)
                for record in records:
                    for url in model.detail_urls(record):
                        assert client.get(url).status_code == 404, (role, relation, url)
                    for page in model.action_pages.values():
                        url = page.url(record)
                        response = getattr(client, page.method)(url, page.data)
                        assert response.status_code == 404, (role, relation, url)
                continue
            for action, page in model.action_pages.items():
                # then: in scope, the action's page answers 200, or 403 when the role lacks it
                allowed = expected(model.label, role, relation, action)
                for record in records:
                    url = page.url(record)
                    response = getattr(client, page.method)(url, page.data)
                    assert response.status_code == (200 if allowed else 403), (role, relation, url)
