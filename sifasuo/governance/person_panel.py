"""The person page's link to the juror rounds a person was drawn for."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sifasuo.governance.models import JurorCandidate
from sifasuo.people.related import RelatedRecords, register


def _count(user: Any, person: Any) -> int:
    return JurorCandidate.objects.visible_to(user).filter(person=person).count()


register(RelatedRecords(_("People's juror candidacies"), "governance:person_candidacies", _count))
