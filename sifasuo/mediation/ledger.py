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


# Words the offices' own ledgers use (the monthly reports' terms, DOMAIN.md §2.4).
ALIASES: dict[str, str] = {
    "申请调解": CaseSource.APPLICATION,
    "当事人申请": CaseSource.APPLICATION,
    "主动调解": CaseSource.INITIATIVE,
    "委托移送": CaseSource.REFERRAL,
    "接受委托移送调解": CaseSource.REFERRAL,
    "书面": Outcome.WRITTEN,
    "书面协议": Outcome.WRITTEN,
    "口头": Outcome.ORAL,
    "口头协议": Outcome.ORAL,
    "调解不成": Outcome.FAILED,
    "调解失败": Outcome.FAILED,
    "法院": ReferralOrgan.COURT,
    "公安": ReferralOrgan.POLICE,
    "信访": ReferralOrgan.PETITION,
}


def code_for(choices: Any, text: str) -> str | None:
    """Return the code of a workbook cell: the code, its Chinese label, or a ledger word."""
    text = text.strip()
    if text in choices.values:
        return text
    if ALIASES.get(text) in choices.values:
        return ALIASES[text]
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
