"""The mediation ledger's workbook: its columns (a contract for offices' existing ledgers).

The export holds every import column, so an exported ledger can be read back; ID numbers
are exported masked, and a masked number in an import is taken as "no number".
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from sifasuo.mediation.choices import CaseSource, Outcome, PartyRole, ReferralOrgan
from sifasuo.mediation.models import MediationCase

IMPORT_HEADERS = [
    "案件编号",
    "登记日期",
    "受理日期",
    "案件来源",
    "委托移送机关",
    "纠纷类别",
    "申请人",
    "申请人证件号码",
    "被申请人",
    "被申请人证件号码",
    "纠纷简要情况",
    "涉案金额（元）",
    "涉及人数",
    "调解结果",
    "调结日期",
    "协议金额（元）",
    "履行期限",
]

EXPORT_HEADERS = [
    *IMPORT_HEADERS,
    "调委会",
    "所属司法所",
    "状态",
    "调结期限",
    "是否逾期",
    "回访到期",
]


def chinese_labels(choices: Any) -> dict[str, str]:
    """Return code → Chinese label of a ``TextChoices`` (what the workbooks hold)."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def code_for(choices: Any, text: str) -> str | None:
    """Return the code of a workbook cell given as the code itself or its Chinese label."""
    text = text.strip()
    if text in choices.values:
        return text
    for code, label in chinese_labels(choices).items():
        if label == text:
            return code
    return None


def _party(case: MediationCase, role: str) -> tuple[str, str]:
    rows = [p for p in case.parties.all() if p.role == role]
    names = "、".join(p.display_name for p in rows)
    numbers = "、".join(p.person.id_number_masked for p in rows if p.person_id and p.person)
    return names, numbers


def export_row(case: MediationCase) -> list[Any]:
    """One ledger row of ``case``, masked (parties prefetched by the selector)."""
    applicant, applicant_id = _party(case, PartyRole.APPLICANT)
    respondent, respondent_id = _party(case, PartyRole.RESPONDENT)
    sources = chinese_labels(CaseSource)
    organs = chinese_labels(ReferralOrgan)
    outcomes = chinese_labels(Outcome)
    with translation.override("zh-hans"):
        status = str(case.get_status_display())
    return [
        case.number,
        case.received_on,
        case.accepted_on or "",
        sources.get(case.source, ""),
        organs.get(case.referral_organ, ""),
        case.category.name,
        applicant,
        applicant_id,
        respondent,
        respondent_id,
        case.summary,
        case.amount_involved,
        case.people_involved,
        outcomes.get(case.outcome, ""),
        case.concluded_on or "",
        case.agreement_amount if case.succeeded else "",
        case.performance_deadline or "",
        case.unit.name,
        case.unit.parent.name if case.unit.parent else "",
        status,
        case.conclude_due or "",
        "是" if case.is_overdue else "否",
        case.return_visit_due or "",
    ]
