"""Records for the standards tests, made through the services.

``passing_return`` makes a return that passes all nine checks (change any field to fail
one); ``open_campaign`` opens a campaign over some offices; ``walker_records`` gives the URL
walker (``tests/accounts/test_urls.py``) a record of every standards model owned by 西一路.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

from sifasuo.offices import services as office_services
from sifasuo.offices.choices import PartyForm, RoomKind
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number
from sifasuo.staff import services as staff_services
from sifasuo.staff.choices import Establishment
from sifasuo.standards import services
from sifasuo.standards.choices import RuleType, ScoringMethod
from sifasuo.standards.models import Assessment, Campaign, Framework

XIYILU = "610102001"
_serial = count(7000)

PASSING_PROFILE: dict[str, Any] = {
    "business_area": Decimal("150.0"),
    "sign_emblem": True,
    "sign_office_plaque": True,
    "sign_station_plaque": True,
    "establishment_quota": 1,
    "party_form": PartyForm.JOINT,
    "remote_visit_installed_on": date(2022, 6, 1),
    "video_conf_installed_on": date(2022, 6, 1),
    "funding_personnel": Decimal("1"),
    "funding_public": Decimal("1"),
    "funding_casework": Decimal("1"),
    "funding_equipment": Decimal("1"),
    "funding_infrastructure": Decimal("1"),
}


def office(code: str = XIYILU) -> Unit:
    return Unit.objects.get(code=code)


def person(unit: Unit, name: str = "测试员") -> Any:
    number = synthetic_id_number("610102", date(1986, 3, 1), next(_serial), male=True)
    return people_services.person_create(actor=None, unit=unit, name=name, id_number=number)


def passing_return(
    code: str = XIYILU, year: int = 2024, *, rooms_missing: int = 0, **profile: Any
) -> OfficeReturn:
    """A return of ``code`` for ``year`` passing all nine checks unless told otherwise."""
    unit = office(code)
    office_return = office_services.return_create(actor=None, office=unit, year=year)
    office_services.return_update(
        actor=None, office_return=office_return, **{**PASSING_PROFILE, **profile}
    )
    kinds = list(RoomKind.values)
    present = {kind: n >= rooms_missing for n, kind in enumerate(kinds)}
    office_services.rooms_set(actor=None, office_return=office_return, present=present)
    member = person(unit)
    staff_services.staff_add(
        actor=None,
        office_return=office_return,
        row=staff_services.StaffInput(
            person=member,
            establishment=Establishment.POLITICS_LAW,
            on_post_on=date(2020, 1, 1),
            is_party_member=True,
        ),
    )
    staff_services.training_add(
        actor=None,
        office_return=office_return,
        row=staff_services.TrainingInput(
            person=member, course="业务培训", start_date=date(year, 3, 1), days=Decimal("12")
        ),
    )
    return office_return


def framework(year: int = 2024) -> Framework:
    return Framework.objects.get(year=year, is_active=True)


def open_campaign(
    codes: list[str] | None = None, *, year: int = 2024, name: str = "", batch: str = ""
) -> Campaign:
    """A campaign (by the system) over the offices ``codes`` (default: 西一路 and 韦曲)."""
    units = [office(c) for c in (codes or [XIYILU, "610116001"])]
    return services.campaign_open(
        actor=None,
        framework=framework(year),
        year=year,
        name=name or f"{year}年度六好司法所评价（测试）",
        due_on=date(year, 12, 20),
        offices=units,
        batch=batch,
        opened_on=date(year, 11, 1),
    )


def assessment_of(campaign: Campaign, code: str = XIYILU) -> Assessment:
    return Assessment.objects.get(campaign=campaign, unit__code=code)


def assess_manual(assessment: Assessment, *, actor: Any = None, full: bool = True) -> None:
    """Assess every manual item: full points, or nothing met."""
    for item in assessment.items.select_related("indicator"):
        indicator = item.indicator
        if indicator.rule_type != RuleType.MANUAL:
            continue
        if indicator.scoring_method == ScoringMethod.DEDUCT_PER_MISSING and indicator.elements:
            services.item_assess(
                actor=actor,
                item=item,
                missing_elements=[] if full else list(indicator.elements),
            )
        else:
            services.item_assess(
                actor=actor, item=item, score=indicator.points if full else Decimal("0")
            )


def submitted(code: str = XIYILU, *, failing: bool = True) -> Assessment:
    """A submitted 2024 assessment of ``code`` (its return fails the area check if ``failing``)."""
    extra = {"business_area": Decimal("100.0")} if failing else {}
    passing_return(code, **extra)
    campaign = open_campaign([code])
    assessment = assessment_of(campaign, code)
    assess_manual(assessment)
    return services.assessment_submit(actor=None, assessment=assessment, today=date(2024, 12, 2))


def walker_records() -> dict[type, list[Any]]:
    """Records of every standards model owned by 西一路 (for the URL walker's ``owned``).

    Uses 西一路's 2024 return if there is one (else makes one: the compliance endpoint needs
    it); a campaign over 西一路 and another 新城区 office only (so a 韦曲 clerk does not see
    it), its assessment, submitted with one manual item not met (so a rectification is open),
    its items and a demonstration unit.
    """
    from sifasuo.standards.models import AssessmentItem, DemonstrationUnit, Rectification

    if not OfficeReturn.objects.filter(unit__code=XIYILU, year=2024).exists():
        passing_return(XIYILU)
    campaign = open_campaign([XIYILU, "610102002"], name="2024年度六好司法所评价（走查）")
    assessment = assessment_of(campaign)
    assess_manual(assessment)
    rotation = assessment.items.select_related("indicator", "assessment").get(
        indicator__code="ROTATION"
    )
    services.item_assess(actor=None, item=rotation, score=Decimal("0"))
    services.assessment_submit(actor=None, assessment=assessment, today=date(2024, 12, 2))
    demonstration = services.demonstration_designate(actor=None, office=office(), year=2024)
    return {
        Campaign: [campaign],
        Assessment: [assessment],
        AssessmentItem: list(assessment.items.order_by("pk")[:3]),
        Rectification: list(Rectification.objects.filter(assessment=assessment)),
        DemonstrationUnit: [demonstration],
    }


_matrix = count(1)


def matrix_assessment(unit: Unit) -> Assessment:
    """An assessment owned by ``unit`` of any kind (for the permission matrix: no workflow)."""
    campaign = Campaign.objects.create(
        unit=Unit.objects.get(code="610100"),
        year=2024,
        framework=framework(),
        name=f"矩阵测试 {next(_matrix)}",
        opened_on=date(2024, 11, 1),
        due_on=date(2024, 12, 20),
    )
    return Assessment.objects.create(campaign=campaign, unit=unit, due_on=date(2024, 12, 20))


def matrix_rectification(unit: Unit) -> Any:
    """A rectification owned by ``unit`` of any kind (for the permission matrix)."""
    from sifasuo.standards.models import Rectification

    assessment = matrix_assessment(unit)
    return Rectification.objects.create(
        unit=unit,
        assessment=assessment,
        indicator=assessment.campaign.framework.indicators.get(code="PREMISES_AREA"),
        problem="矩阵测试",
        due_on=date(2025, 1, 31),
    )
