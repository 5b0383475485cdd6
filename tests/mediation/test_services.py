"""The mediation workflow: every step, every refusal, audit, scope, deadlines, transfers."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation
from openpyxl import load_workbook

from sifasuo.core.crypto import sm3
from sifasuo.core.errors import ApplicationError, ConcurrentModificationError
from sifasuo.core.models import AuditEvent, DeadlineRule
from sifasuo.core.todos import todos_for
from sifasuo.core.xlsx import build_workbook
from sifasuo.mediation import services
from sifasuo.mediation.choices import (
    CaseStatus,
    CommitteeType,
    MediatorPosition,
    Outcome,
    PartyRole,
    RecordKind,
    RefusalReason,
    TransferKind,
)
from sifasuo.mediation.ledger import IMPORT_HEADERS
from sifasuo.mediation.models import DisputeCategory, MediationCase, ScreeningReport
from sifasuo.orgs.models import Unit
from sifasuo.people.demo import synthetic_id_number
from sifasuo.people.models import Person
from tests.mediation import factories

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched on their English msgids (the UI shows them in Chinese)."""
    with translation.override("en"):
        yield


def audit_actions(case: MediationCase) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="mediation.mediationcase", object_id=str(case.public_id)
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


# Intake ----------------------------------------------------------------------------------


def test_register_numbers_cases_per_committee_and_year_without_gaps(mediator):
    # given
    received = date(TODAY().year, 1, 5)
    # when
    first = factories.register(actor=mediator, received_on=received)
    second = factories.register(actor=mediator, received_on=received)
    # then
    year = received.year
    assert first.number == f"（{year}）新城西一路调字第0001号"
    assert second.number == f"（{year}）新城西一路调字第0002号"
    assert first.status == CaseStatus.REGISTERED
    assert first.registered_unit.code == "610102001T01"
    assert audit_actions(first) == ["create"]


def test_register_links_a_registered_person_instead_of_copying_them(mediator):
    # given
    number = factories.id_number()
    parties = [
        services.PartyInput(role=PartyRole.APPLICANT, name="王芳", id_number=number),
        services.PartyInput(role=PartyRole.RESPONDENT, name="赵强"),
    ]
    first = factories.register(actor=mediator, parties=parties)
    # when
    second = factories.register(actor=mediator, parties=parties)
    # then: one person, party to both cases
    applicant = first.parties.get(role=PartyRole.APPLICANT).person
    assert second.parties.get(role=PartyRole.APPLICANT).person == applicant
    assert Person.objects.filter(pk=applicant.pk).count() == 1


def test_register_refuses_a_known_number_under_another_name(mediator):
    # given
    number = factories.id_number()
    factories.register(
        actor=mediator,
        parties=[
            services.PartyInput(role=PartyRole.APPLICANT, name="王芳", id_number=number),
            services.PartyInput(role=PartyRole.RESPONDENT, name="赵强"),
        ],
    )
    # when / then
    with pytest.raises(ApplicationError, match="another name"):
        factories.register(
            actor=mediator,
            parties=[
                services.PartyInput(role=PartyRole.APPLICANT, name="王小芳", id_number=number),
                services.PartyInput(role=PartyRole.RESPONDENT, name="赵强"),
            ],
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"committee": "610102001"}, "committee"),
        ({"summary": "  "}, "Describe"),
        ({"received_on": date(2999, 1, 1)}, "future"),
        (
            {"parties": [services.PartyInput(role=PartyRole.APPLICANT, name="甲")]},
            "respondent",
        ),
    ],
)
def test_register_refuses_bad_input_and_writes_nothing(mediator, kwargs, message):
    # given
    before = MediationCase.objects.count()
    # when / then
    with pytest.raises(ApplicationError, match=message):
        factories.register(actor=mediator, **kwargs)
    assert MediationCase.objects.count() == before


def test_a_mediator_cannot_register_at_another_committee(mediator):
    # when / then
    with pytest.raises(PermissionDenied):
        factories.register(actor=mediator, committee="610102002T01")


def test_party_numbers_are_stored_encrypted(mediator):
    # given
    number = factories.id_number()
    case = factories.register(
        actor=mediator,
        parties=[
            services.PartyInput(role=PartyRole.APPLICANT, name="王芳", id_number=number),
            services.PartyInput(role=PartyRole.RESPONDENT, name="赵强"),
        ],
    )
    person = case.parties.get(role=PartyRole.APPLICANT).person
    # when
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM people_person WHERE id = %s", [person.pk])
        (stored,) = cursor.fetchone()
    # then
    assert number not in stored
    assert stored.startswith("sm4gcm:v1:")


# Acceptance, refusal, deadlines ------------------------------------------------------------


def test_accept_starts_the_month_to_conclude(mediator):
    # given
    case = factories.register(actor=mediator, received_on=TODAY() - timedelta(days=3))
    accepted_on = TODAY() - timedelta(days=2)
    # when
    services.case_accept(actor=mediator, case=case, accepted_on=accepted_on)
    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.accepted_unit == case.unit
    assert case.conclude_due == accepted_on + timedelta(days=30)
    assert audit_actions(case) == ["create", "accept"]


def test_the_deadline_is_data_that_the_bureau_can_change(mediator):
    # given: the bureau confirms a shorter period for this rule
    DeadlineRule.objects.filter(code="mediation.conclude").update(days=15)
    case = factories.register(actor=mediator)
    # when
    services.case_accept(actor=mediator, case=case, accepted_on=case.received_on)
    # then
    assert case.conclude_due == case.received_on + timedelta(days=15)


def test_accept_refuses_a_date_before_the_intake(mediator):
    # given
    case = factories.register(actor=mediator)
    # when / then
    with pytest.raises(ApplicationError, match="before"):
        services.case_accept(
            actor=mediator, case=case, accepted_on=case.received_on - timedelta(days=1)
        )


def test_refuse_records_the_legal_reason_and_ends_the_intake(mediator):
    # given
    case = factories.register(actor=mediator)
    # when
    services.case_refuse(
        actor=mediator, case=case, reason=RefusalReason.ALREADY_ACCEPTED, note="法院已立案"
    )
    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED
    assert case.get_refusal_reason_display()
    assert "refuse" in audit_actions(case)
    with pytest.raises(ApplicationError):
        services.case_accept(actor=mediator, case=case, accepted_on=case.received_on)


def test_a_stale_version_is_refused(mediator):
    # given: two people opened the same intake
    case = factories.register(actor=mediator)
    stale = MediationCase.objects.get(pk=case.pk)
    services.case_accept(
        actor=mediator, case=case, accepted_on=case.received_on, version=case.version
    )
    # when / then
    with pytest.raises(ConcurrentModificationError):
        services.case_refuse(
            actor=mediator,
            case=stale,
            reason=RefusalReason.OUT_OF_SCOPE,
            version=stale.version,
        )
    assert MediationCase.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_extension_needs_consent_and_is_allowed_once(mediator):
    # given
    case = factories.accepted(actor=mediator)
    due = case.conclude_due
    # when / then
    with pytest.raises(ApplicationError, match="consented"):
        services.case_extend(actor=mediator, case=case, consent="", extended_on=TODAY())
    services.case_extend(
        actor=mediator, case=case, consent="双方当事人口头同意", extended_on=TODAY()
    )
    assert case.conclude_due == due + timedelta(days=30)
    with pytest.raises(ApplicationError, match="once"):
        services.case_extend(actor=mediator, case=case, consent="再次同意", extended_on=TODAY())


# Sessions and outcome -----------------------------------------------------------------------


def test_records_move_the_case_to_investigation_then_mediation(mediator):
    # given
    case = factories.accepted(actor=mediator)
    # when
    services.case_add_record(
        actor=mediator,
        case=case,
        kind=RecordKind.INVESTIGATION,
        held_on=case.accepted_on,
        content="走访",
    )
    investigating = MediationCase.objects.get(pk=case.pk).status
    services.case_add_record(
        actor=mediator, case=case, kind=RecordKind.SESSION, held_on=case.accepted_on, content="调解"
    )
    # then
    assert investigating == CaseStatus.INVESTIGATING
    assert MediationCase.objects.get(pk=case.pk).status == CaseStatus.MEDIATING
    assert case.records.count() == 2


def test_a_written_agreement_sets_the_confirmation_and_visit_deadlines(mediator):
    # when
    case = factories.agreed(actor=mediator)
    # then
    assert case.status == CaseStatus.PERFORMING
    assert case.confirmation_due == case.concluded_on + timedelta(days=30)
    assert case.return_visit_due == case.performance_deadline + timedelta(days=7)
    assert case.succeeded


def test_a_written_agreement_needs_the_contents_of_article_29(mediator):
    # given
    case = factories.accepted(actor=mediator)
    # when / then
    with pytest.raises(ApplicationError, match="art. 29"):
        services.case_conclude(
            actor=mediator,
            case=case,
            outcome=Outcome.WRITTEN,
            concluded_on=case.accepted_on,
            agreement_terms="赔偿",
        )


def test_ending_without_agreement_needs_the_routes_told(mediator):
    # given
    case = factories.accepted(actor=mediator)
    # when / then
    with pytest.raises(ApplicationError, match="routes"):
        services.case_conclude(
            actor=mediator, case=case, outcome=Outcome.FAILED, concluded_on=case.accepted_on
        )
    failed = factories.failed(actor=mediator)
    assert failed.status == CaseStatus.TERMINATED
    assert not failed.succeeded


def test_confirmation_after_thirty_days_is_refused(mediator):
    # given
    case = factories.agreed(
        actor=mediator,
        received_on=TODAY() - timedelta(days=60),
        accepted_on=TODAY() - timedelta(days=60),
    )
    # when / then
    with pytest.raises(ApplicationError, match="30 days"):
        services.case_apply_confirmation(
            actor=mediator, case=case, applied_on=TODAY(), court="新城区人民法院"
        )


def test_return_visit_then_close(mediator):
    # given
    case = factories.visited(actor=mediator)
    # when
    services.case_close(actor=mediator, case=case, closed_on=TODAY(), note="立卷归档")
    # then
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert audit_actions(case)[-3:] == ["conclude", "return_visit", "close"]


# Scope ------------------------------------------------------------------------------------


def test_a_case_is_seen_by_its_committee_and_above_only(mediator, office_clerk, other_clerk):
    # given
    case = factories.register(actor=mediator)
    # then
    for user in (mediator, office_clerk):
        assert MediationCase.objects.visible_to(user).filter(pk=case.pk).exists()
    assert not MediationCase.objects.visible_to(other_clerk).filter(pk=case.pk).exists()


def test_the_office_cannot_work_a_case_of_another_office(other_clerk, mediator):
    # given
    case = factories.accepted(actor=mediator)
    # when / then
    with pytest.raises(PermissionDenied):
        services.case_extend(actor=other_clerk, case=case, consent="同意", extended_on=TODAY())


# Transfers ---------------------------------------------------------------------------------


def test_a_transfer_moves_the_work_not_the_count(mediator, office_clerk):
    # given: accepted by a village committee of 西一路, transferred to the town committee
    village = Unit.objects.filter(parent__code="610102001", kind="COMMITTEE").exclude(
        code="610102001T01"
    )
    village_committee = village.first() or Unit.objects.create(
        code="610102001T02",
        name="某社区人民调解委员会",
        kind="COMMITTEE",
        parent=Unit.objects.get(code="610102001"),
    )
    case = factories.accepted(actor=office_clerk, committee=village_committee)
    town = Unit.objects.get(code="610102001T01")
    transfer = services.case_transfer_request(
        actor=office_clerk, case=case, to_unit=town, kind=TransferKind.ESCALATE, reason="难度大"
    )
    # when: the town committee's mediator accepts
    services.transfer_accept(actor=mediator, transfer=transfer)
    # then
    case.refresh_from_db()
    assert case.unit == town
    assert case.accepted_unit == village_committee
    assert MediationCase.objects.visible_to(mediator, "change").filter(pk=case.pk).exists()
    assert "transfer" in audit_actions(case)


def test_only_the_receiver_decides_a_transfer(mediator, office_clerk, other_clerk):
    # given
    case = factories.accepted(actor=mediator)
    transfer = services.case_transfer_request(
        actor=mediator,
        case=case,
        to_unit=Unit.objects.get(code="610102002T01"),
        kind=TransferKind.TRANSFER,
        reason="当事人居住地变更",
    )
    # then: the receiver sees the case while deciding; the sender cannot decide
    assert services.may_receive(office_clerk, transfer) is False
    with pytest.raises(PermissionDenied):
        services.transfer_accept(actor=mediator, transfer=transfer)
    with pytest.raises(PermissionDenied):
        services.transfer_accept(actor=other_clerk, transfer=transfer)
    assert case.shared_with.filter(code="610102002T01").exists()


def test_a_rejected_transfer_leaves_the_case_where_it_was(mediator, district_reviewer):
    # given
    case = factories.accepted(actor=mediator)
    receiver = Unit.objects.get(code="610102002T01")
    transfer = services.case_transfer_request(
        actor=mediator, case=case, to_unit=receiver, kind=TransferKind.TRANSFER, reason="移送"
    )
    # when / then: a reason is required to reject
    with pytest.raises(ApplicationError):
        services.transfer_reject(actor=None, transfer=transfer, note="")
    services.transfer_reject(actor=None, transfer=transfer, note="不属于本调委会辖区")
    case.refresh_from_db()
    assert case.unit.code == "610102001T01"
    assert not case.shared_with.filter(pk=receiver.pk).exists()


def test_a_referral_shares_the_case_and_keeps_the_owner(mediator):
    # given
    case = factories.accepted(actor=mediator)
    receiver = Unit.objects.get(code="610102002T01")
    transfer = services.case_transfer_request(
        actor=mediator, case=case, to_unit=receiver, kind=TransferKind.REFER, reason="协助调解"
    )
    # when
    services.transfer_accept(actor=None, transfer=transfer)
    # then
    case.refresh_from_db()
    assert case.unit.code == "610102001T01"
    assert case.shared_with.filter(pk=receiver.pk).exists()


# To-do lists -------------------------------------------------------------------------------


def test_an_overdue_case_is_on_the_right_to_do_lists(mediator, office_director, other_clerk):
    # given: accepted 40 days ago and still open
    case = factories.accepted(
        actor=mediator,
        received_on=TODAY() - timedelta(days=40),
        accepted_on=TODAY() - timedelta(days=40),
    )
    # when
    mine = [t for t in todos_for(mediator) if case.number in t.title]
    directors = [t for t in todos_for(office_director) if case.number in t.title]
    others = [t for t in todos_for(other_clerk) if case.number in t.title]
    # then
    assert mine
    assert mine[0].overdue
    assert directors
    assert directors[0].overdue
    assert others == []
    assert MediationCase.objects.get(pk=case.pk).is_overdue


# Committees and screening -------------------------------------------------------------------


def test_committee_composition_warnings(mediator, office_clerk):
    # given: a town committee with two men only
    committee = Unit.objects.get(code="610102001T01")
    profile = services.committee_profile_save(
        actor=office_clerk,
        committee=committee,
        committee_type=CommitteeType.TOWN,
        term_start=date(2023, 1, 1),
    )
    for n, position in enumerate([MediatorPosition.DIRECTOR, MediatorPosition.MEMBER]):
        services.mediator_register(
            actor=office_clerk,
            committee=committee,
            party=services.PartyInput(
                role="", name=f"委员{n}", id_number=factories.id_number(), sex="M"
            ),
            position=position,
        )
    # when
    warnings = profile.composition_warnings()
    # then
    assert profile.term_end == date(2025, 12, 31)
    assert any("3" in w and "9" in w for w in warnings)
    assert any("woman" in w for w in warnings)


def test_a_no_dispute_screening_report_and_a_screened_dispute_becoming_a_case(mediator):
    # given
    committee = Unit.objects.get(code="610102001T01")
    month = TODAY().replace(day=1)
    quiet = services.screening_report_create(
        actor=mediator,
        unit=committee,
        division=committee.division,
        period=month - timedelta(days=1),
        reported_on=TODAY(),
    )
    report = services.screening_report_create(
        actor=mediator,
        unit=committee,
        division=committee.division,
        period=month,
        reported_on=TODAY(),
        items=[
            services.ScreeningItemInput(
                category=DisputeCategory.objects.get(code="LAND"),
                description="两户因承包地边界争执",
                risk_level="HIGH",
            )
        ],
    )
    item = report.items.get()
    # when
    case = services.screening_item_to_case(
        actor=mediator, item=item, parties=factories.parties(), received_on=TODAY()
    )
    # then
    assert quiet.no_dispute
    assert quiet.risk_level == "LOW"
    assert report.risk_level == "HIGH"
    assert not report.no_dispute
    assert case.source == "INITIATIVE"
    assert case.screening_item == item
    with pytest.raises(ApplicationError):
        services.screening_item_to_case(
            actor=mediator, item=item, parties=factories.parties(), received_on=TODAY()
        )
    with pytest.raises(ApplicationError):
        services.screening_report_create(
            actor=mediator,
            unit=committee,
            division=committee.division,
            period=month,
            reported_on=TODAY(),
        )
    assert ScreeningReport.objects.filter(unit=committee).count() == 2


# Import of an existing ledger -----------------------------------------------------------------


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    return io.BytesIO(build_workbook("调解台账", IMPORT_HEADERS, rows))


def _row(**overrides: object) -> list[object]:
    values = {
        "案件编号": "2023-001",
        "登记日期": "2024-03-01",
        "受理日期": "2024-03-02",
        "案件来源": "当事人申请",
        "委托移送机关": "",
        "纠纷类别": "邻里",
        "申请人": "王芳",
        "申请人证件号码": "6101**********1234",
        "被申请人": "赵强",
        "被申请人证件号码": "",
        "纠纷简要情况": "排水纠纷",
        "涉案金额（元）": "1000",
        "涉及人数": "2",
        "调解结果": "书面协议",
        "调结日期": "2024-03-10",
        "协议金额（元）": "800",
        "履行期限": "2024-03-20",
    }
    values.update(overrides)
    return [values[h] for h in IMPORT_HEADERS]


def test_import_is_all_or_nothing_with_errors_by_row(office_clerk):
    # given: row 3 has a bad date and an unknown category
    committee = Unit.objects.get(code="610102001T01")
    before = MediationCase.objects.count()
    stream = _workbook([_row(), _row(登记日期="去年", 纠纷类别="未知")])
    # when
    result = services.case_import(actor=office_clerk, committee=committee, stream=stream)
    # then
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "登记日期")]
    assert MediationCase.objects.count() == before


def test_import_creates_cases_through_the_workflow(office_clerk):
    # given
    committee = Unit.objects.get(code="610102001T01")
    stream = _workbook([_row(), _row(调解结果="调解不成", 协议金额="0")])
    # when
    result = services.case_import(actor=office_clerk, committee=committee, stream=stream)
    # then
    assert result.ok
    assert result.created == 2
    cases = MediationCase.objects.filter(archive_note="原编号：2023-001").order_by("pk")
    assert [c.status for c in cases] == [CaseStatus.PERFORMING, CaseStatus.TERMINATED]
    assert cases[0].agreement_amount == Decimal("800.00")
    applicant = cases[0].parties.get(role=PartyRole.APPLICANT).person
    assert applicant.id_number == ""  # a masked number is no number


def _ledger_of_100(bad_row: int | None = None) -> bytes:
    """A 100-case ledger (sheet rows 2–101), every applicant with a real-looking ID number;
    on ``bad_row`` (a sheet row) the number's check character is wrong."""
    rows = []
    for n in range(100):
        number = synthetic_id_number("610102", date(1970, 1, 1) + timedelta(days=n), n, male=True)
        if n + 2 == bad_row:
            number = number[:17] + ("0" if number[17] != "0" else "1")
        rows.append(_row(案件编号=f"2023-{n + 1:03d}", 申请人=f"申请人{n}", 申请人证件号码=number))
    return build_workbook("调解台账", IMPORT_HEADERS, rows)


def test_a_100_row_ledger_is_imported_all_or_nothing_and_only_once(office_clerk):
    # given: row 57 of the sheet holds an ID number with a wrong checksum
    committee = Unit.objects.get(code="610102001T01")
    bad, fixed = _ledger_of_100(bad_row=57), _ledger_of_100()
    before = MediationCase.objects.count()
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    # when
    with translation.override("zh-hans"):
        refused = services.case_import(
            actor=office_clerk, committee=committee, stream=io.BytesIO(bad)
        )
    # then: nothing imported, the row and column named, the number not shown
    assert MediationCase.objects.count() == before
    assert [(e.row, e.column) for e in refused.errors] == [(57, "申请人证件号码")]
    assert "校验" in refused.errors[0].message
    bad_number = (
        load_workbook(io.BytesIO(bad))
        .active.cell(57, IMPORT_HEADERS.index("申请人证件号码") + 1)
        .value
    )
    assert bad_number not in refused.errors[0].message
    rejected = AuditEvent.objects.filter(seq__gt=seq, action__startswith="import").get()
    assert (rejected.action, rejected.actor, rejected.outcome) == (
        "import_rejected",
        office_clerk,
        "ERROR",
    )
    assert rejected.changes == {"sm3": sm3(bad), "errors": 1}
    # when: the row is fixed
    done = services.case_import(actor=office_clerk, committee=committee, stream=io.BytesIO(fixed))
    # then: all 100, one import_committed row with the file's SM3 digest
    assert done.ok
    assert done.created == 100
    assert MediationCase.objects.count() == before + 100
    committed = AuditEvent.objects.filter(seq__gt=rejected.seq, action__startswith="import").get()
    assert committed.action == "import_committed"
    assert committed.changes["sm3"] == sm3(fixed)
    # when: the same file again
    with translation.override("zh-hans"):
        again = services.case_import(
            actor=office_clerk, committee=committee, stream=io.BytesIO(fixed)
        )
    # then: refused as a duplicate, naming the first import's date; nothing imported
    assert MediationCase.objects.count() == before + 100
    assert [(e.row, e.column) for e in again.errors] == [(0, "")]
    first_day = timezone.localtime(committed.ts).date()
    assert f"{first_day.year}年{first_day.month}月{first_day.day}日" in again.errors[0].message
    assert "不再重复导入" in again.errors[0].message
    duplicate = AuditEvent.objects.order_by("-seq").first()
    assert (duplicate.action, duplicate.changes) == (
        "import_rejected",
        {"sm3": sm3(fixed), "errors": 1},
    )


def test_refusals_speak_chinese_by_default(mediator):
    # given
    case = factories.accepted(actor=mediator)
    # when
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as refused:
        services.case_conclude(
            actor=mediator, case=case, outcome=Outcome.FAILED, concluded_on=case.accepted_on
        )
    # then: the field and the rule, in Chinese
    assert refused.value.field == "routes_informed"
    assert "第二十六条" in refused.value.message
