"""The database router: statistics pages read from the replica, everything else the primary.

The replica here is a ``replica`` alias mirroring the test database (``TEST["MIRROR"]``):
a second connection to the same data, as a streaming replica is. Which connection ran a
query shows where it went. The tests that load pages commit (transactional), so the
second connection sees the demo data; like the other committing tests they run on
PostgreSQL (where a replica exists at all).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config.routers import (
    REPLICA,
    PrimaryReplicaRouter,
    reading_from_replica,
    reads_from_replica,
    replica_configured,
    replica_reads,
)
from sifasuo.accounts.models import User
from sifasuo.core.models import AuditEvent
from sifasuo.orgs.models import Unit
from sifasuo.stats.models import Aggregate

router = PrimaryReplicaRouter()
WRITES = ("INSERT", "UPDATE", "DELETE")


def _sql(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries]


@pytest.fixture(scope="class")
def replica_alias(django_db_setup: Any) -> Iterator[str]:
    """A ``replica`` database alias mirroring the (already created) test database."""
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[REPLICA] = settings_dict
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


# Without a replica ------------------------------------------------------------------------


def test_without_a_replica_every_read_goes_to_the_default_database():
    # given: no replica alias (the test settings configure none)
    assert not replica_configured()
    # when / then: even a block marked for the replica reads the primary
    with replica_reads():
        assert reading_from_replica()
        assert router.db_for_read(Aggregate) is None  # Django's choice: default
        assert router.db_for_read(Unit) is None
    assert router.db_for_write(Aggregate) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_without_a_replica_the_dashboard_is_served_from_the_default_database(city_officer):
    cache.clear()  # the dashboards keep computed figures in the cache (stats.memo)
    client = Client()
    client.force_login(city_officer)
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        response = client.get("/stats/")
    assert response.status_code == 200
    assert any("stats_" in sql for sql in _sql(primary)), "the dashboard read its aggregates"


# With a replica ---------------------------------------------------------------------------


@pytest.mark.usefixtures("replica_alias")
class TestWithAReplica:
    def test_only_marked_reads_of_business_data_go_to_the_replica(self):
        assert replica_configured()
        # unmarked code: the primary
        assert router.db_for_read(Aggregate) is None
        with replica_reads():
            # business and statistics tables: the replica
            assert router.db_for_read(Aggregate) == REPLICA
            assert router.db_for_read(Unit) == REPLICA
            # sessions, accounts and the audit trail: never a replica's old copy
            assert router.db_for_read(User) == DEFAULT_DB_ALIAS
            assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS
            # writes: always the primary
            assert router.db_for_write(Aggregate) == DEFAULT_DB_ALIAS
            assert router.db_for_write(Unit) == DEFAULT_DB_ALIAS
        assert not reading_from_replica()
        assert router.allow_migrate(REPLICA, "stats") is False
        assert router.allow_migrate(DEFAULT_DB_ALIAS, "stats") is None

    def test_the_decorator_marks_only_safe_requests(self, rf):
        seen: list[bool] = []

        @reads_from_replica
        def view(request: Any) -> None:
            seen.append(reading_from_replica())

        view(rf.get("/"))
        view(rf.post("/"))
        assert seen == [True, False]
        assert not reading_from_replica()

    @pytest.mark.postgres  # commits; SQLite's audit trigger refuses the flush after it
    @pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=[DEFAULT_DB_ALIAS, REPLICA]
    )
    def test_reads_inside_a_transaction_stay_on_the_primary(self, demo):
        with replica_reads():
            with transaction.atomic():
                assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
            assert router.db_for_read(Unit) == REPLICA
            # when: a write while marked
            with (
                CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
                CaptureQueriesContext(connections[REPLICA]) as replica,
            ):
                count = Unit.objects.filter(code="610102001").update(short_name="西一路")
                found = Unit.objects.get(code="610102001")
        # then: the write ran on the primary, the read on the replica
        assert count == 1
        assert found._state.db == REPLICA
        assert found.short_name == "西一路"
        assert any(sql.startswith("UPDATE") for sql in _sql(primary))
        assert not any(sql.startswith(WRITES) for sql in _sql(replica))
        assert any('"orgs_unit"' in sql for sql in _sql(replica))

    @pytest.mark.postgres  # commits; SQLite's audit trigger refuses the flush after it
    @pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=[DEFAULT_DB_ALIAS, REPLICA]
    )
    def test_the_dashboards_read_from_the_replica_and_other_pages_from_the_primary(self, demo):
        # given: nothing computed yet in the cache (stats.memo)
        cache.clear()
        client = Client()
        client.force_login(User.objects.get(username="city_officer"))
        # when: the statistics overview and a module page
        with (
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
            CaptureQueriesContext(connections[REPLICA]) as replica,
        ):
            overview = client.get("/stats/")
            module = client.get("/stats/mediation/")
        # then: their figures came from the replica, the session and the user from the primary
        assert overview.status_code == 200
        assert module.status_code == 200
        replica_sql = _sql(replica)
        assert any('"stats_aggregate"' in sql for sql in replica_sql), replica_sql[:5]
        assert not any(sql.startswith(WRITES) for sql in replica_sql)
        for table in ('"django_session"', '"accounts_user"', '"core_auditevent"'):
            assert not any(table in sql for sql in replica_sql), table
        assert any('"django_session"' in sql for sql in _sql(primary))
        # when: another page, and a POST to a statistics page
        with CaptureQueriesContext(connections[REPLICA]) as replica:
            units = client.get("/units/")
            posted = client.post("/stats/reports/close/", {})
        # then: nothing read the replica
        assert units.status_code == 200
        assert posted.status_code in (200, 302, 400, 403)
        assert _sql(replica) == []
