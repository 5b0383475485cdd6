"""The legal aid eligibility check (法律援助法 2021): each criterion passes or fails, with why.

An applicant appears eligible when the matter is within the scope of legal aid and either
the matter needs no means test (art. 32), or the applicant belongs to a category exempt
from it (art. 42), or the per-capita monthly household income is at or below the standard
(art. 34; the standard is data, ``EligibilityStandard``). The office only pre-screens: the
district legal aid centre decides (art. 43).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from sifasuo.legalservice.choices import Eligibility, ExemptCategory
from sifasuo.legalservice.models import EligibilityStandard, LegalAidCaseType


@dataclass(frozen=True)
class Criterion:
    """One test of the eligibility check and its outcome."""

    code: str
    label: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class EligibilityResult:
    result: str
    criteria: list[Criterion]
    limit: Decimal
    per_capita: Decimal

    @property
    def eligible(self) -> bool:
        return self.result == Eligibility.ELIGIBLE

    def as_json(self) -> list[dict[str, Any]]:
        return [asdict(c) for c in self.criteria]


def standard_for(district_code: str) -> EligibilityStandard | None:
    """The standard of the office's district if one is set, else the city-wide default."""
    standards = EligibilityStandard.objects.filter(is_active=True)
    if district_code:
        found = standards.filter(region_code=district_code).order_by("code").first()
        if found is not None:
            return found
    return standards.filter(region_code="").order_by("code").first()


def assess(
    *,
    case_type: LegalAidCaseType,
    household_size: int,
    monthly_household_income: Decimal,
    exempt_categories: Iterable[str],
    standard: EligibilityStandard | None,
) -> EligibilityResult:
    """Run every criterion and combine them; nothing is saved."""
    size = max(int(household_size or 1), 1)
    per_capita = (Decimal(monthly_household_income) / size).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    limit = standard.monthly_income_limit if standard is not None else Decimal("0")
    labels = dict(ExemptCategory.choices)
    exempt = [str(labels.get(code, code)) for code in exempt_categories]

    in_scope = Criterion(
        "scope",
        _("The matter is within the scope of legal aid"),
        case_type.in_scope,
        (
            _("%(type)s (%(basis)s).") % {"type": case_type.name, "basis": case_type.legal_basis}
            if case_type.in_scope
            else _(
                "%(type)s is not among the matters listed by the Legal Aid Law; the legal aid "
                "centre decides whether a regulation covers it."
            )
            % {"type": case_type.name}
        ),
    )
    by_matter = Criterion(
        "matter_exempt",
        _("No means test for this matter (art. 32)"),
        case_type.means_test_exempt,
        _("The Legal Aid Law does not examine economic difficulty for this matter.")
        if case_type.means_test_exempt
        else _("This matter needs the means test."),
    )
    by_person = Criterion(
        "person_exempt",
        _("The applicant is exempt from the means test (art. 42)"),
        bool(exempt),
        "、".join(exempt) if exempt else _("No exempt category was stated."),
    )
    if standard is None:
        income = Criterion(
            "income",
            _("Economic difficulty (art. 34)"),
            False,
            _("No economic-difficulty standard is configured; ask the system administrator."),
        )
    else:
        income = Criterion(
            "income",
            _("Economic difficulty (art. 34)"),
            per_capita <= limit,
            (
                _(
                    "Per-capita monthly income %(income)s yuan (%(total)s yuan for %(n)d "
                    "people) is at or below the standard of %(limit)s yuan."
                )
                if per_capita <= limit
                else _(
                    "Per-capita monthly income %(income)s yuan (%(total)s yuan for %(n)d "
                    "people) is above the standard of %(limit)s yuan."
                )
            )
            % {
                "income": per_capita,
                "total": Decimal(monthly_household_income).quantize(Decimal("0.01")),
                "n": size,
                "limit": limit,
            },
        )
    means_ok = by_matter.passed or by_person.passed or income.passed
    result = Eligibility.ELIGIBLE if in_scope.passed and means_ok else Eligibility.NOT_ELIGIBLE
    return EligibilityResult(result, [in_scope, by_matter, by_person, income], limit, per_capita)
