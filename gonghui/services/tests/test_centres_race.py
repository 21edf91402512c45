"""Concurrency on PostgreSQL: orders and facility requests placed at once get distinct,
gap-free numbers (the year's counter row is locked); two cadres accepting and declining one order
at once, or approving and rejecting one request: exactly one wins (the record's row is locked)."""

import pytest
from django.db import connection

from gonghui.core.testing.race import race
from gonghui.services.models.centres import OrderStatus, ServiceOrder
from gonghui.services.models.facilities import FacilityRequest
from gonghui.services.services import centres as services
from gonghui.services.services import facilities as facility_services
from gonghui.services.testing.centres import centre, item, order, today
from gonghui.services.testing.facilities import request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("race tests need PostgreSQL")


def test_numbers_are_distinct_under_concurrency(tree):
    c, i = centre(tree), item(tree)
    request(tree)  # the year's facility counter exists; the order counter is created by the race itself

    def place():
        services.create_order(actor=tree.union1_chair, org=tree.union1, centre=c, item=i, wanted_on=today(),
                              headcount=5, place="会议室")

    def ask():
        facility_services.submit_request(actor=tree.union1_chair, org=tree.union1, kind="ATM", title="ATM",
                                         location="园区", workers_served=10, justification="远")

    assert race([place, place, place, ask, ask]) == ["won"] * 5
    year = today().year
    assert sorted(ServiceOrder.objects.values_list("number", flat=True)) == [f"FW{year}-000{n}" for n in (1, 2, 3)]
    assert sorted(FacilityRequest.objects.values_list("number", flat=True)) == [f"SS{year}-000{n}" for n in (1, 2, 3)]


def test_one_decision_wins(tree):
    o = order(tree)
    outcomes = race([lambda: services.accept_order(actor=tree.town1_cadre, order=o, scheduled_on=today()),
                     lambda: services.decline_order(actor=tree.district_staff, order=o, reason="排不开")])
    assert outcomes == ["won", "wrong_stage"]
    assert ServiceOrder.objects.get(pk=o.pk).status in (OrderStatus.ACCEPTED, OrderStatus.DECLINED)
    r = request(tree)
    outcomes = race([lambda: facility_services.approve_request(actor=tree.town1_cadre, request=r),
                     lambda: facility_services.reject_request(actor=tree.district_staff, request=r, reason="x")])
    assert outcomes == ["won", "wrong_stage"]
