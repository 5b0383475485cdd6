"""The mediation cases on a person's page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sifasuo.mediation import selectors
from sifasuo.people.related import RelatedRecords, register


def _count(user: Any, person: Any) -> int:
    return selectors.cases_of_person(user=user, person=person).count()


register(RelatedRecords(_("Mediation cases"), "mediation:person_cases", _count))
