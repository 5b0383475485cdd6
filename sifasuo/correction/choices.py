"""Closed lists of community correction (stable upper-case values: they are stored)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """矫正类别 (社区矫正法 art. 2)."""

    CONTROL = "CONTROL", _("Public surveillance (管制)")
    PROBATION = "PROBATION", _("Suspended sentence (缓刑)")
    PAROLE = "PAROLE", _("Parole (假释)")
    MEDICAL_PAROLE = "MEDICAL_PAROLE", _("Temporary execution outside prison (暂予监外执行)")


class SupervisionClass(models.TextChoices):
    """分类管理 (DOMAIN §3.3 [P])."""

    STRICT = "STRICT", _("Strict supervision (严管)")
    NORMAL = "NORMAL", _("Normal supervision (普管)")
    LENIENT = "LENIENT", _("Lenient supervision (宽管)")


class SubjectStatus(models.TextChoices):
    AWAITING_REPORT = "AWAITING_REPORT", _("Awaiting report")
    UNDER_CORRECTION = "UNDER_CORRECTION", _("Under correction")
    ENDED = "ENDED", _("Ended")
    REVOKED = "REVOKED", _("Revoked")
    DECEASED = "DECEASED", _("Deceased")


CLOSED_STATUSES = (SubjectStatus.ENDED, SubjectStatus.REVOKED, SubjectStatus.DECEASED)


class EndReason(models.TextChoices):
    """解除 (period end) or 终止 (revocation, imprisonment, death) — DOMAIN §3.6."""

    PERIOD_END = "PERIOD_END", _("Period ended (解除矫正)")
    REVOCATION = "REVOCATION", _("Revocation of probation or parole")
    IMPRISONMENT = "IMPRISONMENT", _("Committed to prison (收监执行)")
    DEATH = "DEATH", _("Death")


END_STATUS = {
    EndReason.PERIOD_END: SubjectStatus.ENDED,
    EndReason.REVOCATION: SubjectStatus.REVOKED,
    EndReason.IMPRISONMENT: SubjectStatus.REVOKED,
    EndReason.DEATH: SubjectStatus.DECEASED,
}

# Category -> resettlement.choices.ReleaseType value (interfaces.md).
RELEASE_TYPE = {
    "CONTROL": "CONTROL_END",
    "PROBATION": "PROBATION_END",
    "PAROLE": "PAROLE_END",
    "MEDICAL_PAROLE": "MEDICAL_PAROLE_END",
}


class ContactKind(models.TextChoices):
    """Reports (报告) and field visits (实地查访)."""

    IN_PERSON = "IN_PERSON", _("Report in person")
    PHONE = "PHONE", _("Report by phone")
    WRITTEN = "WRITTEN", _("Written report")
    INFO_CHECK = "INFO_CHECK", _("Information check")
    FIELD_VISIT = "FIELD_VISIT", _("Field visit")


REPORT_KINDS = (
    ContactKind.IN_PERSON,
    ContactKind.PHONE,
    ContactKind.WRITTEN,
    ContactKind.INFO_CHECK,
)


class ActivityKind(models.TextChoices):
    EDUCATION = "EDUCATION", _("Education and learning")
    PUBLIC_SERVICE = "PUBLIC_SERVICE", _("Public service")


class TeamRole(models.TextChoices):
    """矫正小组 members (社区矫正法 art. 25)."""

    OFFICE = "OFFICE", _("Judicial office staff")
    COMMITTEE = "COMMITTEE", _("Member of the village or residents' committee")
    FAMILY = "FAMILY", _("Guardian or family member")
    EMPLOYER = "EMPLOYER", _("Employer or school")
    SOCIAL_WORKER = "SOCIAL_WORKER", _("Social worker")
    VOLUNTEER = "VOLUNTEER", _("Volunteer")


class RequestKind(models.TextChoices):
    LEAVE = "LEAVE", _("Leave the city or county (外出)")
    RESIDENCE = "RESIDENCE", _("Change of residence (变更执行地)")
    ENTRY = "ENTRY", _("Entry to a prohibited place (禁止令准入)")
    VISITOR = "VISITOR", _("Meeting a prohibited person (会客)")


class RequestStatus(models.TextChoices):
    PENDING_OFFICE = "PENDING_OFFICE", _("Awaiting the office")
    PENDING_DISTRICT = "PENDING_DISTRICT", _("Awaiting the district bureau")
    APPROVED = "APPROVED", _("Approved")
    REFUSED = "REFUSED", _("Refused")


class MeasureKind(models.TextChoices):
    """考核奖惩 (社区矫正法 art. 28)."""

    COMMENDATION = "COMMENDATION", _("Commendation (表扬)")
    ADMONITION = "ADMONITION", _("Admonition (训诫)")
    WARNING = "WARNING", _("Warning (警告)")
    SECURITY_PENALTY = "SECURITY_PENALTY", _("Proposal of a public-security penalty")
    REVOCATION = "REVOCATION", _("Proposal of revocation")


# How severe each measure is: a proposal is settled by a measure at least as severe.
SEVERITY: dict[str, int] = {
    MeasureKind.COMMENDATION: 0,
    MeasureKind.ADMONITION: 1,
    MeasureKind.WARNING: 2,
    MeasureKind.SECURITY_PENALTY: 3,
    MeasureKind.REVOCATION: 4,
}

# The office records these as entrusted; the others it proposes and the district bureau
# decides (实施办法: 训诫/警告 by the county agency after the office's inquiry — here the
# office records commendations and admonitions, the district decides the rest).
OFFICE_DECIDES = frozenset({MeasureKind.COMMENDATION, MeasureKind.ADMONITION})


class MeasureStatus(models.TextChoices):
    PROPOSED = "PROPOSED", _("Proposed to the district bureau")
    DECIDED = "DECIDED", _("Decided")
    REJECTED = "REJECTED", _("Not approved")


class RuleTrigger(models.TextChoices):
    """What a discipline rule counts."""

    OUT_OF_CONTACT = "OUT_OF_CONTACT", _("Days out of contact")
    ADMONITIONS = "ADMONITIONS", _("Admonitions received")
    WARNINGS = "WARNINGS", _("Warnings received")
