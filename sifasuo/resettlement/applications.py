"""The portal's VISITATION kind: a family applies online for a remote visit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sifasuo.core.applications import ApplicationKind, register
from sifasuo.resettlement.forms import VisitationApplyForm
from sifasuo.resettlement.services import visitation_submit


def _staff_url(record: Any) -> str:
    return reverse("resettlement:visitation_detail", args=[record.public_id])


VISITATION = register(
    ApplicationKind(
        code="VISITATION",
        label=_("Remote family visit"),
        description=_(
            "Apply for a video visit with a family member in prison, at your judicial office. "
            "The office checks the request and forwards it to the prison, which gives a slot."
        ),
        form_class=VisitationApplyForm,
        submit=visitation_submit,
        staff_url=_staff_url,
        icon="camera-video",
        what_to_bring=_(
            "At most three close relatives (spouse, parents, children, siblings, guardian) "
            "per visit. Have a photo or PDF of the proof of relationship ready; on the day, "
            "every visitor brings their ID card and signs in at the office."
        ),
        order=50,
    )
)
