"""The ledgers' workbooks: columns and rows (masked personal data, Chinese labels)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from sifasuo.legalservice.models import (
    Appointment,
    Consultation,
    LegalAidApplication,
    WindowServiceLog,
)

CONSULTATION_HEADERS = [
    "咨询日期",
    "司法所",
    "咨询渠道",
    "咨询人",
    "证件号码",
    "咨询类别",
    "咨询问题",
    "答复内容",
    "答复人",
    "答复日期",
    "时长（分钟）",
    "引导去向",
    "引导说明",
    "状态",
    "答复期限",
    "是否逾期",
]

LEGAL_AID_HEADERS = [
    "登记日期",
    "司法所",
    "申请渠道",
    "申请人",
    "证件号码",
    "联系电话",
    "案件类型",
    "家庭人口",
    "家庭月收入（元）",
    "人均月收入（元）",
    "经济困难标准（元）",
    "免予核查类别",
    "初审结果",
    "所缺材料",
    "状态",
    "转交期限",
    "转交日期",
    "转交至",
    "中心决定",
    "决定日期",
    "理由",
]

APPOINTMENT_HEADERS = [
    "预约日期",
    "时段",
    "服务事项",
    "司法所",
    "预约方式",
    "预约人",
    "联系电话",
    "事由",
    "状态",
    "短信提醒时间",
    "结果登记日期",
    "备注",
]

WINDOW_HEADERS = ["日期", "司法所", "窗口", "事项", "服务人数", "时长（分钟）", "经办人"]


def _zh(obj: Any, field: str) -> str:
    with translation.override("zh-hans"):
        return str(getattr(obj, f"get_{field}_display")())


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def consultation_row(c: Consultation) -> list[Any]:
    return [
        _day(c.received_on),
        c.unit.name,
        _zh(c, "channel"),
        c.who,
        c.person.id_number_masked if c.person_id else "",  # type: ignore[union-attr]
        c.topic.name,
        c.question,
        c.answer,
        str(c.answered_by or ""),
        _day(c.answered_on),
        c.duration_minutes if c.duration_minutes is not None else "",
        _zh(c, "referral") if c.referral else "",
        c.referral_note,
        _zh(c, "status"),
        _day(c.answer_due),
        _yes(c.is_overdue),
    ]


def legal_aid_row(a: LegalAidApplication) -> list[Any]:
    return [
        _day(a.received_on),
        a.unit.name,
        _zh(a, "channel"),
        a.applicant_display,
        a.person.id_number_masked if a.person_id else "",  # type: ignore[union-attr]
        a.applicant_phone_masked,
        a.case_type.name,
        a.household_size,
        a.monthly_household_income,
        a.per_capita_income,
        a.income_limit,
        "、".join(a.exempt_labels),
        _zh(a, "eligibility"),
        "、".join(a.materials_missing),
        _zh(a, "status"),
        _day(a.transfer_due),
        _day(a.transferred_on),
        a.transfer_unit.name if a.transfer_unit_id else "",  # type: ignore[union-attr]
        _zh(a, "decision") if a.decision else "",
        _day(a.decided_on),
        a.decision_reason,
    ]


def appointment_row(a: Appointment) -> list[Any]:
    slot = a.slot
    return [
        _day(a.date),
        f"{slot.start_time:%H:%M}–{slot.end_time:%H:%M}",
        _zh(slot, "service"),
        a.unit.name,
        _zh(a, "channel"),
        a.who,
        a.phone_masked,
        a.matter,
        _zh(a, "status"),
        a.reminded_at.strftime("%Y-%m-%d %H:%M") if a.reminded_at else "",
        _day(a.outcome_on),
        a.outcome_note,
    ]


def window_row(w: WindowServiceLog) -> list[Any]:
    return [
        _day(w.served_on),
        w.unit.name,
        w.window.name,
        w.matter,
        w.people_served,
        w.minutes,
        str(w.handled_by or ""),
    ]
