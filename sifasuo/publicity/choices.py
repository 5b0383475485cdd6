"""Stable codes of the publicity ledgers (stored and exported: never renumber)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    """The "eight into" (八进) of the plan 二.6: where an activity takes the law."""

    ORGANS = "ORGANS", _("Into government organs")
    VILLAGES = "VILLAGES", _("Into villages")
    COMMUNITIES = "COMMUNITIES", _("Into communities")
    SCHOOLS = "SCHOOLS", _("Into schools")
    ENTERPRISES = "ENTERPRISES", _("Into enterprises")
    UNITS = "UNITS", _("Into public institutions")
    NETWORK = "NETWORK", _("Into the network")
    FAMILIES = "FAMILIES", _("Into families")


class ActivityForm(models.TextChoices):
    LECTURE = "LECTURE", _("Lecture")
    STALL = "STALL", _("Information stall")
    PERFORMANCE = "PERFORMANCE", _("Performance")
    ONLINE = "ONLINE", _("Online")
    CONSULTATION = "CONSULTATION", _("On-site consultation")
    EXHIBITION = "EXHIBITION", _("Exhibition or display board")
    CONTEST = "CONTEST", _("Quiz or contest")
    OTHER = "OTHER", _("Other")


class LiteratePool(models.TextChoices):
    """Where a 法律明白人 comes from (培养工作规范 2021, DOMAIN §6.1)."""

    CADRE = "CADRE", _("Village cadre")
    WOMEN = "WOMEN", _("Women's federation or children's director")
    MEDIATOR = "MEDIATOR", _("People's mediator")
    POLICE = "POLICE", _("Village auxiliary police")
    GRID = "GRID", _("Grid worker")
    GROUP_LEADER = "GROUP_LEADER", _("Villagers' group leader")
    PARTY = "PARTY", _("Party member")
    ELDERS = "ELDERS", _('The "five elders"')
    ENTREPRENEUR = "ENTREPRENEUR", _("Local entrepreneur")
    OTHER = "OTHER", _("Other villager")


class LiterateStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Serving")
    REMOVED = "REMOVED", _("Removed")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "ACTIVE", _("Designated")
    CANCELLED = "CANCELLED", _("Cancelled")
    REVOKED = "REVOKED", _("Revoked")


class VillageKind(models.TextChoices):
    """Which on-site norm applies to a village's adviser (DOMAIN §6.4)."""

    COMMUNITY = "COMMUNITY", _("Community or suburban village")
    REMOTE = "REMOTE", _("Remote village")


class ServiceMode(models.TextChoices):
    ON_SITE = "ON_SITE", _("On site")
    REMOTE = "REMOTE", _("Remote (phone, video, online)")


class DesignationLevel(models.TextChoices):
    NATIONAL = "NATIONAL", _("National")
    PROVINCIAL = "PROVINCIAL", _("Provincial")
    CITY = "CITY", _("City")
    DISTRICT = "DISTRICT", _("District or county")


class ReviewResult(models.TextChoices):
    """复核 outcome of a demonstration village (DOMAIN §6.3: 保留/撤销/注销)."""

    RETAINED = "RETAINED", _("Retained")
    REVOKED = "REVOKED", _("Revoked")
    CANCELLED = "CANCELLED", _("Cancelled")


class TownAdviserKind(models.TextChoices):
    GOVERNMENT_ADVISER = (
        "GOVERNMENT_ADVISER",
        _("Legal adviser to the town party committee and government"),
    )
    PUBLIC_LAWYER = "PUBLIC_LAWYER", _("Public-sector lawyer")


class MatterKind(models.TextChoices):
    DECISION = "DECISION", _("Major administrative decision")
    DOCUMENT = "DOCUMENT", _("Normative document")
    CONTRACT = "CONTRACT", _("Contract review")
    LITIGATION = "LITIGATION", _("Litigation or reconsideration")
    PETITION = "PETITION", _("Petition or dispute")
    OPINION = "OPINION", _("Legal opinion or consultation")
    OTHER = "OTHER", _("Other")


# Norm codes (PublicityNorm rows loaded from data/norms.csv).
NORM_LITERATES_PER_VILLAGE = "literates_per_village"
NORM_ONSITE_DAYS = {
    VillageKind.COMMUNITY: "adviser_onsite_days_community",
    VillageKind.REMOTE: "adviser_onsite_days_remote",
}
NORM_LECTURES_PER_QUARTER = "adviser_lectures_per_quarter"

# Deadline rules (core.DeadlineRule rows loaded from data/deadline_rules.csv).
RULE_VILLAGE_REVIEW = "publicity.village_review"
RULE_CONTRACT_NOTICE = "publicity.contract_notice"

IMAGE_TYPES = ("jpeg", "png")
