"""The resettlement files on a person's page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sifasuo.people.related import RelatedRecords, register
from sifasuo.resettlement import selectors


def _count(user: Any, person: Any) -> int:
    return selectors.files_of_person(user=user, person=person).count()


register(RelatedRecords(_("Resettlement files"), "resettlement:person_files", _count))
