"""What the URL walker and the permission matrix need to know about publicity."""

from __future__ import annotations

from typing import Any

from django.db import models

from sifasuo.people.models import Person
from sifasuo.publicity.models import (
    DemonstrationHousehold,
    DemonstrationVillage,
    LegalLiterate,
    PublicityActivity,
    TownAdviser,
    VillageAdviser,
)
from tests.accounts.matrix import ActionPage, ScopedModel
from tests.publicity import factories

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {}
# Page routes that name a record -> the model (or queryset) they look it up in.
_LEDGER_MODELS = {
    "activity": PublicityActivity,
    "literate": LegalLiterate,
    "household": DemonstrationHousehold,
    "adviser": VillageAdviser,
    "village": DemonstrationVillage,
    "town_adviser": TownAdviser,
}
ROUTE_MODELS: dict[str, Any] = {
    **{f"publicity:{key}_detail": model for key, model in _LEDGER_MODELS.items()},
    **{f"publicity:{key}_edit": model for key, model in _LEDGER_MODELS.items()},
    "publicity:activity_photo_add": PublicityActivity,
    "publicity:literate_training_add": LegalLiterate,
    "publicity:adviser_log_add": VillageAdviser,
    "publicity:village_review": DemonstrationVillage,
    "publicity:town_adviser_matter_add": TownAdviser,
    "publicity:person_records": Person,
}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {}

_PATHS = {
    "activity": ("activities", "publicity/activities", factories.matrix_activity),
    "literate": ("legal-literates", "publicity/legal-literates", factories.matrix_literate),
    "household": ("households", "publicity/households", factories.matrix_household),
    "adviser": ("village-advisers", "publicity/village-advisers", factories.matrix_adviser),
    "village": (
        "demonstration-villages",
        "publicity/demonstration-villages",
        factories.matrix_title,
    ),
    "town_adviser": ("town-advisers", "publicity/town-advisers", factories.matrix_town_adviser),
}


def _line(key: str) -> ScopedModel:
    page, api, make = _PATHS[key]
    return ScopedModel(
        _LEDGER_MODELS[key]._meta.label,
        "scope_expectations.csv",
        make,
        lambda r: [f"/publicity/{page}/{r.public_id}/", f"/api/v1/{api}/{r.public_id}/"],
        {"change": ActionPage("get", lambda r: f"/publicity/{page}/{r.public_id}/edit/")},
    )


# Lines of the permission matrix.
MATRIX_MODELS: tuple[ScopedModel, ...] = tuple(_line(key) for key in _PATHS)


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of the 西一路 office (610102001) for every model in ROUTE_MODELS or a viewset."""
    literate = factories.literate(actor=office_clerk)
    household = factories.household(actor=office_clerk)
    return {
        PublicityActivity: [factories.activity(actor=office_clerk)],
        LegalLiterate: [literate],
        DemonstrationHousehold: [household],
        VillageAdviser: [factories.adviser(actor=office_clerk)],
        DemonstrationVillage: [factories.title(actor=office_clerk)],
        TownAdviser: [factories.town_adviser(actor=office_clerk)],
        Person: [literate.person, household.head],
    }
