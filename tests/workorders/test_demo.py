"""The demo data: every state, 西一路's due-soon and overdue tasks, a second run adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sifasuo.workorders.choices import AssignmentStatus
from sifasuo.workorders.demo import create_demo_workorders
from sifasuo.workorders.models import Assignment, NoticeReceipt, Task

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_state_and_runs_once(demo):
    # when
    first = create_demo_workorders()
    again = create_demo_workorders()
    # then
    assert first["tasks"] > 15
    assert first["notices"] == 3
    assert again == {"tasks": 0, "notices": 0}
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert statuses == set(AssignmentStatus.values)
    today = timezone.localdate()
    xiyilu = Assignment.objects.filter(unit__code="610102001").select_related("task")
    assert any(a.is_late for a in xiyilu)
    assert any(
        a.status == AssignmentStatus.PENDING and 0 <= (a.task.due_on - today).days <= 3
        for a in xiyilu
    )
    assert any(a.on_time is False for a in Assignment.objects.select_related("task"))
    assert Task.objects.filter(unit__kind="DISTRICT").exists()
    assert NoticeReceipt.objects.filter(user__username="xiyilu_clerk").count() == 1
