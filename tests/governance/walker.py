"""What the URL walker and the permission matrix need to know about governance.

The citizens' pages on drafts are public (the list, a draft) or need the portal's SMS
login (the comment form, "my comments"): an anonymous GET of those gets 302 to
``/portal/login/``, and ``tests/governance/test_views.py`` checks them for citizens.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.db import models
from django.utils import timezone

from sifasuo.governance import services
from sifasuo.governance.models import (
    Draft,
    InterferenceRecord,
    JurorCandidate,
    JurorRound,
    LegalityReview,
    Opinion,
    RectificationRequest,
    SupervisionActivity,
)
from sifasuo.orgs.models import Unit
from sifasuo.people.models import Person
from tests.accounts.matrix import ActionPage, ScopedModel

NO_RECORD = "00000000-0000-0000-0000-000000000000"

# Route name -> the status an anonymous GET gets (public pages only).
PUBLIC: dict[str, int] = {
    "governance:public_draft_list": 200,
    "governance:public_draft_detail": 404,  # walked with an id that names no draft
}
# A citizen's own pages: an anonymous visitor goes to the portal's SMS login.
CITIZEN_ROUTES: frozenset[str] = frozenset({"governance:comment", "governance:my_comments"})
# Page routes that name a record -> the model (or queryset) they look it up in.
ROUTE_MODELS: dict[str, Any] = {
    "governance:review_detail": LegalityReview,
    "governance:review_step": LegalityReview,
    "governance:review_document": LegalityReview,
    "governance:supervision_detail": SupervisionActivity,
    "governance:supervision_step": SupervisionActivity,
    "governance:rectification_close": RectificationRequest,
    "governance:draft_detail": Draft,
    "governance:draft_step": Draft,
    "governance:draft_summary": Draft,
    "governance:opinion_answer": Opinion,
    "governance:round_detail": JurorRound,
    "governance:round_step": JurorRound,
    "governance:candidate_detail": JurorCandidate,
    "governance:candidate_step": JurorCandidate,
    "governance:interference_detail": InterferenceRecord,
    "governance:interference_step": InterferenceRecord,
    "governance:person_candidacies": Person,
}
# Keyword arguments that name no record -> the value the walker uses.
NON_OBJECT_VALUES: dict[str, str] = {
    "review_step": "edit",
    "supervision_step": "edit",
    "draft_step": "office-opinion",
    "round_step": "complete",
    "candidate_step": "verify",
    "entry_step": "edit",
    "fmt": "docx",
    "draft_id": NO_RECORD,
}


def walker_records(office_clerk: Any) -> dict[type[models.Model], list[Any]]:
    """Records of the 西一路 office (610102001) for every model in ROUTE_MODELS or a viewset.

    The draft and the juror round belong to 新城区 and reach 西一路 (not 韦曲) by sharing.
    """
    from tests.governance import factories

    review = factories.issued(actor=office_clerk)
    activity = factories.activity(actor=office_clerk)
    rectification = services.rectification_request(
        actor=office_clerk, activity=activity, issue="走查", requested_on=activity.held_on
    )
    draft = factories.draft(actor=None, bureau="610102")
    opinion = services.opinion_record(
        actor=office_clerk,
        unit=factories.unit(),
        draft=draft,
        meeting="座谈会",
        text="走查意见",
        submitted_on=timezone.localdate(),
    )
    juror_round = factories.drawn_round(quota=1)
    entry = factories.entry(actor=office_clerk)
    return {
        LegalityReview: [review],
        SupervisionActivity: [activity],
        RectificationRequest: [rectification],
        Draft: [draft],
        Opinion: [opinion],
        JurorRound: [juror_round],
        JurorCandidate: list(
            JurorCandidate.objects.filter(round=juror_round, unit=office_clerk.unit)
        ),
        InterferenceRecord: [entry],
    }


_sequence = count(1)


def make_review(unit: Unit) -> LegalityReview:
    """A registered review owned by ``unit`` (any kind: the matrix tries every relation)."""
    return LegalityReview.objects.create(
        unit=unit,
        number=f"（矩阵）审字第{next(_sequence):04d}号",
        matter_type="OTHER",
        title="矩阵测试",
        submitting_body="镇政府",
        received_on=date(2024, 3, 1),
        due_on=date(2024, 3, 12),
    )


def make_activity(unit: Unit) -> SupervisionActivity:
    return SupervisionActivity.objects.create(
        unit=unit,
        enforcement_unit="综合执法办",
        kind="INSPECTION",
        held_on=date(2024, 3, 1),
        subject="矩阵测试",
    )


def make_draft(unit: Unit) -> Draft:
    draft = Draft.objects.create(
        unit=unit,
        title="矩阵测试草案",
        issuing_body="市司法局",
        text="第一条 测试。",
        opens_on=date(2024, 3, 1),
        closes_on=date(2024, 3, 1) + timedelta(days=30),
    )
    draft.clauses.create(position=1, heading="第一条", text="测试。")
    return draft


def make_entry(unit: Unit) -> InterferenceRecord:
    return InterferenceRecord.objects.create(
        unit=unit,
        occurred_on=date(2024, 3, 1),
        category="LEADER",
        who="矩阵",
        case_reference="案件",
        what_asked="询问",
        handling="拒绝",
    )


# Lines of the permission matrix.
MATRIX_MODELS: tuple[ScopedModel, ...] = (
    ScopedModel(
        "governance.LegalityReview",
        "scope_expectations.csv",
        make_review,
        lambda r: [
            f"/governance/reviews/{r.public_id}/",
            f"/api/v1/governance/reviews/{r.public_id}/",
        ],
        {"change": ActionPage("post", lambda r: f"/governance/reviews/{r.public_id}/steps/edit/")},
    ),
    ScopedModel(
        "governance.SupervisionActivity",
        "scope_expectations.csv",
        make_activity,
        lambda a: [
            f"/governance/supervision/{a.public_id}/",
            f"/api/v1/governance/supervision-activities/{a.public_id}/",
        ],
        {
            "change": ActionPage(
                "post", lambda a: f"/governance/supervision/{a.public_id}/steps/edit/"
            )
        },
    ),
    ScopedModel(
        "governance.Draft",
        "scope_expectations.csv",
        make_draft,
        lambda d: [
            f"/governance/drafts/{d.public_id}/",
            f"/api/v1/governance/drafts/{d.public_id}/",
        ],
    ),
    ScopedModel(
        "governance.InterferenceRecord",
        "scope_expectations.csv",
        make_entry,
        lambda e: [f"/governance/three-rules/{e.public_id}/"],
        {
            "change": ActionPage(
                "post", lambda e: f"/governance/three-rules/{e.public_id}/steps/edit/"
            )
        },
    ),
)
