import datetime

import pytest

from gonghui.core.errors import DomainError
from gonghui.core.testing.identifiers import make_id_number
from gonghui.members import services
from gonghui.members.models import Membership, MembershipStatus
from gonghui.members.validation import clean_member_input


def test_register_then_transfer_round_trip(tree):
    import random

    number = make_id_number(random.Random(1), region="341221")
    data = clean_member_input({"name": "李四", "id_number": number, "phone": "13812345678",
                               "joined_on": "2024-03-01"})
    assert data.is_migrant and data.hometown_province == "安徽省"
    membership = services.register_member(actor=tree.union1_chair, union=tree.union1, data=data)
    with pytest.raises(DomainError) as err:
        services.register_member(actor=tree.union2_chair, union=tree.union2, data=data)
    assert "甲企业工会" in err.value.text
    transfer = services.request_transfer(actor=tree.union1_chair, membership=membership, to_union=tree.union2,
                                         effective_on=datetime.date(2025, 1, 1))
    new = services.accept_transfer(actor=tree.union2_chair, transfer=transfer)
    assert new.union == tree.union2
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.TRANSFERRED_OUT


@pytest.mark.parametrize("action", ["leave", "transfer"])
def test_dates_in_the_future_are_refused(tree, action):
    membership = tree.member(tree.union1)
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(DomainError) as err:
        if action == "leave":
            services.end_membership(actor=tree.union1_chair, membership=membership, ended_on=tomorrow, reason="离职")
        else:
            services.request_transfer(actor=tree.union1_chair, membership=membership, to_union=tree.union2,
                                      effective_on=tomorrow)
    assert err.value.code == "date_in_future"
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.ACTIVE
