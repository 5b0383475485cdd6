"""Stable codes of the rule-of-law ledgers (stored and exported: never renamed)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Legality review (合法性审查/审核) ----------------------------------------------------------


class MatterType(models.TextChoices):
    NORMATIVE = "NORMATIVE", _("Administrative normative document")
    MAJOR_DECISION = "MAJOR_DECISION", _("Major administrative decision")
    MAJOR_ENFORCEMENT = "MAJOR_ENFORCEMENT", _("Major administrative enforcement decision")
    CONTRACT = "CONTRACT", _("Administrative contract")
    VILLAGE_RULES = "VILLAGE_RULES", _("Village rules and regulations")
    OTHER = "OTHER", _("Other matter")


class ReviewStatus(models.TextChoices):
    REGISTERED = "REGISTERED", _("Registered")
    IN_REVIEW = "IN_REVIEW", _("Under review")
    ISSUED = "ISSUED", _("Opinion issued")
    FILED = "FILED", _("Filed")


OPEN_REVIEW_STATUSES = (ReviewStatus.REGISTERED, ReviewStatus.IN_REVIEW)


class Conclusion(models.TextChoices):
    LAWFUL = "LAWFUL", _("Lawful")
    LAWFUL_AFTER_CHANGES = "CHANGES", _("Lawful after the changes")
    UNLAWFUL = "UNLAWFUL", _("Unlawful")
    PROCEDURE = "PROCEDURE", _("Procedure to be completed")


class CheckResult(models.TextChoices):
    PASS = "PASS", _("Passes")
    FAIL = "FAIL", _("Fails")
    NA = "NA", _("Not applicable")


class Adoption(models.TextChoices):
    ADOPTED = "ADOPTED", _("Adopted")
    PARTLY = "PARTLY", _("Partly adopted")
    NOT_ADOPTED = "NOT_ADOPTED", _("Not adopted")


# Enforcement supervision (行政执法协调监督) --------------------------------------------------


class SupervisionKind(models.TextChoices):
    INSPECTION = "INSPECTION", _("Inspection")
    CASE_REVIEW = "CASE_REVIEW", _("Case-file review")
    COMPLAINT = "COMPLAINT", _("Complaint handling")


class RectificationStatus(models.TextChoices):
    OPEN = "OPEN", _("Awaiting rectification")
    DONE = "DONE", _("Rectified")
    NOT_DONE = "NOT_DONE", _("Not rectified")


# Legislative opinions (立法意见征集) ---------------------------------------------------------


class DraftStatus(models.TextChoices):
    PREPARING = "PREPARING", _("Being prepared")
    PUBLISHED = "PUBLISHED", _("Published")


class OpinionSource(models.TextChoices):
    ONLINE = "ONLINE", _("Citizen online")
    MEETING = "MEETING", _("Meeting or forum")
    LAWYER = "LAWYER", _("Lawyer or legal worker")
    OTHER = "OTHER", _("Other channel")


# Juror selection (人民陪审员选任) -------------------------------------------------------------


class RoundStatus(models.TextChoices):
    PREPARING = "PREPARING", _("Being prepared")
    DRAWN = "DRAWN", _("Candidates drawn")
    COMPLETED = "COMPLETED", _("Completed")


class Eligibility(models.TextChoices):
    PENDING = "PENDING", _("To verify")
    ELIGIBLE = "ELIGIBLE", _("Eligible")
    INELIGIBLE = "INELIGIBLE", _("Not eligible")


class Consent(models.TextChoices):
    PENDING = "PENDING", _("Not asked yet")
    AGREED = "AGREED", _("Agrees")
    REFUSED = "REFUSED", _("Declines")


class CandidateResult(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    SELECTED = "SELECTED", _("Selected")
    EXCLUDED = "EXCLUDED", _("Excluded")


# 人民陪审员法 art. 5 and 9 [V]: age ≥ 28, a pool of at least five times the number needed.
JUROR_MIN_AGE = 28
JUROR_POOL_MULTIPLE = 5


# The "three rules" register (防止干预司法"三个规定") -------------------------------------------


class InterferenceCategory(models.TextChoices):
    LEADER = "LEADER", _("A leading cadre intervening")
    INSIDER = "INSIDER", _("An insider of a judicial organ inquiring")
    RELATION = "RELATION", _("A party's relation or a special contact")


class EntryStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    SUBMITTED = "SUBMITTED", _("Submitted")
