"""The portal's demo data: every status, ratings, an open and an overdue follow-up; idempotent."""

from __future__ import annotations

import pytest

from sifasuo.portal.demo import create_demo_portal
from sifasuo.portal.models import FollowUp, LegalGuide, PortalApplication

pytestmark = pytest.mark.django_db


def test_the_demo_fills_every_status_and_runs_once(demo):
    # when
    first = create_demo_portal()
    second = create_demo_portal()
    # then
    assert first["citizens"] == 5
    assert first["guides"] == 7
    assert LegalGuide.objects.filter(is_published=True).count() == 7
    statuses = set(PortalApplication.objects.values_list("status", flat=True))
    assert {"SUBMITTED", "IN_PROGRESS", "COMPLETED", "REJECTED"} <= statuses
    xiyilu = PortalApplication.objects.filter(unit__code="610102001")
    assert {"SUBMITTED", "IN_PROGRESS", "COMPLETED", "REJECTED"} <= set(
        xiyilu.values_list("status", flat=True)
    )
    assert PortalApplication.objects.values("unit").distinct().count() >= 5
    followups = list(FollowUp.objects.all())
    assert any(f.is_open and not f.is_overdue for f in followups)
    assert any(f.is_overdue for f in followups)
    assert any(not f.is_open for f in followups)
    assert all(v == 0 for v in second.values()), second
