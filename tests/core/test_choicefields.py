"""Select options from one plain query (core.choicefields), widgets through Jinja2."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from sifasuo.core.choicefields import ModelChoiceFilter
from sifasuo.mediation.choices import CaseStatus
from sifasuo.mediation.filtersets import MediationCaseFilterSet
from sifasuo.mediation.models import DisputeCategory, MediationCase
from tests.mediation import factories

pytestmark = pytest.mark.django_db


def _category_queries(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if "mediation_disputecategory" in q["sql"]]


def test_a_filter_forms_options_are_one_plain_query_however_often_they_are_read(
    office_clerk: Any,
) -> None:
    # given a bound filter form of the case list
    filterset = MediationCaseFilterSet(
        {"category": "NEIGHBOUR"}, queryset=MediationCase.objects.all(), user=office_clerk
    )
    form = filterset.form
    # when its category select is rendered twice and the form validated
    with CaptureQueriesContext(connection) as context:
        first = str(form["category"])
        second = str(form["category"])
        assert form.is_valid(), form.errors
    # then the options were read by one ordinary query (no server-side cursor), validation
    # looked the chosen code up afresh, and the option is selected
    reads = _category_queries(context)
    assert not any("DECLARE" in sql.upper() for sql in reads)
    assert len(reads) == 2, reads
    assert first == second
    neighbour = DisputeCategory.objects.get(code="NEIGHBOUR")
    assert f'<option value="NEIGHBOUR" selected>{neighbour.name}</option>' in first
    assert form.cleaned_data["category"] == neighbour


def test_a_model_choice_filter_sees_a_new_row_in_the_next_form() -> None:
    # given a filter's field rendered once
    field = ModelChoiceFilter(queryset=DisputeCategory.objects.filter(code__startswith="ZZ")).field
    assert [value for value, _ in field.choices] == [""]
    DisputeCategory.objects.create(code="ZZTEST", name="测试类", sort_order=99)
    # when a new form copies the field, as every form instance does
    copied = field.__deepcopy__({})
    # then the copy reads the table again
    assert [str(value) for value, _ in copied.choices] == [
        "",
        str(DisputeCategory.objects.get(code="ZZTEST").pk),
    ]


def test_the_status_label_is_the_status_display_for_every_status(office_clerk: Any) -> None:
    # given a case
    case = factories.register(actor=office_clerk)
    for status in CaseStatus:
        # when its status is any of the statuses
        case.status = status
        # then the cheap label says what get_status_display says
        assert case.status_label == case.get_status_display()


def test_the_session_user_comes_with_their_unit(client: Any, office_clerk: Any) -> None:
    # given a logged-in clerk
    client.force_login(office_clerk)
    request = RequestFactory().get("/")
    request.session = client.session
    # when the session's user is loaded
    user: Any = get_user(request)
    # then reading their unit costs no further query
    with CaptureQueriesContext(connection) as context:
        assert user.unit.code == office_clerk.unit.code
    assert len(context.captured_queries) == 0
