"""Build a synthetic city-scale or national-scale dataset into PostgreSQL, reproducibly.

    .venv/bin/python -m bench.generate --scale city \
        --database-url postgres://postgres@127.0.0.1:5432/sifasuo_bench

The database must be migrated (``manage.py migrate``: the real Xi'an units come from the
``orgs`` migrations). The generator then creates the demo offices, their committees and the
demo accounts through the project's own demo functions, and writes the bulk rows with
PostgreSQL ``COPY`` into the real models' tables: every row is built from the model's
concrete fields (defaults, ``auto_now``, seeded UUIDs), encrypted fields go through the
field's own ``get_db_prep_save`` (SM4-GCM) and blind indexes through ``index_of``, so the
data reads back through the ORM like data the application wrote. Rows already there are
counted: a second run tops a table up to its target and adds nothing when it is full.

The same ``--seed`` and ``--until`` give the same rows. ``--until`` defaults to today.
After the rows, it runs ``manage.py rebuild_stats`` (if the command exists) and prints its
time; the ledgers are written outside the ORM, so the aggregates are rebuilt in one pass.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

SCALES: dict[str, dict[str, int]] = {
    "city": {
        "mediation": 300_000,
        "consultations": 200_000,
        "correction": 8_000,
        "released": 20_000,
        "publicity": 30_000,
        "staff": 3_000,
        "offices": 185,
    },
    "national": {"mediation": 10_000_000},
    # a small one for trying the generator and the benchmark quickly
    "tiny": {
        "mediation": 3_000,
        "consultations": 2_000,
        "correction": 80,
        "released": 200,
        "publicity": 300,
        "staff": 100,
    },
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰红梅志强海燕"
SUMMARIES = [
    "邻里之间因宅基地界线发生争执，双方请求调解。",
    "婚姻家庭纠纷，夫妻双方就子女抚养问题产生分歧。",
    "劳务费用拖欠，务工人员要求支付报酬。",
    "物业服务费用及停车位使用纠纷。",
    "道路交通事故赔偿纠纷，双方就赔偿数额协商未果。",
    "合同履行纠纷，一方未按约定交付货物。",
    "土地承包经营权流转纠纷。",
    "损害赔偿纠纷，因装修漏水造成楼下住户财产损失。",
]
QUESTIONS = [
    "咨询劳动合同解除后经济补偿金的计算方法。",
    "咨询离婚时夫妻共同财产如何分割。",
    "咨询借款到期未还如何起诉。",
    "咨询继承遗产的顺序及份额。",
    "咨询交通事故责任认定后的赔偿项目。",
]
CRIMES = ["盗窃罪", "危险驾驶罪", "诈骗罪", "故意伤害罪", "交通肇事罪", "寻衅滋事罪"]
SENTENCES = ["有期徒刑一年，缓刑二年", "拘役三个月，缓刑六个月", "有期徒刑二年，缓刑三年"]
THEMES = ["宪法宣传周", "民法典进社区", "反电信网络诈骗宣传", "法律进乡村", "青少年法治教育"]


def setup(database_url: str) -> None:
    """Point Django at the database and start it (settings: ``config.settings.local``)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


TEMPLATE_ROWS = 500_000
REQUIRED = object()
SEEDED_UUID = object()


class Table:
    """Rows of one model for COPY: a template of defaults, the given values set per row."""

    def __init__(self, model: Any, rng: random.Random, now: datetime) -> None:
        from django.db import connection

        from sifasuo.core.fields import BlindIndexField, EncryptedTextField

        self.model = model
        self.rng = rng
        self.connection = connection
        fields = list(model._meta.concrete_fields)
        self.fields = fields
        self.columns = [f.column for f in fields]
        self.index: dict[str, int] = {}
        self.template: list[Any] = []
        self.uuids: list[int] = []
        for i, f in enumerate(fields):
            self.index[f.name] = i
            self.index[f.attname] = i
            self.template.append(self._default(f, now))
            if self.template[i] is SEEDED_UUID:
                self.uuids.append(i)
        self.required = [i for i, v in enumerate(self.template) if v is REQUIRED]
        self.encrypted = [(i, f) for i, f in enumerate(fields) if isinstance(f, EncryptedTextField)]
        self.blind = [
            (i, f, self.index[f.source])
            for i, f in enumerate(fields)
            if isinstance(f, BlindIndexField)
        ]

    def _default(self, f: Any, now: datetime) -> Any:
        if f.primary_key:
            return REQUIRED
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return now
        if f.has_default():
            if f.default is uuid.uuid4:
                return SEEDED_UUID
            return f.get_db_prep_save(f.get_default(), self.connection)
        if f.null:
            return None
        if f.blank and f.get_internal_type() in ("CharField", "TextField"):
            return ""
        return REQUIRED

    def row(self, values: dict[str, Any]) -> list[Any]:
        r = self.template.copy()
        index = self.index
        for name, value in values.items():
            r[index[name]] = value
        for i in self.uuids:
            if r[i] is SEEDED_UUID:
                r[i] = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        for i, f, source in self.blind:
            if r[i] is None and r[source]:
                r[i] = f.index_of(r[source])
        for i, f in self.encrypted:
            if r[i]:
                r[i] = f.get_db_prep_save(r[i], self.connection)
        missing = [self.columns[i] for i in self.required if r[i] is REQUIRED]
        if missing:
            raise ValueError(f"{self.model._meta.db_table}: no value for {missing}")
        return r


def next_id(model: Any) -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')  # noqa: S608
        return int(cur.fetchone()[0]) + 1


def plain_indexes(cur: Any, db_table: str) -> list[tuple[str, str]]:
    """The table's indexes that back no constraint: (name, CREATE INDEX statement)."""
    cur.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [db_table],
    )
    return [(name, definition) for name, definition in cur.fetchall()]


def copy_rows(
    table: Table,
    rows: Iterator[dict[str, Any]],
    label: str,
    *,
    bulk: bool = False,
    then: Callable[[Any], int] | None = None,
) -> int:
    """COPY the rows into the table in one transaction; print rows per second.

    ``bulk``: drop the indexes that back no constraint first and build them again after
    (the same statements, from ``pg_indexes``): much faster for millions of rows.
    ``then(cursor)``: more SQL inside the same transaction (returns the rows it added).
    """
    from django.db import connection, transaction

    db_table = table.model._meta.db_table
    columns = ", ".join(f'"{c}"' for c in table.columns)
    started = time.monotonic()
    count = 0
    with transaction.atomic():
        raw = connection.connection
        with raw.cursor() as cur:
            dropped = plain_indexes(cur, db_table) if bulk else []
            if dropped:
                # Bulk load: no trigger fires for these rows (the foreign keys' checks
                # are skipped; the rows reference units and categories read from the
                # database just before), and no index is built until the end.
                cur.execute("SET LOCAL session_replication_role = replica")
            for name, _definition in dropped:
                cur.execute(f'DROP INDEX "{name}"')
            with cur.copy(f'COPY "{db_table}" ({columns}) FROM STDIN') as copy:
                for values in rows:
                    copy.write_row(table.row(values))
                    count += 1
                    if count % 500_000 == 0:
                        rate = count / (time.monotonic() - started)
                        print(f"  {label}: {count:,} rows, {rate:,.0f} rows/s", flush=True)
            if then is not None:
                count += then(cur)
            if dropped:
                copied = time.monotonic()
                cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
                for _name, definition in dropped:
                    cur.execute(definition)
                print(
                    f"  {label}: {len(dropped)} indexes rebuilt in "
                    f"{time.monotonic() - copied:.1f} s",
                    flush=True,
                )
            sequence = f"SELECT setval(pg_get_serial_sequence('\"{db_table}\"', 'id'), "
            cur.execute(f'{sequence}(SELECT MAX(id) FROM "{db_table}"))')  # noqa: S608
    elapsed = time.monotonic() - started
    print(
        f"{label}: {count:,} rows into {db_table} in {elapsed:.1f} s "
        f"({count / max(elapsed, 1e-9):,.0f} rows/s)",
        flush=True,
    )
    return count


class Generator:
    def __init__(self, scale: str, seed: int, until: date, years: int) -> None:
        from django.utils import timezone

        self.targets = SCALES[scale]
        self.scale = scale
        self.rng = random.Random(seed)
        self.seed = seed
        self.until = until
        self.start = date(until.year - years + 1, 1, 1)
        self.days = [self.start + timedelta(d) for d in range((until - self.start).days + 1)]
        self.now = timezone.now()
        self.summary: dict[str, tuple[int, float]] = {}

    # -- helpers -----------------------------------------------------------------
    def day(self) -> date:
        return self.rng.choice(self.days)

    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))

    def stamp(self, day: date) -> str:
        return f"{day.isoformat()} 09:30:00+08"

    def existing(self, model: Any, **filters: Any) -> int:
        return model.objects.filter(**filters).count()

    def run_step(self, label: str, fn: Callable[[], int]) -> None:
        started = time.monotonic()
        count = fn()
        self.summary[label] = (count, time.monotonic() - started)

    # -- units and accounts --------------------------------------------------------
    def prepare_units(self) -> None:
        from sifasuo.accounts.demo import create_demo_accounts
        from sifasuo.mediation.demo import create_demo_committees
        from sifasuo.orgs.choices import UnitKind
        from sifasuo.orgs.demo import create_demo_offices
        from sifasuo.orgs.models import Unit

        started = time.monotonic()
        offices = create_demo_offices()
        accounts = create_demo_accounts()
        committees = create_demo_committees()
        offices += self.synthetic_offices(self.targets.get("offices", 0))
        print(
            f"units: {offices} new offices, {committees} new committees, "
            f"{len(accounts)} demo accounts ({time.monotonic() - started:.1f} s)",
            flush=True,
        )
        self.offices = list(
            Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("code")
        )
        self.committees = list(
            Unit.objects.filter(kind=UnitKind.COMMITTEE, is_active=True).order_by("code")
        )
        self.bureau_of = {o.pk: o.parent_id for o in self.offices}
        # town committees carry more cases than village ones
        self.committee_weights = [5 if c.code.endswith("T01") else 1 for c in self.committees]
        print(f"units: {len(self.offices)} offices, {len(self.committees)} committees", flush=True)

    def synthetic_offices(self, target: int) -> int:
        """Top the real offices (one per town) up to ``target`` with synthetic ones."""
        from sifasuo.orgs.choices import COMMITTEE_SUFFIX, UnitKind
        from sifasuo.orgs.models import Unit

        have = Unit.objects.filter(kind=UnitKind.OFFICE).count()
        districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code"))
        made = 0
        for n in range(max(target - have, 0)):
            district = districts[n % len(districts)]
            code = f"{district.code}9{n:02d}"
            office = Unit.objects.create(
                code=code,
                name=f"演示第{n + 1}司法所",
                short_name=f"演示{n + 1}",
                kind=UnitKind.OFFICE,
                parent=district,
                division=district.division,
            )
            Unit.objects.create(
                code=f"{code}{COMMITTEE_SUFFIX}01",
                name=f"演示第{n + 1}人民调解委员会",
                short_name=office.short_name,
                kind=UnitKind.COMMITTEE,
                parent=office,
                division=district.division,
            )
            made += 1
        return made

    # -- people ---------------------------------------------------------------------
    def people(self, count: int) -> list[int]:
        """Create ``count`` people registered by random offices; return their ids."""
        from sifasuo.people.models import Person

        table = Table(Person, self.rng, self.now)
        first = next_id(Person)
        rng = self.rng
        ids = list(range(first, first + count))

        def rows() -> Iterator[dict[str, Any]]:
            for pk in ids:
                office = rng.choice(self.offices)
                birth = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
                # synthetic 18-character numbers: office region, birth date, the row id
                serial = f"{pk % 100_000_000:08d}"
                yield {
                    "id": pk,
                    "unit_id": office.pk,
                    "name": self.name(),
                    "sex": rng.choice("MF"),
                    "birth_date": birth,
                    "id_number": f"{office.code[:4]}{birth:%Y%m%d}{serial[-6:]}",
                    "phone": f"13{rng.randint(0, 999_999_999):09d}",
                    "address": f"西安市{office.name}辖区演示路{rng.randint(1, 300)}号",
                }

        copy_rows(table, rows(), "people")
        return ids

    # -- mediation ----------------------------------------------------------------------
    def mediation(self) -> int:
        from sifasuo.mediation.choices import CaseSource, CaseStatus, Outcome, Performance
        from sifasuo.mediation.models import DisputeCategory, MediationCase

        target = self.targets["mediation"]
        have = self.existing(MediationCase)
        if have >= target:
            print(f"mediation: {have:,} cases already, nothing to add")
            return 0
        count = target - have
        table = Table(MediationCase, self.rng, self.now)
        categories = list(DisputeCategory.objects.values_list("pk", flat=True))
        rng = self.rng
        committees = self.committees
        weights = self.committee_weights
        sources = [CaseSource.APPLICATION] * 6 + [CaseSource.INITIATIVE] * 3
        sources += [CaseSource.REFERRAL]
        organs = ["COURT", "POLICE", "PETITION", "OTHER"]
        until = self.until
        first = next_id(MediationCase)
        # the committees are drawn in blocks (faster than one weighted draw per case)
        picks = rng.choices(range(len(committees)), weights=weights, k=min(count, 1_000_000))
        # Past half a million, the first 500,000 rows are built here and the rest copied from
        # them inside PostgreSQL (new id, seeded public id, number suffixed "-k"): the
        # same distribution at a fraction of the CPU.
        built = min(count, TEMPLATE_ROWS)

        def replicate(cur: Any) -> int:
            added = 0
            names = [f'"{c}"' for c in table.columns]
            k = 1
            while built + added < count:
                exprs = []
                for column, name in zip(table.columns, names, strict=True):
                    if column == "id":
                        exprs.append(f"id + {k * built}")
                    elif column == "public_id":
                        exprs.append(f"md5('{self.seed}:' || (id + {k * built})::text)::uuid")
                    elif column == "number":
                        exprs.append(f"number || '-{k}'")
                    else:
                        exprs.append(name)
                last = first + min(built, count - built - added) - 1
                started = time.monotonic()
                cur.execute(
                    f"INSERT INTO {MediationCase._meta.db_table} ({', '.join(names)}) "  # noqa: S608
                    f"SELECT {', '.join(exprs)} FROM {MediationCase._meta.db_table} "
                    f"WHERE id BETWEEN {first} AND {last}"
                )
                added += cur.rowcount
                print(
                    f"  mediation cases: copy {k}, {cur.rowcount:,} rows in "
                    f"{time.monotonic() - started:.1f} s ({built + added:,} in all)",
                    flush=True,
                )
                k += 1
            return added

        def rows() -> Iterator[dict[str, Any]]:
            for n in range(built):
                committee = committees[picks[n % len(picks)]]
                received = self.day()
                source = rng.choice(sources)
                values: dict[str, Any] = {
                    "id": first + n,
                    "unit_id": committee.pk,
                    "registered_unit_id": committee.pk,
                    "number": f"（{received.year}）{committee.short_name}调字第B{first + n:08d}号",
                    "source": source,
                    "referral_organ": rng.choice(organs) if source == CaseSource.REFERRAL else "",
                    "category_id": rng.choice(categories),
                    "summary": rng.choice(SUMMARIES),
                    "amount_involved": f"{rng.randint(0, 200_000)}.00",
                    "people_involved": rng.randint(2, 6),
                    "received_on": received,
                    "decision_due": received + timedelta(days=3),
                    "created_at": self.stamp(received),
                    "updated_at": self.stamp(received),
                }
                roll = rng.random()
                if roll < 0.03:
                    values["status"] = CaseStatus.REFUSED
                    values["refusal_reason"] = "OUT_OF_SCOPE"
                    values["closed_on"] = min(received + timedelta(days=2), until)
                elif roll < 0.05 and (until - received).days < 5:
                    values["status"] = CaseStatus.REGISTERED
                else:
                    accepted = min(received + timedelta(days=rng.randint(0, 2)), until)
                    values["accepted_unit_id"] = committee.pk
                    values["accepted_on"] = accepted
                    values["conclude_due"] = accepted + timedelta(days=30)
                    concluded = accepted + timedelta(days=rng.randint(1, 40))
                    if concluded > until:
                        values["status"] = rng.choice(
                            [CaseStatus.ACCEPTED, CaseStatus.INVESTIGATING, CaseStatus.MEDIATING]
                        )
                    elif rng.random() < 0.06:
                        values["status"] = CaseStatus.CLOSED
                        values["outcome"] = Outcome.FAILED
                        values["concluded_on"] = concluded
                        values["closed_on"] = concluded
                        values["termination_note"] = "双方分歧较大，调解终止，已告知其他救济途径。"
                    else:
                        values["status"] = CaseStatus.CLOSED
                        values["outcome"] = rng.choice([Outcome.WRITTEN, Outcome.ORAL])
                        values["concluded_on"] = concluded
                        values["closed_on"] = min(concluded + timedelta(days=15), until)
                        values["agreement_terms"] = "双方自愿达成调解协议，按约定履行。"
                        values["agreement_amount"] = f"{rng.randint(0, 50_000)}.00"
                        values["performance"] = Performance.PERFORMED
                        values["routes_informed"] = True
                yield values

        return copy_rows(
            table,
            rows(),
            "mediation cases",
            bulk=count >= TEMPLATE_ROWS,
            then=replicate if count > built else None,
        )

    # -- legal services -------------------------------------------------------------------
    def consultations(self) -> int:
        from sifasuo.legalservice.choices import Channel, ConsultationStatus
        from sifasuo.legalservice.models import Consultation, ConsultationTopic

        target = self.targets["consultations"]
        count = target - self.existing(Consultation)
        if count <= 0:
            return 0
        table = Table(Consultation, self.rng, self.now)
        topics = list(ConsultationTopic.objects.values_list("pk", flat=True))
        channels = [c.value for c in Channel]
        rng = self.rng
        first = next_id(Consultation)
        until = self.until

        def rows() -> Iterator[dict[str, Any]]:
            for n in range(count):
                received = self.day()
                values: dict[str, Any] = {
                    "id": first + n,
                    "unit_id": rng.choice(self.offices).pk,
                    "channel": rng.choice(channels),
                    "topic_id": rng.choice(topics),
                    "question": rng.choice(QUESTIONS),
                    "received_on": received,
                    "answer_due": received + timedelta(days=5),
                    "created_at": self.stamp(received),
                    "updated_at": self.stamp(received),
                }
                answered = received + timedelta(days=rng.randint(0, 3))
                if answered <= until and rng.random() < 0.97:
                    values["status"] = ConsultationStatus.ANSWERED
                    values["answer"] = "已依据相关法律规定作出解答，并告知维权途径。"
                    values["answered_on"] = answered
                    values["duration_minutes"] = rng.randint(5, 60)
                yield values

        return copy_rows(table, rows(), "consultations")

    # -- correction ------------------------------------------------------------------------
    def correction(self) -> int:
        from sifasuo.correction.choices import Category, ContactKind, EndReason, SubjectStatus
        from sifasuo.correction.models import Contact, CorrectionSubject

        target = self.targets["correction"]
        count = target - self.existing(CorrectionSubject)
        if count <= 0:
            return 0
        people = self.people(count)
        table = Table(CorrectionSubject, self.rng, self.now)
        categories = [c.value for c in Category]
        rng = self.rng
        until = self.until
        first = next_id(CorrectionSubject)
        subjects: list[tuple[int, date, date]] = []

        def rows() -> Iterator[dict[str, Any]]:
            for n, person in enumerate(people):
                office = rng.choice(self.offices)
                effective = self.day() - timedelta(days=rng.randint(0, 200))
                start = effective + timedelta(days=rng.randint(3, 10))
                end = start + timedelta(days=rng.choice([180, 365, 730, 1095]))
                values: dict[str, Any] = {
                    "id": first + n,
                    "unit_id": office.pk,
                    "entrusting_agency_id": self.bureau_of[office.pk],
                    "person_id": person,
                    "category": rng.choice(categories),
                    "decision_organ": "西安市某区人民法院",
                    "decision_document": f"（{effective.year}）陕0102刑初{n + 1}号",
                    "judgment_effective_on": effective,
                    "crime": rng.choice(CRIMES),
                    "sentence": rng.choice(SENTENCES),
                    "period_start": start,
                    "period_end": end,
                    "supervision_class": rng.choice(["STRICT", "NORMAL", "LENIENT"]),
                    "report_in_due": effective + timedelta(days=10),
                    "received_on": start if start <= until else None,
                    "created_at": self.stamp(min(effective, until)),
                    "updated_at": self.stamp(min(effective, until)),
                }
                if start > until:
                    values["status"] = SubjectStatus.AWAITING_REPORT
                elif end < until:
                    values["status"] = SubjectStatus.ENDED
                    values["ended_on"] = end
                    values["end_reason"] = EndReason.PERIOD_END
                else:
                    values["status"] = SubjectStatus.UNDER_CORRECTION
                    values["announced_on"] = start
                    values["report_due"] = until + timedelta(days=rng.randint(-5, 30))
                    values["visit_due"] = until + timedelta(days=rng.randint(-5, 60))
                if start <= until:
                    subjects.append((first + n, start, min(end, until)))
                yield values

        made = copy_rows(table, rows(), "correction subjects")
        contacts = Table(Contact, self.rng, self.now)
        contact_first = next_id(Contact)
        kinds = [ContactKind.IN_PERSON, ContactKind.PHONE, ContactKind.INFO_CHECK]

        def reports() -> Iterator[dict[str, Any]]:
            n = contact_first
            for subject, start, end in subjects:
                day = start
                while day <= end:
                    kind = ContactKind.FIELD_VISIT if day.month % 3 == 0 else rng.choice(kinds)
                    yield {
                        "id": n,
                        "subject_id": subject,
                        "kind": kind,
                        "occurred_on": day,
                        "due_on": day,
                        "created_at": self.stamp(day),
                        "updated_at": self.stamp(day),
                    }
                    n += 1
                    day += timedelta(days=30)

        copy_rows(contacts, reports(), "correction reports and visits")
        return made

    # -- resettlement -----------------------------------------------------------------------
    def released(self) -> int:
        from sifasuo.resettlement.choices import HandoverMethod, PersonStatus, ReleaseType
        from sifasuo.resettlement.models import ReleasedPerson

        target = self.targets["released"]
        count = target - self.existing(ReleasedPerson)
        if count <= 0:
            return 0
        people = self.people(count)
        table = Table(ReleasedPerson, self.rng, self.now)
        types = [t.value for t in ReleaseType]
        rng = self.rng
        first = next_id(ReleasedPerson)

        def rows() -> Iterator[dict[str, Any]]:
            for n, person in enumerate(people):
                released = self.day()
                roll = rng.random()
                values: dict[str, Any] = {
                    "id": first + n,
                    "unit_id": rng.choice(self.offices).pk,
                    "person_id": person,
                    "release_type": rng.choice(types),
                    "released_on": released,
                    "prison": "陕西省某监狱",
                    "crime": rng.choice(CRIMES),
                    "period_years": 5,
                    "period_end": released.replace(year=released.year + 5, day=1),
                    "status": PersonStatus.LOST_CONTACT if roll < 0.01 else PersonStatus.ASSISTING,
                    "handed_over_on": released,
                    "handover_method": HandoverMethod.MET_AT_GATE
                    if roll < 0.3
                    else HandoverMethod.REPORTED_IN,
                    "reported_on": released + timedelta(days=rng.randint(0, 10)),
                    "first_visited_on": released + timedelta(days=rng.randint(5, 20)),
                    "risk_level": rng.choice(["LOW", "MEDIUM", "HIGH"]),
                    "created_at": self.stamp(released),
                    "updated_at": self.stamp(released),
                }
                if roll < 0.01:
                    values["lost_contact_on"] = released + timedelta(days=30)
                yield values

        return copy_rows(table, rows(), "released persons")

    # -- publicity ----------------------------------------------------------------------------
    def publicity(self) -> int:
        from sifasuo.publicity.choices import ActivityForm, Target
        from sifasuo.publicity.models import LawTopic, PublicityActivity

        target = self.targets["publicity"]
        count = target - self.existing(PublicityActivity)
        if count <= 0:
            return 0
        table = Table(PublicityActivity, self.rng, self.now)
        targets = [t.value for t in Target]
        forms = [f.value for f in ActivityForm]
        laws = list(LawTopic.objects.values_list("pk", flat=True))
        rng = self.rng
        first = next_id(PublicityActivity)

        def rows() -> Iterator[dict[str, Any]]:
            for n in range(count):
                held = self.day()
                office = rng.choice(self.offices)
                yield {
                    "id": first + n,
                    "unit_id": office.pk,
                    "held_on": held,
                    "theme": rng.choice(THEMES),
                    "target": rng.choice(targets),
                    "form": rng.choice(forms),
                    "place": f"{office.name}辖区",
                    "participants": rng.randint(10, 500),
                    "materials": rng.randint(0, 800),
                    "created_at": self.stamp(held),
                    "updated_at": self.stamp(held),
                }

        made = copy_rows(table, rows(), "publicity activities")
        through = PublicityActivity.laws.through
        link = Table(through, self.rng, self.now)
        link_first = next_id(through)
        copy_rows(
            link,
            (
                {"id": link_first + n, "publicityactivity_id": first + n, "lawtopic_id": law}
                for n, law in enumerate(rng.choice(laws) for _ in range(count))
            ),
            "publicity activities' laws",
        )
        return made

    # -- staff ---------------------------------------------------------------------------------
    def staff(self) -> int:
        from sifasuo.offices.models import OfficeReturn
        from sifasuo.staff.choices import Establishment, Post
        from sifasuo.staff.models import StaffMember

        target = self.targets["staff"]
        count = target - self.existing(StaffMember)
        if count <= 0:
            return 0
        year = self.until.year
        have = set(OfficeReturn.objects.filter(year=year).values_list("unit_id", flat=True))
        returns = Table(OfficeReturn, self.rng, self.now)
        return_first = next_id(OfficeReturn)
        missing = [o for o in self.offices if o.pk not in have]
        copy_rows(
            returns,
            (
                {"id": return_first + n, "unit_id": o.pk, "year": year}
                for n, o in enumerate(missing)
            ),
            "office returns",
        )
        return_ids = list(OfficeReturn.objects.filter(year=year).values_list("pk", flat=True))
        people = self.people(count)
        table = Table(StaffMember, self.rng, self.now)
        establishments = [e.value for e in Establishment]
        posts = [p.value for p in Post]
        rng = self.rng
        first = next_id(StaffMember)
        return copy_rows(
            table,
            (
                {
                    "id": first + n,
                    "office_return_id": rng.choice(return_ids),
                    "person_id": person,
                    "establishment": rng.choice(establishments),
                    "post": rng.choice(posts),
                    "is_party_member": rng.random() < 0.6,
                    "has_legal_qualification": rng.random() < 0.3,
                    "on_post_on": date(rng.randint(2005, year), rng.randint(1, 12), 1),
                }
                for n, person in enumerate(people)
            ),
            "staff",
        )

    def run(self) -> None:
        self.prepare_units()
        steps: dict[str, Callable[[], int]] = {
            "mediation": self.mediation,
            "consultations": self.consultations,
            "correction": self.correction,
            "released": self.released,
            "publicity": self.publicity,
            "staff": self.staff,
        }
        for name, step in steps.items():
            if name in self.targets:
                self.run_step(name, step)


def rebuild_stats() -> None:
    """``manage.py rebuild_stats``, or ``stats.rollups.rebuild()`` where the command is not."""
    from django.core.management import call_command, get_commands

    started = time.monotonic()
    if "rebuild_stats" in get_commands():
        call_command("rebuild_stats")
        how = "manage.py rebuild_stats"
    else:
        from sifasuo.stats import rollups

        written = rollups.rebuild()
        how = f"stats.rollups.rebuild(): {sum(written.values()):,} aggregate rows"
    print(f"{how}: {time.monotonic() - started:.1f} s", flush=True)


def analyze() -> None:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"ANALYZE: {time.monotonic() - started:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="city")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sifasuo_bench"),
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--until", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument("--no-rebuild", action="store_true", help="skip manage.py rebuild_stats")
    parser.add_argument("--rebuild-only", action="store_true", help="only rebuild the aggregates")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("the generator writes with PostgreSQL COPY: give a postgres:// URL")
    setup(args.database_url)
    if args.rebuild_only:
        rebuild_stats()
        analyze()
        return 0
    from django.utils import timezone

    until = args.until or timezone.localdate()
    started = time.monotonic()
    generator = Generator(args.scale, args.seed, until, args.years)
    generator.run()
    analyze()
    total = sum(count for count, _ in generator.summary.values())
    elapsed = time.monotonic() - started
    print(f"generated {total:,} ledger rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s)")
    from sifasuo.stats.models import Aggregate

    if args.no_rebuild:
        pass
    elif total or not Aggregate.objects.exists():
        rebuild_stats()
        analyze()  # the aggregates' statistics: without them the planner sorts on disk
    else:
        print("aggregates: nothing added, kept as they are (--rebuild-only rebuilds them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
