"""The read-replica router: reads of opted-in requests go to `replica`, everything else to default.

The tests have no second server: `replica` is bound to the default connection (as a TEST MIRROR
would be), and a spy records the alias the router chose for every read."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import override_settings
from django.urls import reverse

from gonghui.core import db_router
from gonghui.core.db_router import ReplicaRouter, replica_reads
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import Org, OrgLevel

with_replica = override_settings(REPLICA_DATABASE_ALIAS="replica")


@pytest.fixture
def replica():
    """`replica` answers on the default connection; the router's read choices are recorded."""
    chosen = []
    original = ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        alias = original(self, model, **hints)
        chosen.append(alias)
        return alias

    connections["replica"] = connections[DEFAULT_DB_ALIAS]
    ReplicaRouter.db_for_read = spy
    try:
        yield chosen
    finally:
        ReplicaRouter.db_for_read = original
        del connections["replica"]


def test_without_a_replica_every_read_goes_to_default():
    with replica_reads():
        assert ReplicaRouter().db_for_read(Org) == DEFAULT_DB_ALIAS


@with_replica
def test_only_opted_in_reads_go_to_the_replica():
    router = ReplicaRouter()
    assert router.db_for_read(Org) == DEFAULT_DB_ALIAS
    with replica_reads():
        assert router.db_for_read(Org) == "replica"
        assert router.db_for_write(Org) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Org) == DEFAULT_DB_ALIAS


@with_replica
def test_who_may_see_what_is_always_read_from_the_primary():
    """A role revoked a moment ago must not still open a report page through a lagging replica."""
    from gonghui.accounts.models import RoleAssignment, User

    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(RoleAssignment) == DEFAULT_DB_ALIAS
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Org) == "replica"


@with_replica
def test_the_replica_is_never_migrated_and_relations_span_both_aliases(tree):
    router = ReplicaRouter()
    assert router.allow_migrate("replica", "orgs") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "orgs") is None
    on_replica = Org.objects.get(pk=tree.town1.pk)
    on_replica._state.db = "replica"
    assert router.allow_relation(on_replica, tree.district) is True


@with_replica
@pytest.mark.django_db
def test_after_a_write_the_request_reads_its_own_writes_from_the_primary(replica):
    with replica_reads():
        Org.objects.count()
        add_org(None, "新区总工会", OrgLevel.DISTRICT, code="N1")
        assert Org.objects.filter(code="N1").exists()
    assert replica[0] == "replica"
    assert replica[-1] == DEFAULT_DB_ALIAS


@with_replica
@pytest.mark.django_db
def test_reads_inside_a_transaction_the_request_opened_stay_on_the_primary(replica):
    with replica_reads():
        with transaction.atomic():
            Org.objects.count()
        Org.objects.count()
    assert replica == [DEFAULT_DB_ALIAS, "replica"]


@with_replica
@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "reads_replica"), [
    ("core:home", True),                 # the dashboard
    ("reports:dashboard", True),         # statistics dashboard
    ("reports:annual", True),            # annual report
    ("reports:rollup_list", True),       # roll-up runs
    ("core:audit_list", False),          # not opted in: everything on the primary
])
def test_report_and_dashboard_pages_read_from_the_replica(client, tree, replica, url_name, reads_replica):
    client.force_login(tree.district_staff)
    replica.clear()
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert ("replica" in replica) is reads_replica
    assert replica and DEFAULT_DB_ALIAS in replica  # the session and the signed-in user come from the primary


def test_the_decorator_keeps_the_view_name():
    @db_router.reads_from_replica
    def report(request):
        return request

    assert report.__name__ == "report" and report("r") == "r"
