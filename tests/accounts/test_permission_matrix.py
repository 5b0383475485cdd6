"""The permission matrix: role × where the record lives × action, from a checked-in table.

``scope_expectations.csv`` is the table for business records (the ``business`` policy:
every ledger joins it by adding a line to ``MODELS``); ``scope_expectations_units.csv`` is
the table for the unit tree itself (the ``units`` policy). Each row says whether a user of
``role``, at the unit the role belongs to, may ``action`` a record owned by a unit in
``relation`` to the user's unit:

- own: the user's unit; child: a unit below it (a direct child and a grandchild are both
  tried); sibling: another unit under the same parent; parent: the user's parent unit.
- Where the tree has no such unit, the test makes the nearest structure: the city has
  neither sibling nor parent, so both are another root (a second city bureau); a committee
  has no child, so one is made below it. A citizen has no unit: the relations are taken
  from 西一路街道司法所 and every row is deny.

When a view is denied, the record's detail page and API answer 404; when the view is
allowed but the action is not, the action's page answers 403 (DESIGN rule 1).
"""

from __future__ import annotations

import csv
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from sifasuo.accounts import services as account_services
from sifasuo.accounts.models import User, UserKind
from sifasuo.accounts.roles import Role
from sifasuo.core.scope import ACTIONS
from sifasuo.mediation.models import CaseParty, DisputeCategory, MediationCase
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from tests.accounts.matrix import ActionPage, ScopedModel
from tests.accounts.walkers import WALKERS
from tests.standards import factories as standards_factories

HERE = Path(__file__).parent
RELATIONS = ("own", "child", "sibling", "parent")
EXPECTED = ("allow", "deny")

# The unit a user of each role works at (a citizen has none; relations are taken from 西一路).
ROLE_HOME = {
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
    number = synthetic_id_number("610102", date(1975, 5, 5), next(_sequence), male=False)
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


def read_table(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


TABLES = {m.table: read_table(m.table) for m in MODELS}


def expectation(table: str, role: str, relation: str, action: str) -> bool:
    (row,) = [
        r
        for r in TABLES[table]
        if (r["role"], r["relation"], r["action"]) == (role, relation, action)
    ]
    return row["expected"] == "allow"


CASES = [
    pytest.param(
        m,
        r["role"],
        r["relation"],
        r["action"],
        r["expected"] == "allow",
        id=(f"{m.label}-{r['role']}-{r['relation']}-{r['action']}"),
    )
    for m in MODELS
    for r in TABLES[m.table]
]


# The structure ---------------------------------------------------------------------------


def other_root() -> Unit:
    """Another city bureau, outside the 610100 tree: the city's nearest sibling or parent."""
    unit, _ = Unit.objects.get_or_create(
        code="999900", defaults={"name": "另一市司法局（测试）", "kind": UnitKind.CITY}
    )
    return unit


def children(unit: Unit) -> list[Unit]:
    """A direct child and a grandchild of ``unit``; a committee gets a made-up child."""
    child = Unit.objects.filter(parent=unit).order_by("code").first()
    if child is None:
        child = Unit.objects.create(
            code=f"{unit.code}X01", name="下级单位（测试）", kind=UnitKind.WORKSTATION, parent=unit
        )
    result = [child]
    grandchild = Unit.objects.filter(parent__parent=unit).order_by("code").first()
    if grandchild is not None:
        result.append(grandchild)
    return result


def sibling(unit: Unit) -> Unit:
    if unit.parent is None:
        return other_root()
    found = Unit.objects.filter(parent=unit.parent).exclude(pk=unit.pk).order_by("code").first()
    if found is None:
        suffix = "T02" if unit.kind == UnitKind.COMMITTEE else "X02"
        found = Unit.objects.create(
            code=f"{unit.parent.code}{suffix}",
            name="同级单位（测试）",
            kind=unit.kind,
            parent=unit.parent,
        )
    return found


def related_units(home: Unit, relation: str) -> list[Unit]:
    if relation == "own":
        return [home]
    if relation == "child":
        return children(home)
    if relation == "sibling":
        return [sibling(home)]
    return [home.parent or other_root()]


def make_user(role: str) -> User:
    home = Unit.objects.get(code=ROLE_HOME[role])
    if role == Role.CITIZEN:
        user = User.objects.create_user(username="matrix_citizen", kind=UserKind.CITIZEN)
    else:
        user = User.objects.create_user(username=f"matrix_{role.lower()}", unit=home)
    return account_services.user_set_roles(actor=None, user=user, roles=[role])


# The tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=str)
def test_the_table_is_complete(model):
    # given
    rows = TABLES[model.table]
    keys = [(r["role"], r["relation"], r["action"]) for r in rows]
    # then: every role × relation × action exactly once, with a known answer
    assert len(keys) == len(set(keys)), "duplicate rows"
    assert set(keys) == {(ro, rel, a) for ro in Role.values for rel in RELATIONS for a in ACTIONS}
    assert len(rows) == 9 * 4 * 6
    assert {r["expected"] for r in rows} <= set(EXPECTED)


def test_the_business_table_keeps_the_design_rules():
    # then: DESIGN rule 1 and "Roles", read straight off the table
    rows = TABLES["scope_expectations.csv"]
    allowed = {(r["role"], r["relation"], r["action"]) for r in rows if r["expected"] == "allow"}
    admins = {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.CITIZEN}
    assert not [k for k in allowed if k[0] in admins], "administrators see no business records"
    assert not [k for k in allowed if k[1] in ("sibling", "parent")], "nothing sideways or up"
    assert {k[0] for k in allowed if k[2] == "reveal"} == {Role.OFFICE_DIRECTOR}
    assert {k[1] for k in allowed if k[0] == Role.MEDIATOR} == {"own"}
    for role in (Role.CITY_OFFICER, Role.DISTRICT_OFFICER, Role.OFFICE_DIRECTOR, Role.OFFICE_CLERK):
        assert {(role, "own", "view"), (role, "child", "view")} <= allowed


@pytest.mark.parametrize(("model", "role", "relation", "action", "allowed"), CASES)
def test_permission_matrix(client_for, demo, model, role, relation, action, allowed):
    # given: a user of the role at its unit, and records owned by the related unit(s)
    user = make_user(role)
    home = Unit.objects.get(code=ROLE_HOME[role])
    records = [model.make(unit) for unit in related_units(home, relation)]
    manager: Any = type(records[0])._default_manager
    for record in records:
        # when
        found = manager.visible_to(user, action).filter(pk=record.pk).exists()
        # then
        assert found is allowed, f"{role} {action} {relation} record of {record}"
    client = client_for(user)
    may_view = expectation(model.table, role, relation, "view")
    if action == "view" and not allowed:
        # then: out of scope is 404, on the page and in the API alike
        for record in records:
            for url in model.detail_urls(record):
                assert client.get(url).status_code == 404, url
    page = model.action_pages.get(action)
    if page is not None and may_view:
        # then: in scope, the action's page answers 200, or 403 when the role lacks it
        for record in records:
            url = page.url(record)
            response = getattr(client, page.method)(url, page.data)
            assert response.status_code == (200 if allowed else 403), url
