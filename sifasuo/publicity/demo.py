"""Demo data for publicity (seed_demo): synthetic, through the services, idempotent.

Every office gets a handful of activities over the last twelve months; a few towns get
法律明白人 in most villages (some below the target), demonstration households, village
advisers with a few months of service logs (some short of the norms) and demonstration
titles (one review overdue, one falling due); a few dozen offices get a town adviser. 西一路
(610102001) has every kind of record, a photo and a contract about to end.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people.demo import GIVEN, SURNAMES, synthetic_id_number
from sifasuo.people.models import Person
from sifasuo.publicity import services
from sifasuo.publicity.choices import (
    ActivityForm,
    DesignationLevel,
    HouseholdStatus,
    LiteratePool,
    MatterKind,
    ReviewResult,
    ServiceMode,
    Target,
    TownAdviserKind,
    VillageKind,
)
from sifasuo.publicity.models import (
    DemonstrationHousehold,
    DemonstrationVillage,
    LawTopic,
    LegalLiterate,
    PublicityActivity,
    TownAdviser,
    VillageAdviser,
)

XIYILU = "610102001"
# The offices whose towns get the full village work (西一路, 韦曲, and a few rural towns).
VILLAGE_OFFICES = (XIYILU, "610116001", "610122102", "610124101", "610115002")
TOWN_ADVISER_OFFICES = 30
MAX_VILLAGES = 20  # per office, to keep seed_demo quick (韦曲 has 87 communities)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
THEMES = [
    ("宪法宣传周：弘扬宪法精神", ["CONSTITUTION"]),
    ("民法典进万家", ["CIVIL_CODE"]),
    ("防范电信网络诈骗宣传", ["ANTI_FRAUD", "CRIMINAL_LAW"]),
    ("扫黑除恶常态化宣传", ["ORGANISED_CRIME", "CRIMINAL_LAW"]),
    ("未成年人保护法进校园", ["MINORS"]),
    ("乡村振兴促进法宣讲", ["RURAL_REVITALISATION"]),
    ("国家安全教育日宣传", ["NATIONAL_SECURITY", "CONSTITUTION"]),
    ("农民工欠薪维权法律知识", ["LABOUR", "ADMIN_REGULATIONS"]),
    ("民法典婚姻家庭编讲座", ["CIVIL_CODE", "OTHER"]),
]
LAW_FIRMS = [
    "陕西秦都律师事务所",
    "陕西长安正道律师事务所",
    "陕西古城律师事务所",
    "陕西渭水律师事务所",
]
POOLS = list(LiteratePool.values)


def _offices() -> list[Unit]:
    return list(
        Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True)
        .select_related("division")
        .prefetch_related("other_divisions")
        .order_by("code")
    )


def _village_offices(offices: list[Unit]) -> list[Unit]:
    by_code = {o.code: o for o in offices}
    chosen = [by_code[c] for c in VILLAGE_OFFICES if c in by_code]
    # Stand-ins where a listed rural office does not exist: the first office of that county.
    for code in VILLAGE_OFFICES:
        if code not in by_code:
            found = next((o for o in offices if o.code.startswith(code[:6])), None)
            if found is not None and found not in chosen:
                chosen.append(found)
    return chosen


class _People:
    """Synthetic registry people with checksum-valid, unused ID numbers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.k = 0

    def new(self, office: Unit) -> services.PersonInput:
        while True:
            self.k += 1
            male = self.k % 2 == 0
            born = date(1958, 3, 1) + timedelta(days=self.k * 53 % 14000)
            number = synthetic_id_number(office.code[:6], born, 40 + self.k % 50, male)
            index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
            if not Person.objects.filter(id_number_bidx=index).exists():
                break
        return services.PersonInput(
            name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
            id_number=number,
            phone=f"139{self.rng.randrange(10000000, 99999999)}",
        )


def _activities(offices: list[Unit], rng: random.Random, today: date) -> int:
    laws = {law.code: law for law in LawTopic.objects.all()}
    done = set(PublicityActivity.objects.values_list("unit_id", flat=True).distinct())
    created = 0
    targets, kinds = list(Target.values), list(ActivityForm.values)
    for office in offices:
        count = 9 if office.code == XIYILU else rng.randrange(2, 4)
        draws = [
            (
                rng.choice(THEMES),
                rng.randrange(1, 360),
                rng.choice(targets),
                rng.choice(kinds),
                rng.randrange(20, 400),
                rng.randrange(0, 600),
            )
            for _ in range(count)
        ]
        if office.pk in done:
            continue
        villages = list(services.villages_of([office])[:20])
        for n, ((theme, codes), days_ago, target, kind, people, materials) in enumerate(draws):
            if office.code == XIYILU:
                target = targets[n % len(targets)]
            village = villages[n % len(villages)] if villages and n % 2 == 0 else None
            activity = services.activity_create(
                actor=None,
                office=office,
                held_on=today - timedelta(days=days_ago),
                theme=theme,
                laws=[laws[c] for c in codes if c in laws],
                target=target,
                form=kind,
                place=(village.name if village else office.name.removesuffix("司法所")) + "广场",
                village=village,
                participants=people,
                materials=materials,
            )
            if office.code == XIYILU and n == 0:
                services.activity_add_photo(
                    actor=None,
                    activity=activity,
                    uploaded=SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
                )
            created += 1
    return created


def _literates(offices: list[Unit], rng: random.Random, people: _People, today: date) -> int:
    created = 0
    for office in offices:
        if LegalLiterate.objects.filter(unit=office).exists():
            continue
        for n, village in enumerate(services.villages_of([office])[:MAX_VILLAGES]):
            share = rng.random()
            wanted = rng.choice([1, 2, 3, 3, 3, 4]) if share < 0.85 else 0
            if office.code == XIYILU:
                wanted = [3, 4, 2, 3, 1, 3, 0, 3][n % 8]
            for i in range(wanted):
                literate = services.literate_create(
                    actor=None,
                    office=office,
                    person=people.new(office),
                    village=village,
                    appointed_on=today - timedelta(days=rng.randrange(60, 1200)),
                    pool=rng.choice(POOLS),
                    certificate_number=f"法明{office.code[-3:]}{n:03d}{i}",
                )
                services.literate_add_training(
                    actor=None,
                    literate=literate,
                    trained_on=max(literate.appointed_on, today - timedelta(days=90)),
                    hours=Decimal(rng.choice(["2.0", "3.0", "4.0"])),
                    topic="民法典与基层矛盾纠纷化解",
                )
                created += 1
    return created


def _households(offices: list[Unit], rng: random.Random, people: _People, today: date) -> int:
    created = 0
    for office in offices:
        if DemonstrationHousehold.objects.filter(unit=office).exists():
            continue
        for n, village in enumerate(services.villages_of([office])[:MAX_VILLAGES]):
            if n % 2:
                continue
            for year in (today.year - 2, today.year - 1):
                services.household_create(
                    actor=None,
                    office=office,
                    head=people.new(office),
                    village=village,
                    year=year,
                    status=HouseholdStatus.REVOKED if n == 4 else HouseholdStatus.ACTIVE,
                )
                created += 1
    return created


def _month_start(today: date, back: int) -> date:
    first = today.replace(day=1)
    for _ in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


def _advisers(offices: list[Unit], rng: random.Random, today: date) -> tuple[int, int]:
    advisers = logs = 0
    for office in offices:
        if VillageAdviser.objects.filter(unit=office).exists():
            continue
        rural = office.code[4:6] in ("15", "22", "24", "17", "18")
        for n, village in enumerate(services.villages_of([office])[:MAX_VILLAGES]):
            if rng.random() > 0.85 or (office.code == XIYILU and n == 6):
                continue  # a village without an adviser
            ending_soon = n == 1
            adviser = services.adviser_create(
                actor=None,
                office=office,
                village=village,
                village_kind=VillageKind.REMOTE if rural and n % 3 == 0 else VillageKind.COMMUNITY,
                lawyer_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + "律师",
                law_firm=rng.choice(LAW_FIRMS),
                licence_number=f"1610120{rng.randrange(1000000000, 9999999999)}",
                phone=f"138{rng.randrange(10000000, 99999999)}",
                contract_start=today - timedelta(days=330),
                contract_end=today + timedelta(days=20 if ending_soon else 400),
            )
            advisers += 1
            diligent = rng.random() < 0.7 or (office.code == XIYILU and n in (0, 2))
            for back in range(3, -1, -1):
                first = _month_start(today, back)
                visits = 2 if diligent else rng.choice([0, 1])
                for v in range(visits):
                    day = first + timedelta(days=3 + v * 9)
                    if day > today:
                        continue
                    lecture = int(diligent and v == 0 and first.month % 3 == 2)
                    services.adviser_add_log(
                        actor=None,
                        adviser=adviser,
                        served_on=day,
                        mode=ServiceMode.ON_SITE,
                        hours=Decimal("3.0"),
                        lectures=lecture,
                        consultations=rng.randrange(1, 6),
                        matters="驻村坐班，解答土地承包、婚姻家庭法律咨询"
                        + ("；举办法治讲座" if lecture else ""),
                    )
                    logs += 1
                if rng.random() < 0.4 and first + timedelta(days=20) <= today:
                    services.adviser_add_log(
                        actor=None,
                        adviser=adviser,
                        served_on=first + timedelta(days=20),
                        mode=ServiceMode.REMOTE,
                        hours=Decimal("1.0"),
                        consultations=rng.randrange(1, 4),
                        matters="电话、微信群解答法律咨询",
                    )
                    logs += 1
    return advisers, logs


def _titles(offices: list[Unit], today: date) -> int:
    created = 0
    plan = [
        (DesignationLevel.NATIONAL, 3, None),  # review overdue
        (DesignationLevel.PROVINCIAL, 2, -40),  # review falls due in 40 days
        (DesignationLevel.CITY, 1, None),
        (DesignationLevel.DISTRICT, 3, "revoked"),
    ]
    for office in offices:
        if DemonstrationVillage.objects.filter(unit=office).exists():
            continue
        villages = list(services.villages_of([office]))
        for (level, years_ago, special), village in zip(plan, villages, strict=False):
            designated = date(today.year - years_ago, 6, 18)
            review_due = None
            if isinstance(special, int):
                review_due = today - timedelta(days=special)
            title = services.village_designate(
                actor=None,
                office=office,
                village=village,
                level=level,
                year=designated.year,
                designated_on=designated,
                review_due=review_due,
            )
            if special == "revoked":
                services.village_review(
                    actor=None,
                    title=title,
                    version=title.version,
                    reviewed_on=designated + timedelta(days=700),
                    result=ReviewResult.REVOKED,
                    note="复核不合格，撤销称号",
                )
            created += 1
    return created


def _town_advisers(offices: list[Unit], rng: random.Random, today: date) -> tuple[int, int]:
    advisers = matters = 0
    chosen = [o for o in offices if o.code == XIYILU] + [o for o in offices if o.code != XIYILU][
        :TOWN_ADVISER_OFFICES
    ]
    for n, office in enumerate(chosen):
        if TownAdviser.objects.filter(unit=office).exists():
            continue
        end = today + timedelta(days=18 if office.code == XIYILU or n % 7 == 3 else 200)
        adviser = services.town_adviser_create(
            actor=None,
            office=office,
            kind=TownAdviserKind.GOVERNMENT_ADVISER,
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            firm_or_post=rng.choice(LAW_FIRMS),
            licence_number=f"1610120{rng.randrange(1000000000, 9999999999)}",
            phone=f"137{rng.randrange(10000000, 99999999)}",
            contract_start=end - timedelta(days=365),
            contract_end=end,
        )
        advisers += 1
        for m, (kind, matter) in enumerate(
            [
                (MatterKind.CONTRACT, "街道办事处物业服务合同审查"),
                (MatterKind.DECISION, "老旧小区改造实施方案合法性论证"),
                (MatterKind.PETITION, "征收补偿信访事项法律意见"),
            ]
        ):
            services.town_adviser_add_matter(
                actor=None,
                adviser=adviser,
                handled_on=today - timedelta(days=20 + 45 * m),
                matter=matter,
                kind=kind,
                outcome="已出具书面法律意见，被采纳",
            )
            matters += 1
        if office.code == XIYILU or n % 5 == 0:
            services.town_adviser_create(
                actor=None,
                office=office,
                kind=TownAdviserKind.PUBLIC_LAWYER,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                firm_or_post="街道办事处司法所干部（公职律师）",
                licence_number=f"2610120{rng.randrange(1000000000, 9999999999)}",
                contract_start=today - timedelta(days=400),
                contract_end=today + timedelta(days=700),
            )
            advisers += 1
    return advisers, matters


def create_demo_publicity() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing."""
    rng = random.Random(20247)  # noqa: S311 - synthetic demo data, not security
    today = timezone.localdate()
    with transaction.atomic():
        offices = _offices()
        village_offices = _village_offices(offices)
        people = _People(rng)
        activities = _activities(offices, rng, today)
        literates = _literates(village_offices, rng, people, today)
        households = _households(village_offices, rng, people, today)
        advisers, logs = _advisers(village_offices, rng, today)
        titles = _titles(village_offices, today)
        town_advisers, matters = _town_advisers(offices, rng, today)
    return {
        "publicity activities": activities,
        "legal-literate villagers": literates,
        "demonstration households": households,
        "village advisers": advisers,
        "adviser service records": logs,
        "demonstration villages": titles,
        "town advisers": town_advisers,
        "matters handled": matters,
    }
