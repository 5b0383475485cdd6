"""The nine automatic checks of the six-good standard, computed from a year's return.

Every check is computed, never typed in, and explains itself: the value found, the
threshold, and in words which records make it pass or fail. The codes are a contract (they
appear in the API). Thresholds are the Xi'an plan's (seed 二.12, 二.15, 一.(二), 二.2, 二.18)
and can differ per framework (``Thresholds``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sifasuo.offices.choices import FundingCategory, PartyForm, RoomKind
from sifasuo.offices.models import OfficeReturn
from sifasuo.staff.choices import Establishment
from sifasuo.staff.models import StaffMember, Training

CHECK_CODES = (
    "PREMISES_AREA",
    "PREMISES_ROOMS",
    "SIGNAGE",
    "STAFF_FULL",
    "STAFF_TRAINING",
    "PARTY_ORG",
    "IT_REMOTE_VISIT",
    "IT_VIDEO_CONF",
    "FUNDING",
)
SIGNS = ("sign_emblem", "sign_office_plaque", "sign_station_plaque")


@dataclass(frozen=True)
class Thresholds:
    """The values a check compares with; the plan's by default."""

    min_area: Decimal = Decimal("120")
    training_days: Decimal = Decimal("12")
    training_hours: Decimal = Decimal("90")
    independent_branch_members: int = 3


PLAN = Thresholds()


@dataclass(frozen=True)
class CheckResult:
    """One check of one return: passed, the value found, the threshold, why."""

    code: str
    passed: bool
    value: Any
    threshold: Any
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        threshold = (
            self.threshold.isoformat() if isinstance(self.threshold, date) else self.threshold
        )
        if isinstance(value, Decimal):
            value = float(value)
        if isinstance(threshold, Decimal):
            threshold = float(threshold)
        return {
            "code": self.code,
            "passed": self.passed,
            "value": value,
            "threshold": threshold,
            "explanation": self.explanation,
        }


def with_check_data(queryset: Any) -> Any:
    """Prefetch what the checks read, so checking many returns costs a fixed few queries."""
    return queryset.select_related("unit").prefetch_related(
        "rooms",
        Prefetch("staff", queryset=StaffMember.objects.select_related("person")),
        Prefetch("trainings", queryset=Training.objects.all()),
    )


def _label(field: str) -> str:
    return str(OfficeReturn._meta.get_field(field).verbose_name)  # type: ignore[union-attr]


def _area(r: OfficeReturn, t: Thresholds) -> CheckResult:
    area = r.business_area
    passed = area is not None and area >= t.min_area
    if area is None:
        why = _("No business area is recorded.")
    else:
        why = _("Business area %(area)s m², the standard asks for at least %(min)s m².") % {
            "area": area,
            "min": t.min_area,
        }
    return CheckResult("PREMISES_AREA", passed, area, t.min_area, why)


def _rooms(r: OfficeReturn, t: Thresholds) -> CheckResult:
    present = {room.kind for room in r.rooms.all() if room.present}
    missing = [str(label) for kind, label in RoomKind.choices if kind not in present]
    passed = not missing
    why = (
        _("All six rooms and the station are present.")
        if passed
        else _("Missing: %(rooms)s.") % {"rooms": "、".join(missing)}
    )
    return CheckResult("PREMISES_ROOMS", passed, len(present), len(RoomKind.values), why)


def _signage(r: OfficeReturn, t: Thresholds) -> CheckResult:
    labels = {f: _label(f) for f in SIGNS}
    missing = [labels[f] for f in SIGNS if not getattr(r, f)]
    passed = not missing
    why = (
        _("The emblem and both plaques are up.")
        if passed
        else _("Missing: %(signs)s.") % {"signs": "、".join(missing)}
    )
    return CheckResult("SIGNAGE", passed, len(SIGNS) - len(missing), len(SIGNS), why)


def _on_post(r: OfficeReturn) -> list[StaffMember]:
    end = date(r.year, 12, 31)
    return [m for m in r.staff.all() if m.on_post(end)]


def _staff_full(r: OfficeReturn, t: Thresholds) -> CheckResult:
    on_post = [m for m in _on_post(r) if m.establishment == Establishment.POLITICS_LAW]
    quota = r.establishment_quota
    passed = quota >= 1 and len(on_post) >= quota
    if quota < 1:
        why = _("No politics-and-law special post quota is recorded.")
    else:
        why = _("%(count)d of %(quota)d politics-and-law special posts filled on 31 December.") % {
            "count": len(on_post),
            "quota": quota,
        }
    return CheckResult("STAFF_FULL", passed, len(on_post), quota, why)


def _training(r: OfficeReturn, t: Thresholds) -> CheckResult:
    staff = [m for m in _on_post(r) if m.establishment != Establishment.VOLUNTEER]
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    for training in r.trainings.all():
        if training.start_date.year != r.year:
            continue
        days, hours = totals.get(training.person_id, (Decimal("0"), Decimal("0")))
        totals[training.person_id] = (days + training.days, hours + training.hours)
    short = []
    for member in staff:
        days, hours = totals.get(member.person_id, (Decimal("0"), Decimal("0")))
        if days < t.training_days and hours < t.training_hours:
            short.append(f"{member.person.name}（{days}天/{hours}学时）")
    passed = bool(staff) and not short
    if not staff:
        why = _("No staff member is on post on 31 December.")
    elif short:
        why = _("Below %(days)s days or %(hours)s hours of training: %(names)s.") % {
            "days": t.training_days,
            "hours": t.training_hours,
            "names": "、".join(short),
        }
    else:
        why = _("Every staff member on post trained at least %(days)s days or %(hours)s hours.") % {
            "days": t.training_days,
            "hours": t.training_hours,
        }
    return CheckResult("STAFF_TRAINING", passed, len(staff) - len(short), len(staff), why)


def _party(r: OfficeReturn, t: Thresholds) -> CheckResult:
    members = sum(1 for m in _on_post(r) if m.is_party_member)
    if not r.party_form:
        return CheckResult(
            "PARTY_ORG",
            False,
            members,
            t.independent_branch_members,
            _("No party organisation form is recorded."),
        )
    too_few = r.party_form == PartyForm.INDEPENDENT and members < t.independent_branch_members
    why = (
        _(
            "An independent branch needs at least %(min)d party members; %(count)d are on post "
            "(a joint branch or the town's party organisation would do)."
        )
        % {"min": t.independent_branch_members, "count": members}
        if too_few
        else _("%(form)s, %(count)d party members on post.")
        % {"form": r.get_party_form_display(), "count": members}
    )
    return CheckResult("PARTY_ORG", not too_few, members, t.independent_branch_members, why)


def _installed(code: str, field: str, system: Any) -> Any:
    def check(r: OfficeReturn, t: Thresholds) -> CheckResult:
        installed = getattr(r, field)
        end = date(r.year, 12, 31)
        passed = installed is not None and installed <= end
        if installed is None:
            why = _("No %(system)s is installed.") % {"system": system}
        elif passed:
            why = _("The %(system)s was installed on %(date)s.") % {
                "system": system,
                "date": installed.isoformat(),
            }
        else:
            why = _("The %(system)s was installed only on %(date)s, after the year.") % {
                "system": system,
                "date": installed.isoformat(),
            }
        return CheckResult(code, passed, installed, end, why)

    return check


def _funding(r: OfficeReturn, t: Thresholds) -> CheckResult:
    funding = r.funding()
    missing = [str(label) for code, label in FundingCategory.choices if funding[code] <= 0]
    passed = not missing
    why = (
        _("All five funding categories are funded.")
        if passed
        else _("No funds recorded for: %(what)s.") % {"what": "、".join(missing)}
    )
    return CheckResult("FUNDING", passed, len(funding) - len(missing), len(funding), why)


CHECKS = {
    "PREMISES_AREA": _area,
    "PREMISES_ROOMS": _rooms,
    "SIGNAGE": _signage,
    "STAFF_FULL": _staff_full,
    "STAFF_TRAINING": _training,
    "PARTY_ORG": _party,
    "IT_REMOTE_VISIT": _installed(
        "IT_REMOTE_VISIT", "remote_visit_installed_on", gettext_lazy("remote visitation system")
    ),
    "IT_VIDEO_CONF": _installed(
        "IT_VIDEO_CONF", "video_conf_installed_on", gettext_lazy("video conferencing system")
    ),
    "FUNDING": _funding,
}


def run_checks(office_return: OfficeReturn, thresholds: Thresholds = PLAN) -> list[CheckResult]:
    """Run the nine checks on a return (prefetch with ``with_check_data`` for many)."""
    return [CHECKS[code](office_return, thresholds) for code in CHECK_CODES]


def all_passed(results: list[CheckResult]) -> bool:
    return all(r.passed for r in results)
