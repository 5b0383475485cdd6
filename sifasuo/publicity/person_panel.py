"""The publicity records on a person's page: 法律明白人 and 示范户 roles."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sifasuo.people.related import RelatedRecords, register
from sifasuo.publicity import selectors


def _count(user: Any, person: Any) -> int:
    return (
        selectors.literates_of_person(user=user, person=person).count()
        + selectors.households_of_person(user=user, person=person).count()
    )


register(RelatedRecords(_("Legal publicity"), "publicity:person_records", _count))
