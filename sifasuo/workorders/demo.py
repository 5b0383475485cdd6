"""Demo data of the tasks and notices, through the services (actor None), idempotent.

The city sends four tasks to every office over the last three months and each district
bureau one or two to its own offices; the offices' replies are spread over every state (accepted,
submitted awaiting review, returned for rework, drafts, not started), some submitted late
and some still missing past the due date. 西一路 (610102001) has one task of each kind,
among them an open task due in three days and an overdue one. Three notices go out, partly
read by the demo accounts. A second run adds nothing.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifasuo.accounts.models import User
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.workorders import services
from sifasuo.workorders.choices import AssignmentStatus
from sifasuo.workorders.models import Assignment, Notice, Task

XIYILU = "610102001"
XINCHENG = "610102"

# title, instructions, days ago sent, days from sending to due, target reply rate (%)
CITY_TASKS = [
    (
        "关于报送2024年上半年矛盾纠纷排查化解工作情况的通知",
        "请各司法所对照排查台账，报送上半年矛盾纠纷排查化解情况（排查次数、发现纠纷数、化解数、"
        "重点纠纷及稳控措施），并附排查台账扫描件。",
        90,
        15,
        92,
    ),
    (
        "关于开展“八五”普法中期自查的通知",
        "请各司法所按照“八五”普法规划中期评估要求开展自查，报送自查报告（含“八进”活动开展情况、"
        "法律明白人培养情况）及佐证材料。",
        50,
        15,
        85,
    ),
    (
        "关于报送社区矫正对象集中排查情况的通知",
        "请各司法所对在册社区矫正对象逐人开展集中排查，报送排查情况报告和风险隐患清单。",
        20,
        15,
        60,
    ),
    (
        "关于报送2024年度司法所工作总结的通知",
        "请各司法所报送本年度工作总结（三千字以内），重点写明“六好司法所”建设进展和下一年度计划。",
        3,
        6,
        12,
    ),
]
# district tasks: the same shape; {district} is the bureau's name
DISTRICT_TASKS = [
    (
        "关于报送人民调解员队伍信息核查表的通知",
        "请各司法所核对本所辖区人民调解委员会及调解员信息，填写核查表后报送{district}。",
        40,
        15,
        90,
    ),
    (
        "关于做好法律援助便民服务点检查的通知",
        "请各司法所对辖区内法律援助便民服务点开展一次检查，报送检查记录和整改情况。",
        10,
        13,
        25,
    ),
]
RETURN_NOTE = "报送材料缺少佐证照片和台账扫描件，请补充后重新报送。"
NOTICES = [
    (
        "关于启用全市司法所工作管理平台的通知",
        "全市司法所工作管理平台已上线运行。请各司法所指定专人负责台账录入，"
        "自即日起上级交办任务和通知公告一律通过平台办理。",
        60,
        None,
    ),
    (
        "关于做好国庆节期间安全稳定工作的通知",
        "国庆节期间，请各司法所加强矛盾纠纷排查化解，落实值班值守和信息报送制度，"
        "重大情况及时报告。",
        30,
        None,
    ),
    (
        "关于召开全区司法所所长例会的通知",
        "定于下周三上午九时在区司法局三楼会议室召开司法所所长例会，请各所所长准时参加。",
        5,
        XINCHENG,
    ),
]
# Who of the demo accounts has read which notice (by its index above).
READS = {"xiyilu_director": (0, 1), "xiyilu_clerk": (0,), "weiqu_clerk": (1,)}

# 西一路's assignment of each task: the state it is taken to (full set for the demo users).
XIYILU_STATES = {
    CITY_TASKS[0][0]: AssignmentStatus.ACCEPTED,
    CITY_TASKS[1][0]: AssignmentStatus.RETURNED,
    CITY_TASKS[2][0]: AssignmentStatus.DRAFT,  # past due: late
    CITY_TASKS[3][0]: AssignmentStatus.PENDING,  # due in three days
    DISTRICT_TASKS[0][0]: "LATE_SUBMITTED",  # submitted after the due date, awaiting review
    DISTRICT_TASKS[1][0]: AssignmentStatus.PENDING,
}


def _bucket(*parts: str) -> int:
    """A stable number 0–99 from text (the same office always lands in the same state)."""
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16) % 100


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def _report(office: Unit, title: str) -> str:
    return f"{office.name}关于《{title}》的报告：已按要求组织落实，具体情况见附件，特此报告。"


def _target(code: str, title: str, rate: int, past_due: bool) -> str:
    """The state one office's reply is taken to."""
    if code == XIYILU and title in XIYILU_STATES:
        return XIYILU_STATES[title]
    n = _bucket(code, title)
    if n >= rate:
        return AssignmentStatus.DRAFT if n % 4 == 0 else AssignmentStatus.PENDING
    if n < rate * 0.15:
        return "LATE_SUBMITTED" if past_due else AssignmentStatus.SUBMITTED
    if n < rate * 0.22:
        return AssignmentStatus.RETURNED
    if past_due and n < rate * 0.75:
        return AssignmentStatus.ACCEPTED
    return AssignmentStatus.SUBMITTED


def _reply(assignment: Assignment, target: str, today: date) -> None:
    """Take one assignment to ``target`` through the services."""
    task = assignment.task
    office = assignment.unit
    if target == AssignmentStatus.PENDING:
        return
    report = _report(office, task.title)
    if target == AssignmentStatus.DRAFT:
        services.reply_save(actor=None, assignment=assignment, report=report, version=None)
        return
    offset = _bucket(office.code, task.title, "day")
    if target == "LATE_SUBMITTED":
        day = task.due_on + timedelta(days=1 + offset % 5)
    else:
        span = max((min(task.due_on, today) - task.sent_on).days, 0)
        day = task.sent_on + timedelta(days=offset % (span + 1))
    day = min(day, today)
    services.reply_submit(
        actor=None, assignment=assignment, report=report, version=None, at=_at(day, 9 + offset % 8)
    )
    reviewed = min(day + timedelta(days=2), today)
    if target == AssignmentStatus.ACCEPTED:
        services.reply_accept(actor=None, assignment=assignment, version=None, at=_at(reviewed, 16))
    elif target == AssignmentStatus.RETURNED:
        services.reply_return(
            actor=None, assignment=assignment, note=RETURN_NOTE, version=None, at=_at(reviewed, 16)
        )


def _send(sender: Unit, spec: tuple[str, str, int, int, int], today: date) -> int:
    title, instructions, ago, period, rate = spec
    if Task.objects.filter(unit=sender, title=title).exists():
        return 0
    sent_on = today - timedelta(days=ago)
    offices = services.offices_below(sender)
    if not offices:
        return 0
    task = services.task_send(
        actor=None,
        sender=sender,
        title=title,
        instructions=instructions.format(district=sender.name),
        due_on=sent_on + timedelta(days=period),
        offices=offices,
        sent_on=sent_on,
    )
    past_due = task.due_on < today
    for assignment in task.assignments.select_related("unit", "task"):
        _reply(assignment, _target(assignment.unit.code, title, rate, past_due), today)
    return 1


def _notices(today: date) -> int:
    city = Unit.objects.get(kind=UnitKind.CITY, parent__isnull=True, code="610100")
    made = 0
    notices: list[Notice] = []
    for title, body, ago, sender_code in NOTICES:
        sender = Unit.objects.get(code=sender_code) if sender_code else city
        notice = Notice.objects.filter(unit=sender, title=title).first()
        if notice is None:
            notice = services.notice_publish(
                actor=None,
                sender=sender,
                title=title,
                body=body,
                offices=services.offices_below(sender),
                published_at=_at(today - timedelta(days=ago), 9),
            )
            made += 1
        notices.append(notice)
    for username, indexes in READS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        for index in indexes:
            notice = notices[index]
            read_on = min(notice.published_at.date() + timedelta(days=1), today)
            services.notice_read(actor=user, notice=notice, at=_at(read_on, 11))
    return made


@transaction.atomic
def create_demo_workorders() -> dict[str, int]:
    """Create the demo records through the services; a second run adds nothing.

    One transaction: a thousand replies are a thousand service calls, and one commit each
    would cost more than the calls themselves.
    """
    today = timezone.localdate()
    city = Unit.objects.get(code="610100")
    tasks = sum(_send(city, spec, today) for spec in CITY_TASKS)
    districts = Unit.objects.filter(
        kind__in=[UnitKind.DISTRICT, UnitKind.DEVZONE], is_active=True
    ).order_by("path")
    for district in districts:
        # Every district sends the first; 新城区 (the demo accounts' district) both.
        specs = DISTRICT_TASKS if district.code == XINCHENG else DISTRICT_TASKS[:1]
        tasks += sum(_send(district, spec, today) for spec in specs)
    result: dict[str, Any] = {"tasks": tasks, "notices": _notices(today)}
    return result
