"""Every write of the publicity ledgers: one function per action, in a transaction, audited.

A record belongs to a judicial office; its village, when it names one, must be a village of
a town the office serves. Updates take the ``version`` the user loaded (optimistic locking).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.core import audit
from sifasuo.core.attachments import attachment_create
from sifasuo.core.calendar import due_date
from sifasuo.core.errors import ApplicationError
from sifasuo.core.filetypes import UnsafeArchiveError, sniff
from sifasuo.core.models import Attachment
from sifasuo.core.scope import assert_in_scope, unit_reach_q
from sifasuo.orgs.choices import DivisionLevel, UnitKind
from sifasuo.orgs.models import Division, Unit
from sifasuo.people import idnumbers
from sifasuo.people import services as people_services
from sifasuo.people.choices import IdType, Sex
from sifasuo.people.models import Person
from sifasuo.publicity.choices import (
    IMAGE_TYPES,
    RULE_VILLAGE_REVIEW,
    HouseholdStatus,
    LiterateStatus,
    ReviewResult,
)
from sifasuo.publicity.models import (
    AdviserServiceLog,
    DemonstrationHousehold,
    DemonstrationVillage,
    LawTopic,
    LegalLiterate,
    LiterateTraining,
    PublicityActivity,
    PublicityNorm,
    TownAdviser,
    TownAdviserMatter,
    VillageAdviser,
)

MAX_PHOTOS = 12
PHONE_RE = re.compile(r"^\+?[0-9][0-9-]{4,19}$")


# Shared rules ------------------------------------------------------------------------------


def norm(code: str) -> int:
    """Return the configured value of a norm (``PublicityNorm``, loaded from ``data/``)."""
    return PublicityNorm.objects.get(code=code).value


def office_town_ids(office: Unit) -> set[int]:
    """The towns an office serves: its main town and the others it is assigned."""
    ids = {pk for pk in office.other_divisions.values_list("pk", flat=True)}
    if office.division_id:
        ids.add(office.division_id)
    return ids


def villages_of(offices: Iterable[Unit]) -> QuerySet[Division]:
    """The villages and communities of the towns the ``offices`` serve."""
    from sifasuo.publicity.selectors import offices_town_ids

    towns = offices_town_ids(offices)
    return Division.objects.filter(level=DivisionLevel.VILLAGE, parent_id__in=towns).order_by(
        "code"
    )


def offices_for(user: Any, model: type[models.Model], action: str = "create") -> QuerySet[Unit]:
    """The offices where ``user`` may ``action`` records of ``model``."""
    return Unit.objects.filter(
        unit_reach_q(user, model, action), kind=UnitKind.OFFICE, is_active=True
    ).order_by("code")


def _check_office(unit: Unit) -> None:
    if unit.kind != UnitKind.OFFICE:
        raise ApplicationError(_("These records are kept by a judicial office."), field="office")


def _check_village(office: Any, village: Any, *, required: bool = True) -> None:
    if village is None:
        if required:
            raise ApplicationError(_("Choose the village or community."), field="village")
        return
    if village.level != DivisionLevel.VILLAGE or village.parent_id not in office_town_ids(office):
        raise ApplicationError(
            _("%(village)s is not a village of the towns %(office)s serves.")
            % {"village": village.name, "office": office.name},
            field="village",
        )


def _not_future(day: date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field=field)


def _clean_phone(phone: str) -> str:
    phone = "".join(phone.split())
    if phone and not PHONE_RE.match(phone):
        raise ApplicationError(
            _("Enter a phone number of digits (a leading + and dashes are allowed)."),
            field="phone",
        )
    return phone


def _finish(obj: models.Model, *, actor: Any, created: bool, fields: Iterable[str]) -> None:
    """Validate, save, check the actor's scope and write the audit row."""
    obj.full_clean()
    obj.save()
    assert_in_scope(obj, actor, "create" if created else "change")
    audit.record(
        "create" if created else "update",
        actor=actor,
        obj=obj,
        changes={"fields": sorted(set(fields))},
    )


def _apply(
    obj: Any, *, version: int, changes: dict[str, Any], editable: Iterable[str]
) -> list[str]:
    """Set ``changes`` on ``obj`` at the loaded ``version``; return the changed field names."""
    editable = set(editable)
    unknown = set(changes) - editable
    if unknown:
        raise ApplicationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = {f: getattr(obj, f) for f in changes}
    for name, value in changes.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)
    obj.version = version
    return audit.changed_fields(before, {f: getattr(obj, f) for f in changes})


@dataclass(frozen=True)
class PersonInput:
    """A person as entered on a form: found in the registry by document number, or new."""

    name: str
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    sex: str = Sex.UNKNOWN


def person_for(*, actor: Any, office: Unit, person: PersonInput | Person) -> Person:
    """Return the registry person (enter once): an existing number links that person."""
    if isinstance(person, Person):
        return person
    name = person.name.strip()
    if not name:
        raise ApplicationError(_("Enter the name."), field="name")
    if person.id_number:
        number = idnumbers.normalize(person.id_number)
        index = Person._meta.get_field("id_number_bidx").index_of(number)  # type: ignore[union-attr]
        existing = Person.objects.filter(id_type=person.id_type, id_number_bidx=index).first()
        if existing is not None:
            if existing.name != name:
                raise ApplicationError(
                    _("This document number is registered under another name."),
                    field="id_number",
                    audit_action="create",
                    audit_object_type="people.person",
                )
            return existing
    return people_services.person_create(
        actor=actor,
        unit=office,
        name=name,
        id_type=person.id_type,
        id_number=person.id_number,
        phone=person.phone,
        sex=person.sex,
    )


# Publicity activities ----------------------------------------------------------------------

ACTIVITY_FIELDS = (
    "held_on",
    "theme",
    "target",
    "form",
    "place",
    "village",
    "participants",
    "materials",
    "organiser",
    "note",
)


def _check_laws(laws: Sequence[LawTopic]) -> None:
    if not laws:
        raise ApplicationError(_("Choose at least one law the activity covered."), field="laws")


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    office: Unit,
    held_on: date,
    theme: str,
    laws: Sequence[LawTopic],
    target: str,
    form: str,
    place: str,
    village: Division | None = None,
    participants: int = 0,
    materials: int = 0,
    organiser: str = "",
    note: str = "",
    photos: Sequence[UploadedFile] = (),
) -> PublicityActivity:
    """Record a publicity activity, with its photos (images only, sniffed by content)."""
    _check_office(office)
    _check_village(office, village, required=False)
    _not_future(held_on, "held_on")
    _check_laws(laws)
    activity = PublicityActivity(
        unit=office,
        held_on=held_on,
        theme=theme.strip(),
        target=target,
        form=form,
        place=place.strip(),
        village=village,
        participants=participants,
        materials=materials,
        organiser=organiser.strip(),
        note=note.strip(),
        created_by=actor,
    )
    _finish(activity, actor=actor, created=True, fields=[*ACTIVITY_FIELDS, "laws"])
    activity.laws.set(laws)
    for uploaded in photos:
        activity_add_photo(actor=actor, activity=activity, uploaded=uploaded)
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: Any,
    activity: PublicityActivity,
    version: int,
    laws: Sequence[LawTopic] | None = None,
    **changes: Any,
) -> PublicityActivity:
    """Change an activity's details or the laws it covered."""
    changed = _apply(activity, version=version, changes=changes, editable=ACTIVITY_FIELDS)
    _check_village(activity.unit, activity.village, required=False)
    _not_future(activity.held_on, "held_on")
    if laws is not None:
        _check_laws(laws)
        if {law.pk for law in laws} != set(activity.laws.values_list("pk", flat=True)):
            changed.append("laws")
    _finish(activity, actor=actor, created=False, fields=changed)
    if laws is not None:
        activity.laws.set(laws)
    return activity


def _image_type(uploaded: UploadedFile) -> str | None:
    stream = uploaded.file
    if stream is None:
        return None
    try:
        return sniff(stream)
    except UnsafeArchiveError:
        return None


@transaction.atomic
def activity_add_photo(
    *, actor: Any, activity: PublicityActivity, uploaded: UploadedFile
) -> Attachment:
    """Attach a photo to an activity: a JPEG or PNG by its content, whatever its name."""
    if _image_type(uploaded) not in IMAGE_TYPES:
        raise ApplicationError(
            _("“%(name)s” is not a photo: upload JPEG or PNG images.")
            % {"name": (uploaded.name or "")[:60]},
            field="photos",
        )
    if activity_photos(activity).count() >= MAX_PHOTOS:
        raise ApplicationError(
            _("An activity keeps at most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos"
        )
    assert_in_scope(activity, actor, "change")
    return attachment_create(actor=actor, unit=activity.unit, uploaded=uploaded, owner=activity)


def activity_photos(activity: PublicityActivity) -> QuerySet[Attachment]:
    """The photos of an activity (the activity itself was fetched through scope)."""
    return Attachment.objects.filter(
        owner_type=activity._meta.label_lower, owner_id=str(activity.pk)
    ).order_by("created_at", "pk")


# 法律明白人 --------------------------------------------------------------------------------

LITERATE_FIELDS = (
    "village",
    "pool",
    "appointed_on",
    "certificate_number",
    "status",
    "removed_on",
    "note",
)


def _check_literate(literate: LegalLiterate) -> None:
    _check_village(literate.unit, literate.village)
    _not_future(literate.appointed_on, "appointed_on")
    if literate.status == LiterateStatus.REMOVED:
        if literate.removed_on is None:
            raise ApplicationError(_("Enter the date of removal."), field="removed_on")
        _not_future(literate.removed_on, "removed_on")
        if literate.removed_on < literate.appointed_on:
            raise ApplicationError(
                _("The removal cannot be before the appointment."), field="removed_on"
            )
    else:
        literate.removed_on = None
        others = LegalLiterate.objects.filter(
            person=literate.person_id, status=LiterateStatus.ACTIVE
        ).exclude(pk=literate.pk)
        if others.exists():
            raise ApplicationError(
                _("This person is a serving legal-literate villager already."), field="name"
            )


@transaction.atomic
def literate_create(
    *,
    actor: Any,
    office: Unit,
    person: PersonInput | Person,
    village: Division,
    appointed_on: date,
    pool: str,
    certificate_number: str = "",
    note: str = "",
) -> LegalLiterate:
    """Register a 法律明白人 of a village (the person linked from, or added to, the registry)."""
    _check_office(office)
    _check_village(office, village)
    literate = LegalLiterate(
        unit=office,
        person=person_for(actor=actor, office=office, person=person),
        village=village,
        appointed_on=appointed_on,
        pool=pool,
        certificate_number=certificate_number.strip(),
        note=note.strip(),
        created_by=actor,
    )
    _check_literate(literate)
    _finish(literate, actor=actor, created=True, fields=["person", *LITERATE_FIELDS])
    return literate


@transaction.atomic
def literate_update(
    *, actor: Any, literate: LegalLiterate, version: int, **changes: Any
) -> LegalLiterate:
    """Change a 法律明白人's village, source, appointment or status (清退 with its date)."""
    changed = _apply(literate, version=version, changes=changes, editable=LITERATE_FIELDS)
    _check_literate(literate)
    _finish(literate, actor=actor, created=False, fields=changed)
    return literate


@transaction.atomic
def literate_add_training(
    *, actor: Any, literate: LegalLiterate, trained_on: date, hours: Decimal, topic: str
) -> LiterateTraining:
    """Record a training a 法律明白人 attended."""
    _not_future(trained_on, "trained_on")
    training = LiterateTraining(
        literate=literate,
        trained_on=trained_on,
        hours=hours,
        topic=topic.strip(),
        created_by=actor,
    )
    _finish(training, actor=actor, created=True, fields=["hours", "topic", "trained_on"])
    return training


# 学法用法示范户 -----------------------------------------------------------------------------

HOUSEHOLD_FIELDS = ("village", "year", "status", "note")


def _check_household(household: DemonstrationHousehold) -> None:
    _check_village(household.unit, household.village)
    if household.year > timezone.localdate().year:
        raise ApplicationError(_("The year cannot be in the future."), field="year")
    duplicate = DemonstrationHousehold.objects.filter(
        head=household.head_id, year=household.year
    ).exclude(pk=household.pk)
    if duplicate.exists():
        raise ApplicationError(
            _("This household was designated in %(year)d already.") % {"year": household.year},
            field="year",
        )


@transaction.atomic
def household_create(
    *,
    actor: Any,
    office: Unit,
    head: PersonInput | Person,
    village: Division,
    year: int,
    status: str = HouseholdStatus.ACTIVE,
    note: str = "",
) -> DemonstrationHousehold:
    """Register a 学法用法示范户 (its head linked from, or added to, the registry)."""
    _check_office(office)
    _check_village(office, village)
    household = DemonstrationHousehold(
        unit=office,
        head=person_for(actor=actor, office=office, person=head),
        village=village,
        year=year,
        status=status,
        note=note.strip(),
        created_by=actor,
    )
    _check_household(household)
    _finish(household, actor=actor, created=True, fields=["head", *HOUSEHOLD_FIELDS])
    return household


@transaction.atomic
def household_update(
    *, actor: Any, household: DemonstrationHousehold, version: int, **changes: Any
) -> DemonstrationHousehold:
    """Change a demonstration household's village, year or status (注销、撤销)."""
    changed = _apply(household, version=version, changes=changes, editable=HOUSEHOLD_FIELDS)
    _check_household(household)
    _finish(household, actor=actor, created=False, fields=changed)
    return household


# 一村（社区）一法律顾问 ----------------------------------------------------------------------

ADVISER_FIELDS = (
    "village",
    "village_kind",
    "lawyer_name",
    "law_firm",
    "licence_number",
    "phone",
    "contract_start",
    "contract_end",
    "note",
)


def _check_contract(start: date, end: date) -> None:
    if end <= start:
        raise ApplicationError(_("The contract must end after it starts."), field="contract_end")


def _check_adviser(adviser: VillageAdviser) -> None:
    _check_village(adviser.unit, adviser.village)
    _check_contract(adviser.contract_start, adviser.contract_end)
    adviser.phone = _clean_phone(adviser.phone)
    overlapping = VillageAdviser.objects.filter(
        village=adviser.village_id,
        contract_start__lte=adviser.contract_end,
        contract_end__gte=adviser.contract_start,
    ).exclude(pk=adviser.pk)
    if overlapping.exists():
        raise ApplicationError(
            _("The village has an adviser under contract for part of this period already."),
            field="contract_start",
        )
    if (
        adviser.pk
        and adviser.logs.filter(  # type: ignore[attr-defined]
            Q(served_on__lt=adviser.contract_start) | Q(served_on__gt=adviser.contract_end)
        ).exists()
    ):
        raise ApplicationError(
            _("Services are recorded outside this contract period."), field="contract_end"
        )


@transaction.atomic
def adviser_create(
    *,
    actor: Any,
    office: Unit,
    village: Division,
    lawyer_name: str,
    law_firm: str,
    licence_number: str,
    contract_start: date,
    contract_end: date,
    village_kind: str,
    phone: str = "",
    note: str = "",
) -> VillageAdviser:
    """Assign a lawyer to a village as its legal adviser for a contract period."""
    _check_office(office)
    adviser = VillageAdviser(
        unit=office,
        village=village,
        village_kind=village_kind,
        lawyer_name=lawyer_name.strip(),
        law_firm=law_firm.strip(),
        licence_number=licence_number.strip(),
        phone=phone,
        contract_start=contract_start,
        contract_end=contract_end,
        note=note.strip(),
        created_by=actor,
    )
    _check_adviser(adviser)
    _finish(adviser, actor=actor, created=True, fields=ADVISER_FIELDS)
    return adviser


@transaction.atomic
def adviser_update(
    *, actor: Any, adviser: VillageAdviser, version: int, **changes: Any
) -> VillageAdviser:
    """Change an adviser assignment (a new phone replaces the stored one)."""
    changed = _apply(adviser, version=version, changes=changes, editable=ADVISER_FIELDS)
    _check_adviser(adviser)
    _finish(adviser, actor=actor, created=False, fields=changed)
    return adviser


@transaction.atomic
def adviser_add_log(
    *,
    actor: Any,
    adviser: VillageAdviser,
    served_on: date,
    mode: str,
    hours: Decimal,
    lectures: int = 0,
    consultations: int = 0,
    matters: str = "",
) -> AdviserServiceLog:
    """Record one service of a village adviser (一次一记), inside the contract period."""
    _not_future(served_on, "served_on")
    if not adviser.contract_start <= served_on <= adviser.contract_end:
        raise ApplicationError(
            _("The date is outside the adviser's contract (%(start)s to %(end)s).")
            % {"start": adviser.contract_start, "end": adviser.contract_end},
            field="served_on",
        )
    log = AdviserServiceLog(
        adviser=adviser,
        served_on=served_on,
        mode=mode,
        hours=hours,
        lectures=lectures,
        consultations=consultations,
        matters=matters.strip(),
        created_by=actor,
    )
    _finish(
        log,
        actor=actor,
        created=True,
        fields=["consultations", "hours", "lectures", "matters", "mode", "served_on"],
    )
    return log


# 民主法治示范村（社区） ------------------------------------------------------------------------

VILLAGE_FIELDS = ("village", "level", "year", "designated_on", "review_due", "note")


def _check_designation(title: DemonstrationVillage) -> None:
    _check_village(title.unit, title.village)
    _not_future(title.designated_on, "designated_on")
    if title.year > timezone.localdate().year:
        raise ApplicationError(_("The year cannot be in the future."), field="year")
    if title.review_due <= title.designated_on:
        raise ApplicationError(
            _("The review falls due after the title is conferred."), field="review_due"
        )
    duplicate = DemonstrationVillage.objects.filter(
        village=title.village_id, level=title.level, year=title.year
    ).exclude(pk=title.pk)
    if duplicate.exists():
        raise ApplicationError(_("This title is on file for the village already."), field="level")


@transaction.atomic
def village_designate(
    *,
    actor: Any,
    office: Unit,
    village: Division,
    level: str,
    year: int,
    designated_on: date,
    review_due: date | None = None,
    note: str = "",
) -> DemonstrationVillage:
    """Record a 民主法治示范村 title; the review falls due by the configurable rule."""
    _check_office(office)
    title = DemonstrationVillage(
        unit=office,
        village=village,
        level=level,
        year=year,
        designated_on=designated_on,
        review_due=review_due or due_date(RULE_VILLAGE_REVIEW, designated_on),
        note=note.strip(),
        created_by=actor,
    )
    _check_designation(title)
    _finish(title, actor=actor, created=True, fields=VILLAGE_FIELDS)
    return title


@transaction.atomic
def village_update(
    *, actor: Any, title: DemonstrationVillage, version: int, **changes: Any
) -> DemonstrationVillage:
    """Change a demonstration title's details."""
    changed = _apply(title, version=version, changes=changes, editable=VILLAGE_FIELDS)
    _check_designation(title)
    _finish(title, actor=actor, created=False, fields=changed)
    return title


@transaction.atomic
def village_review(
    *,
    actor: Any,
    title: DemonstrationVillage,
    version: int,
    reviewed_on: date,
    result: str,
    note: str = "",
) -> DemonstrationVillage:
    """Record the review (复核): retained (the next review falls due), revoked or cancelled."""
    if not title.is_active:
        raise ApplicationError(_("The title was revoked or cancelled; it is not reviewed again."))
    _not_future(reviewed_on, "reviewed_on")
    if reviewed_on < title.designated_on:
        raise ApplicationError(
            _("The review cannot be before the title was conferred."), field="reviewed_on"
        )
    if result not in ReviewResult.values:
        raise ApplicationError(_("Choose the result of the review."), field="result")
    title.version = version
    title.reviewed_on = reviewed_on
    title.review_result = result
    if result == ReviewResult.RETAINED:
        title.review_due = due_date(RULE_VILLAGE_REVIEW, reviewed_on)
    if note.strip():
        title.note = f"{title.note}\n{reviewed_on:%Y-%m-%d} {note.strip()}".strip()
    title.full_clean()
    title.save()
    assert_in_scope(title, actor, "change")
    audit.record(
        "review",
        actor=actor,
        obj=title,
        changes={"fields": ["review_due", "review_result", "reviewed_on"], "result": result},
    )
    return title


# 镇街党委政府法律顾问、公职律师 ---------------------------------------------------------------

TOWN_ADVISER_FIELDS = (
    "kind",
    "name",
    "firm_or_post",
    "licence_number",
    "phone",
    "contract_start",
    "contract_end",
    "note",
)


def _check_town_adviser(adviser: TownAdviser) -> None:
    _check_contract(adviser.contract_start, adviser.contract_end)
    adviser.phone = _clean_phone(adviser.phone)


@transaction.atomic
def town_adviser_create(
    *,
    actor: Any,
    office: Unit,
    kind: str,
    name: str,
    firm_or_post: str,
    contract_start: date,
    contract_end: date,
    licence_number: str = "",
    phone: str = "",
    note: str = "",
) -> TownAdviser:
    """Register the town's legal adviser or public-sector lawyer and the contract period."""
    _check_office(office)
    adviser = TownAdviser(
        unit=office,
        kind=kind,
        name=name.strip(),
        firm_or_post=firm_or_post.strip(),
        licence_number=licence_number.strip(),
        phone=phone,
        contract_start=contract_start,
        contract_end=contract_end,
        note=note.strip(),
        created_by=actor,
    )
    _check_town_adviser(adviser)
    _finish(adviser, actor=actor, created=True, fields=TOWN_ADVISER_FIELDS)
    return adviser


@transaction.atomic
def town_adviser_update(
    *, actor: Any, adviser: TownAdviser, version: int, **changes: Any
) -> TownAdviser:
    """Change a town adviser's details or renew the contract."""
    changed = _apply(adviser, version=version, changes=changes, editable=TOWN_ADVISER_FIELDS)
    _check_town_adviser(adviser)
    _finish(adviser, actor=actor, created=False, fields=changed)
    return adviser


@transaction.atomic
def town_adviser_add_matter(
    *,
    actor: Any,
    adviser: TownAdviser,
    handled_on: date,
    matter: str,
    kind: str,
    outcome: str = "",
) -> TownAdviserMatter:
    """Record a matter the town adviser or public-sector lawyer handled."""
    _not_future(handled_on, "handled_on")
    if not matter.strip():
        raise ApplicationError(_("Describe the matter."), field="matter")
    row = TownAdviserMatter(
        adviser=adviser,
        handled_on=handled_on,
        matter=matter.strip(),
        kind=kind,
        outcome=outcome.strip(),
        created_by=actor,
    )
    _finish(row, actor=actor, created=True, fields=["handled_on", "kind", "matter", "outcome"])
    return row
