"""Demo data for correction (seed_demo): a caseload in every office, a full set at 西一路.

Deterministic (a fixed seed) and idempotent (an office that has subjects is skipped).
Made through the services as the system, with dates relative to today, so every state and
class, a month of reports, overdue reports (one missed by exactly one day at 西一路
610102001), applications and measures appear. Synthetic people only.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sifasuo.correction import services
from sifasuo.correction.choices import (
    ActivityKind,
    Category,
    ContactKind,
    EndReason,
    MeasureKind,
    RequestKind,
    SupervisionClass,
    TeamRole,
)
from sifasuo.correction.models import CorrectionSubject, DisciplineRule
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people.demo import GIVEN, SURNAMES, synthetic_id_number
from sifasuo.people.models import Person

XIYILU = "610102001"
CRIMES = [
    ("盗窃罪", "有期徒刑一年，缓刑一年六个月"),
    ("危险驾驶罪", "拘役三个月，缓刑六个月，并处罚金"),
    ("诈骗罪", "有期徒刑二年，缓刑三年"),
    ("故意伤害罪", "有期徒刑一年六个月，缓刑二年"),
    ("交通肇事罪", "有期徒刑一年，缓刑一年"),
    ("寻衅滋事罪", "有期徒刑十个月，缓刑一年"),
    ("非法经营罪", "有期徒刑二年，假释考验期八个月"),
    ("帮助信息网络犯罪活动罪", "有期徒刑一年，缓刑一年六个月"),
]
COURTS = ["人民法院", "人民法院", "人民法院", "人民法院", "监狱管理局"]
CLASSES = [SupervisionClass.STRICT, SupervisionClass.NORMAL, SupervisionClass.LENIENT]
CATEGORIES = [
    Category.PROBATION,
    Category.PROBATION,
    Category.PAROLE,
    Category.CONTROL,
    Category.MEDICAL_PAROLE,
]


class _Maker:
    """Makes one office's subjects with a shared random stream."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.counts = {"subjects": 0, "reports": 0, "applications": 0, "measures": 0}

    def person(self, office: Unit, n: int) -> Person:
        male = self.rng.random() < 0.8
        born = date(1965, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 35))
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        field = Person._meta.get_field("id_number_bidx")
        for attempt in range(20):
            number = synthetic_id_number(office.code[:6], born, 90 + n + attempt * 7, male)
            if not Person.objects.filter(id_number_bidx=field.index_of(number)).exists():  # type: ignore[union-attr]
                break
        return services.subject_person(
            actor=None,
            office=office,
            name=name,
            id_number=number,
            phone=f"13{self.rng.randrange(100000000, 999999999)}",
            address=f"西安市{office.name.removesuffix('司法所')}{self.rng.randrange(1, 300)}号",
        )

    def subject(
        self,
        office: Unit,
        n: int,
        *,
        effective_days_ago: int,
        months: int = 18,
        period_days: int | None = None,
        supervision_class: str | None = None,
        category: str | None = None,
        prohibition: bool = False,
    ) -> CorrectionSubject:
        crime, sentence = self.rng.choice(CRIMES)
        effective = self.today - timedelta(days=effective_days_ago)
        court = office.district_name.removesuffix("司法局") or "西安市"
        subject = services.subject_register(
            actor=None,
            office=office,
            person=self.person(office, n),
            category=category or self.rng.choice(CATEGORIES),
            decision_organ=f"{court}{self.rng.choice(COURTS)}",
            decision_document=f"（{effective.year}）陕01刑初{self.rng.randrange(100, 999)}号",
            judgment_effective_on=effective,
            crime=crime,
            sentence=sentence,
            criminal_facts="（演示数据）",
            period_start=effective,
            period_end=effective + timedelta(days=period_days or months * 30),
            supervision_class=supervision_class or self.rng.choice(CLASSES),
            has_prohibition_order=prohibition,
            prohibition_content="禁止进入夜总会、酒吧、迪厅、网吧等娱乐场所" if prohibition else "",
            is_five_alone=self.rng.random() < 0.1,
            has_four_histories=self.rng.random() < 0.1,
        )
        self.counts["subjects"] += 1
        return subject

    def receive(self, subject: CorrectionSubject, days_after: int = 5) -> CorrectionSubject:
        return services.subject_receive(
            actor=None,
            subject=subject,
            received_on=subject.judgment_effective_on + timedelta(days=days_after),
            note="本人持法律文书按时报到",
        )

    def reports(self, subject: CorrectionSubject, *, last_days_ago: int, count: int) -> None:
        """``count`` reports at the class interval, the last ``last_days_ago`` days ago."""
        every = services.class_rule(subject.supervision_class).report_every_days
        kinds = [
            ContactKind.IN_PERSON,
            ContactKind.PHONE,
            ContactKind.INFO_CHECK,
            ContactKind.WRITTEN,
        ]
        for k in range(count - 1, -1, -1):
            day = self.today - timedelta(days=last_days_ago + k * every)
            if subject.received_on is None or day < subject.received_on:
                continue
            services.contact_record(
                actor=None, subject=subject, kind=kinds[k % len(kinds)], occurred_on=day
            )
            self.counts["reports"] += 1

    def visit(self, subject: CorrectionSubject, days_ago: int) -> None:
        services.contact_record(
            actor=None,
            subject=subject,
            kind=ContactKind.FIELD_VISIT,
            occurred_on=self.today - timedelta(days=days_ago),
            notes="到居住地走访，与社区网格员了解近况",
        )
        self.counts["reports"] += 1

    def end(self, subject: CorrectionSubject, reason: str, *, days_ago: int = 0) -> None:
        day = (
            subject.period_end
            if reason == EndReason.PERIOD_END
            else self.today - timedelta(days=days_ago)
        )
        services.subject_end(actor=None, subject=subject, reason=reason, ended_on=day)


def _office_caseload(maker: _Maker, office: Unit, index: int) -> None:
    """Two or three subjects: one under correction on time, the others in a rotating state."""
    rng = maker.rng
    steady = maker.subject(office, 1, effective_days_ago=rng.randrange(40, 300))
    steady = maker.receive(steady)
    every = services.class_rule(steady.supervision_class).report_every_days
    maker.reports(steady, last_days_ago=rng.randrange(0, every), count=2)
    state = index % 6
    if state == 0:
        maker.subject(office, 2, effective_days_ago=rng.randrange(1, 9))  # awaiting report
    elif state == 1:
        late = maker.receive(maker.subject(office, 2, effective_days_ago=rng.randrange(60, 200)))
        every = services.class_rule(late.supervision_class).report_every_days
        maker.reports(late, last_days_ago=every + rng.choice([2, 4, 6, 13]), count=1)
    elif state == 2:
        done = maker.receive(maker.subject(office, 2, effective_days_ago=600, months=12))
        maker.end(done, EndReason.PERIOD_END)
    elif state == 3:
        revoked = maker.receive(maker.subject(office, 2, effective_days_ago=rng.randrange(90, 300)))
        maker.end(revoked, EndReason.REVOCATION, days_ago=rng.randrange(1, 30))
    elif state == 4:
        normal = maker.receive(
            maker.subject(
                office,
                2,
                effective_days_ago=rng.randrange(60, 200),
                supervision_class=SupervisionClass.NORMAL,
            )
        )
        maker.reports(normal, last_days_ago=rng.randrange(0, 10), count=1)
        services.request_submit(
            actor=None,
            subject=normal,
            kind=RequestKind.LEAVE,
            destination="咸阳市秦都区",
            reason="探望住院的父亲",
            applied_on=maker.today,
            start_on=maker.today + timedelta(days=2),
            end_on=maker.today + timedelta(days=5),
        )
        maker.counts["applications"] += 1
    else:
        gone = maker.receive(maker.subject(office, 2, effective_days_ago=rng.randrange(90, 300)))
        maker.end(gone, EndReason.DEATH, days_ago=rng.randrange(1, 60))


def _xiyilu(maker: _Maker, office: Unit) -> None:
    """西一路: a full set for the demo accounts and the browser test."""
    today = maker.today
    # 1. Strict, a month of weekly reports; the last one 8 days ago: missed by exactly one day.
    one_day = maker.receive(
        maker.subject(
            office,
            11,
            effective_days_ago=45,
            supervision_class=SupervisionClass.STRICT,
            category=Category.PROBATION,
            prohibition=True,
        )
    )
    maker.reports(one_day, last_days_ago=8, count=5)
    maker.visit(one_day, 10)
    services.team_member_add(
        actor=None, subject=one_day, role=TeamRole.OFFICE, name="西一路司法所 李明"
    )
    services.team_member_add(
        actor=None, subject=one_day, role=TeamRole.COMMITTEE, name="社区网格员 王芳"
    )
    services.subject_announce(
        actor=None, subject=one_day, announced_on=one_day.received_on or today
    )
    # 2. Normal, on time, a 5-day leave awaiting the office.
    leave = maker.receive(
        maker.subject(office, 12, effective_days_ago=120, supervision_class=SupervisionClass.NORMAL)
    )
    maker.reports(leave, last_days_ago=3, count=3)
    maker.visit(leave, 12)
    services.request_submit(
        actor=None,
        subject=leave,
        kind=RequestKind.LEAVE,
        destination="宝鸡市渭滨区",
        reason="参加亲属婚礼",
        applied_on=today,
        start_on=today + timedelta(days=3),
        end_on=today + timedelta(days=7),
    )
    # 3. Lenient, a 10-day leave: the office supported it, the district decides.
    far = maker.receive(
        maker.subject(
            office, 13, effective_days_ago=300, supervision_class=SupervisionClass.LENIENT
        )
    )
    maker.reports(far, last_days_ago=5, count=2)
    maker.visit(far, 20)
    long_leave = services.request_submit(
        actor=None,
        subject=far,
        kind=RequestKind.LEAVE,
        destination="上海市浦东新区",
        reason="务工单位安排外出培训",
        applied_on=today - timedelta(days=1),
        start_on=today + timedelta(days=5),
        end_on=today + timedelta(days=14),
    )
    services.request_office_decide(
        actor=None,
        request=long_leave,
        approve=True,
        opinion="表现良好，建议批准",
        decided_on=today,
    )
    # 4. Strict, out of contact 12 days: an admonition decided, a warning proposed to the district.
    lost = maker.receive(
        maker.subject(office, 14, effective_days_ago=150, supervision_class=SupervisionClass.STRICT)
    )
    maker.reports(lost, last_days_ago=19, count=3)
    maker.visit(lost, 25)
    rules = {r.code: r for r in DisciplineRule.objects.all()}
    services.measure_record(
        actor=None,
        subject=lost,
        kind=MeasureKind.ADMONITION,
        facts="未按规定时间报告，经教育后仍未改正",
        proposed_on=today - timedelta(days=10),
        rule=rules.get("lost_contact.admonition"),
    )
    services.measure_record(
        actor=None,
        subject=lost,
        kind=MeasureKind.WARNING,
        facts="脱离监管超过十日",
        proposed_on=today,
        rule=rules.get("lost_contact.warning"),
    )
    # 5. Just registered: awaiting the report-in.
    maker.subject(office, 15, effective_days_ago=3, category=Category.PROBATION)
    # 6. The period ended yesterday: to be ended (解矫) today.
    ending = maker.receive(
        maker.subject(
            office,
            16,
            effective_days_ago=366,
            period_days=365,
            supervision_class=SupervisionClass.LENIENT,
            category=Category.CONTROL,
        )
    )
    maker.reports(ending, last_days_ago=2, count=2)
    maker.visit(ending, 15)
    # 7. Ended at term (certificate issued); 8. revoked.
    done = maker.receive(maker.subject(office, 17, effective_days_ago=500, months=12))
    maker.end(done, EndReason.PERIOD_END)
    revoked = maker.receive(maker.subject(office, 18, effective_days_ago=200))
    maker.end(revoked, EndReason.REVOCATION, days_ago=20)
    # Hours this month for the first subject.
    for kind, hours in ((ActivityKind.EDUCATION, "4"), (ActivityKind.PUBLIC_SERVICE, "6")):
        services.activity_record(
            actor=None,
            subject=one_day,
            kind=kind,
            held_on=today.replace(day=1),
            hours=Decimal(hours),
            content="集中教育学习" if kind == ActivityKind.EDUCATION else "社区清扫",
        )
    services.subject_set_plan(
        actor=None,
        subject=one_day,
        plan="每周当面报告；每月集中教育；重点加强法治教育和心理疏导",
        review_on=today + timedelta(days=20),
    )
    maker.counts["applications"] += 2
    maker.counts["measures"] += 2


def create_demo_correction() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing."""
    today = timezone.localdate()
    rng = random.Random(20246)  # noqa: S311 - synthetic demo data
    maker = _Maker(rng, today)
    done = set(CorrectionSubject.objects.values_list("unit_id", flat=True).distinct())
    offices = list(Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("code"))
    for index, office in enumerate(offices):
        if office.pk in done:
            continue
        with transaction.atomic():
            if office.code == XIYILU:
                _xiyilu(maker, office)
            else:
                _office_caseload(maker, office, index)
    return dict(maker.counts)
