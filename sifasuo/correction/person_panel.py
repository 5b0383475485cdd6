"""The correction records on a person's page (counted within the sensitive scope)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sifasuo.correction import selectors
from sifasuo.people.related import RelatedRecords, register


def _count(user: Any, person: Any) -> int:
    return selectors.subjects_of_person(user=user, person=person).count()


register(RelatedRecords(_("Community correction"), "correction:person_subjects", _count))
