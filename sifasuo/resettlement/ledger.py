"""The Excel ledger of released persons (安置帮教台账): columns and rows, masked by default."""

from __future__ import annotations

from typing import Any

from sifasuo.resettlement.models import ReleasedPerson

EXPORT_HEADERS = [
    "姓名",
    "证件号码",
    "责任司法所",
    "所属区县",
    "释放类型",
    "释放日期",
    "原服刑场所",
    "罪名",
    "刑期",
    "帮教期满",
    "重点帮教对象",
    "状态",
    "衔接日期",
    "风险等级",
    "下一期限",
    "是否逾期",
]


def export_row(rp: ReleasedPerson, *, reveal: bool = False) -> list[Any]:
    """One row; ID number and criminal history masked unless ``reveal`` (audited by caller)."""
    deadline = rp.next_deadline
    return [
        rp.person.name,
        rp.person.id_number if reveal else rp.person.id_number_masked,
        rp.unit.name,
        rp.unit.district_name,
        rp.get_release_type_display(),
        rp.released_on,
        rp.prison,
        rp.crime if reveal else rp.crime_masked,
        rp.sentence if reveal else rp.sentence_masked,
        rp.period_end,
        "是" if rp.is_key_person else "否",
        rp.get_status_display(),
        rp.handed_over_on or "",
        rp.get_risk_level_display() if rp.risk_level else "",
        f"{deadline.label} {deadline.due}" if deadline else "",
        "是" if rp.is_overdue else "否",
    ]
