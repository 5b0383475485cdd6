"""Every write of the citizens' portal: login codes, consent, applications, ratings,
follow-ups and legal guides. One function per action, in a transaction, audited.

The login code is the only factor of a citizen's login (no password): it is short-lived,
stored as a keyed hash, tried at most a few times, and sent at most so often per phone
and per client address — the limits are counted from the ``LoginCode`` rows themselves,
so they hold across server processes.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sifasuo.accounts import services as account_services
from sifasuo.accounts.models import User, UserKind
from sifasuo.accounts.roles import Role
from sifasuo.core import applications, audit, crypto
from sifasuo.core.applications import ApplicationStatus
from sifasuo.core.calendar import due_date
from sifasuo.core.choices import AuditOutcome
from sifasuo.core.errors import ApplicationError
from sifasuo.core.masking import mask
from sifasuo.core.scope import assert_in_scope
from sifasuo.core.sms import send_sms
from sifasuo.orgs.choices import UnitKind
from sifasuo.orgs.models import Unit
from sifasuo.portal.choices import FollowUpStatus, RatingLevel, ReachedParty
from sifasuo.portal.config import value
from sifasuo.portal.models import (
    PHONE_INDEX_PURPOSE,
    ApplicationEvent,
    CitizenProfile,
    Consent,
    FollowUp,
    LegalGuide,
    LoginCode,
    PortalApplication,
    PrivacyNotice,
    Rating,
)

MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# No 0/O, 1/I/L: a tracking number read over the phone is not misheard.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12
FOLLOWUP_RULE = "portal.followup"
FIRST_RESPONSE_RULE = "portal.first_response"


class RateLimited(ApplicationError):
    """Too many codes asked for: the API answers 429."""

    status_code = 429


# Phones and login codes ----------------------------------------------------------------------


def normalize_phone(raw: str) -> str:
    """Return an 11-digit mainland mobile number, or refuse the input naming the rule."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = re.sub(r"[\s\-()]", "", text)
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if not MOBILE_RE.fullmatch(text):
        raise ApplicationError(
            _("Enter a mainland China mobile number: 11 digits beginning with 13 to 19."),
            field="phone",
        )
    return text


def phone_index(phone: str) -> str:
    return crypto.blind_index(phone, purpose=PHONE_INDEX_PURPOSE)


def _code_hash(login_code: LoginCode, code: str) -> str:
    # Keyed (HMAC-SM3 under the blind-index key) and bound to the row: a 6-digit code's
    # plain hash would be reversed by trying a million values.
    return crypto.blind_index(f"{login_code.public_id}:{code}", purpose="portal.logincode")


def _refuse(message: str, *, field: str = "phone", limited: bool = False) -> ApplicationError:
    kind = RateLimited if limited else ApplicationError
    return kind(
        message, field=field, audit_action="login_code", audit_object_type="portal.logincode"
    )


def _check_send_limits(index: str, ip: str | None, now: Any) -> None:
    per_minute = value("PORTAL_OTP_PER_PHONE_PER_MINUTE")
    per_hour = value("PORTAL_OTP_PER_PHONE_PER_HOUR")
    per_ip = value("PORTAL_OTP_PER_IP_PER_HOUR")
    sent = LoginCode.objects.filter(phone_bidx=index)
    if sent.filter(created_at__gt=now - timedelta(minutes=1)).count() >= per_minute:
        raise _refuse(
            _(
                "A code was sent to this number less than a minute ago (at most %(n)d a "
                "minute). Wait a minute, then ask again."
            )
            % {"n": per_minute},
            limited=True,
        )
    if sent.filter(created_at__gt=now - timedelta(hours=1)).count() >= per_hour:
        raise _refuse(
            _("Too many codes for this number: at most %(n)d an hour. Try again later.")
            % {"n": per_hour},
            limited=True,
        )
    if ip:
        recent = LoginCode.objects.filter(ip=ip, created_at__gt=now - timedelta(hours=1))
        if recent.count() >= per_ip:
            raise _refuse(
                _(
                    "Too many codes asked for from this network address: at most %(n)d an "
                    "hour. Try again later."
                )
                % {"n": per_ip},
                limited=True,
            )


@transaction.atomic
def login_code_request(*, phone: str, ip: str | None) -> LoginCode:
    """Send a one-time login code by SMS to ``phone`` unless a rate limit refuses it."""
    number = normalize_phone(phone)
    now = timezone.now()
    _check_send_limits(phone_index(number), ip, now)
    digits = value("PORTAL_OTP_LENGTH")
    code = "".join(secrets.choice("0123456789") for _ in range(digits))
    ttl = value("PORTAL_OTP_TTL_SECONDS")
    login_code = LoginCode(
        phone=number, ip=ip, created_at=now, expires_at=now + timedelta(seconds=ttl)
    )
    login_code.code_hash = _code_hash(login_code, code)
    login_code.full_clean()
    login_code.save()
    audit.record("login_code", obj=login_code, changes={"expires_in": ttl})
    text = _(
        "[Xi'an Justice] Your login code is %(code)s, valid for %(minutes)d minutes. "
        "Do not tell it to anyone."
    ) % {"code": code, "minutes": max(ttl // 60, 1)}
    transaction.on_commit(lambda: send_sms(number, text))
    return login_code


def _latest_code(index: str) -> LoginCode | None:
    return LoginCode.objects.filter(phone_bidx=index).order_by("-created_at", "-pk").first()


def login_code_verify(*, code: str, login_code: LoginCode | None = None, phone: str = "") -> User:
    """Check ``code`` against the latest code sent to the phone; return the citizen's account.

    A wrong code counts against the code's attempts (that count is kept even though the
    call fails); the right one is used up and logs the citizen in (creating the account
    on the first login).
    """
    if login_code is None:
        login_code = _latest_code(phone_index(normalize_phone(phone)))
    else:
        # The caller's copy may be stale: the attempts are counted in the database.
        login_code = LoginCode.objects.filter(pk=login_code.pk).first()
    if login_code is None or login_code.used_at is not None:
        raise _refuse(_("Ask for a login code first."), field="code")
    if _latest_code(login_code.phone_bidx or "") != login_code:
        raise _refuse(
            _("A newer code has been sent to this number: enter the latest code."), field="code"
        )
    if login_code.is_expired:
        raise _refuse(
            _("The code has expired: a code is valid for %(minutes)d minutes. Ask for a new one.")
            % {"minutes": max(value("PORTAL_OTP_TTL_SECONDS") // 60, 1)},
            field="code",
        )
    limit = value("PORTAL_OTP_MAX_ATTEMPTS")
    if login_code.attempts >= limit:
        raise _refuse(
            _("Too many wrong codes: a code may be tried %(n)d times. Ask for a new one.")
            % {"n": limit},
            field="code",
        )
    entered = re.sub(r"\s", "", unicodedata.normalize("NFKC", code or ""))
    if not secrets.compare_digest(_code_hash(login_code, entered), login_code.code_hash):
        # Counted outside any transaction of the caller's: the count must stay.
        LoginCode.objects.filter(pk=login_code.pk).update(attempts=F("attempts") + 1)
        left = limit - login_code.attempts - 1
        audit.record(
            "login_failed",
            obj=login_code,
            outcome=AuditOutcome.DENIED,
            changes={"attempts_left": left},
        )
        if left <= 0:
            raise _refuse(
                _("The code is wrong, and it has been tried %(n)d times. Ask for a new one.")
                % {"n": limit},
                field="code",
            )
        raise _refuse(
            _("The code is wrong. %(left)d attempts left.") % {"left": left}, field="code"
        )
    return _use_code(login_code)


@transaction.atomic
def _use_code(login_code: LoginCode) -> User:
    used = LoginCode.objects.filter(pk=login_code.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not used:
        raise _refuse(_("Ask for a login code first."), field="code")
    return citizen_for_phone(phone=login_code.phone)


@transaction.atomic
def citizen_for_phone(*, phone: str) -> User:
    """Return the citizen's account for ``phone``, creating it (and its profile) if new."""
    number = normalize_phone(phone)
    profile = (
        CitizenProfile.objects.select_related("user").filter(phone_bidx=phone_index(number)).first()
    )
    if profile is not None:
        return profile.user
    # The username says nothing about the person: never the phone (SECURITY §7 check 34).
    user = User(username=f"citizen-{secrets.token_hex(8)}", kind=UserKind.CITIZEN)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    account_services.user_set_roles(actor=None, user=user, roles=[Role.CITIZEN])
    profile = CitizenProfile(user=user, phone=number, created_by=user)
    profile.full_clean()
    profile.save()
    audit.record("create", actor=user, obj=profile, changes={"fields": ["phone"]})
    return user


def citizen_phone(citizen: Any) -> str:
    """The citizen's mobile phone (plaintext, for sending only), or ""."""
    profile = getattr(citizen, "citizen_profile", None)
    return profile.phone if profile is not None else ""


def _sms_on_commit(citizen: Any, text: str) -> None:
    phone = citizen_phone(citizen)
    if phone:
        transaction.on_commit(lambda: send_sms(phone, text))


# Consent (PIPL) ---------------------------------------------------------------------------


def current_notice() -> PrivacyNotice:
    """The notice in force (loaded by migration; a new version replaces it)."""
    notice = PrivacyNotice.objects.filter(is_current=True).first()
    if notice is None:
        raise ApplicationError(_("The personal-information notice is missing; call 12348."))
    return notice


def active_consent(citizen: Any, notice: PrivacyNotice) -> Consent | None:
    if not getattr(citizen, "is_authenticated", False):
        return None
    return Consent.objects.filter(citizen=citizen, notice=notice, withdrawn_at__isnull=True).first()


@transaction.atomic
def consent_give(*, citizen: Any, notice: PrivacyNotice, ip: str | None = None) -> Consent:
    """Record the citizen's separate consent to ``notice`` (who, which version, when, where)."""
    if not getattr(citizen, "is_citizen", False):
        raise PermissionDenied
    existing = active_consent(citizen, notice)
    if existing is not None:
        return existing
    consent = Consent(citizen=citizen, notice=notice, ip=ip, created_by=citizen)
    consent.full_clean()
    consent.save()
    assert_in_scope(consent, citizen, "create")
    audit.record("consent", actor=citizen, obj=consent, changes={"version": notice.version})
    return consent


@transaction.atomic
def consent_withdraw(*, citizen: Any) -> int:
    """Withdraw the citizen's consents; return how many. Requests filed stay on record."""
    count = 0
    for consent in Consent.objects.filter(citizen=citizen, withdrawn_at__isnull=True):
        consent.withdrawn_at = timezone.now()
        consent.save()
        audit.record(
            "consent_withdraw", actor=citizen, obj=consent, changes={"fields": ["withdrawn_at"]}
        )
        count += 1
    return count


# Applications -------------------------------------------------------------------------------


def _new_tracking_number() -> str:
    while True:
        number = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
        if not PortalApplication.objects.filter(tracking_number=number).exists():
            return number


def offices_for_application() -> Any:
    """The offices a citizen may apply to (every active judicial office)."""
    return Unit.objects.public_offices()


@transaction.atomic
def application_submit(
    *,
    citizen: Any,
    kind_code: str,
    office: Unit,
    data: dict[str, Any],
    consent: bool = False,
    ip: str | None = None,
    on: date | None = None,
) -> PortalApplication:
    """File a request online: the module's service makes its record, the portal the envelope.

    Consent to the current notice is asked once per version (``consent`` True gives it).
    ``on`` backdates the submission (demo data only). The module's ``ApplicationError``
    rolls everything back, the consent included.
    """
    if not getattr(citizen, "is_citizen", False):
        raise PermissionDenied
    kind = applications.get(kind_code)
    if kind is None:
        raise ApplicationError(_("This kind of request cannot be filed online."), field="kind")
    if office.kind != UnitKind.OFFICE or not office.is_active:
        raise ApplicationError(_("Choose a judicial office."), field="office")
    notice = current_notice()
    consent_row = active_consent(citizen, notice)
    if consent_row is None:
        if not consent:
            raise ApplicationError(
                _(
                    "Read the personal-information notice and tick the box to consent before "
                    "you apply."
                ),
                field="pipl_consent",
            )
        consent_row = consent_give(citizen=citizen, notice=notice, ip=ip)
    record = kind.submit(citizen=citizen, office=office, data=data)
    today = on or timezone.localdate()
    envelope = PortalApplication(
        tracking_number=_new_tracking_number(),
        citizen=citizen,
        kind=kind.code,
        unit=office,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        consent=consent_row,
        submitted_on=today,
        respond_by=due_date(FIRST_RESPONSE_RULE, today),
        created_by=citizen,
    )
    envelope.full_clean()
    envelope.save()
    ApplicationEvent.objects.create(
        application=envelope, status=ApplicationStatus.SUBMITTED, created_by=citizen
    )
    assert_in_scope(envelope, citizen, "create")
    audit.record(
        "create",
        actor=citizen,
        obj=envelope,
        changes={"fields": ["kind", "unit"], "kind": kind.code, "office": office.code},
    )
    _sms_on_commit(
        citizen,
        _(
            "[Xi'an Justice] Your %(kind)s request to %(office)s has been received. "
            "Tracking number: %(number)s."
        )
        % {"kind": kind.label, "office": office.name, "number": envelope.tracking_number},
    )
    return envelope


def application_for_record(record: Any) -> PortalApplication | None:
    """The envelope of a module's record, if it came online."""
    if record is None or record.pk is None:
        return None
    content_type = ContentType.objects.get_for_model(record)
    return PortalApplication.objects.filter(content_type=content_type, object_id=record.pk).first()


def application_progress(*, record: Any, status: str, message: str = "", actor: Any = None) -> None:
    """The listener of ``core.applications.progress``: move the envelope, tell the citizen.

    Runs inside the module's transaction; a record that did not come online is ignored.
    """
    if status not in ApplicationStatus.values:
        raise ValueError(f"unknown application status {status!r}")
    content_type = ContentType.objects.get_for_model(record)
    envelope = (
        PortalApplication.objects.select_for_update(of=("self",))
        .select_related("citizen")
        .filter(content_type=content_type, object_id=record.pk)
        .first()
    )
    if envelope is None:
        return
    changed = envelope.status != status
    message = (message or "").strip()
    if not changed and not message:
        return
    envelope.status = status
    if message:
        envelope.last_message = message
    if status == ApplicationStatus.COMPLETED and envelope.completed_on is None:
        envelope.completed_on = timezone.localdate()
    envelope.save()
    author = actor if getattr(actor, "is_authenticated", False) else None
    ApplicationEvent.objects.create(
        application=envelope, status=status, message=message, created_by=author
    )
    audit.record(
        "progress", actor=author, obj=envelope, changes={"fields": ["status"], "status": status}
    )
    text = _("[Xi'an Justice] Your request %(number)s: %(status)s.") % {
        "number": envelope.tracking_number,
        "status": ApplicationStatus(status).label,
    }
    if status == ApplicationStatus.COMPLETED:
        text += " " + _("Please rate the service on the citizens' site.")
    _sms_on_commit(envelope.citizen, text)


# Ratings and follow-ups -----------------------------------------------------------------------


@transaction.atomic
def rating_create(
    *,
    citizen: Any,
    application: PortalApplication,
    level: str,
    comment: str = "",
    on: date | None = None,
) -> Rating:
    """Rate a completed service once (一次一评); a poor rating opens the office's follow-up."""
    if not getattr(citizen, "is_citizen", False) or application.citizen_id != citizen.pk:
        raise PermissionDenied
    if application.status != ApplicationStatus.COMPLETED:
        raise ApplicationError(
            _("A request is rated once the service is completed."), field="level"
        )
    if Rating.objects.filter(application=application).exists():
        raise ApplicationError(
            _("This request has been rated already: each service is rated once."), field="level"
        )
    if level not in RatingLevel.values:
        raise ApplicationError(_("Choose one of the five levels."), field="level")
    rating = Rating(
        application=application,
        level=level,
        comment=comment.strip(),
        rated_on=on or timezone.localdate(),
        created_by=citizen,
    )
    rating.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise ApplicationError(
            _("This request has been rated already: each service is rated once."), field="level"
        ) from exc
    assert_in_scope(rating, citizen, "create")
    audit.record("create", actor=citizen, obj=rating, changes={"fields": ["comment", "level"]})
    if rating.is_poor:
        followup = FollowUp(
            unit=application.unit,
            rating=rating,
            opened_on=rating.rated_on,
            due_on=due_date(FOLLOWUP_RULE, rating.rated_on),
            created_by=citizen,
        )
        followup.full_clean()
        followup.save()
        audit.record("create", actor=citizen, obj=followup, changes={"fields": ["due_on"]})
    return rating


@transaction.atomic
def followup_record_call(
    *,
    actor: Any,
    followup: FollowUp,
    called_on: date,
    reached: str,
    outcome: str,
    rectification: str = "",
    close: bool = False,
    version: int | None = None,
) -> FollowUp:
    """Record the return call (回访) of a poor rating; close it once the citizen was reached."""
    if not followup.is_open:
        raise ApplicationError(_("This follow-up is closed already."))
    if called_on < followup.opened_on:
        raise ApplicationError(
            _("The call cannot be before the rating (%(date)s).") % {"date": followup.opened_on},
            field="called_on",
        )
    if called_on > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="called_on")
    if reached not in ReachedParty.values:
        raise ApplicationError(_("Say who was reached."), field="reached")
    if not outcome.strip():
        raise ApplicationError(_("Write what the citizen said."), field="outcome")
    if close and reached == ReachedParty.NOT_REACHED:
        raise ApplicationError(
            _(
                "A follow-up is closed only after the citizen (or their agent) was reached: "
                "every poor rating gets a return call."
            ),
            field="reached",
        )
    if close and not rectification.strip():
        raise ApplicationError(
            _("Write what the office changed (the rectification) before closing."),
            field="rectification",
        )
    if version is not None:
        followup.version = version
    followup.called_on = called_on
    followup.reached = reached
    followup.outcome = outcome.strip()
    followup.rectification = rectification.strip()
    fields = ["called_on", "outcome", "reached", "rectification"]
    if close:
        followup.status = FollowUpStatus.CLOSED
        followup.closed_on = called_on
        fields += ["closed_on", "status"]
    followup.full_clean()
    followup.save()
    assert_in_scope(followup, actor, "change")
    audit.record("return_call", actor=actor, obj=followup, changes={"fields": sorted(fields)})
    return followup


@transaction.atomic
def followup_reveal_phone(*, actor: Any, followup: FollowUp, reason: str) -> str:
    """Show the citizen's number to call back (audited, with the reason)."""
    if not reason.strip():
        raise ApplicationError(_("State why you need the number."), field="reason")
    assert_in_scope(followup, actor, "reveal")
    audit.record(
        "reveal", actor=actor, obj=followup, reason=reason.strip(), changes={"field": "phone"}
    )
    return citizen_phone(followup.rating.application.citizen)


def masked_phone(citizen: Any) -> str:
    return mask(citizen_phone(citizen), "phone")


# Legal guides -------------------------------------------------------------------------------

GUIDE_FIELDS = ("title", "category", "summary", "body")


def _check_guide(guide: LegalGuide) -> None:
    if not guide.title.strip():
        raise ApplicationError(_("Give the guide a title."), field="title")
    if not guide.body.strip():
        raise ApplicationError(_("Write the guide's text."), field="body")
    duplicate = LegalGuide.objects.filter(unit=guide.unit, title=guide.title).exclude(pk=guide.pk)
    if duplicate.exists():
        raise ApplicationError(_("A guide with this title exists already."), field="title")


@transaction.atomic
def guide_create(
    *,
    actor: Any,
    title: str,
    category: str,
    body: str,
    summary: str = "",
    unit: Unit | None = None,
) -> LegalGuide:
    """Write a legal guide (a draft until published) for the city bureau."""
    owner = unit or getattr(actor, "unit", None)
    if owner is None or (actor is not None and owner.kind != UnitKind.CITY):
        raise PermissionDenied
    guide = LegalGuide(
        unit=owner,
        title=title.strip(),
        category=category,
        summary=summary.strip(),
        body=body.strip(),
        created_by=actor,
    )
    _check_guide(guide)
    guide.full_clean()
    guide.save()
    assert_in_scope(guide, actor, "create")
    audit.record("create", actor=actor, obj=guide, changes={"fields": list(GUIDE_FIELDS)})
    return guide


@transaction.atomic
def guide_update(
    *, actor: Any, guide: LegalGuide, version: int | None = None, **changes: Any
) -> LegalGuide:
    """Change a guide's text (a published guide stays published)."""
    before = {f: getattr(guide, f) for f in GUIDE_FIELDS}
    for field in GUIDE_FIELDS:
        if field in changes:
            raw = changes[field]
            setattr(guide, field, raw.strip() if isinstance(raw, str) else raw)
    if version is not None:
        guide.version = version
    _check_guide(guide)
    guide.full_clean()
    guide.save()
    assert_in_scope(guide, actor, "change")
    after = {f: getattr(guide, f) for f in GUIDE_FIELDS}
    audit.record(
        "update", actor=actor, obj=guide, changes={"fields": audit.changed_fields(before, after)}
    )
    return guide


@transaction.atomic
def guide_publish(
    *, actor: Any, guide: LegalGuide, publish: bool, version: int | None = None
) -> LegalGuide:
    """Publish a guide on the citizens' site, or take it down."""
    if version is not None:
        guide.version = version
    guide.is_published = publish
    if publish:
        guide.published_on = timezone.localdate()
    guide.full_clean()
    guide.save()
    assert_in_scope(guide, actor, "change")
    audit.record(
        "publish" if publish else "unpublish",
        actor=actor,
        obj=guide,
        changes={"fields": ["is_published", "published_on"]},
    )
    return guide
