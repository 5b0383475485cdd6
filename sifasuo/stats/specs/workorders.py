"""Tasks from above (上级交办) and notices: tasks sent and received, replies on time, reads.

A task sent counts under the bureau that sent it; a task received, a reply and a notice
read count under the office. ``awaiting_overdue`` is a "now" figure: the tasks an office
still owes a reply on past their due date, today.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sifasuo.stats.specs.base import Breakdown, Rate, ReportSpec

SPEC = ReportSpec(
    module="workorders",
    title=gettext_lazy("Tasks from above"),
    figures={
        "tasks_sent": "workorders.tasks_sent",
        "tasks_received": "workorders.assignments",
        "replies": "workorders.replies",
        "replies_on_time": "workorders.replies_on_time",
        "replies_late": "workorders.replies_late",
        "awaiting_overdue": "workorders.awaiting_overdue",
        "notices_read": "workorders.notices_read",
    },
    rates={
        "on_time_rate": Rate("replies_on_time", "replies", gettext_lazy("On-time reply rate")),
    },
    records_url_name="stats:records",
    breakdown_figure="replies",
    breakdowns={
        "by_status": Breakdown("status", gettext_lazy("Replies by status"), gettext_lazy("Status")),
        "by_sender": Breakdown(
            "sender", gettext_lazy("Replies by sending bureau"), gettext_lazy("Sent by")
        ),
    },
    comparison_figure="replies",
    cards=(
        "tasks_received",
        "replies",
        "on_time_rate",
        "replies_late",
        "awaiting_overdue",
        "notices_read",
    ),
)
