"""Reads of the person registry, always through scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sifasuo.core import audit
from sifasuo.people.models import Person


def person_list(*, user: Any, name: str = "", sex: str = "") -> QuerySet[Person]:
    """Return the people ``user`` may see, filtered by name prefix and sex."""
    qs = Person.objects.visible_to(user).select_related("unit")
    if name:
        qs = qs.filter(name__startswith=name.strip())
    if sex:
        qs = qs.filter(sex=sex)
    return qs


def person_lookup(*, user: Any, id_type: str, id_number: str) -> QuerySet[Person]:
    """Exact look-up by document number through the blind index (audited, no number logged)."""
    field = Person._meta.get_field("id_number_bidx")
    index = field.index_of(id_number)  # type: ignore[union-attr]
    audit.record("search", actor=user, object_type="people.person", changes={"by": "id_number"})
    return Person.objects.visible_to(user).filter(id_type=id_type, id_number_bidx=index)
