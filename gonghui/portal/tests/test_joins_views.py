"""The joins pages end to end with the test client: a worker finds their enterprise, sends the
request, follows it; the union's chair lists, opens and approves or rejects it; the town admits a
town-routed worker to a union of its choice; a member asks for a transfer. Bad input keeps what
was typed and says what is wrong; the list filters, pages and exports."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.members.models import Membership, Person, Transfer
from gonghui.orgs.models import OrgLevel, UnionKind
from gonghui.portal.models.joins import JoinRequest, JoinStatus
from gonghui.portal.testing.joins import id_number, join_request, worker

pytestmark = pytest.mark.django_db


def client_for(client, user):
    client.force_login(user)
    return client


def form_data(tree, **extra):
    data = {"action": "submit", "name": "陈静", "id_number": id_number(), "phone": "13812340000",
            "enterprise_name": tree.enterprise1.name, "enterprise": str(tree.enterprise1.pk),
            "town": "", "hometown_province": "", "is_migrant": "", "consent": "on"}
    data.update(extra)
    return data


def test_a_worker_joins_and_the_union_approves_through_the_pages(tree, client):
    user = worker()
    c = client_for(client, user)
    assert c.get(reverse("portal:join_new")).status_code == 200
    # "find my enterprise": the matches come back as choices, what was typed is kept
    found = c.post(reverse("portal:join_new"), {"action": "search", "name": "陈静",
                                               "enterprise_name": tree.enterprise1.name[:4]})
    body = found.content.decode()
    assert found.status_code == 200 and f'value="{tree.enterprise1.pk}"' in body and 'value="陈静"' in body
    sent = c.post(reverse("portal:join_new"), form_data(tree))
    assert sent.status_code == 302 and sent["Location"] == reverse("portal:my_join")
    j = JoinRequest.objects.get()
    assert (j.account, j.org, j.status) == (user, tree.union1, JoinStatus.PENDING)
    assert "陈静" in c.get(reverse("portal:my_join")).content.decode()
    # a second visit to the form goes to the status page
    assert c.get(reverse("portal:join_new"))["Location"] == reverse("portal:my_join")

    chair = client_for(type(client)(), tree.union1_chair)
    listing = chair.get(reverse("portal:join_list"))
    assert listing.status_code == 200 and "陈静" in listing.content.decode()
    assert chair.get(reverse("portal:join_detail", args=[j.pk])).status_code == 200
    approved = chair.post(reverse("portal:join_approve", args=[j.pk]))
    assert approved.status_code == 302
    j.refresh_from_db()
    assert j.status == JoinStatus.APPROVED and Person.objects.get(account=user).name == "陈静"
    assert Membership.objects.get(person__account=user).union == tree.union1
    # the worker sees the decision; the join form now says they are a member
    assert c.get(reverse("portal:my_join")).status_code == 200
    page = c.get(reverse("portal:join_new"))
    assert page.status_code == 200 and tree.union1.name in page.content.decode()


def test_bad_input_keeps_what_was_typed(tree, client):
    c = client_for(client, worker())
    response = c.post(reverse("portal:join_new"), form_data(tree, id_number="330109199605010011", consent=""))
    body = response.content.decode()
    assert response.status_code == 400 and 'value="陈静"' in body and "is-invalid" in body
    assert not JoinRequest.objects.exists()


def test_an_unregistered_enterprise_goes_to_the_chosen_town(tree, client):
    joint = add_org(tree.town2, "北干联合工会", OrgLevel.GRASSROOTS, union_kind=UnionKind.JOINT)
    c = client_for(client, worker())
    found = c.post(reverse("portal:join_new"), {"action": "search", "enterprise_name": "无名小吃"})
    assert found.status_code == 200 and 'name="town"' in found.content.decode()
    missing_town = c.post(reverse("portal:join_new"), form_data(tree, enterprise_name="无名小吃", enterprise=""))
    assert missing_town.status_code == 400
    sent = c.post(reverse("portal:join_new"), form_data(tree, enterprise_name="无名小吃", enterprise="none",
                                                        town=str(tree.town2.pk)))
    assert sent.status_code == 302
    j = JoinRequest.objects.get()
    assert j.org == tree.town2
    town2 = client_for(type(client)(), tree.town2_cadre)
    page = town2.get(reverse("portal:join_detail", args=[j.pk]))
    assert joint.name in page.content.decode()
    assert town2.post(reverse("portal:join_approve", args=[j.pk])).status_code == 400  # no union chosen
    assert town2.post(reverse("portal:join_approve", args=[j.pk]), {"approve-union": joint.pk}).status_code == 302
    j.refresh_from_db()
    assert j.union == joint and j.membership.union == joint


def test_reject_needs_a_reason_and_withdraw(tree, client):
    user = worker()
    j = join_request(account=user, enterprise=tree.enterprise1)
    chair = client_for(client, tree.union1_chair)
    assert chair.post(reverse("portal:join_reject", args=[j.pk]), {"reject-reason": ""}).status_code == 400
    assert chair.post(reverse("portal:join_reject", args=[j.pk]), {"reject-reason": "非本企业职工"}).status_code == 302
    j.refresh_from_db()
    assert j.status == JoinStatus.REJECTED
    again = chair.post(reverse("portal:join_reject", args=[j.pk]), {"reject-reason": "重复"})
    assert again.status_code == 409 and "非本企业职工" in again.content.decode()  # decided meanwhile
    w = client_for(type(client)(), user)
    assert "非本企业职工" in w.get(reverse("portal:my_join")).content.decode()
    other = join_request(account=user, enterprise=tree.enterprise1)
    assert w.post(reverse("portal:my_join_withdraw", args=[other.pk])).status_code == 302
    other.refresh_from_db()
    assert other.status == JoinStatus.WITHDRAWN
    # someone else's request is not found
    stranger = client_for(type(client)(), worker())
    assert stranger.post(reverse("portal:my_join_withdraw", args=[j.pk])).status_code == 404


def test_a_member_asks_for_a_transfer_on_the_phone_page(tree, client):
    m = tree.member(tree.union1)
    user = worker()
    Person.objects.filter(pk=m.person_id).update(account=user)
    c = client_for(client, user)
    assert c.get(reverse("portal:my_transfer_new")).status_code == 200
    found = c.post(reverse("portal:my_transfer_new"), {"action": "search", "enterprise_name": tree.enterprise2.name})
    assert f'value="{tree.enterprise2.pk}"' in found.content.decode()
    sent = c.post(reverse("portal:my_transfer_new"), {"action": "submit", "enterprise_name": tree.enterprise2.name,
                                                      "enterprise": str(tree.enterprise2.pk)})
    assert sent.status_code == 302
    t = Transfer.objects.get()
    assert (t.to_union, t.requested_by) == (tree.union2, user)
    page = c.get(reverse("portal:my_transfer_new")).content.decode()
    assert tree.union2.name in page and 'name="enterprise_name"' not in page  # pending: no second form
    # the receiving union sees it on the registry's transfer pages
    union2 = client_for(type(client)(), tree.union2_chair)
    assert union2.get(reverse("members:transfer_detail", args=[t.pk])).status_code == 200


def test_a_move_to_a_firm_without_a_union_offers_the_towns_joint_unions(tree, client):
    joint = add_org(tree.town1, "城厢联合工会", OrgLevel.GRASSROOTS, union_kind=UnionKind.JOINT)
    firm = EnterpriseFactory(town=tree.town1, union=None, name="城厢某小厂")
    m = tree.member(tree.union2)
    user = worker()
    Person.objects.filter(pk=m.person_id).update(account=user)
    c = client_for(client, user)
    picked = {"action": "submit", "enterprise_name": firm.name, "enterprise": str(firm.pk)}
    first = c.post(reverse("portal:my_transfer_new"), picked)
    assert first.status_code == 400 and joint.name in first.content.decode()
    assert c.post(reverse("portal:my_transfer_new"), {**picked, "union": joint.pk}).status_code == 302
    assert Transfer.objects.get().to_union == joint


def test_the_transfer_page_of_a_worker_without_membership(client):
    c = client_for(client, worker())
    body = c.get(reverse("portal:my_transfer_new")).content.decode()
    assert reverse("portal:join_new") in body


def test_the_list_filters_and_exports_masked(tree, client):
    firm = EnterpriseFactory(town=tree.town1, union=None)
    a = join_request(enterprise=tree.enterprise1, name="赵一", phone="13911112222")
    b = join_request(enterprise=firm, name="钱二")
    join_request(enterprise=tree.enterprise2, name="孙三")
    c = client_for(client, tree.town1_cadre)
    body = c.get(reverse("portal:join_list")).content.decode()
    assert "赵一" in body and "钱二" in body and "孙三" not in body
    body = c.get(reverse("portal:join_list"), {"q": "钱"}).content.decode()
    assert "钱二" in body and "赵一" not in body
    body = c.get(reverse("portal:join_list"), {"route": "TOWN"}).content.decode()
    assert "钱二" in body and "赵一" not in body
    body = c.get(reverse("portal:join_list"), {"org": tree.union1.pk}).content.decode()
    assert "赵一" in body and "钱二" not in body
    bad = c.get(reverse("portal:join_list"), {"submitted_from": "2026-05-01", "submitted_to": "2026-04-01",
                                              "status": "NOPE"})
    assert bad.status_code == 200
    export = c.get(reverse("portal:join_export"))
    assert export.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(export.streaming_content))).get_sheet_by_index(0)
    cells = rows.to_python()
    assert len(cells) == 3
    flat = " ".join(str(v) for row in cells for v in row)
    assert a.id_number() not in flat and "13911112222" not in flat and a.id_number_masked in flat
    assert b.name in flat
    row = AuditEvent.objects.get(action="portal.join.export")
    assert row.after["rows"] == 2 and row.org_id == tree.town1.pk
    # an org outside the cadre's reach answers 404 like a missing one
    assert c.get(reverse("portal:join_export"), {"org": tree.union2.pk}).status_code == 404
