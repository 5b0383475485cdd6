"""Records of the rule-of-law ledgers, made through the services."""

from __future__ import annotations

import io
from datetime import date, timedelta
from itertools import count
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from sifasuo.governance import services
from sifasuo.governance.choices import (
    CheckResult,
    Conclusion,
    InterferenceCategory,
    MatterType,
    SupervisionKind,
)
from sifasuo.governance.models import (
    Draft,
    InterferenceRecord,
    JurorRound,
    LegalityReview,
    ReviewChecklistItem,
    SupervisionActivity,
)
from sifasuo.orgs.models import Unit
from sifasuo.people import services as people_services
from sifasuo.people.demo import synthetic_id_number

XIYILU = "610102001"
_sequence = count(1)

DRAFT_TEXT = """测试条例（征求意见稿）
第一章 总则
第一条 为了测试，制定本条例。
第二条 本条例适用于本市。
第三条 本条例自公布之日起施行。
"""


def today() -> date:
    return timezone.localdate()


def unit(code: str = XIYILU) -> Unit:
    return Unit.objects.get(code=code)


def docx_upload(name: str = "送审稿.docx", text: str = "送审稿") -> SimpleUploadedFile:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def review(
    *,
    actor: Any = None,
    office: str = XIYILU,
    matter_type: str = MatterType.NORMATIVE,
    received_on: date | None = None,
    **kwargs: Any,
) -> LegalityReview:
    return services.review_register(
        actor=actor,
        unit=unit(office),
        matter_type=matter_type,
        title=kwargs.pop("title", f"关于测试事项的通知{next(_sequence)}"),
        submitting_body="镇党政办公室",
        received_on=received_on or today() - timedelta(days=2),
        **kwargs,
    )


def checks(fail: str = "") -> list[services.CheckInput]:
    return [
        services.CheckInput(
            item=item,
            result=CheckResult.FAIL if item.code == fail else CheckResult.PASS,
            note="问题" if item.code == fail else "",
        )
        for item in ReviewChecklistItem.objects.filter(is_active=True)
    ]


def issued(*, actor: Any = None, **kwargs: Any) -> LegalityReview:
    matter = review(actor=actor, **kwargs)
    return services.review_issue_opinion(
        actor=actor,
        review=matter,
        conclusion=Conclusion.LAWFUL_AFTER_CHANGES,
        opinion_text="修改后合法。",
        issued_on=today(),
        checks=checks(fail="AUTHORITY"),
        changes=[services.ChangeInput("第五条", "设定罚款", "删除")],
    )


def activity(*, actor: Any = None, office: str = XIYILU, **kwargs: Any) -> SupervisionActivity:
    defaults: dict[str, Any] = {
        "enforcement_unit": "镇综合执法办公室",
        "kind": SupervisionKind.CASE_REVIEW,
        "held_on": today() - timedelta(days=5),
        "subject": "案卷评查",
        "findings": "缺少法制审核意见",
        "problems_found": 1,
    }
    return services.supervision_create(actor=actor, unit=unit(office), **{**defaults, **kwargs})


def draft(
    *, actor: Any = None, bureau: str = "610100", publish: bool = True, **kwargs: Any
) -> Draft:
    made = services.draft_create(
        actor=actor,
        unit=unit(bureau),
        title=kwargs.pop("title", f"测试条例{next(_sequence)}"),
        issuing_body="市司法局",
        text=kwargs.pop("text", DRAFT_TEXT),
        opens_on=kwargs.pop("opens_on", today() - timedelta(days=3)),
        closes_on=kwargs.pop("closes_on", today() + timedelta(days=10)),
        **kwargs,
    )
    if publish:
        services.draft_publish(actor=actor, draft=made)
        made.refresh_from_db()
    return made


def person(office: str = XIYILU, born: date | None = None, name: str = "候选人") -> Any:
    n = next(_sequence)
    # A birth date of our own, so no other app's synthetic number is drawn twice.
    born = born or date(1967, 1 + n % 12, 1 + n % 28)
    number = synthetic_id_number(office[:6], born, 50 + n % 50, male=False)
    return people_services.person_create(
        actor=None, unit=unit(office), name=name, id_number=number, phone="13800001111"
    )


def juror_round(*, actor: Any = None, quota: int = 1, district: str = "610102") -> JurorRound:
    return services.round_create(
        actor=actor,
        unit=unit(district),
        title=f"人民陪审员选任{next(_sequence)}",
        court_name="新城区人民法院",
        quota=quota,
    )


def drawn_round(*, quota: int = 1, people: int = 6) -> JurorRound:
    for n in range(people):
        person(office=XIYILU if n % 2 == 0 else "610102002", name=f"候选{n}")
    made = juror_round(quota=quota)
    return services.round_draw(actor=None, juror_round=made, draw_date=today(), seed="test-seed")


def entry(*, actor: Any = None, office: str = XIYILU, submit: bool = False) -> InterferenceRecord:
    return services.interference_create(
        actor=actor,
        unit=unit(office),
        occurred_on=today() - timedelta(days=1),
        category=InterferenceCategory.LEADER,
        who="某单位领导",
        case_reference="调解案件",
        what_asked="询问进展",
        handling="拒绝透露",
        reported_to="区司法局",
        submit=submit,
    )
