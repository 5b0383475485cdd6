"""Online applications: the kinds of request a citizen can file on the portal.

Each business module registers the kinds it handles (``register``) from its
``AppConfig.ready()``; the portal lists them, adds the office choice and the consent, and
calls the kind's ``submit`` — the module's own service — so that a request filed online is
the same record the office keeps at the counter (DESIGN: "the portal calls the same
services"). When the module's record moves on (answered, booked, refused, completed), the
module's service calls ``progress``; the portal listens and updates the citizen's view
(status, the office's reply, an SMS). ``core`` imports no app: both sides meet here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    """Where a citizen's request stands, as the citizen sees it."""

    SUBMITTED = "SUBMITTED", _("Submitted")
    IN_PROGRESS = "IN_PROGRESS", _("Being handled")
    COMPLETED = "COMPLETED", _("Completed")
    REJECTED = "REJECTED", _("Not accepted")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")


FINAL_STATUSES = frozenset(
    {ApplicationStatus.COMPLETED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
)


@dataclass(frozen=True)
class ApplicationKind:
    """One kind of online request and the module service that receives it.

    ``form_class`` holds the citizen's fields (not the office, not the consent: the portal
    asks for those). ``submit(*, citizen, office, data)`` runs inside the portal's
    transaction and returns the module's new record; it raises ``ApplicationError`` for bad
    input. ``staff_url(record)`` is where the office works it. ``office_kinds`` limits the
    offices offered (most kinds: any judicial office).
    """

    code: str
    label: Any
    description: Any
    form_class: type[Any]
    submit: Callable[..., models.Model]
    staff_url: Callable[[Any], str]
    icon: str = "file-earmark-text"
    what_to_bring: Any = ""
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)


_kinds: dict[str, ApplicationKind] = {}
_listeners: list[Callable[..., None]] = []


def register(kind: ApplicationKind) -> ApplicationKind:
    """Add (or replace, on reload) the kind with ``kind.code``."""
    _kinds[kind.code] = kind
    return kind


def kinds() -> list[ApplicationKind]:
    """Every registered kind, in display order."""
    return sorted(_kinds.values(), key=lambda k: (k.order, k.code))


def get(code: str) -> ApplicationKind | None:
    return _kinds.get(code)


def listen(listener: Callable[..., None]) -> Callable[..., None]:
    """Register ``listener(*, record, status, message, actor)`` (usable as a decorator)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def progress(*, record: models.Model, status: str, message: str = "", actor: Any = None) -> None:
    """Tell the portal that ``record`` (a module's record) moved to ``status``.

    Call it from the module's service, inside its transaction, whenever a record that may
    have come from the portal changes in a way the citizen should see; ``message`` is the
    office's reply as the citizen will read it (no other person's data). A record that did
    not come from the portal is ignored by the listener.
    """
    for listener in _listeners:
        listener(record=record, status=status, message=message, actor=actor)
