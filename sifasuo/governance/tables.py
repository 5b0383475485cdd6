"""The columns of each ledger, written once for the list page and its Excel export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from sifasuo.governance.models import LegalityReview, Opinion


@dataclass(frozen=True)
class Column:
    """A column: its heading, the cell's value, the sort key, and how the cell is shown."""

    label: Any
    value: Callable[[Any], Any]
    sort: str = ""
    link: bool = False  # the cell links to the record
    badge: Callable[[Any], str] = lambda obj: ""  # a Bootstrap colour name, or ""
    flag: Callable[[Any], Any] = lambda obj: ""  # a short warning after the value
    export: bool = True


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def _overdue(flag: bool) -> Any:
    return _("Overdue") if flag else ""


@dataclass(frozen=True)
class Ledger:
    """A ledger's columns, the sort keys they allow, and its export's name."""

    columns: tuple[Column, ...]
    object_type: str
    filename: str
    url: Callable[[Any], str] = lambda obj: obj.get_absolute_url()

    @property
    def sorts(self) -> tuple[str, ...]:
        return tuple(c.sort for c in self.columns if c.sort)

    def rows(self, objects: Iterable[Any]) -> list[dict[str, Any]]:
        """The cells of each record, for the list template."""
        return [
            {
                "url": self.url(obj),
                "cells": [
                    {
                        "value": c.value(obj),
                        "link": c.link,
                        "badge": c.badge(obj),
                        "flag": c.flag(obj),
                    }
                    for c in self.columns
                ],
            }
            for obj in objects
        ]

    def headers(self) -> list[str]:
        return [str(c.label) for c in self.columns if c.export]

    def export_rows(self, objects: Iterable[Any]) -> Iterable[Sequence[Any]]:
        for obj in objects:
            yield [_plain(c.value(obj)) for c in self.columns if c.export]


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) or value is None:
        return value
    return str(value)


def _review_badge(review: LegalityReview) -> str:
    return {"REGISTERED": "secondary", "IN_REVIEW": "primary", "ISSUED": "info"}.get(
        review.status, "success"
    )


REVIEWS = Ledger(
    (
        Column(_("Review number"), lambda r: r.number, "number", link=True),
        Column(_("Title"), lambda r: r.title, "title"),
        Column(_("Type"), lambda r: r.get_matter_type_display(), "matter_type"),
        Column(_("Office"), lambda r: r.unit.name),
        Column(_("Submitted by"), lambda r: r.submitting_body),
        Column(_("Received"), lambda r: _d(r.received_on), "received_on"),
        Column(
            _("Due"),
            lambda r: _d(r.due_on),
            "due_on",
            flag=lambda r: _overdue(r.is_overdue),
        ),
        Column(_("Status"), lambda r: r.get_status_display(), "status", badge=_review_badge),
        Column(_("Conclusion"), lambda r: r.get_conclusion_display()),
        Column(_("Adopted"), lambda r: r.get_adoption_display()),
        Column(_("Registration number"), lambda r: r.registration_number, "registration_number"),
        Column(_("Reviewer"), lambda r: str(r.reviewer) if r.reviewer else ""),
    ),
    "governance.legalityreview",
    "legality-reviews.xlsx",
)

SUPERVISION = Ledger(
    (
        Column(_("Date"), lambda a: _d(a.held_on), "held_on", link=True),
        Column(_("Enforcement unit"), lambda a: a.enforcement_unit, "enforcement_unit"),
        Column(_("Type"), lambda a: a.get_kind_display(), "kind"),
        Column(_("Topic of the supervision"), lambda a: a.subject),
        Column(_("Office"), lambda a: a.unit.name),
        Column(_("Problems found"), lambda a: a.problems_found, "problems_found"),
        Column(
            _("Open rectifications"),
            lambda a: getattr(a, "open_rectifications", 0),
            flag=lambda a: _overdue(getattr(a, "overdue_rectifications", 0) > 0),
        ),
    ),
    "governance.supervisionactivity",
    "enforcement-supervision.xlsx",
)

DRAFTS = Ledger(
    (
        Column(_("Title"), lambda d: d.title, "title", link=True),
        Column(_("Drafting body"), lambda d: d.issuing_body),
        Column(_("Published by"), lambda d: d.unit.name),
        Column(_("Open from"), lambda d: _d(d.opens_on), "opens_on"),
        Column(_("Open until"), lambda d: _d(d.closes_on), "closes_on"),
        Column(
            _("Status"),
            lambda d: d.get_status_display(),
            "status",
            badge=lambda d: "success" if d.is_open else "secondary",
        ),
        Column(_("Opinions"), lambda d: getattr(d, "opinion_count", 0)),
        Column(_("Not answered"), lambda d: getattr(d, "unanswered_count", 0)),
    ),
    "governance.draft",
    "drafts-for-comment.xlsx",
)


def _opinion_url(opinion: Opinion) -> str:
    return opinion.draft.get_absolute_url() + f"#opinion-{opinion.public_id}"


OPINIONS = Ledger(
    (
        Column(_("Draft"), lambda o: o.draft.title, link=True),
        Column(_("Clause"), lambda o: o.clause.heading if o.clause else _("The whole draft")),
        Column(_("Source"), lambda o: o.get_source_display(), "source"),
        Column(_("Collected by"), lambda o: o.origin),
        Column(_("Meeting or channel"), lambda o: o.meeting),
        Column(_("People"), lambda o: o.people_count, "people_count"),
        Column(_("Opinion"), lambda o: o.text),
        Column(_("Submitted on"), lambda o: _d(o.submitted_on), "submitted_on"),
        Column(_("Answer"), lambda o: o.get_adoption_display(), "adoption"),
        Column(_("Reason"), lambda o: o.answer_reason),
    ),
    "governance.opinion",
    "legislative-opinions.xlsx",
    _opinion_url,
)

ROUNDS = Ledger(
    (
        Column(_("Round"), lambda r: r.title, "title", link=True),
        Column(_("Court"), lambda r: r.court_name),
        Column(_("District bureau"), lambda r: r.unit.name),
        Column(_("Jurors to appoint"), lambda r: r.quota, "quota"),
        Column(_("Candidates"), lambda r: getattr(r, "candidate_count", 0)),
        Column(_("Verified"), lambda r: getattr(r, "verified_count", 0)),
        Column(_("Selected"), lambda r: getattr(r, "selected_count", 0)),
        Column(_("Drawn on"), lambda r: _d(r.draw_date), "draw_date"),
        Column(_("Status"), lambda r: r.get_status_display(), "status"),
    ),
    "governance.jurorround",
    "juror-rounds.xlsx",
)

INTERFERENCE = Ledger(
    (
        Column(_("Date"), lambda e: _d(e.occurred_on), "occurred_on", link=True),
        Column(_("Who"), lambda e: e.get_category_display(), "category"),
        Column(_("Description of the person"), lambda e: e.who),
        Column(_("Case concerned"), lambda e: e.case_reference),
        Column(_("What was asked or done"), lambda e: e.what_asked),
        Column(_("How it was handled"), lambda e: e.handling),
        Column(_("Reported to"), lambda e: e.reported_to),
        Column(_("Recording unit"), lambda e: e.unit.name),
        Column(
            _("Status"),
            lambda e: e.get_status_display(),
            "status",
            badge=lambda e: "success" if e.is_submitted else "warning",
        ),
    ),
    "governance.interferencerecord",
    "three-rules-register.xlsx",
)
