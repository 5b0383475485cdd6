"""What the URL walker and the permission matrix need to know about resettlement."""

from __future__ import annotations

from typing import Any

from django.db import models

from sifasuo.orgs.models import Unit
from sifasuo.people.models import Person
from sifasuo.resettlement.models import ReleasedPerson, VisitationRequest
from tests.accounts.matrix import ActionPage, ScopedModel
from tests.resettlement import factories

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {}
# Page routes that name a record -> the model (or queryset) they look it up in.
ROUTE_MODELS: dict[str, Any] = {
    "resettlement:person_detail": ReleasedPerson,
    "resettlement:person_edit": ReleasedPerson,
    "resettlement:person_reveal": ReleasedPerson,
    "resettlement:person_step": ReleasedPerson,
    "resettlement:person_files": Person,
    "resettlement:visitation_detail": VisitationRequest,
    "resettlement:visitation_step": VisitationRequest,
    "resettlement:coverage_edit": Unit.objects.filter(kind="OFFICE"),
}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {"rs_step": "visit", "vstep": "forward"}
# Lines of the permission matrix.
MATRIX_MODELS: tuple[ScopedModel, ...] = (
    ScopedModel(
        "resettlement.ReleasedPerson",
        "scope_expectations_sensitive.csv",
        factories.matrix_person,
        lambda rp: [
            f"/resettlement/persons/{rp.public_id}/",
            f"/api/v1/resettlement/persons/{rp.public_id}/",
        ],
        {
            "change": ActionPage("get", lambda rp: f"/resettlement/persons/{rp.public_id}/edit/"),
            "reveal": ActionPage(
                "post",
                lambda rp: f"/resettlement/persons/{rp.public_id}/reveal/",
                {"field": "crime", "reason": "矩阵测试"},
            ),
        },
    ),
    ScopedModel(
        "resettlement.VisitationRequest",
        "scope_expectations_sensitive.csv",
        factories.matrix_visitation,
        lambda v: [
            f"/resettlement/visitations/{v.public_id}/",
            f"/api/v1/resettlement/visitations/{v.public_id}/",
        ],
    ),
)


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of the 西一路 office (610102001) for every model in ROUTE_MODELS or a viewset."""
    rp = factories.assisting(actor=office_clerk, days_ago=10)
    request = factories.visitation(actor=office_clerk)
    return {ReleasedPerson: [rp], VisitationRequest: [request], Person: [rp.person]}
