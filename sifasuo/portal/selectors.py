"""Reads of the portal: a citizen's own requests, an office's inbox and follow-ups, guides."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from sifasuo.orgs.models import Unit
from sifasuo.portal.models import (
    ApplicationEvent,
    FollowUp,
    LegalGuide,
    PortalApplication,
)


def my_applications(*, citizen: Any) -> QuerySet[PortalApplication]:
    """The citizen's own requests, newest first (nobody else's, whatever the caller)."""
    return (
        PortalApplication.objects.visible_to(citizen)
        .filter(citizen=citizen)
        .select_related("unit", "rating")
        .order_by("-submitted_on", "-pk")
    )


def application_timeline(application: PortalApplication) -> QuerySet[ApplicationEvent]:
    return application.events.order_by("created_at", "pk")


def inbox(*, user: Any) -> QuerySet[PortalApplication]:
    """Online requests of the offices in the user's scope (the office inbox)."""
    return (
        PortalApplication.objects.visible_to(user)
        .select_related("unit", "unit__parent", "rating", "content_type")
        .order_by("-submitted_on", "-pk")
    )


def followups(*, user: Any) -> QuerySet[FollowUp]:
    """Follow-ups of poor ratings in the user's scope, soonest due first."""
    return (
        FollowUp.objects.visible_to(user)
        .select_related("unit", "unit__parent", "rating", "rating__application")
        .order_by("status", "due_on", "pk")
    )


def public_guides() -> QuerySet[LegalGuide]:
    """The legal guides the city has published (public reference text)."""
    return LegalGuide.objects.filter(is_published=True).order_by("category", "-published_on", "pk")


def managed_guides(*, user: Any) -> QuerySet[LegalGuide]:
    return LegalGuide.objects.visible_to(user).select_related("unit").order_by("-updated_at")


def offices_by_district(*, district: str = "", q: str = "") -> list[tuple[Unit, list[Unit]]]:
    """Offices grouped under their managing bureau (the locator's data), filtered."""
    from sifasuo.orgs.selectors import locator_offices

    groups: dict[int, tuple[Unit, list[Unit]]] = {}
    offices = locator_offices(district=district, q=q).select_related("parent")
    for office in offices.order_by("parent__code", "code"):
        bureau = office.parent
        if bureau is None:
            continue
        groups.setdefault(bureau.pk, (bureau, []))[1].append(office)
    return list(groups.values())


def application_events_prefetch() -> Prefetch[Any]:
    return Prefetch("events", queryset=ApplicationEvent.objects.order_by("created_at", "pk"))
