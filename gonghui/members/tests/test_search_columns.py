"""Membership.person_name / person_initials (the search columns copied from the person) stay in
step with the person on every path that creates a membership or renames a person, so a name
search never misses or mis-finds anyone."""

import pytest

from gonghui.members import services
from gonghui.members.models import Membership, MembershipStatus
from gonghui.members.selectors import MemberFilters, search_memberships
from gonghui.members.validation import clean_member_input

from .member_helpers import new_id, register, request_transfer


def found(user, q, status="live"):
    return {m.person.name for m in search_memberships(user, MemberFilters(q=q, status=status))}


def columns(person):
    return set(Membership.objects.filter(person=person).values_list("person_name", "person_initials"))


def test_registration_copies_the_name(tree):
    member = register(tree.union1_chair, tree.union1, "欧阳修")
    assert columns(member.person) == {("欧阳修", "oyx")}
    assert found(tree.union1_chair, "欧阳") == {"欧阳修"}
    assert found(tree.union1_chair, "oy") == {"欧阳修"}


def test_a_correction_renames_every_period(tree):
    member = register(tree.union1_chair, tree.union1, "宋江")
    services.end_membership(actor=tree.union1_chair, membership=member, ended_on=member.joined_on, reason="退休")
    again = register(tree.union1_chair, tree.union1, "宋江", id_number=member.person.id_number())
    data = clean_member_input({"name": "宋公明", "id_number": member.person.id_number(), "joined_on": "2023-05-01"})
    services.update_person(actor=tree.union1_chair, person=again.person, data=data)
    assert columns(member.person) == {("宋公明", "sgm")}  # the closed period too
    assert found(tree.union1_chair, "宋公") == {"宋公明"}
    assert found(tree.union1_chair, "宋江") == set()
    assert found(tree.union1_chair, "宋江", status="all") == set()


def test_rejoining_with_a_new_name_renames_the_old_periods(tree):
    number = new_id()
    member = register(tree.union1_chair, tree.union1, "李逵", id_number=number)
    services.end_membership(actor=tree.union1_chair, membership=member, ended_on=member.joined_on, reason="离职")
    register(tree.union1_chair, tree.union1, "李铁牛", id_number=number)
    assert columns(member.person) == {("李铁牛", "ltn")}


def test_an_accepted_transfer_carries_the_name(tree):
    member = register(tree.union1_chair, tree.union1, "林冲")
    transfer = request_transfer(tree.union1_chair, member, tree.union2)
    services.accept_transfer(actor=tree.union2_chair, transfer=transfer)
    new = Membership.objects.get(person=member.person, status=MembershipStatus.ACTIVE)
    assert (new.person_name, new.person_initials) == ("林冲", "lc")
    assert found(tree.union2_chair, "林") == {"林冲"}
    assert found(tree.union1_chair, "林") == set()  # no longer a live member there


@pytest.mark.parametrize("status", ["live", "all"])
def test_search_stays_in_scope(tree, status):
    register(tree.union1_chair, tree.union1, "武松")
    register(tree.union2_chair, tree.union2, "武大")
    assert found(tree.union1_chair, "武", status) == {"武松"}
    assert found(tree.district_staff, "武", status) == {"武松", "武大"}
