"""The generated permission matrix: every scoped model × role × relation × action.

``permission_matrix.csv`` (columns ``model,role,relation,action,expected``) is the checked-in
expectation table; ``test_permission_matrix.test_generated_matrix`` builds the unit tree, one
user per role and one record per model and unit once, asks the real decision function
(``Model.objects.visible_to(user, action)``: the same call every view, selector, export and
reveal makes) and compares.

Regenerate the table for review (it is rewritten from what the code decides, so read the
diff before checking it in)::

    python -m tests.accounts.matrix --write        # SQLite
    DATABASE_URL=postgres://... python -m tests.accounts.matrix --write --reuse-db

Without ``--write`` it only runs the comparison.

The ``ScopedModel`` lines (``test_permission_matrix.MODELS`` and each app's
``tests/<app>/walker.py`` ``MATRIX_MODELS``) add, for the models that have pages, how to make
a realistic record and which URLs answer 404/403: the HTTP half of the same table.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from sifasuo.orgs.models import Unit

HERE = Path(__file__).parent
TABLE = HERE / "permission_matrix.csv"
COLUMNS = ("model", "role", "relation", "action", "expected")
RELATIONS = ("own", "child", "sibling", "parent")


@dataclass(frozen=True)
class ActionPage:
    method: str
    url: Callable[[Any], str]
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScopedModel:
    """A scoped model with pages: a record owned by a unit, its detail URLs, its action pages.

    ``table`` is kept for the apps' walkers; every line now reads ``permission_matrix.csv``.
    """

    label: str
    table: str
    make: Callable[[Unit], models.Model]
    detail_urls: Callable[[Any], list[str]]
    action_pages: dict[str, ActionPage] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.label


# Models of the app registry that are not in the matrix, and why. Every other model must
# be scoped (its default manager has ``visible_to``): a new model that is neither fails
# ``test_every_model_is_in_the_matrix_or_excluded``.
EXCLUDED: dict[str, str] = {
    "auth.Permission": "Django framework table (permissions are roles here, not rows)",
    "auth.Group": "Django framework table, unused (roles live in accounts.UserRole)",
    "contenttypes.ContentType": "Django framework table (model names)",
    "sessions.Session": "login sessions: reached only by the session middleware",
    "otp_totp.TOTPDevice": "django-otp's plaintext TOTP table, kept empty: its rows moved to "
    "accounts.AuthenticatorDevice (accounts migration 0007, check 19)",
    "otp_static.StaticDevice": "django-otp's plaintext recovery codes, kept empty (as TOTPDevice)",
    "otp_static.StaticToken": "django-otp's plaintext recovery codes, kept empty (as TOTPDevice)",
    "accounts.AuthenticatorDevice": "a user's own second factor (secret SM4-encrypted); reset "
    "only by the security administrator's account views (check 9/14/19, "
    "tests/accounts/test_two_factor.py)",
    "accounts.RecoveryDevice": "a user's own recovery codes (as AuthenticatorDevice)",
    "accounts.RecoveryCode": "one recovery code, only its keyed HMAC-SM3 stored (check 19)",
    "axes.AccessFailureLog": "login-failure log of django-axes, no page (audit holds the events)",
    "axes.AccessAttempt": "lockout counters of django-axes; unlocked through the security "
    "administrator's service",
    "axes.AccessAttemptExpiration": "lockout counters of django-axes",
    "axes.AccessLog": "login log of django-axes, no page",
    "core.AuditEvent": "the audit trail: read by the audit administrator only, by role, "
    "not by unit (check 9, tests/core audit tests)",
    "core.Holiday": "lookup: the public-holiday calendar",
    "core.DeadlineRule": "configuration: deadline rules",
    "core.DocumentType": "configuration: document number formats",
    "core.DocumentSequence": "a per-unit counter of document numbers, no page, written "
    "only by core.numbering",
    "core.SubmissionToken": "a user's own one-time form tokens (idempotency), no page",
    "core.ImportedFile": "SM3 digests of committed import files (the duplicate-file check), "
    "no page, no personal data",
    "orgs.Division": "lookup: the public national division codes",
    "accounts.User": "accounts are the system administrator's, by role not by unit "
    "(三权分立, check 9: tests/accounts/test_services.py)",
    "accounts.UserRole": "role grants are the security administrator's, by role (check 9/10)",
    "accounts.ApiToken": "a user's own API tokens, only their SHA-256 stored",
    "accounts.PasswordHistory": "hashes of a user's past passwords, read only by the "
    "password-history validator, no page",
    "accounts.UserSession": "a user's own logged-in sessions, listed to that user only "
    "(ASVS 3.3.4), by user not by unit",
    "portal.LoginCode": "one-time SMS codes, stored hashed, no page",
    "portal.PrivacyNotice": "public text of the personal-information notice",
    "standards.Framework": "configuration: the published 六好 indicator framework",
    "standards.Dimension": "configuration: the published 六好 indicator framework",
    "standards.Indicator": "configuration: the published 六好 indicator framework",
    "standards.GradeBand": "configuration: the published 六好 indicator framework",
    "mediation.DisputeCategory": "lookup: dispute categories",
    "legalservice.ConsultationTopic": "lookup: consultation topics",
    "legalservice.LegalAidCaseType": "lookup: legal-aid case types",
    "legalservice.EligibilityStandard": "configuration: the published legal-aid thresholds",
    "legalservice.ServiceWindow": "lookup: the 2+X window kinds",
    "correction.SupervisionClassRule": "configuration: supervision frequency by class",
    "correction.CorrectionLimit": "configuration: leave limits",
    "correction.DisciplineRule": "configuration: discipline rules",
    "resettlement.AssistancePeriodRule": "configuration: assistance periods by release type",
    "governance.ReviewChecklistItem": "configuration: the legality-review checklist",
    "governance.JurorExclusionGround": "lookup: legal grounds for excluding a juror",
    "publicity.LawTopic": "lookup: law topics",
    "publicity.PublicityNorm": "configuration: adviser service norms",
    "stats.Generation": "a per-module write counter for the figures cache, no unit, "
    "no personal data",
    "stats.StaleCell": "internal queue of aggregate cells to recompute, no page, read only "
    "by the system principal (core.scope.SYSTEM)",
}


def scoped_models() -> list[type[models.Model]]:
    """Every model whose default manager is scoped, in registry order."""
    return [m for m in apps.get_models() if hasattr(m._default_manager, "visible_to")]


def unit_lookup(model: type[models.Model]) -> str:
    from sifasuo.core.scope import unit_lookup as lookup

    return lookup(model)


# The structure ---------------------------------------------------------------------------


def other_root() -> Unit:
    """Another city bureau, outside the 610100 tree: the city's nearest sibling or parent."""
    from sifasuo.orgs.choices import UnitKind
    from sifasuo.orgs.models import Unit

    unit, _ = Unit.objects.get_or_create(
        code="999900", defaults={"name": "另一市司法局（测试）", "kind": UnitKind.CITY}
    )
    return unit


def outside_unit() -> Unit:
    """A bureau no matrix user works at or above (the receiver of shares and transfers)."""
    from sifasuo.orgs.choices import UnitKind
    from sifasuo.orgs.models import Unit

    unit, _ = Unit.objects.get_or_create(
        code="999800", defaults={"name": "无关市司法局（测试）", "kind": UnitKind.CITY}
    )
    return unit


def children(unit: Unit) -> list[Unit]:
    """A direct child and a grandchild of ``unit``; a committee gets a made-up child."""
    from sifasuo.orgs.choices import UnitKind
    from sifasuo.orgs.models import Unit

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
    from sifasuo.orgs.choices import UnitKind
    from sifasuo.orgs.models import Unit

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


# Records of any model, owned by any unit ----------------------------------------------------

_sequence = count(1)
Maker = Callable[["Unit"], models.Model]


def _other_source() -> str:
    from sifasuo.governance.models import OpinionSource

    return next(c for c in OpinionSource.values if c != OpinionSource.ONLINE)


# Field values the plain filling would get wrong (check and unique constraints).
FIELDS: dict[str, Callable[[RecordFactory, Unit], dict[str, Any]]] = {
    "mediation.CaseParty": lambda f, unit: {
        "person": f.parent(apps.get_model("people.Person"), unit)
    },
    # to a bureau outside every relation, so the share itself opens nothing here
    "mediation.CaseTransfer": lambda f, unit: {"to_unit": outside_unit()},
    "legalservice.ServiceSlot": lambda f, unit: {"end_time": time(10, 0)},
    "governance.DraftClause": lambda f, unit: {"position": next(_sequence)},
    "governance.Opinion": lambda f, unit: {"source": _other_source()},
    "stats.ClosedPeriod": lambda f, unit: {"number": 3},
}


class RecordFactory:
    """Makes one record of any scoped model owned by a given unit.

    A model with a ``ScopedModel`` line is made by its app's own maker; any other model is
    filled in from its fields: the first step of its scope lookup (``unit``, or the parent
    record: ``case`` of ``case__unit``) is made at the unit, other required fields get
    plain values, other required foreign keys an existing lookup row (or a new one).
    ``citizen`` makes the record the citizen's own (``scope_citizen_field``).
    """

    def __init__(self, makers: dict[str, Maker]) -> None:
        self.makers = makers
        self.staff_at: dict[int, Any] = {}
        self.parents: dict[tuple[str, int], models.Model] = {}

    # -- users the records point at
    def _staff(self, unit: Unit) -> Any:
        from sifasuo.accounts.models import User

        if unit.pk not in self.staff_at:
            self.staff_at[unit.pk] = User.objects.create_user(
                username=f"matrix-owner-{next(_sequence)}", unit=unit
            )
        return self.staff_at[unit.pk]

    def _citizen(self, unit: Unit | None = None) -> Any:
        from sifasuo.accounts.models import User, UserKind

        return User.objects.create_user(
            username=f"matrix-citizen-{next(_sequence)}", kind=UserKind.CITIZEN, unit=unit
        )

    def parent(self, model: type[models.Model], unit: Unit) -> models.Model:
        """A record of ``model`` at ``unit`` to hang others from: made once, then reused."""
        key = (model._meta.label, unit.pk)
        if key not in self.parents:
            self.parents[key] = self.make(model, unit)
        return self.parents[key]

    def make(self, model: type[models.Model], unit: Unit, citizen: Any = None) -> models.Model:
        label = model._meta.label
        citizen_path = getattr(model, "scope_citizen_field", None) if citizen else None
        if label == "orgs.Unit":
            return unit
        maker = self.makers.get(label)
        obj = maker(unit) if maker else self._fill(model, unit, citizen)
        if citizen_path and "__" not in citizen_path:
            model._base_manager.filter(pk=obj.pk).update(**{citizen_path: citizen})
        return obj

    def _fill(self, model: type[models.Model], unit: Unit, citizen: Any) -> models.Model:
        from sifasuo.core.fields import BlindIndexField
        from sifasuo.orgs.models import Unit

        lookup = unit_lookup(model)
        first = lookup.split("__")[0]
        citizen_path = getattr(model, "scope_citizen_field", None) or ""
        values: dict[str, Any] = (
            FIELDS[model._meta.label](self, unit) if model._meta.label in FIELDS else {}
        )
        for f in model._meta.concrete_fields:
            if f.name in values:
                continue
            if f.primary_key or isinstance(f, BlindIndexField):
                continue
            if f.name == first and f.is_relation:
                target: Any = f.related_model
                if target is Unit:
                    values[f.name] = unit
                elif target._meta.label == "accounts.User":
                    values[f.name] = self._citizen(unit)
                elif citizen and citizen_path.split("__")[0] == f.name:
                    values[f.name] = self.make(target, unit, citizen)
                else:
                    values[f.name] = self.parent(target, unit)
                continue
            if f.null or f.has_default() or getattr(f, "auto_now", False):
                continue
            if getattr(f, "auto_now_add", False):
                continue
            values[f.name] = self._value(f, unit, citizen)
        obj = model(**values)
        obj.save()
        return obj

    def _value(self, f: models.Field, unit: Unit, citizen: Any) -> Any:
        from sifasuo.orgs.models import Unit

        n = next(_sequence)
        if f.is_relation:
            target: Any = f.related_model
            if target is Unit:
                return unit
            label = target._meta.label
            if label == "accounts.User":
                return citizen or self._staff(unit)
            if label == "contenttypes.ContentType":
                from django.contrib.contenttypes.models import ContentType

                return ContentType.objects.get_for_model(Unit)
            if hasattr(target._default_manager, "visible_to"):
                return self.parent(target, unit)
            existing = target._default_manager.order_by("pk").first()
            return existing or self._fill(target, unit, None)
        if f.choices:
            return f.choices[0][0]
        if isinstance(f, models.BooleanField):
            return False
        if isinstance(f, models.DateTimeField):
            return timezone.now()
        if isinstance(f, models.DateField):
            return date(2024, 3, 1)
        if isinstance(f, models.TimeField):
            return time(9, 0)
        if isinstance(f, models.DurationField):
            return timedelta(hours=1)
        if isinstance(f, models.DecimalField):
            return Decimal("1")
        if isinstance(f, models.IntegerField | models.FloatField):
            return 2024 if "year" in f.name else 1
        if isinstance(f, models.JSONField):
            return {}
        if isinstance(f, models.FileField):
            return f"matrix/{n}.pdf"
        if isinstance(f, models.UUIDField):
            import uuid

            return uuid.uuid4()
        if isinstance(f, models.EmailField):
            return f"matrix{n}@example.invalid"
        if isinstance(f, models.CharField | models.TextField):
            text = f"矩阵{n}"
            max_length = getattr(f, "max_length", None) or 100
            return text[-max_length:]
        raise TypeError(f"matrix: no value for {f.model._meta.label}.{f.name} ({type(f)})")


# The evaluation -----------------------------------------------------------------------------


@dataclass
class World:
    """Who works where, and the records of each model at each unit a relation names."""

    users: dict[str, Any]
    homes: dict[str, Unit]
    relation_units: dict[tuple[str, str], list[int]]  # (role, relation) -> unit pks
    records: dict[str, dict[int, list[int]]]  # model label -> unit pk -> record pks
    citizen_own: dict[str, list[int]]  # model label -> the citizen's own record pks
    failures: dict[str, str]


def build_world(
    makers: dict[str, Maker], role_home: dict[str, str], make_user: Callable[[str], Any]
) -> World:
    """Make the users, the units of every relation and one record per model and unit."""
    from sifasuo.accounts.roles import Role
    from sifasuo.orgs.models import Unit

    users = {role: make_user(role) for role in Role.values}
    homes = {role: Unit.objects.get(code=code) for role, code in role_home.items()}
    relation_units: dict[tuple[str, str], list[int]] = {}
    for role, home in homes.items():
        for relation in RELATIONS:
            relation_units[role, relation] = [u.pk for u in related_units(home, relation)]
    all_units = {pk for pks in relation_units.values() for pk in pks}
    units = Unit.objects.in_bulk(sorted(all_units))
    factory = RecordFactory(makers)
    records: dict[str, dict[int, list[int]]] = {}
    citizen_own: dict[str, list[int]] = {}
    failures: dict[str, str] = {}
    citizen = users[Role.CITIZEN]
    citizen_home = homes[Role.CITIZEN]
    for model in scoped_models():
        label = model._meta.label
        try:
            with transaction.atomic():
                records[label] = {}
                for pk, unit in units.items():
                    obj = factory.make(model, unit)
                    factory.parents.setdefault((label, pk), obj)
                    records[label][pk] = [obj.pk]
                if getattr(model, "scope_citizen_field", None):
                    citizen_own[label] = [factory.make(model, citizen_home, citizen).pk]
        except Exception as exc:  # noqa: BLE001 - reported by the test, per model
            failures[label] = f"{type(exc).__name__}: {exc}"
            records.pop(label, None)
    return World(users, homes, relation_units, records, citizen_own, failures)


def evaluate(world: World) -> dict[tuple[str, str, str, str], str]:
    """Ask ``visible_to`` for every model × role × action; answer per relation.

    A relation is "allow" when every record of it is in the queryset (a child relation
    has a direct child and a grandchild), "deny" when none is, "mixed" otherwise.
    """
    from sifasuo.accounts.roles import Role
    from sifasuo.core.scope import ACTIONS

    result: dict[tuple[str, str, str, str], str] = {}
    for model in scoped_models():
        label = model._meta.label
        if label not in world.records:
            continue
        by_unit = world.records[label]
        every = [pk for pks in by_unit.values() for pk in pks] + world.citizen_own.get(label, [])
        manager: Any = model._default_manager
        for role, user in world.users.items():
            for action in ACTIONS:
                found = set(
                    manager.visible_to(user, action)
                    .filter(pk__in=every)
                    .values_list("pk", flat=True)
                )
                for relation in RELATIONS:
                    if role == Role.CITIZEN and relation == "own":
                        pks = world.citizen_own.get(label) or by_unit[world.homes[role].pk]
                    else:
                        units = world.relation_units[role, relation]
                        pks = [pk for u in units for pk in by_unit[u]]
                    hits = [pk in found for pk in pks]
                    result[label, role, relation, action] = (
                        "allow" if all(hits) else "deny" if not any(hits) else "mixed"
                    )
    return result


# The table --------------------------------------------------------------------------------


def read_table(path: Path = TABLE) -> dict[tuple[str, str, str, str], str]:
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        return {
            (r["model"], r["role"], r["relation"], r["action"]): r["expected"]
            for r in csv.DictReader(f)
        }


def write_table(rows: dict[tuple[str, str, str, str], str], path: Path = TABLE) -> None:
    from sifasuo.accounts.roles import Role
    from sifasuo.core.scope import ACTIONS

    roles = list(Role.values)
    order = {
        "role": {r: i for i, r in enumerate(roles)},
        "relation": {r: i for i, r in enumerate(RELATIONS)},
        "action": {a: i for i, a in enumerate(ACTIONS)},
    }

    def key(k: tuple[str, str, str, str]) -> tuple[Any, ...]:
        return (
            k[0],
            order["role"][k[1]],
            order["relation"][k[2]],
            order["action"][k[3]],
        )

    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for k in sorted(rows, key=key):
            writer.writerow([*k, rows[k]])


def diff(
    expected: dict[tuple[str, str, str, str], str], actual: dict[tuple[str, str, str, str], str]
) -> list[str]:
    """Lines for every difference, unexpected allows first."""
    allows: list[str] = []
    others: list[str] = []
    for k in sorted(set(expected) | set(actual)):
        want, got = expected.get(k, "(missing)"), actual.get(k, "(missing)")
        if want == got:
            continue
        line = f"{','.join(k)}: expected {want}, got {got}"
        (allows if got in ("allow", "mixed") and want == "deny" else others).append(line)
    return [f"UNEXPECTED ALLOW {line}" for line in allows] + others


def main(argv: Iterable[str]) -> int:
    """``python -m tests.accounts.matrix --write``: run the matrix test and rewrite the CSV."""
    import pytest

    args = list(argv)
    if "--write" in args:
        args.remove("--write")
        os.environ["SIFASUO_MATRIX_WRITE"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    node = f"{HERE / 'test_permission_matrix.py'}::test_generated_matrix"
    # any other argument goes to pytest (``--reuse-db``, ``-x`` …)
    return int(pytest.main([node, "-q", "-p", "no:cacheprovider", "-rs", *args]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
