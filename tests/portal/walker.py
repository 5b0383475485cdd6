"""What the URL walker and the permission matrix need to know about portal.

The citizens' own pages send an anonymous visitor to the portal's SMS login
(``/portal/login/``) and no office user owns them: they are in ``CITIZEN_ROUTES``, and
``tests/portal/test_views.py`` checks them for another citizen (404).
"""

from __future__ import annotations

from itertools import count
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from sifasuo.accounts.models import User, UserKind
from sifasuo.orgs.models import Unit
from sifasuo.portal import services
from sifasuo.portal.models import (
    Consent,
    FollowUp,
    LegalGuide,
    PortalApplication,
    PrivacyNotice,
    Rating,
)
from tests.accounts.matrix import ActionPage, ScopedModel

NO_RECORD = "00000000-0000-0000-0000-000000000000"

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {
    "portal:notice": 200,
    "portal:guide_list": 200,
    "portal:guide_detail": 404,  # walked with an id that names no guide
    "portal:login": 200,
    "portal:login_verify": 302,  # no code asked for yet: back to step 1
    "portal:login_resend": 405,  # POST only
    "portal:logout": 405,
    "portal:apply_start": 200,
    "portal:apply_office": 200,
    "portal-auth-code": 405,  # POST only
    "portal-auth-token": 405,
}
# A citizen's own pages: an anonymous visitor goes to the portal's login; no office owns
# them, so the sibling-office walk skips them (tests/portal/test_views.py: another
# citizen gets 404).
CITIZEN_ROUTES: frozenset[str] = frozenset(
    {
        "portal:apply_form",
        "portal:my_requests",
        "portal:request_detail",
        "portal:request_rate",
        "portal:consent_withdraw",
    }
)
# Page routes that name a record -> the model (or queryset) they look it up in.
ROUTE_MODELS: dict[str, Any] = {
    "portal:followup_detail": FollowUp,
    "portal:followup_call": FollowUp,
    "portal:followup_reveal": FollowUp,
    "portal:guide_edit": LegalGuide,
    "portal:guide_publish": LegalGuide,
}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {
    "kind_code": "MEDIATION",
    "office_code": "610102001",
    "guide_id": NO_RECORD,
    "application_id": NO_RECORD,
}


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of the 西一路 office (610102001) for every model in ROUTE_MODELS or a viewset."""
    from tests.portal import factories

    rating = factories.poor_rating(actor=office_clerk)
    guide = services.guide_create(
        actor=None,
        unit=Unit.objects.get(code="610102001"),
        title="走查指南",
        category="OTHER",
        body="走查",
    )
    return {
        PortalApplication: [rating.application],
        FollowUp: [rating.followup],
        LegalGuide: [guide],
    }


_sequence = count(1)


def make_application(unit: Unit) -> PortalApplication:
    """An envelope owned by ``unit`` (any kind: the matrix tries every relation)."""
    n = next(_sequence)
    citizen = User.objects.create_user(username=f"matrix-portal-{n}", kind=UserKind.CITIZEN)
    notice = PrivacyNotice.objects.get(is_current=True)
    consent = Consent.objects.create(citizen=citizen, notice=notice)
    return PortalApplication.objects.create(
        tracking_number=f"MATRIX{n:06d}",
        citizen=citizen,
        kind="MEDIATION",
        unit=unit,
        content_type=ContentType.objects.get_for_model(PrivacyNotice),
        object_id=10_000 + n,
        consent=consent,
        submitted_on="2024-03-01",
        respond_by="2024-03-04",
    )


def make_followup(unit: Unit) -> FollowUp:
    application = make_application(unit)
    application.status = "COMPLETED"
    application.save()
    rating = Rating.objects.create(
        application=application, level="DISSATISFIED", rated_on="2024-03-05"
    )
    return FollowUp.objects.create(
        unit=unit, rating=rating, opened_on="2024-03-05", due_on="2024-03-26"
    )


# Lines of the permission matrix.
MATRIX_MODELS: tuple[ScopedModel, ...] = (
    ScopedModel(
        "portal.PortalApplication",
        "scope_expectations.csv",
        make_application,
        lambda a: [f"/api/v1/portal/applications/{a.public_id}/"],
    ),
    ScopedModel(
        "portal.FollowUp",
        "scope_expectations.csv",
        make_followup,
        lambda f: [f"/portal/followups/{f.public_id}/"],
        {"change": ActionPage("post", lambda f: f"/portal/followups/{f.public_id}/call/")},
    ),
)
