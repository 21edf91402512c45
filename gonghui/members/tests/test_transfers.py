"""Transfers between unions: request → accept / reject / cancel, one live membership per person,
racing decisions, and what each side sees afterwards."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gonghui.core.errors import DomainError
from gonghui.core.testing.factories import MembershipFactory
from gonghui.members import services
from gonghui.members.models import JoinKind, Membership, MembershipStatus, Transfer, TransferStatus

from .member_helpers import register, request_transfer


@pytest.fixture(autouse=True)
def english(settings):
    """These tests assert the English source strings; the default language is zh-hans."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def member(tree):
    return register(tree.union1_chair, tree.union1, "赵六", enterprise=tree.enterprise1)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_request_then_accept_closes_one_period_and_opens_another(client, tree, member):
    client.force_login(tree.union1_chair)
    response = client.post(reverse("members:transfer_request", args=[member.pk]),
                           {"to_union": tree.union2.pk, "effective_on": "2025-03-01", "reason": "changed job"})
    assert response.status_code == 302
    transfer = Transfer.objects.get(person=member.person)
    assert transfer.status == TransferStatus.PENDING
    assert reload(member).status == MembershipStatus.TRANSFER_PENDING

    client.force_login(tree.union2_chair)
    response = client.post(reverse("members:transfer_accept", args=[transfer.pk]), {"accept-note": "welcome"})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.person_id])
    old, new = reload(member), Membership.objects.get(person=member.person, status=MembershipStatus.ACTIVE)
    assert (old.status, old.ended_on) == (MembershipStatus.TRANSFERRED_OUT, datetime.date(2025, 3, 1))
    assert (new.union, new.joined_on, new.join_kind) == (tree.union2, datetime.date(2025, 3, 1),
                                                          JoinKind.TRANSFER_IN)
    assert reload(transfer).status == TransferStatus.ACCEPTED
    assert Membership.objects.filter(person=member.person).count() == 2  # history kept, never overwritten


def test_reject_needs_a_reason_and_reopens_the_membership(client, tree, member):
    transfer = request_transfer(tree.union1_chair, member, tree.union2)
    client.force_login(tree.union2_chair)
    url = reverse("members:transfer_reject", args=[transfer.pk])
    response = client.post(url, {"reject-note": ""})
    assert response.status_code == 200
    assert "Say why the transfer is rejected." in response.content.decode()
    assert reload(transfer).status == TransferStatus.PENDING
    response = client.post(url, {"reject-note": "not our employee"})
    assert response.status_code == 302
    assert reload(transfer).status == TransferStatus.REJECTED
    assert reload(member).status == MembershipStatus.ACTIVE
    # Rejected: a new request may be made.
    again = request_transfer(tree.union1_chair, reload(member), tree.union1b)
    assert again.status == TransferStatus.PENDING


def test_cancel_by_the_releasing_union(client, tree, member):
    transfer = request_transfer(tree.union1_chair, member, tree.union2)
    client.force_login(tree.union1_staff)
    response = client.post(reverse("members:transfer_cancel", args=[transfer.pk]), {"cancel-note": "mistake"})
    assert response.status_code == 302
    assert reload(transfer).status == TransferStatus.CANCELLED
    assert reload(member).status == MembershipStatus.ACTIVE


def test_the_receiving_union_cannot_cancel_and_the_releasing_cannot_accept(client, tree, member):
    transfer = request_transfer(tree.union1_chair, member, tree.union2)
    client.force_login(tree.union2_chair)
    assert client.post(reverse("members:transfer_cancel", args=[transfer.pk])).status_code == 403
    client.force_login(tree.union1_chair)
    assert client.post(reverse("members:transfer_accept", args=[transfer.pk])).status_code == 403
    assert reload(transfer).status == TransferStatus.PENDING


def test_cannot_request_twice(client, tree, member):
    request_transfer(tree.union1_chair, member, tree.union2)
    with pytest.raises(DomainError):
        request_transfer(tree.union1_chair, reload(member), tree.union1b)
    client.force_login(tree.union1_chair)
    response = client.post(reverse("members:transfer_request", args=[member.pk]),
                           {"to_union": tree.union1b.pk, "effective_on": "2025-03-01"})
    assert response.status_code == 200
    assert "Only an active membership can be transferred" in response.content.decode()
    assert Transfer.objects.filter(person=member.person).count() == 1


def test_transfer_to_the_same_union_is_refused_on_the_field(client, tree, member):
    client.force_login(tree.union1_chair)
    response = client.post(reverse("members:transfer_request", args=[member.pk]),
                           {"to_union": tree.union1.pk, "effective_on": "2025-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["to_union"]


def test_cannot_accept_out_of_scope(client, tree):
    union2b = _union2b(tree)
    far = register(tree.union2_chair, tree.union2, "钱七")
    transfer = request_transfer(tree.town2_cadre, far, union2b)
    client.force_login(tree.town1_cadre)
    for name in ("transfer_accept", "transfer_reject", "transfer_cancel"):
        assert client.post(reverse(f"members:{name}", args=[transfer.pk]), {"reject-note": "x"}).status_code == 404
    assert client.get(reverse("members:transfer_detail", args=[transfer.pk])).status_code == 404
    assert reload(transfer).status == TransferStatus.PENDING


def test_one_live_membership_per_person_is_a_database_constraint(tree, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(person=member.person, union=tree.union2, status=MembershipStatus.ACTIVE)
    # A closed period beside the live one is fine.
    MembershipFactory(person=member.person, union=tree.union2, status=MembershipStatus.LEFT,
                      ended_on=datetime.date(2021, 1, 1))


def test_racing_accepts_only_one_wins(client, tree, member):
    transfer = request_transfer(tree.union1_chair, member, tree.union2)
    stale = Transfer.objects.get(pk=transfer.pk)  # both deciders loaded it while pending
    services.accept_transfer(actor=tree.union2_chair, transfer=transfer)
    with pytest.raises(DomainError) as err:
        services.accept_transfer(actor=tree.town2_cadre, transfer=stale)
    assert "already" in err.value.text and err.value.code == "transfer_decided"
    assert Membership.objects.filter(person=member.person, status__in=["ACTIVE", "TRANSFER_PENDING"]).count() == 1
    # Through the page: the loser sees that it was already accepted, nothing changes.
    client.force_login(tree.district_staff)
    response = client.post(reverse("members:transfer_accept", args=[transfer.pk]))
    assert response.status_code == 409
    assert "already" in response.content.decode()
    assert Membership.objects.filter(person=member.person).count() == 2


def test_after_acceptance_the_old_town_sees_the_closed_period_only(client, tree, member):
    transfer = request_transfer(tree.union1_chair, member, tree.union2)
    client.force_login(tree.union2_chair)
    # Before acceptance the receiving union sees the transfer, not the person's record.
    assert client.get(reverse("members:transfer_detail", args=[transfer.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[member.person_id])).status_code == 404
    services.accept_transfer(actor=tree.union2_chair, transfer=transfer)
    assert client.get(reverse("members:detail", args=[member.person_id])).status_code == 200

    client.force_login(tree.town1_cadre)
    response = client.get(reverse("members:detail", args=[member.person_id]))
    assert response.status_code == 200
    periods = response.context["periods"]
    assert [(m.union, m.status) for m in periods] == [(tree.union1, MembershipStatus.TRANSFERRED_OUT)]
    assert response.context["live"] is None and not response.context["actions"].edit
    # Not in the current list; in the list of all periods as transferred out.
    current = client.get(reverse("members:list"))
    assert member.person.name not in {m.person.name for m in current.context["page"].items}
    everything = client.get(reverse("members:list"), {"status": "all"})
    assert [m.status for m in everything.context["page"].items] == [MembershipStatus.TRANSFERRED_OUT]
    # And may no longer change or reveal them.
    assert client.get(reverse("members:edit", args=[member.person_id])).status_code == 403
    assert client.post(reverse("members:reveal", args=[member.person_id])).status_code == 403


def test_a_person_with_two_periods_in_scope_opens_normally(client, tree, member):
    transfer = request_transfer(tree.union1_chair, member, tree.union1b)
    services.accept_transfer(actor=tree.town1_cadre, transfer=transfer)
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("members:detail", args=[member.person_id]))
    assert response.status_code == 200
    assert len(response.context["periods"]) == 2


def test_transfer_tabs(client, tree, member):
    transfer = request_transfer(tree.union1_chair, member, tree.union2)
    url = reverse("members:transfer_list")
    client.force_login(tree.union2_chair)
    assert [t.pk for t in client.get(url).context["page"].items] == [transfer.pk]
    assert client.get(url, {"tab": "outgoing"}).context["page"].items == []
    client.force_login(tree.union1_chair)
    assert client.get(url).context["page"].items == []
    assert [t.pk for t in client.get(url, {"tab": "outgoing"}).context["page"].items] == [transfer.pk]
    services.accept_transfer(actor=tree.union2_chair, transfer=transfer)
    assert [t.pk for t in client.get(url, {"tab": "decided"}).context["page"].items] == [transfer.pk]
    assert client.get(url, {"tab": "outgoing"}).context["page"].items == []


def test_transfer_list_query_count_is_constant(client, tree):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("members:transfer_list"), {"tab": "outgoing"})
        return len(ctx.captured_queries), len(response.context["page"].items)

    client.force_login(tree.town1_cadre)
    for i in range(2):
        request_transfer(tree.union1_chair, register(tree.union1_chair, tree.union1, f"孙{i}"), tree.union2)
    few = count()
    for i in range(15):
        request_transfer(tree.union1_chair, register(tree.union1_chair, tree.union1, f"周{i}"), tree.union2)
    many = count()
    assert (few[1], many[1]) == (2, 17)
    assert few[0] == many[0]


def test_union_picker_options(client, tree):
    client.force_login(tree.union1_chair)
    response = client.get(reverse("members:union_options"), {"for": "transfer", "union_q": "丙"})
    assert f'value="{tree.union2.pk}"' in response.content.decode()  # any union in the district
    response = client.get(reverse("members:union_options"), {"for": "register", "union_q": ""})
    body = response.content.decode()
    assert f'value="{tree.union1.pk}"' in body and f'value="{tree.union2.pk}"' not in body  # own scope only


def _union2b(tree):
    from gonghui.core.testing.factories import add_org
    from gonghui.orgs.models import Org, OrgLevel

    union = add_org(tree.town2, "丁企业工会", OrgLevel.GRASSROOTS, code="U2B")
    return Org.objects.get(pk=union.pk)
