"""Pages of the publicity ledgers: forms, scope, exports, coverage, norms, to-dos, queries."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import translation
from openpyxl import load_workbook

from sifasuo.core.models import AuditEvent
from sifasuo.core.todos import todos_for
from sifasuo.publicity import selectors
from sifasuo.publicity.models import LegalLiterate, PublicityActivity, VillageAdviser
from sifasuo.publicity.services import villages_of
from tests.publicity import factories
from tests.publicity.factories import today

pytestmark = pytest.mark.django_db

LISTS = [
    "/publicity/activities/",
    "/publicity/legal-literates/",
    "/publicity/households/",
    "/publicity/village-advisers/",
    "/publicity/demonstration-villages/",
    "/publicity/town-advisers/",
    "/publicity/coverage/",
    "/publicity/adviser-norms/",
]


@pytest.mark.parametrize("url", LISTS)
def test_every_page_answers_the_roles_that_keep_or_oversee_it(
    client_for, office_clerk, district_reviewer, city_officer, url
):
    # given
    factories.activity(actor=office_clerk)
    factories.literate(actor=office_clerk)
    # then
    for user in (office_clerk, district_reviewer, city_officer):
        assert client_for(user).get(url).status_code == 200, (user, url)


def test_administrators_see_no_ledger(client_for, sysadmin):
    # given
    activity = factories.activity()
    # then
    assert client_for(sysadmin).get(activity.get_absolute_url()).status_code == 404
    listing = client_for(sysadmin).get("/publicity/activities/")
    assert listing.context["result_count"] == 0


def test_a_clerk_records_an_activity_with_a_photo_once(
    client_for, office_clerk, settings, tmp_path
):
    # given
    settings.MEDIA_ROOT = tmp_path
    client = client_for(office_clerk)
    page = client.get("/publicity/activities/new/")
    token = page.context["form"].initial["form_token"]
    village = villages_of([factories.office()])[0]
    data = {
        "form_token": token,
        "office": factories.office().pk,
        "held_on": today().isoformat(),
        "theme": "宪法宣传周",
        "laws": [str(law.pk) for law in factories.laws("CONSTITUTION")],
        "target": "COMMUNITIES",
        "form": "STALL",
        "place": "社区广场",
        "village": village.pk,
        "participants": "150",
        "materials": "300",
    }
    # when: the form is submitted twice (a double tap)
    first = client.post("/publicity/activities/new/", {**data, "photos": factories.photo()})
    second = client.post("/publicity/activities/new/", {**data, "photos": factories.photo()})
    # then: one activity, with its photo
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    activity = PublicityActivity.objects.get(theme="宪法宣传周")
    assert activity.village == village
    detail = client.get(first["Location"])
    assert len(detail.context["photos"]) == 1
    assert "img" in detail.content.decode()


def test_a_refused_form_shows_the_message_on_its_field(client_for, office_clerk):
    # given
    client = client_for(office_clerk)
    token = client.get("/publicity/activities/new/").context["form"].initial["form_token"]
    # when: a date in the future
    with translation.override("en"):
        response = client.post(
            "/publicity/activities/new/",
            {
                "form_token": token,
                "office": factories.office().pk,
                "held_on": (today() + timedelta(days=3)).isoformat(),
                "theme": "x",
                "laws": [str(factories.laws()[0].pk)],
                "target": "SCHOOLS",
                "form": "LECTURE",
                "place": "学校",
                "participants": "1",
                "materials": "0",
            },
        )
    # then
    assert response.status_code == 400
    assert len(response.context["form"].errors["held_on"]) == 1
    assert not PublicityActivity.objects.filter(theme="x").exists()


def test_another_office_gets_404_everywhere(client_for, office_clerk, other_clerk):
    # given
    records = [
        factories.activity(actor=office_clerk),
        factories.literate(actor=office_clerk),
        factories.household(actor=office_clerk),
        factories.adviser(actor=office_clerk),
        factories.title(actor=office_clerk),
        factories.town_adviser(actor=office_clerk),
    ]
    client = client_for(other_clerk)
    # then
    for record in records:
        url = record.get_absolute_url()
        assert client.get(url).status_code == 404, url
        assert client.get(f"{url}edit/").status_code == 404, url
    assert client.get("/publicity/coverage/?unit=610102001").status_code == 404
    assert client.get("/publicity/activities/?unit=610102001").status_code == 404


def test_the_district_sees_but_does_not_change(client_for, office_clerk, district_reviewer):
    # given
    literate = factories.literate(actor=office_clerk)
    client = client_for(district_reviewer)
    # then
    assert client.get(literate.get_absolute_url()).status_code == 200
    assert client.get(f"{literate.get_absolute_url()}edit/").status_code == 403
    assert client.get("/publicity/legal-literates/new/").status_code == 403


def test_an_edit_at_a_stale_version_is_refused(client_for, office_clerk):
    # given
    adviser = factories.adviser(actor=office_clerk)
    client = client_for(office_clerk)
    form = client.get(f"{adviser.get_absolute_url()}edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["village"] = adviser.village.pk
    data["contract_start"] = adviser.contract_start.isoformat()
    data["contract_end"] = adviser.contract_end.isoformat()
    ok = client.post(f"{adviser.get_absolute_url()}edit/", {**data, "law_firm": "新所"})
    assert ok.status_code == 302
    # when: the same loaded version is saved again
    with translation.override("en"):
        stale = client.post(f"{adviser.get_absolute_url()}edit/", {**data, "law_firm": "旧所"})
    # then
    assert stale.status_code == 200
    assert stale.context["form"].non_field_errors()
    adviser.refresh_from_db()
    assert adviser.law_firm == "新所"
    assert adviser.phone == factories.LAWYER_PHONE  # an empty phone keeps the number


def test_pages_show_masked_personal_data_only(client_for, office_clerk):
    # given
    literate = factories.literate(actor=office_clerk)
    adviser = factories.adviser(actor=office_clerk)
    client = client_for(office_clerk)
    # when
    pages = [
        client.get(literate.get_absolute_url()),
        client.get(adviser.get_absolute_url()),
        client.get("/publicity/legal-literates/"),
        client.get(f"{adviser.get_absolute_url()}edit/"),
    ]
    # then
    for page in pages:
        body = page.content.decode()
        assert literate.person.id_number not in body
        assert factories.PHONE not in body
        assert factories.LAWYER_PHONE not in body
        assert "no-store" in page["Cache-Control"]
    assert literate.person.id_number_masked in pages[0].content.decode()


@pytest.mark.parametrize(
    ("url", "sheet_rows"),
    [
        ("/publicity/legal-literates/?export=xlsx", 2),
        ("/publicity/coverage/?export=xlsx", 9),
    ],
)
def test_exports_are_audited_and_masked(client_for, office_clerk, url, sheet_rows):
    # given
    literate = factories.literate(actor=office_clerk)
    # when
    response = client_for(office_clerk).get(url)
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == sheet_rows
    assert literate.person.id_number not in str(values)
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_children_are_posted_from_the_detail_page(client_for, office_clerk):
    # given
    literate = factories.literate(actor=office_clerk)
    adviser = factories.adviser(actor=office_clerk)
    town = factories.town_adviser(actor=office_clerk)
    title = factories.title(actor=office_clerk)
    client = client_for(office_clerk)
    day = today().isoformat()
    # when
    responses = [
        client.post(
            f"{literate.get_absolute_url()}trainings/",
            {"trained_on": day, "hours": "2", "topic": "民法典"},
        ),
        client.post(
            f"{adviser.get_absolute_url()}logs/",
            {
                "served_on": day,
                "mode": "ON_SITE",
                "hours": "3",
                "lectures": "1",
                "consultations": "4",
                "matters": "坐班",
            },
        ),
        client.post(
            f"{town.get_absolute_url()}matters/",
            {"handled_on": day, "matter": "合同审查", "kind": "CONTRACT", "outcome": "采纳"},
        ),
        client.post(
            f"{title.get_absolute_url()}review/",
            {"version": title.version, "reviewed_on": day, "result": "RETAINED"},
        ),
    ]
    # then
    assert [r.status_code for r in responses] == [302, 302, 302, 302]
    assert literate.trainings.count() == adviser.logs.count() == town.matters.count() == 1
    title.refresh_from_db()
    assert title.reviewed_on == today()
    # and a refused child shows its form again
    bad = client.post(
        f"{adviser.get_absolute_url()}logs/",
        {
            "served_on": (adviser.contract_end + timedelta(days=400)).isoformat(),
            "mode": "ON_SITE",
            "hours": "3",
            "lectures": "0",
            "consultations": "0",
        },
    )
    assert bad.status_code == 400


def test_coverage_shows_villages_below_the_target(client_for, office_clerk, district_reviewer):
    # given: three in the first village, one in the second
    for _ in range(3):
        factories.literate(actor=office_clerk, n=0)
    factories.literate(actor=office_clerk, n=1)
    # when
    page = client_for(office_clerk).get("/publicity/coverage/")
    # then
    coverage = page.context["coverage"]
    villages = villages_of([factories.office()])
    assert coverage.total == len(villages)
    assert coverage.met == 1
    assert len(coverage.below) == len(villages) - 1
    below = {row.village.pk: row.count for row in coverage.below}
    assert below[villages[1].pk] == 1
    assert villages[0].pk not in below
    # and the district sees its offices, 西一路 among them
    district = client_for(district_reviewer).get("/publicity/coverage/").context["coverage"]
    line = next(o for o in district.offices if o.office.code == "610102001")
    assert (line.villages, line.met) == (len(villages), 1)


def test_adviser_norms_judge_the_month_and_list_villages_without(client_for, office_clerk):
    # given: one adviser on site twice last month, one once
    month = selectors.last_complete_month()
    good = factories.adviser(actor=office_clerk, n=0, lawyer_name="勤律师")
    poor = factories.adviser(actor=office_clerk, n=1, lawyer_name="懒律师")
    factories.log(good, month + timedelta(days=2), lectures=1)
    factories.log(good, month + timedelta(days=12))
    factories.log(poor, month + timedelta(days=5))
    factories.log(poor, month + timedelta(days=6), mode="REMOTE")
    # when
    page = client_for(office_clerk).get(f"/publicity/adviser-norms/?month={month:%Y-%m}")
    # then
    norms = page.context["norms"]
    met = {row.adviser.lawyer_name: row.met for row in norms.rows}
    assert met == {"勤律师": True, "懒律师": False}
    assert len(norms.without) == len(villages_of([factories.office()])) - 2


def test_to_dos_flag_reviews_and_contracts(office_clerk, other_clerk):
    # given: a review overdue and a town adviser's contract ending in 25 days
    factories.title(
        actor=office_clerk,
        designated_on=today() - timedelta(days=800),
        review_due=today() - timedelta(days=5),
    )
    factories.town_adviser(actor=office_clerk)
    # when
    items = todos_for(office_clerk)
    # then
    reviews = [t for t in items if "/publicity/demonstration-villages/" in t.url]
    contracts = [t for t in items if "/publicity/town-advisers/" in t.url]
    assert len(reviews) == 1
    assert reviews[0].overdue
    assert len(contracts) == 1
    assert not contracts[0].overdue
    assert not [t for t in todos_for(other_clerk) if "/publicity/" in t.url]


def test_the_person_page_lists_publicity_records(client_for, office_clerk):
    # given
    literate = factories.literate(actor=office_clerk)
    # when
    response = client_for(office_clerk).get(f"/publicity/people/{literate.person.public_id}/")
    # then
    assert response.status_code == 200
    assert list(response.context["literates"]) == [literate]


@pytest.mark.parametrize(
    "url",
    [
        "/publicity/activities/",
        "/publicity/legal-literates/",
        "/publicity/village-advisers/",
        "/publicity/town-advisers/",
    ],
)
def test_list_pages_have_a_pinned_query_count(
    client_for, office_clerk, django_assert_max_num_queries, url
):
    # given: a few records of each kind
    for n in range(3):
        factories.activity(actor=office_clerk)
        factories.literate(actor=office_clerk, n=n)
        factories.adviser(actor=office_clerk, n=n)
    factories.town_adviser(actor=office_clerk)
    client = client_for(office_clerk)
    client.get(url)
    # then: the count does not grow with the rows
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    assert LegalLiterate.objects.count() == VillageAdviser.objects.count() == 3
