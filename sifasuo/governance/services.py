"""Every write of the rule-of-law ledgers: one function per business action, audited.

Legality review: REGISTERED → IN_REVIEW → ISSUED → FILED. A draft for comment: PREPARING →
PUBLISHED (open between its dates). A juror round: PREPARING → DRAWN → COMPLETED. A
three-rules entry: DRAFT → SUBMITTED, then annotations only.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.attachments import attachment_create
from sifasuo.core.calendar import due_date
from sifasuo.core.errors import ApplicationError
from sifasuo.core.numbering import next_document_number
from sifasuo.core.scope import assert_in_scope, may_act_at
from sifasuo.governance.choices import (
    JUROR_MIN_AGE,
    JUROR_POOL_MULTIPLE,
    OPEN_REVIEW_STATUSES,
    Adoption,
    CandidateResult,
    CheckResult,
    Conclusion,
    Consent,
    DraftStatus,
    Eligibility,
    EntryStatus,
    InterferenceCategory,
    MatterType,
    OpinionSource,
    RectificationStatus,
    ReviewStatus,
    RoundStatus,
    SupervisionKind,
)
from sifasuo.governance.models import (
    Draft,
    DraftClause,
    InterferenceAnnotation,
    InterferenceRecord,
    JurorCandidate,
    JurorExclusionGround,
    JurorRound,
    LegalityReview,
    Opinion,
    RectificationRequest,
    ReviewChange,
    ReviewCheck,
    ReviewChecklistItem,
    ReviewMaterial,
    SupervisionActivity,
)
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.people import idnumbers
from sifasuo.people.choices import IdType
from sifasuo.people.models import Person

REVIEW_DOC_TYPE = "governance.review"
FILING_DOC_TYPE = "governance.filing"
RECTIFICATION_RULE = "governance.rectification"
JUROR_VERIFICATION_RULE = "governance.juror_verification"
BUREAU_KINDS = (UnitKind.CITY, UnitKind.DISTRICT, UnitKind.DEVZONE)
DISTRICT_KINDS = (UnitKind.DISTRICT, UnitKind.DEVZONE)


def review_rule_code(matter_type: str) -> str:
    """The deadline rule of a type of matter (one row per type in ``deadline_rules.csv``)."""
    return f"governance.review.{matter_type}"


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, field=field)
    return value


def _not_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field=field)


def _not_before(day: date, earliest: date | None, field: str, label: str) -> None:
    if earliest is not None and day < earliest:
        raise ApplicationError(
            _("The date cannot be before %(label)s (%(date)s).")
            % {"label": label, "date": earliest},
            field=field,
        )


def _may_create_at(actor: Any, unit: Unit, model: type[Any]) -> None:
    if actor is not None and not may_act_at(actor, unit, model, "create"):
        raise PermissionDenied


def _save(obj: Any, *, actor: Any, version: int | None, action: str, fields: Iterable[str]) -> Any:
    """Validate, save at the loaded version, check scope and audit the change."""
    if version is not None:
        obj.version = version
    obj.full_clean()
    obj.save()
    assert_in_scope(obj, actor, "change")
    audit.record(action, actor=actor, obj=obj, changes={"fields": sorted(fields)})
    return obj


def _create(obj: Any, *, actor: Any, fields: Iterable[str], **changes: Any) -> Any:
    obj.created_by = actor
    obj.full_clean()
    obj.save()
    assert_in_scope(obj, actor, "create")
    audit.record("create", actor=actor, obj=obj, changes={"fields": sorted(fields), **changes})
    return obj


# Legality review -------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInput:
    """The reviewer's answer to one checklist item."""

    item: ReviewChecklistItem
    result: str
    note: str = ""


@dataclass(frozen=True)
class ChangeInput:
    """One clause-by-clause change asked for."""

    clause: str
    problem: str
    suggestion: str


def _require_review_status(review: LegalityReview, allowed: Iterable[str], step: str) -> None:
    if review.status not in allowed:
        raise ApplicationError(
            _("The review is “%(status)s”; it cannot be %(step)s now.")
            % {"status": review.get_status_display(), "step": step}
        )


def _require_office(unit: Unit) -> None:
    if unit.kind != UnitKind.OFFICE:
        raise ApplicationError(_("Choose a judicial office."), field="unit")


@transaction.atomic
def review_register(
    *,
    actor: Any,
    unit: Unit,
    matter_type: str,
    title: str,
    submitting_body: str,
    received_on: date,
    files: Sequence[Any] = (),
    note: str = "",
) -> LegalityReview:
    """Register a matter for legality review; its due date follows its type's working-day rule."""
    _require_office(unit)
    _may_create_at(actor, unit, LegalityReview)
    if matter_type not in MatterType.values:
        raise ApplicationError(_("Choose the type of matter."), field="matter_type")
    _not_future(received_on, "received_on")
    review = LegalityReview(
        unit=unit,
        matter_type=matter_type,
        title=_text(title, "title", _("Enter the title of the matter.")),
        submitting_body=_text(
            submitting_body, "submitting_body", _("Say who submitted the matter.")
        ),
        received_on=received_on,
        due_on=due_date(review_rule_code(matter_type), received_on),
        number=next_document_number(
            unit=unit, doc_type_code=REVIEW_DOC_TYPE, year=received_on.year
        ),
    )
    _create(
        review,
        actor=actor,
        fields=["matter_type", "received_on", "submitting_body", "title"],
    )
    for uploaded in files:
        review_add_material(actor=actor, review=review, uploaded=uploaded, note=note)
    return review


@transaction.atomic
def review_update(
    *,
    actor: Any,
    review: LegalityReview,
    version: int,
    title: str,
    submitting_body: str,
    matter_type: str,
    received_on: date,
) -> LegalityReview:
    """Correct the registration of an open matter; the due date is computed again."""
    _require_review_status(review, OPEN_REVIEW_STATUSES, _("changed"))
    _not_future(received_on, "received_on")
    if matter_type not in MatterType.values:
        raise ApplicationError(_("Choose the type of matter."), field="matter_type")
    before = {
        "title": review.title,
        "submitting_body": review.submitting_body,
        "matter_type": review.matter_type,
        "received_on": review.received_on,
    }
    review.title = _text(title, "title", _("Enter the title of the matter."))
    review.submitting_body = _text(
        submitting_body, "submitting_body", _("Say who submitted the matter.")
    )
    review.matter_type = matter_type
    review.received_on = received_on
    review.due_on = due_date(review_rule_code(matter_type), received_on)
    after = {k: getattr(review, k) for k in before}
    return _save(
        review,
        actor=actor,
        version=version,
        action="update",
        fields=[*audit.changed_fields(before, after), "due_on"],
    )


@transaction.atomic
def review_add_material(
    *, actor: Any, review: LegalityReview, uploaded: Any, note: str = ""
) -> ReviewMaterial:
    """Store a new version of the draft or its materials (the earlier versions stay)."""
    if review.status == ReviewStatus.FILED:
        raise ApplicationError(_("The matter is filed; its materials can no longer change."))
    attachment = attachment_create(actor=actor, unit=review.unit, uploaded=uploaded, owner=review)
    last = review.materials.aggregate(last=Max("version_number"))["last"] or 0
    material = ReviewMaterial(
        review=review, version_number=last + 1, attachment=attachment, note=note.strip()
    )
    return _create(
        material, actor=actor, fields=["attachment", "version_number"], review=review.number
    )


@transaction.atomic
def review_assign(
    *, actor: Any, review: LegalityReview, reviewer: Any, version: int | None = None
) -> LegalityReview:
    """Name the reviewer (a member of the office); the review is under way."""
    _require_review_status(review, OPEN_REVIEW_STATUSES, _("assigned"))
    if reviewer is None or getattr(reviewer, "unit_id", None) != review.unit_id:
        raise ApplicationError(_("Choose a reviewer of the office."), field="reviewer")
    review.reviewer = reviewer
    review.status = ReviewStatus.IN_REVIEW
    return _save(review, actor=actor, version=version, action="assign", fields=["reviewer"])


def _check_opinion(
    conclusion: str, checks: Sequence[CheckInput], changes: Sequence[ChangeInput]
) -> None:
    if conclusion not in Conclusion.values:
        raise ApplicationError(_("Choose the conclusion."), field="conclusion")
    expected = set(ReviewChecklistItem.objects.filter(is_active=True).values_list("pk", flat=True))
    answered = {c.item.pk for c in checks}
    if expected - answered:
        raise ApplicationError(_("Answer every point of the checklist."), field="checks")
    for check in checks:
        if check.result not in CheckResult.values:
            raise ApplicationError(_("Answer every point of the checklist."), field="checks")
        if check.result == CheckResult.FAIL and not check.note.strip():
            raise ApplicationError(
                _("Say what is wrong for “%(item)s”.") % {"item": check.item.name},
                field="checks",
            )
    failed = any(c.result == CheckResult.FAIL for c in checks)
    if conclusion == Conclusion.LAWFUL and failed:
        raise ApplicationError(
            _("A point of the checklist fails: the matter cannot be found lawful as it is."),
            field="conclusion",
        )
    if conclusion != Conclusion.LAWFUL and not failed:
        raise ApplicationError(_("Mark the points of the checklist that fail."), field="checks")
    if conclusion == Conclusion.LAWFUL_AFTER_CHANGES and not changes:
        raise ApplicationError(
            _("List the changes, clause by clause, that make the matter lawful."),
            field="changes",
        )


@transaction.atomic
def review_issue_opinion(
    *,
    actor: Any,
    review: LegalityReview,
    conclusion: str,
    opinion_text: str,
    issued_on: date,
    checks: Sequence[CheckInput],
    changes: Sequence[ChangeInput] = (),
    version: int | None = None,
) -> LegalityReview:
    """Issue the review opinion: the checklist answered, the conclusion and its changes."""
    _require_review_status(review, OPEN_REVIEW_STATUSES, _("given an opinion"))
    _check_opinion(conclusion, checks, changes)
    _not_future(issued_on, "issued_on")
    _not_before(issued_on, review.received_on, "issued_on", _("the date received"))
    review.conclusion = conclusion
    review.opinion_text = _text(opinion_text, "opinion_text", _("Write the review opinion."))
    review.opinion_issued_on = issued_on
    review.status = ReviewStatus.ISSUED
    if review.reviewer_id is None and actor is not None and actor.unit_id == review.unit_id:
        review.reviewer = actor
    _save(
        review,
        actor=actor,
        version=version,
        action="issue_opinion",
        fields=["checks", "conclusion", "opinion_issued_on", "opinion_text", "status"],
    )
    review.checks.all().delete()
    review.changes.all().delete()
    for check in checks:
        row = ReviewCheck(
            review=review,
            item=check.item,
            result=check.result,
            note=check.note.strip(),
            created_by=actor,
        )
        row.full_clean()
        row.save()
    if conclusion == Conclusion.LAWFUL_AFTER_CHANGES:
        for position, change in enumerate(changes, start=1):
            row_change = ReviewChange(
                review=review,
                position=position,
                clause=_text(change.clause, "changes", _("Name the clause of each change.")),
                problem=_text(change.problem, "changes", _("Say what is wrong with the clause.")),
                suggestion=_text(change.suggestion, "changes", _("Write the change asked for.")),
                created_by=actor,
            )
            row_change.full_clean()
            row_change.save()
    return review


@transaction.atomic
def review_record_adoption(
    *, actor: Any, review: LegalityReview, adoption: str, note: str = "", version: int | None = None
) -> LegalityReview:
    """Record whether the town government adopted the opinion."""
    _require_review_status(review, [ReviewStatus.ISSUED], _("given the town's answer"))
    if adoption not in Adoption.values:
        raise ApplicationError(_("Say whether the opinion was adopted."), field="adoption")
    if adoption != Adoption.ADOPTED and not note.strip():
        raise ApplicationError(
            _("Say what the town did not adopt, and why."), field="adoption_note"
        )
    review.adoption = adoption
    review.adoption_note = note.strip()
    return _save(
        review, actor=actor, version=version, action="record_adoption", fields=["adoption"]
    )


@transaction.atomic
def review_file(
    *, actor: Any, review: LegalityReview, filed_on: date, version: int | None = None
) -> LegalityReview:
    """Enter the reviewed matter in the filing register under the year's next number."""
    _require_review_status(review, [ReviewStatus.ISSUED], _("filed"))
    if not review.adoption:
        raise ApplicationError(_("Record first whether the town adopted the opinion."))
    _not_future(filed_on, "filed_on")
    _not_before(filed_on, review.opinion_issued_on, "filed_on", _("the opinion"))
    review.filed_on = filed_on
    review.status = ReviewStatus.FILED
    review.registration_number = next_document_number(
        unit=review.unit, doc_type_code=FILING_DOC_TYPE, year=filed_on.year
    )
    return _save(
        review,
        actor=actor,
        version=version,
        action="file",
        fields=["filed_on", "registration_number", "status"],
    )


# Enforcement supervision -----------------------------------------------------------------


@transaction.atomic
def supervision_create(
    *,
    actor: Any,
    unit: Unit,
    enforcement_unit: str,
    kind: str,
    held_on: date,
    subject: str,
    findings: str = "",
    problems_found: int = 0,
) -> SupervisionActivity:
    """Record a supervision activity at one of the town's enforcement units."""
    _require_office(unit)
    _may_create_at(actor, unit, SupervisionActivity)
    if kind not in SupervisionKind.values:
        raise ApplicationError(_("Choose the type of activity."), field="kind")
    _not_future(held_on, "held_on")
    if problems_found and not findings.strip():
        raise ApplicationError(_("Describe the problems found."), field="findings")
    activity = SupervisionActivity(
        unit=unit,
        enforcement_unit=_text(
            enforcement_unit, "enforcement_unit", _("Name the enforcement unit supervised.")
        ),
        kind=kind,
        held_on=held_on,
        subject=_text(subject, "subject", _("Enter the subject of the activity.")),
        findings=findings.strip(),
        problems_found=problems_found,
    )
    return _create(
        activity,
        actor=actor,
        fields=["enforcement_unit", "findings", "held_on", "kind", "problems_found", "subject"],
    )


@transaction.atomic
def supervision_update(
    *,
    actor: Any,
    activity: SupervisionActivity,
    version: int,
    enforcement_unit: str,
    kind: str,
    held_on: date,
    subject: str,
    findings: str = "",
    problems_found: int = 0,
) -> SupervisionActivity:
    """Correct a supervision activity (a stale ``version`` is refused)."""
    _not_future(held_on, "held_on")
    if problems_found and not findings.strip():
        raise ApplicationError(_("Describe the problems found."), field="findings")
    fields = ("enforcement_unit", "kind", "held_on", "subject", "findings", "problems_found")
    before = {f: getattr(activity, f) for f in fields}
    activity.enforcement_unit = _text(
        enforcement_unit, "enforcement_unit", _("Name the enforcement unit supervised.")
    )
    activity.kind = kind
    activity.held_on = held_on
    activity.subject = _text(subject, "subject", _("Enter the subject of the activity."))
    activity.findings = findings.strip()
    activity.problems_found = problems_found
    after = {f: getattr(activity, f) for f in fields}
    return _save(
        activity,
        actor=actor,
        version=version,
        action="update",
        fields=audit.changed_fields(before, after),
    )


@transaction.atomic
def rectification_request(
    *,
    actor: Any,
    activity: SupervisionActivity,
    issue: str,
    requested_on: date,
    due_on: date | None = None,
) -> RectificationRequest:
    """Ask the enforcement unit to rectify a problem by a date (the rule's default if none)."""
    if actor is not None and not (
        SupervisionActivity.objects.visible_to(actor, "change").filter(pk=activity.pk).exists()
    ):
        raise PermissionDenied
    _not_future(requested_on, "requested_on")
    _not_before(requested_on, activity.held_on, "requested_on", _("the activity"))
    due = due_on or due_date(RECTIFICATION_RULE, requested_on)
    if due < requested_on:
        raise ApplicationError(_("The deadline cannot be before the request."), field="due_on")
    rectification = RectificationRequest(
        activity=activity,
        issue=_text(issue, "issue", _("Describe the problem to rectify.")),
        requested_on=requested_on,
        due_on=due,
    )
    return _create(rectification, actor=actor, fields=["due_on", "issue", "requested_on"])


@transaction.atomic
def rectification_close(
    *,
    actor: Any,
    rectification: RectificationRequest,
    status: str,
    result: str,
    completed_on: date,
    version: int | None = None,
) -> RectificationRequest:
    """Record whether the unit rectified, as checked on ``completed_on``."""
    if rectification.status != RectificationStatus.OPEN:
        raise ApplicationError(_("The result of this request is on record already."))
    if status not in (RectificationStatus.DONE, RectificationStatus.NOT_DONE):
        raise ApplicationError(_("Say whether the problem was rectified."), field="status")
    _not_future(completed_on, "completed_on")
    _not_before(completed_on, rectification.requested_on, "completed_on", _("the request"))
    rectification.status = status
    rectification.result = _text(result, "result", _("Describe what the check found."))
    rectification.completed_on = completed_on
    return _save(
        rectification,
        actor=actor,
        version=version,
        action="close",
        fields=["completed_on", "result", "status"],
    )


# Legislative opinions --------------------------------------------------------------------

CLAUSE_START = re.compile(r"^\s*(第[一二三四五六七八九十百千零〇两\d]+条)[\s　]*(.*)$")
PART_HEADING = re.compile(r"^\s*第[一二三四五六七八九十百千零〇两\d]+[编章节]")


def split_clauses(text: str) -> list[tuple[str, str]]:
    """Split a draft's text into clauses at each line that starts with 第…条.

    Lines before the first clause (the title) and the headings of parts, chapters and
    sections (第…编/章/节) belong to no clause; a wrapped line stays with its clause.
    """
    clauses: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        match = CLAUSE_START.match(line)
        if match:
            clauses.append((match.group(1), [match.group(2).strip()]))
        elif clauses and line.strip() and not PART_HEADING.match(line):
            clauses[-1][1].append(line.strip())
    return [(heading, "\n".join(p for p in parts if p)) for heading, parts in clauses]


def _require_bureau(unit: Unit) -> None:
    if unit.kind not in BUREAU_KINDS:
        raise ApplicationError(
            _("Drafts are published by the city or a district bureau."), field="unit"
        )


def _require_preparing(draft: Draft) -> None:
    if draft.status != DraftStatus.PREPARING:
        raise ApplicationError(_("The draft is published; its text can no longer change."))


def _check_period(opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise ApplicationError(
            _("The closing date cannot be before the opening date."), field="closes_on"
        )


def _replace_clauses(*, actor: Any, draft: Draft) -> int:
    parts = split_clauses(draft.text)
    if not parts:
        raise ApplicationError(
            _("No clause found: each clause starts on a new line with 第…条."), field="text"
        )
    draft.clauses.all().delete()
    for position, (heading, body) in enumerate(parts, start=1):
        clause = DraftClause(
            draft=draft, position=position, heading=heading, text=body, created_by=actor
        )
        clause.full_clean()
        clause.save()
    return len(parts)


@transaction.atomic
def draft_create(
    *,
    actor: Any,
    unit: Unit,
    title: str,
    issuing_body: str,
    text: str,
    opens_on: date,
    closes_on: date,
    introduction: str = "",
) -> Draft:
    """Prepare a draft for comment; its text is split into clauses (第…条)."""
    _require_bureau(unit)
    _may_create_at(actor, unit, Draft)
    _check_period(opens_on, closes_on)
    draft = Draft(
        unit=unit,
        title=_text(title, "title", _("Enter the title of the draft.")),
        issuing_body=_text(issuing_body, "issuing_body", _("Name the drafting body.")),
        introduction=introduction.strip(),
        text=_text(text, "text", _("Enter the text of the draft.")),
        opens_on=opens_on,
        closes_on=closes_on,
    )
    _create(draft, actor=actor, fields=["closes_on", "issuing_body", "opens_on", "text", "title"])
    _replace_clauses(actor=actor, draft=draft)
    return draft


@transaction.atomic
def draft_update(
    *,
    actor: Any,
    draft: Draft,
    version: int,
    title: str,
    issuing_body: str,
    text: str,
    opens_on: date,
    closes_on: date,
    introduction: str = "",
) -> Draft:
    """Change a draft not yet published; a changed text is split into clauses again."""
    _require_preparing(draft)
    _check_period(opens_on, closes_on)
    fields = ("title", "issuing_body", "text", "opens_on", "closes_on", "introduction")
    before = {f: getattr(draft, f) for f in fields}
    draft.title = _text(title, "title", _("Enter the title of the draft."))
    draft.issuing_body = _text(issuing_body, "issuing_body", _("Name the drafting body."))
    draft.text = _text(text, "text", _("Enter the text of the draft."))
    draft.opens_on, draft.closes_on = opens_on, closes_on
    draft.introduction = introduction.strip()
    after = {f: getattr(draft, f) for f in fields}
    changed = audit.changed_fields(before, after)
    _save(draft, actor=actor, version=version, action="update", fields=changed)
    if "text" in changed:
        _replace_clauses(actor=actor, draft=draft)
    return draft


@transaction.atomic
def clause_update(
    *, actor: Any, clause: DraftClause, heading: str, text: str, version: int
) -> DraftClause:
    """Correct one clause of a draft not yet published (a split that went wrong)."""
    _require_preparing(clause.draft)
    clause.heading = _text(heading, "heading", _("Enter the clause number (第…条)."))
    clause.text = _text(text, "text", _("Enter the text of the clause."))
    return _save(clause, actor=actor, version=version, action="update", fields=["heading", "text"])


@transaction.atomic
def draft_publish(*, actor: Any, draft: Draft, version: int | None = None) -> Draft:
    """Publish: the offices below the bureau receive it; citizens see it while it is open."""
    _require_preparing(draft)
    if not draft.clauses.exists():
        raise ApplicationError(_("The draft has no clause to comment on."))
    if draft.closes_on < timezone.localdate():
        raise ApplicationError(
            _("The closing date has passed; set a new period first."), field="closes_on"
        )
    draft.status = DraftStatus.PUBLISHED
    draft.published_at = timezone.now()
    _save(draft, actor=actor, version=version, action="publish", fields=["status"])
    offices = Unit.objects.filter(
        kind=UnitKind.OFFICE, is_active=True, path__startswith=draft.unit.path
    )
    draft.addressed_units.set(offices)
    return draft


def _clause_of(draft: Draft, clause: DraftClause | None) -> DraftClause | None:
    if clause is not None and clause.draft_id != draft.pk:
        raise ApplicationError(_("Choose a clause of this draft."), field="clause")
    return clause


@transaction.atomic
def opinion_submit_online(
    *, actor: Any, draft: Draft, text: str, clause: DraftClause | None = None
) -> Opinion:
    """A citizen's comment on a clause (or the whole draft) while the draft is open."""
    if actor is None or not getattr(actor, "is_citizen", False):
        raise PermissionDenied
    today = timezone.localdate()
    if not draft.is_open_on(today):
        raise ApplicationError(_("The draft is not open for comment."))
    opinion = Opinion(
        unit=draft.unit,
        draft=draft,
        clause=_clause_of(draft, clause),
        source=OpinionSource.ONLINE,
        citizen=actor,
        text=_text(text, "text", _("Write your opinion.")),
        submitted_on=today,
    )
    return _create(opinion, actor=actor, fields=["clause", "text"], draft=str(draft.public_id))


@transaction.atomic
def opinion_record(
    *,
    actor: Any,
    unit: Unit,
    draft: Draft,
    text: str,
    submitted_on: date,
    source: str = OpinionSource.MEETING,
    meeting: str = "",
    people_count: int = 1,
    clause: DraftClause | None = None,
) -> Opinion:
    """An office enters an opinion it gathered (a meeting, a lawyer, a letter)."""
    if draft.status != DraftStatus.PUBLISHED:
        raise ApplicationError(_("The draft is not published."))
    if unit.pk != draft.unit_id and not draft.addressed_units.filter(pk=unit.pk).exists():
        raise ApplicationError(_("The draft is not addressed to this unit."), field="unit")
    _may_create_at(actor, unit, Opinion)
    if source not in OpinionSource.values or source == OpinionSource.ONLINE:
        raise ApplicationError(_("Choose where the opinion came from."), field="source")
    _not_future(submitted_on, "submitted_on")
    if not draft.opens_on <= submitted_on <= draft.closes_on:
        raise ApplicationError(
            _("The date must lie in the comment period (%(start)s to %(end)s).")
            % {"start": draft.opens_on, "end": draft.closes_on},
            field="submitted_on",
        )
    if people_count < 1:
        raise ApplicationError(_("At least one person gave the opinion."), field="people_count")
    if source == OpinionSource.MEETING and not meeting.strip():
        raise ApplicationError(_("Name the meeting."), field="meeting")
    opinion = Opinion(
        unit=unit,
        draft=draft,
        clause=_clause_of(draft, clause),
        source=source,
        meeting=meeting.strip(),
        people_count=people_count,
        text=_text(text, "text", _("Write the opinion.")),
        submitted_on=submitted_on,
    )
    return _create(
        opinion,
        actor=actor,
        fields=["clause", "meeting", "people_count", "source", "text"],
        draft=str(draft.public_id),
    )


def may_answer(user: Any, draft: Draft) -> bool:
    """Whether ``user`` is staff of the publishing bureau who may answer its opinions."""
    return may_act_at(user, draft.unit, Draft, "change")


@transaction.atomic
def opinion_answer(
    *, actor: Any, opinion: Opinion, adoption: str, reason: str = "", version: int | None = None
) -> Opinion:
    """The publishing bureau answers an opinion: adopted, partly, or not, with the reason."""
    if actor is not None and not may_answer(actor, opinion.draft):
        audit.record("answer", actor=actor, obj=opinion, outcome="DENIED")
        raise PermissionDenied
    if adoption not in Adoption.values:
        raise ApplicationError(_("Choose the answer."), field="adoption")
    if adoption != Adoption.ADOPTED and not reason.strip():
        raise ApplicationError(
            _("Give the reason for not adopting the opinion in full."), field="reason"
        )
    opinion.adoption = adoption
    opinion.answer_reason = reason.strip()
    opinion.answered_at = timezone.now()
    opinion.answered_by = actor if getattr(actor, "is_authenticated", False) else None
    if version is not None:
        opinion.version = version
    opinion.full_clean()
    opinion.save()
    audit.record("answer", actor=actor, obj=opinion, changes={"fields": ["adoption", "reason"]})
    return opinion


# Juror selection -------------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor: Any,
    unit: Unit,
    title: str,
    court_name: str,
    quota: int,
    pool_multiple: int | None = None,
    min_age: int | None = None,
) -> JurorRound:
    """Open a selection round of the district bureau with its basic court."""
    if unit.kind not in DISTRICT_KINDS:
        raise ApplicationError(_("A selection round belongs to a district bureau."), field="unit")
    _may_create_at(actor, unit, JurorRound)
    if quota < 1:
        raise ApplicationError(_("At least one juror is to be appointed."), field="quota")
    if pool_multiple is not None and pool_multiple < JUROR_POOL_MULTIPLE:
        raise ApplicationError(
            _("The pool must hold at least five candidates per juror (art. 9)."),
            field="pool_multiple",
        )
    if min_age is not None and min_age < JUROR_MIN_AGE:
        raise ApplicationError(_("Jurors must be at least 28 years old (art. 5)."), field="min_age")
    juror_round = JurorRound(
        unit=unit,
        title=_text(title, "title", _("Enter the title of the round.")),
        court_name=_text(court_name, "court_name", _("Name the court.")),
        quota=quota,
    )
    if pool_multiple is not None:
        juror_round.pool_multiple = pool_multiple
    if min_age is not None:
        juror_round.min_age = min_age
    return _create(
        juror_round, actor=actor, fields=["court_name", "min_age", "pool_multiple", "quota"]
    )


def _birth_date(person: Person) -> date | None:
    """The date of birth: the registry's, or read from a resident ID here and nowhere else."""
    if person.birth_date is not None:
        return person.birth_date
    if person.id_type == IdType.RESIDENT_ID and person.id_number:
        return idnumbers.birth_date(idnumbers.normalize(person.id_number))
    return None


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _office_of(unit: Unit, offices: dict[int, Unit], parents: dict[int, int | None]) -> Unit | None:
    node: int | None = unit.pk
    while node is not None:
        if node in offices:
            return offices[node]
        node = parents.get(node)
    return None


def eligible_pool(*, district: Unit, min_age: int, on: date) -> list[tuple[Person, Unit]]:
    """People registered in the district's offices who are ``min_age`` or older on ``on``.

    In the order of their ids, each with the office that verifies them, so a seed draws the
    same people again.
    """
    units = list(Unit.objects.filter(path__startswith=district.path).only("pk", "parent", "kind"))
    offices = {u.pk: u for u in units if u.kind == UnitKind.OFFICE}
    parents = {u.pk: u.parent_id for u in units}
    pool = []
    people = Person.objects.filter(unit__path__startswith=district.path).order_by("pk")
    for person in people.iterator(chunk_size=500):
        born = _birth_date(person)
        if born is None or _age_on(born, on) < min_age:
            continue
        office = _office_of(person.unit, offices, parents) if person.unit_id else None
        if office is not None:
            pool.append((person, office))
    return pool


@transaction.atomic
def round_draw(
    *,
    actor: Any,
    juror_round: JurorRound,
    draw_date: date,
    seed: str = "",
    version: int | None = None,
) -> JurorRound:
    """Draw the candidates at random (``seed`` kept: the same seed draws the same people)."""
    if juror_round.status != RoundStatus.PREPARING:
        raise ApplicationError(_("The candidates of this round have been drawn already."))
    _not_future(draw_date, "draw_date")
    seed = seed.strip() or secrets.token_hex(8)
    pool = eligible_pool(district=juror_round.unit, min_age=juror_round.min_age, on=draw_date)
    needed = juror_round.candidates_needed
    if len(pool) < needed:
        raise ApplicationError(
            _(
                "Only %(pool)d people of the district are eligible by age; %(needed)d "
                "candidates are needed (%(multiple)d × %(quota)d)."
            )
            % {
                "pool": len(pool),
                "needed": needed,
                "multiple": juror_round.pool_multiple,
                "quota": juror_round.quota,
            }
        )
    rng = random.Random(seed)  # noqa: S311 - reproducible public draw, not a secret
    drawn = rng.sample(pool, needed)
    for position, (person, office) in enumerate(drawn, start=1):
        candidate = JurorCandidate(
            round=juror_round, unit=office, person=person, draw_position=position, created_by=actor
        )
        candidate.full_clean()
        candidate.save()
    juror_round.offices.set({office.pk for _, office in drawn})
    juror_round.status = RoundStatus.DRAWN
    juror_round.draw_date = draw_date
    juror_round.seed = seed
    juror_round.pool_size = len(pool)
    juror_round.verify_by = due_date(JUROR_VERIFICATION_RULE, draw_date)
    return _save(
        juror_round,
        actor=actor,
        version=version,
        action="draw",
        fields=["draw_date", "pool_size", "seed", "status"],
    )


@transaction.atomic
def candidate_verify(
    *,
    actor: Any,
    candidate: JurorCandidate,
    grounds: Sequence[JurorExclusionGround],
    consent: str,
    verified_on: date,
    note: str = "",
    version: int | None = None,
) -> JurorCandidate:
    """The office records the eligibility check (the grounds found) and the person's consent."""
    if candidate.round.status != RoundStatus.DRAWN:
        raise ApplicationError(_("The round is not waiting for verification."))
    if candidate.result != CandidateResult.PENDING:
        raise ApplicationError(_("The result for this candidate is on record already."))
    if consent not in Consent.values:
        raise ApplicationError(_("Record the candidate's answer."), field="consent")
    _not_future(verified_on, "verified_on")
    _not_before(verified_on, candidate.round.draw_date, "verified_on", _("the draw"))
    if consent == Consent.PENDING and not grounds:
        raise ApplicationError(_("Ask the candidate whether they agree to serve."), field="consent")
    candidate.eligibility = Eligibility.INELIGIBLE if grounds else Eligibility.ELIGIBLE
    candidate.consent = consent
    candidate.verification_note = note.strip()
    candidate.verified_on = verified_on
    _save(
        candidate,
        actor=actor,
        version=version,
        action="verify",
        fields=["consent", "eligibility", "grounds", "verified_on"],
    )
    candidate.grounds.set(grounds)
    return candidate


def may_decide(user: Any, juror_round: JurorRound) -> bool:
    """Whether ``user`` is staff of the district bureau running the round."""
    return may_act_at(user, juror_round.unit, JurorRound, "change")


@transaction.atomic
def candidate_decide(
    *,
    actor: Any,
    candidate: JurorCandidate,
    result: str,
    reason: str = "",
    version: int | None = None,
) -> JurorCandidate:
    """The district bureau records the result for a verified candidate."""
    juror_round = candidate.round
    if actor is not None and not may_decide(actor, juror_round):
        audit.record("decide", actor=actor, obj=candidate, outcome="DENIED")
        raise PermissionDenied
    if juror_round.status != RoundStatus.DRAWN:
        raise ApplicationError(_("The round is not open for results."))
    if not candidate.is_verified:
        raise ApplicationError(_("The office has not verified this candidate yet."))
    if result not in (CandidateResult.SELECTED, CandidateResult.EXCLUDED):
        raise ApplicationError(_("Choose the result."), field="result")
    if result == CandidateResult.SELECTED:
        if candidate.eligibility != Eligibility.ELIGIBLE or candidate.consent != Consent.AGREED:
            raise ApplicationError(
                _("Only an eligible candidate who agrees to serve can be selected."),
                field="result",
            )
        selected = juror_round.candidates.filter(result=CandidateResult.SELECTED)
        if selected.exclude(pk=candidate.pk).count() >= juror_round.quota:
            raise ApplicationError(
                _("The quota of %(quota)d jurors is filled.") % {"quota": juror_round.quota},
                field="result",
            )
    elif not reason.strip():
        raise ApplicationError(_("Give the reason for excluding the candidate."), field="reason")
    candidate.result = result
    candidate.result_reason = reason.strip()
    if version is not None:
        candidate.version = version
    candidate.full_clean()
    candidate.save()
    audit.record("decide", actor=actor, obj=candidate, changes={"fields": ["result"]})
    return candidate


@transaction.atomic
def round_complete(
    *, actor: Any, juror_round: JurorRound, version: int | None = None
) -> JurorRound:
    """Close the round once every candidate has a result."""
    if juror_round.status != RoundStatus.DRAWN:
        raise ApplicationError(_("The round is not open for results."))
    if juror_round.candidates.filter(result=CandidateResult.PENDING).exists():
        raise ApplicationError(_("Some candidates have no result yet."))
    juror_round.status = RoundStatus.COMPLETED
    return _save(juror_round, actor=actor, version=version, action="complete", fields=["status"])


# The "three rules" register --------------------------------------------------------------

ENTRY_FIELDS = ("occurred_on", "category", "who", "case_reference", "what_asked", "handling")


def _fill_entry(record: InterferenceRecord, data: dict[str, Any]) -> None:
    if data["category"] not in InterferenceCategory.values:
        raise ApplicationError(_("Choose who made the inquiry."), field="category")
    _not_future(data["occurred_on"], "occurred_on")
    record.occurred_on = data["occurred_on"]
    record.category = data["category"]
    record.who = _text(data["who"], "who", _("Describe who made the inquiry."))
    record.case_reference = _text(
        data["case_reference"], "case_reference", _("Name the case concerned.")
    )
    record.what_asked = _text(data["what_asked"], "what_asked", _("Record what was asked."))
    record.handling = _text(data["handling"], "handling", _("Record how it was handled."))
    record.reported_to = (data.get("reported_to") or "").strip()


@transaction.atomic
def interference_create(
    *,
    actor: Any,
    unit: Unit,
    occurred_on: date,
    category: str,
    who: str,
    case_reference: str,
    what_asked: str,
    handling: str,
    reported_to: str = "",
    submit: bool = False,
) -> InterferenceRecord:
    """Record an inquiry or interference; ``submit`` files it at once (then it is frozen)."""
    _may_create_at(actor, unit, InterferenceRecord)
    record = InterferenceRecord(unit=unit)
    _fill_entry(
        record,
        {
            "occurred_on": occurred_on,
            "category": category,
            "who": who,
            "case_reference": case_reference,
            "what_asked": what_asked,
            "handling": handling,
            "reported_to": reported_to,
        },
    )
    _create(record, actor=actor, fields=[*ENTRY_FIELDS, "reported_to"])
    if submit:
        interference_submit(actor=actor, record=record)
    return record


@transaction.atomic
def interference_update(
    *,
    actor: Any,
    record: InterferenceRecord,
    version: int,
    occurred_on: date,
    category: str,
    who: str,
    case_reference: str,
    what_asked: str,
    handling: str,
    reported_to: str = "",
) -> InterferenceRecord:
    """Change a draft entry; a submitted one is refused (annotate it instead)."""
    if record.is_submitted:
        raise ApplicationError(_("A submitted entry cannot be changed; add an annotation instead."))
    fields = (*ENTRY_FIELDS, "reported_to")
    before = {f: getattr(record, f) for f in fields}
    _fill_entry(
        record,
        {
            "occurred_on": occurred_on,
            "category": category,
            "who": who,
            "case_reference": case_reference,
            "what_asked": what_asked,
            "handling": handling,
            "reported_to": reported_to,
        },
    )
    after = {f: getattr(record, f) for f in fields}
    return _save(
        record,
        actor=actor,
        version=version,
        action="update",
        fields=audit.changed_fields(before, after),
    )


@transaction.atomic
def interference_submit(
    *, actor: Any, record: InterferenceRecord, version: int | None = None
) -> InterferenceRecord:
    """Submit the entry: from now on it can only be annotated."""
    if record.is_submitted:
        raise ApplicationError(_("The entry is submitted already."))
    if not record.reported_to.strip():
        raise ApplicationError(
            _("Record to whom the inquiry was reported before submitting."), field="reported_to"
        )
    record.status = EntryStatus.SUBMITTED
    record.submitted_at = timezone.now()
    record.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    return _save(record, actor=actor, version=version, action="submit", fields=["status"])


@transaction.atomic
def interference_annotate(
    *, actor: Any, record: InterferenceRecord, text: str
) -> InterferenceAnnotation:
    """Add a note to a submitted entry (append-only)."""
    if not record.is_submitted:
        raise ApplicationError(_("A draft entry is changed directly; annotate it once submitted."))
    if actor is not None and not (
        InterferenceRecord.objects.visible_to(actor, "change").filter(pk=record.pk).exists()
    ):
        raise PermissionDenied
    annotation = InterferenceAnnotation(
        record=record, text=_text(text, "text", _("Write the annotation."))
    )
    return _create(annotation, actor=actor, fields=["text"], record=str(record.public_id))
