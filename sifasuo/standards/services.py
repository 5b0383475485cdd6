"""Every write of the six-good standard: campaigns, assessment steps, rectification, 示范单位.

The assessment moves DRAFT → SUBMITTED (the office director) → DISTRICT_ACCEPTED (the
district bureau over the office) → ACCEPTED (the city), and back to RETURNED from either
review with comments; a returned assessment is corrected and submitted again. Each step
checks who acts (PermissionDenied otherwise) and the state it starts from (ApplicationError),
writes its audit row and a history event, and moves the due date of the step now awaited
(``core.calendar.due_date`` with the ``standards.*`` deadline rules). Submission freezes the
automatic results and opens a rectification for every failed indicator.

``actor=None`` is the system (the demo, commands): no role is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.accounts.roles import Role
from sifasuo.core import audit
from sifasuo.core.attachments import attachment_create
from sifasuo.core.calendar import due_date
from sifasuo.core.errors import ApplicationError
from sifasuo.core.measures import records_changed
from sifasuo.core.models import Attachment
from sifasuo.core.scope import assert_in_scope
from sifasuo.offices.models import OfficeReturn
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.standards import scoring
from sifasuo.standards.checks import CheckResult, run_checks, with_check_data
from sifasuo.standards.choices import (
    EDITABLE_STATUSES,
    AssessmentStatus,
    AssessmentStep,
    RectificationStatus,
    RuleType,
    ScoringMethod,
)
from sifasuo.standards.models import (
    Assessment,
    AssessmentEvent,
    AssessmentItem,
    Campaign,
    DemonstrationUnit,
    Framework,
    Indicator,
    Rectification,
)

DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.DEVZONE)
RULE_DISTRICT_REVIEW = "standards.district_review"
RULE_CITY_ACCEPTANCE = "standards.city_acceptance"
RULE_RESUBMISSION = "standards.resubmission"
RULE_RECTIFICATION = "standards.rectification"


# Who may act ------------------------------------------------------------------------------


def is_office_user(actor: Any, office: Unit, *, director: bool = False) -> bool:
    """A clerk or director (or only a director) of ``office`` itself."""
    if actor is None:
        return True
    roles = (Role.OFFICE_DIRECTOR,) if director else (Role.OFFICE_CLERK, Role.OFFICE_DIRECTOR)
    return bool(actor.has_role(*roles) and actor.unit_id == office.pk)


def is_district_officer_over(actor: Any, office: Unit) -> bool:
    """A district officer of the bureau the office is under."""
    if actor is None:
        return True
    unit = getattr(actor, "unit", None)
    return bool(
        unit is not None
        and actor.has_role(Role.DISTRICT_OFFICER)
        and unit.kind in DISTRICT_KINDS
        and office.path.startswith(unit.path)
        and office.pk != unit.pk
    )


def is_city_officer(actor: Any) -> bool:
    """An officer of the city bureau."""
    if actor is None:
        return True
    unit = getattr(actor, "unit", None)
    return bool(
        unit is not None and actor.has_role(Role.CITY_OFFICER) and unit.kind == UnitKind.CITY
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _require_status(assessment: Assessment, allowed: Iterable[str]) -> None:
    if assessment.status not in allowed:
        raise ApplicationError(
            _("The assessment is “%(status)s”; this step does not apply.")
            % {"status": assessment.get_status_display()}
        )


def _version(obj: Any, version: int | None) -> None:
    if version is not None:
        obj.version = version


# Campaigns ---------------------------------------------------------------------------------


@transaction.atomic
def campaign_open(
    *,
    actor: Any,
    framework: Framework,
    year: int,
    name: str,
    due_on: date,
    offices: Sequence[Unit] | None = None,
    batch: str = "",
    opened_on: date | None = None,
) -> Campaign:
    """Open a yearly campaign over ``offices`` (None: every active office), one assessment each."""
    _require(is_city_officer(actor))
    city = (
        actor.unit
        if actor is not None
        else Unit.objects.filter(kind=UnitKind.CITY).order_by("path").first()
    )
    if city is None:
        raise ApplicationError(_("There is no city bureau to open the campaign."))
    opened = _today(opened_on)
    if due_on < opened:
        raise ApplicationError(_("The due date cannot be before the opening date."), field="due_on")
    chosen = (
        list(offices)
        if offices is not None
        else list(Unit.objects.filter(kind=UnitKind.OFFICE, is_active=True).order_by("path"))
    )
    if not chosen:
        raise ApplicationError(_("Choose at least one office."), field="offices")
    not_offices = [o.name for o in chosen if o.kind != UnitKind.OFFICE]
    if not_offices:
        raise ApplicationError(
            _("Only judicial offices are assessed: %(units)s.") % {"units": "、".join(not_offices)},
            field="offices",
        )
    if Campaign.objects.filter(year=year, name=name.strip()).exists():
        raise ApplicationError(
            _("A campaign of that name exists already for %(year)s.") % {"year": year},
            field="name",
        )
    campaign = Campaign(
        unit=city,
        year=year,
        framework=framework,
        name=name.strip(),
        batch=batch.strip(),
        opened_on=opened,
        due_on=due_on,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    campaign.offices.set(chosen)
    Assessment.objects.bulk_create(
        Assessment(campaign=campaign, unit=office, due_on=due_on, created_by=actor)
        for office in chosen
    )
    indicators = list(framework.indicators.all())
    assessments = list(Assessment.objects.filter(campaign=campaign))
    items = AssessmentItem.objects.bulk_create(
        AssessmentItem(assessment=a, indicator=i, created_by=actor)
        for a in assessments
        for i in indicators
    )
    # bulk writes send no model signals: tell the figures they count in
    records_changed.send(sender=Assessment, pks=[a.pk for a in assessments])
    records_changed.send(sender=AssessmentItem, pks=[item.pk for item in items])
    assert_in_scope(campaign, actor, "create")
    audit.record(
        "create",
        actor=actor,
        obj=campaign,
        changes={
            "fields": ["batch", "due_on", "framework", "name", "year"],
            "offices": len(chosen),
        },
    )
    for assessment in assessments:
        audit.record("create", actor=actor, obj=assessment, changes={"items": len(indicators)})
    return campaign


# The office's self-assessment ---------------------------------------------------------------


def _check_score(indicator: Indicator, value: Decimal) -> None:
    if value < 0 or value > indicator.points:
        raise ApplicationError(
            _("The score is between 0 and %(points)s.") % {"points": indicator.points},
            field="score",
        )
    if value != value.quantize(Decimal("0.1")):
        raise ApplicationError(_("Give the score to one decimal place."), field="score")
    if indicator.scoring_method == ScoringMethod.ALL_OR_NOTHING and value not in (
        Decimal("0"),
        indicator.points,
    ):
        raise ApplicationError(
            _("This item is all or nothing: 0 or %(points)s points.")
            % {"points": indicator.points},
            field="score",
        )


@transaction.atomic
def item_assess(
    *,
    actor: Any,
    item: AssessmentItem,
    score: Decimal | None = None,
    missing_elements: Sequence[str] | None = None,
    note: str = "",
    version: int | None = None,
) -> AssessmentItem:
    """Record the office's assessment of one item: its score (manual items), missing, note.

    An item deducted per missing element takes the missing elements and computes its score;
    the other manual items take the score; ``score`` None un-assesses. Automatic and figure
    items take only a note.
    """
    assessment = item.assessment
    _require(is_office_user(actor, assessment.unit))
    if not assessment.is_editable:
        raise ApplicationError(
            _("The assessment is “%(status)s”; it can no longer be changed.")
            % {"status": assessment.get_status_display()}
        )
    indicator = item.indicator
    before = {
        "manual_score": item.manual_score,
        "missing": item.missing_elements,
        "note": item.note,
    }
    if indicator.rule_type == RuleType.MANUAL:
        if (
            indicator.scoring_method == ScoringMethod.DEDUCT_PER_MISSING
            and missing_elements is not None
        ):
            unknown = [e for e in missing_elements if e not in indicator.elements]
            if unknown:
                raise ApplicationError(
                    _("Not an element of this item: %(what)s.") % {"what": "、".join(unknown)},
                    field="missing_elements",
                )
            missing = [e for e in indicator.elements if e in set(missing_elements)]
            deduct = indicator.deduct_points or indicator.points
            item.missing_elements = missing
            item.manual_score = max(Decimal("0"), indicator.points - deduct * len(missing))
        else:
            if score is not None:
                _check_score(indicator, score)
            item.manual_score = score
            item.missing_elements = []
    elif score is not None or missing_elements:
        raise ApplicationError(
            _("This item is computed by the platform; only a note can be added."), field="score"
        )
    item.note = note.strip()
    _version(item, version)
    item.full_clean()
    item.save()
    assert_in_scope(item, actor, "change")
    after = {"manual_score": item.manual_score, "missing": item.missing_elements, "note": item.note}
    audit.record(
        "update", actor=actor, obj=item, changes={"fields": audit.changed_fields(before, after)}
    )
    return item


@transaction.atomic
def item_evidence_add(*, actor: Any, item: AssessmentItem, uploaded: UploadedFile) -> Attachment:
    """Attach a piece of evidence (a photo, a scanned ledger page) to an item."""
    assessment = item.assessment
    _require(is_office_user(actor, assessment.unit))
    if not assessment.is_editable:
        raise ApplicationError(
            _("The assessment is “%(status)s”; it can no longer be changed.")
            % {"status": assessment.get_status_display()}
        )
    return attachment_create(actor=actor, unit=assessment.unit, uploaded=uploaded, owner=item)


def current_return(assessment: Assessment) -> OfficeReturn | None:
    """The office's return for the campaign's year, with what the checks read."""
    return (
        with_check_data(
            OfficeReturn.objects.filter(unit=assessment.unit_id, year=assessment.campaign.year)
        )
        .order_by()
        .first()
    )


def live_card(assessment: Assessment, *, user: Any = None) -> scoring.ScoreCard:
    """Score the assessment now: automatic results from the current return, manual scores."""
    table = scoring.load_framework(assessment.campaign.framework)
    office_return = current_return(assessment)
    items = {i.indicator_id: i for i in assessment.items.all()}
    figures = scoring.measure_values(table, [assessment.unit], assessment.campaign.year, user).get(
        assessment.unit_id, {}
    )
    return scoring.score(table, office_return, manual=items, measures=figures)


def _event(actor: Any, assessment: Assessment, step: str, comment: str) -> None:
    AssessmentEvent.objects.create(
        assessment=assessment, step=step, comment=comment.strip(), created_by=actor
    )


def _save_step(
    actor: Any, assessment: Assessment, step: str, comment: str, fields: list[str]
) -> Assessment:
    assessment.full_clean()
    assessment.save()
    _event(actor, assessment, step, comment)
    assert_in_scope(assessment, actor, "view")
    audit.record(
        step.lower(),
        actor=actor,
        obj=assessment,
        changes={"fields": sorted(fields), "status": assessment.status},
    )
    return assessment


def _problem(result: scoring.IndicatorResult) -> str:
    indicator = result.indicator
    return f"{indicator.code} {indicator.content}\n{result.explanation}".strip()


def _open_rectifications(
    actor: Any, assessment: Assessment, failed: Iterable[scoring.IndicatorResult], today: date
) -> list[Rectification]:
    existing = set(
        Rectification.objects.filter(assessment=assessment).values_list("indicator_id", flat=True)
    )
    opened = []
    for result in failed:
        if result.indicator.pk in existing:
            continue
        if result.indicator.rule_type == RuleType.MEASURE and result.value is None:
            continue  # no figure to improve (no case in the year): nothing to rectify
        rectification = Rectification(
            unit=assessment.unit,
            assessment=assessment,
            indicator=result.indicator,
            problem=_problem(result),
            due_on=due_date(RULE_RECTIFICATION, today),
            created_by=actor,
        )
        rectification.full_clean()
        rectification.save()
        audit.record(
            "create",
            actor=actor,
            obj=rectification,
            changes={"fields": ["due_on", "indicator", "problem"], "opened_by": "submission"},
        )
        opened.append(rectification)
    return opened


@transaction.atomic
def assessment_submit(
    *,
    actor: Any,
    assessment: Assessment,
    comment: str = "",
    version: int | None = None,
    today: date | None = None,
) -> Assessment:
    """The office director submits the self-assessment to the district.

    The office needs a return for the year and every manual item assessed. The automatic
    results are frozen as they stand, and each failed indicator opens a rectification.
    """
    _require(is_office_user(actor, assessment.unit, director=True))
    _require_status(assessment, EDITABLE_STATUSES)
    day = _today(today)
    card = live_card(assessment, user=actor)
    if card.office_return is None:
        raise ApplicationError(
            _("There is no return of the office for %(year)s: fill it in first.")
            % {"year": assessment.campaign.year}
        )
    unassessed = [r.code for r in card.results if r.indicator.is_manual and not r.assessed]
    if unassessed:
        raise ApplicationError(
            _("Assess every item first; not yet assessed: %(codes)s.")
            % {"codes": "、".join(unassessed)}
        )
    items = {i.indicator_id: i for i in assessment.items.all()}
    for result in card.results:
        item = items.get(result.indicator.pk)
        if item is None:
            continue
        frozen = result.as_dict()
        item.frozen_passed = result.passed
        item.frozen_value = frozen["value"]
        item.frozen_threshold = frozen["threshold"]
        item.frozen_explanation = result.explanation
        item.frozen_score = result.score
    AssessmentItem.objects.bulk_update(
        items.values(),
        [
            "frozen_passed",
            "frozen_value",
            "frozen_threshold",
            "frozen_explanation",
            "frozen_score",
        ],
    )
    records_changed.send(sender=AssessmentItem, pks=[item.pk for item in items.values()])
    _version(assessment, version)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_on = day
    assessment.submitted_score = card.total
    assessment.submitted_checks_passed = card.checks_passed
    assessment.due_on = due_date(RULE_DISTRICT_REVIEW, day)
    _save_step(
        actor,
        assessment,
        AssessmentStep.SUBMIT,
        comment,
        ["due_on", "status", "submitted_on", "submitted_score"],
    )
    _open_rectifications(actor, assessment, card.failed, day)
    return assessment


def _require_comment(comment: str) -> None:
    if not comment.strip():
        raise ApplicationError(_("Say what is to be corrected."), field="comment")


@transaction.atomic
def assessment_district_accept(
    *,
    actor: Any,
    assessment: Assessment,
    comment: str = "",
    version: int | None = None,
    today: date | None = None,
) -> Assessment:
    """The district bureau accepts a submitted assessment and passes it to the city."""
    _require(is_district_officer_over(actor, assessment.unit))
    _require_status(assessment, [AssessmentStatus.SUBMITTED])
    day = _today(today)
    _version(assessment, version)
    assessment.status = AssessmentStatus.DISTRICT_ACCEPTED
    assessment.district_decided_on = day
    assessment.due_on = due_date(RULE_CITY_ACCEPTANCE, day)
    return _save_step(
        actor,
        assessment,
        AssessmentStep.DISTRICT_ACCEPT,
        comment,
        ["district_decided_on", "due_on", "status"],
    )


@transaction.atomic
def assessment_district_return(
    *,
    actor: Any,
    assessment: Assessment,
    comment: str,
    version: int | None = None,
    today: date | None = None,
) -> Assessment:
    """The district bureau returns a submitted assessment to the office, saying why."""
    _require(is_district_officer_over(actor, assessment.unit))
    _require_status(assessment, [AssessmentStatus.SUBMITTED])
    _require_comment(comment)
    day = _today(today)
    _version(assessment, version)
    assessment.status = AssessmentStatus.RETURNED
    assessment.district_decided_on = day
    assessment.due_on = due_date(RULE_RESUBMISSION, day)
    return _save_step(
        actor,
        assessment,
        AssessmentStep.DISTRICT_RETURN,
        comment,
        ["district_decided_on", "due_on", "status"],
    )


@transaction.atomic
def assessment_city_accept(
    *,
    actor: Any,
    assessment: Assessment,
    comment: str = "",
    version: int | None = None,
    today: date | None = None,
) -> Assessment:
    """The city accepts an assessment the district accepted (验收): the result stands."""
    _require(is_city_officer(actor))
    _require_status(assessment, [AssessmentStatus.DISTRICT_ACCEPTED])
    day = _today(today)
    _version(assessment, version)
    assessment.status = AssessmentStatus.ACCEPTED
    assessment.city_decided_on = day
    _save_step(
        actor, assessment, AssessmentStep.CITY_ACCEPT, comment, ["city_decided_on", "status"]
    )
    # Failed items were opened on submission; open any still missing (e.g. older data).
    failed = [
        _frozen_result(item)
        for item in assessment.items.select_related("indicator")
        if item.frozen_passed is False
    ]
    _open_rectifications(actor, assessment, failed, day)
    return assessment


def _frozen_result(item: AssessmentItem) -> scoring.IndicatorResult:
    return scoring.IndicatorResult(
        item.indicator,
        False,
        True,
        item.frozen_value,
        item.frozen_threshold,
        item.frozen_explanation,
        item.frozen_score or Decimal("0"),
    )


@transaction.atomic
def assessment_city_return(
    *,
    actor: Any,
    assessment: Assessment,
    comment: str,
    version: int | None = None,
    today: date | None = None,
) -> Assessment:
    """The city returns an assessment the district accepted back to the office, saying why."""
    _require(is_city_officer(actor))
    _require_status(assessment, [AssessmentStatus.DISTRICT_ACCEPTED])
    _require_comment(comment)
    day = _today(today)
    _version(assessment, version)
    assessment.status = AssessmentStatus.RETURNED
    assessment.city_decided_on = day
    assessment.due_on = due_date(RULE_RESUBMISSION, day)
    return _save_step(
        actor,
        assessment,
        AssessmentStep.CITY_RETURN,
        comment,
        ["city_decided_on", "due_on", "status"],
    )


# Rectification -----------------------------------------------------------------------------

RECTIFICATION_FIELDS = ("measure", "owner", "due_on")


def _require_rectification_status(rectification: Rectification, allowed: Iterable[str]) -> None:
    if rectification.status not in allowed:
        raise ApplicationError(
            _("The rectification is “%(status)s”; this step does not apply.")
            % {"status": rectification.get_status_display()}
        )


def _save_rectification(
    actor: Any, rectification: Rectification, action: str, fields: list[str], reason: str = ""
) -> Rectification:
    rectification.full_clean()
    rectification.save()
    assert_in_scope(rectification, actor, "view")
    audit.record(
        action,
        actor=actor,
        obj=rectification,
        reason=reason,
        changes={"fields": sorted(fields), "status": rectification.status},
    )
    return rectification


@transaction.atomic
def rectification_update(
    *,
    actor: Any,
    rectification: Rectification,
    measure: str,
    owner: str,
    due_on: date,
    version: int | None = None,
) -> Rectification:
    """The office records its rectification measure, who is responsible and the due date."""
    _require(is_office_user(actor, rectification.unit))
    _require_rectification_status(
        rectification, [RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS]
    )
    before = {f: getattr(rectification, f) for f in RECTIFICATION_FIELDS}
    rectification.measure = measure.strip()
    rectification.owner = owner.strip()
    rectification.due_on = due_on
    _version(rectification, version)
    after = {f: getattr(rectification, f) for f in RECTIFICATION_FIELDS}
    return _save_rectification(actor, rectification, "update", audit.changed_fields(before, after))


@transaction.atomic
def rectification_start(
    *, actor: Any, rectification: Rectification, version: int | None = None
) -> Rectification:
    """The office starts working on a rectification."""
    _require(is_office_user(actor, rectification.unit))
    _require_rectification_status(rectification, [RectificationStatus.OPEN])
    _version(rectification, version)
    rectification.status = RectificationStatus.IN_PROGRESS
    return _save_rectification(actor, rectification, "start", ["status"])


@dataclass(frozen=True)
class Recheck:
    """An indicator's automatic check run again on the office's latest return."""

    check: CheckResult
    year: int | None  # the year of the return it ran on (None: the office has none)


def recheck(rectification: Rectification) -> Recheck | None:
    """Run the rectification's automatic check on the office's latest return, now.

    A problem found in a year's assessment is fixed in the office's later data, so the
    latest return from the campaign's year on is the one that counts. None for an indicator
    that is not an automatic check.
    """
    indicator = rectification.indicator
    if indicator.rule_type != RuleType.AUTO:
        return None
    campaign = rectification.assessment.campaign
    office_return = (
        with_check_data(
            OfficeReturn.objects.filter(unit=rectification.unit_id, year__gte=campaign.year)
        )
        .order_by("-year")
        .first()
    )
    if office_return is None:
        check = next(c for c in scoring.no_return_checks() if c.code == indicator.check_code)
        return Recheck(check, None)
    thresholds = campaign.framework.check_thresholds()
    check = next(c for c in run_checks(office_return, thresholds) if c.code == indicator.check_code)
    return Recheck(check, office_return.year)


@transaction.atomic
def rectification_done(
    *,
    actor: Any,
    rectification: Rectification,
    version: int | None = None,
    today: date | None = None,
) -> Rectification:
    """The office reports a rectification done: an automatic indicator must pass now."""
    _require(is_office_user(actor, rectification.unit))
    _require_rectification_status(
        rectification, [RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS]
    )
    if not rectification.measure.strip():
        raise ApplicationError(_("Describe the measure taken first."), field="measure")
    found = recheck(rectification)
    if found is not None and not found.check.passed:
        raise ApplicationError(
            _("The check %(code)s still fails on the latest return: %(why)s")
            % {"code": found.check.code, "why": found.check.explanation}
        )
    _version(rectification, version)
    rectification.status = RectificationStatus.DONE
    rectification.done_on = _today(today)
    return _save_rectification(actor, rectification, "done", ["done_on", "status"])


@transaction.atomic
def rectification_verify(
    *,
    actor: Any,
    rectification: Rectification,
    note: str = "",
    version: int | None = None,
    today: date | None = None,
) -> Rectification:
    """The district bureau verifies a rectification the office reported done."""
    _require(is_district_officer_over(actor, rectification.unit))
    _require_rectification_status(rectification, [RectificationStatus.DONE])
    _version(rectification, version)
    rectification.status = RectificationStatus.VERIFIED
    rectification.verified_on = _today(today)
    rectification.verify_note = note.strip()
    return _save_rectification(
        actor, rectification, "verify", ["status", "verified_on", "verify_note"]
    )


@transaction.atomic
def rectification_reject(
    *, actor: Any, rectification: Rectification, note: str, version: int | None = None
) -> Rectification:
    """The district bureau sends a rectification reported done back to work, saying why."""
    _require(is_district_officer_over(actor, rectification.unit))
    _require_rectification_status(rectification, [RectificationStatus.DONE])
    if not note.strip():
        raise ApplicationError(_("Say what is still to be done."), field="note")
    _version(rectification, version)
    rectification.status = RectificationStatus.IN_PROGRESS
    rectification.done_on = None
    rectification.verify_note = note.strip()
    return _save_rectification(actor, rectification, "reject", ["done_on", "status", "verify_note"])


@transaction.atomic
def rectification_evidence_add(
    *, actor: Any, rectification: Rectification, uploaded: UploadedFile
) -> Attachment:
    """Attach evidence of the rectification (a photo, a document)."""
    _require(is_office_user(actor, rectification.unit))
    _require_rectification_status(
        rectification, [RectificationStatus.OPEN, RectificationStatus.IN_PROGRESS]
    )
    return attachment_create(
        actor=actor, unit=rectification.unit, uploaded=uploaded, owner=rectification
    )


# Demonstration units ------------------------------------------------------------------------


@transaction.atomic
def demonstration_designate(
    *, actor: Any, office: Unit, year: int, note: str = ""
) -> DemonstrationUnit:
    """The city designates an office a demonstration unit (示范单位) for ``year``."""
    _require(is_city_officer(actor))
    if office.kind != UnitKind.OFFICE:
        raise ApplicationError(_("Only a judicial office can be designated."), field="office")
    if DemonstrationUnit.objects.filter(year=year, office=office).exists():
        raise ApplicationError(
            _("%(office)s is a demonstration unit of %(year)s already.")
            % {"office": office.name, "year": year},
            field="office",
        )
    unit = DemonstrationUnit(year=year, office=office, note=note.strip(), created_by=actor)
    unit.full_clean()
    unit.save()
    assert_in_scope(unit, actor, "view")
    audit.record("create", actor=actor, obj=unit, changes={"fields": ["note", "office", "year"]})
    return unit


@transaction.atomic
def demonstration_undesignate(*, actor: Any, demonstration: DemonstrationUnit) -> None:
    """The city withdraws a designation."""
    _require(is_city_officer(actor))
    assert_in_scope(demonstration, actor, "view")
    audit.record(
        "delete",
        actor=actor,
        obj=demonstration,
        changes={"office": demonstration.office.code, "year": demonstration.year},
    )
    demonstration.delete()
