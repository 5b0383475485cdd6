"""A person's consultations and legal aid pre-applications, on the person's page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sifasuo.legalservice import selectors
from sifasuo.people.related import RelatedRecords, register


def _consultations(user: Any, person: Any) -> int:
    return selectors.consultations_of_person(user=user, person=person).count()


def _legal_aid(user: Any, person: Any) -> int:
    return selectors.legal_aid_of_person(user=user, person=person).count()


register(
    RelatedRecords(_("Legal consultations"), "legalservice:person_consultations", _consultations)
)
register(
    RelatedRecords(_("Legal aid pre-applications"), "legalservice:person_legal_aid", _legal_aid)
)
