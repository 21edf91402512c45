"""What the worker sees of an appeal that went through every handling step (the `appeals` area's
real services: transfer up and down with reasons, dispatch with instructions, accept, internal
note, reply, escalation, close): through the member page, the member API, the public tracking
page and the public API — never an internal note, a transfer reason, dispatch instructions, a
cadre's name, an escalation line or anything of another worker's appeal. Also: ids in the
member's API body stay within the member's reach; staff entry finds a worker by ID number only."""

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import ApiClient, api_as
from gonghui.members.models import Membership, Person
from gonghui.voice.models.appeals import Appeal, AppealEvent, AppealEventKind
from gonghui.voice.services import appeals as handling
from gonghui.voice.testing.intake import member_appeal, png, public_appeal

pytestmark = pytest.mark.django_db

NOTE = "内部备注：企业法人代表周三约谈"
TRANSFER_UP = "转接理由：涉及多家企业需街道协调"
TRANSFER_DOWN = "转接理由：由企业工会先行调解"
DISPATCH = "交办要求：三日内上门核实"
REPLY = "已联系企业，承诺本周五前补发工资"
# Keys of the internal side that must never appear in what the worker's API returns.
INTERNAL_KEYS = {"reason", "actor", "handler", "escalated_to", "escalation_level", "submitted_by", "created_by",
                 "contact_phone", "contact_phone_enc", "public"}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def named(tree):
    """Cadres with real names, so the test can tell a name leaking."""
    for user, (last, first) in ((tree.union1_chair, ("张", "主席")), (tree.town1_cadre, ("李", "科长")),
                                (tree.district_staff, ("赵", "干事"))):
        user.last_name, user.first_name = last, first
        user.save(update_fields=["last_name", "first_name"])
    return [tree.union1_chair, tree.town1_cadre, tree.district_staff]


@pytest.fixture
def linked(tree):
    m = tree.member(union=tree.union1)
    Membership.objects.filter(pk=m.pk).update(enterprise=tree.enterprise1)
    Person.objects.filter(pk=m.person.pk).update(account=tree.member_user)
    return Person.objects.get(pk=m.person.pk)


def handle_everything(tree, appeal) -> Appeal:
    """union1 → up to town1 (reason) → down to union1 (reason) → accepted, note, reply → overdue,
    escalated → closed. Every step through the appeals area's own services."""
    handling.transfer(actor=tree.union1_chair, appeal=appeal, to_org=tree.town1, reason=TRANSFER_UP)
    handling.transfer(actor=tree.town1_cadre, appeal=Appeal.objects.get(pk=appeal.pk), to_org=tree.union1,
                      reason=TRANSFER_DOWN)
    a = Appeal.objects.get(pk=appeal.pk)
    handling.accept(actor=tree.union1_chair, appeal=a)
    handling.add_note(actor=tree.union1_chair, appeal=Appeal.objects.get(pk=a.pk), text=NOTE)
    handling.reply(actor=tree.union1_chair, appeal=Appeal.objects.get(pk=a.pk), text=REPLY)
    a = Appeal.objects.get(pk=a.pk)
    assert handling.escalate_overdue(on=a.due_on + datetime.timedelta(days=40)) == 1
    return Appeal.objects.get(pk=a.pk)


def dispatched(tree, appeal) -> Appeal:
    """A public appeal that reached the district is dispatched to town1 with instructions."""
    assert appeal.org == tree.district
    handling.dispatch(actor=tree.district_staff, appeal=appeal, to_org=tree.town1, note=DISPATCH)
    return Appeal.objects.get(pk=appeal.pk)


def secrets_of(appeal, cadres) -> list[str]:
    escalation = AppealEvent.objects.get(appeal=appeal, kind=AppealEventKind.ESCALATED)
    out = [NOTE, TRANSFER_UP, TRANSFER_DOWN, DISPATCH, escalation.text, str(AppealEventKind.ESCALATED.label),
           str(AppealEventKind.NOTE.label)]
    out += [u.get_full_name() for u in cadres] + [u.last_name + u.first_name for u in cadres]
    return out


def keys_of(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | set().union(*(keys_of(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(keys_of(v) for v in data)) if data else set()
    return set()


def assert_clean(text, appeal, cadres):
    for secret in secrets_of(appeal, cadres):
        assert secret not in text, secret
    assert REPLY in text


def test_member_page_and_api_show_only_the_public_history(tree, named, linked):
    a = handle_everything(tree, member_appeal(tree.member_user, linked))
    c = Client()
    c.force_login(tree.member_user)
    page = c.get(reverse("voice:my_appeal_detail", args=[a.pk]))
    assert page.status_code == 200
    assert_clean(page.content.decode(), a, named)
    assert_clean(c.get(reverse("voice:my_appeals")).content.decode() + REPLY, a, named)
    api = api_as(tree.member_user)
    data = api.get(f"/my/appeals/{a.pk}").json()
    assert_clean(str(data), a, named)
    assert not keys_of(data) & INTERNAL_KEYS
    assert "NOTE" not in [e["kind"] for e in data["events"]] and "ESCALATED" not in [e["kind"] for e in data["events"]]
    # closing, then rating through the API answers the same clean view
    handling.close(actor=tree.union1_chair, appeal=a, result="RESOLVED", result_text="企业已补发")
    rated = api.post(f"/my/appeals/{a.pk}/rate", {"score": 4}).json()
    assert_clean(str(rated), a, named) and not keys_of(rated) & INTERNAL_KEYS


def test_public_page_and_api_show_only_the_public_history(tree, named):
    a = dispatched(tree, public_appeal(enterprise_name="不存在的企业"))
    handling.transfer(actor=tree.town1_cadre, appeal=a, to_org=tree.union1, reason="先由企业工会处理")
    a = handle_everything(tree, Appeal.objects.get(pk=a.pk))
    c = Client()
    assert c.post(reverse("voice:public_track"), {"action": "lookup", "code": a.tracking_code,
                                                  "phone4": "5678"}).status_code == 302
    body = c.get(reverse("voice:public_track")).content.decode()
    assert a.title in body
    assert_clean(body, a, named)
    data = ApiClient().get(f"/public/appeals/{a.tracking_code}", {"phone4": "5678"}).json()
    assert_clean(str(data), a, named)
    assert not keys_of(data) & INTERNAL_KEYS


def test_another_workers_appeal_stays_hidden(tree, linked):
    """Through every door a worker has: member pages, member API (read and steps), files, the
    public page's steps and files, the public API with a wrong code or digits."""
    other_person = tree.member(union=tree.union2).person
    other = member_appeal(tree.union2_chair, other_person, files=[png()])
    stranger = public_appeal(files=[png()])
    c = Client()
    c.force_login(tree.member_user)
    api = api_as(tree.member_user)
    for a in (other, stranger):
        f = a.attachments.get()
        assert c.get(reverse("voice:my_appeal_file", args=[a.pk, f.pk])).status_code == 404
        for step in ("rate", "reopen", "withdraw"):
            assert c.post(reverse("voice:my_appeal_step", args=[a.pk, step]), {}).status_code == 404
            assert api.post(f"/my/appeals/{a.pk}/{step}", {"reason": "x"} if step != "rate" else {"score": 5}
                            ).status_code == 404
    anonymous = Client()
    f = stranger.attachments.get()
    assert anonymous.get(reverse("voice:public_file", args=[stranger.pk, f.pk])).status_code == 404
    assert anonymous.post(reverse("voice:public_track"), {"action": "withdraw", "appeal": stranger.pk}
                          ).status_code == 404
    # a browser that tracked one appeal cannot reach another one's files by changing the id
    mine = public_appeal(contact_phone="13900001234")
    anonymous.post(reverse("voice:public_track"), {"action": "lookup", "code": mine.tracking_code, "phone4": "1234"})
    assert anonymous.get(reverse("voice:public_file", args=[stranger.pk, f.pk])).status_code == 404
    assert anonymous.get(reverse("voice:public_file", args=[mine.pk, f.pk])).status_code == 404
    public = ApiClient()
    assert public.get(f"/public/appeals/{stranger.number}", {"phone4": "1234"}).status_code == 404
    assert public.get(f"/public/appeals/{stranger.number}", {"code": mine.tracking_code,
                                                             "phone4": "1234"}).status_code == 404
    assert Appeal.objects.get(pk=stranger.pk).status == "NEW" and Appeal.objects.get(pk=other.pk).status == "NEW"


def test_member_api_enterprise_id_is_one_of_the_members(tree, linked):
    """The `enterprise` id of POST /my/appeals names an enterprise of the member's memberships;
    any other id is an unknown reference (not a way to read which union holds an enterprise)."""
    api = api_as(tree.member_user)
    body = {"category": "WAGES_OWED", "title": "欠薪", "content": "两个月未发"}
    r = api.post("/my/appeals", {**body, "enterprise": tree.enterprise2.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference" and r.json()["field"] == "enterprise"
    assert tree.union2.name not in r.content.decode() and Appeal.objects.count() == 0
    r = api.post("/my/appeals", {**body, "enterprise": tree.enterprise1.pk})
    assert r.status_code == 201 and Appeal.objects.get().org == tree.union1


@pytest.mark.parametrize("typed", ["王", "wxm", "abc!", "13800138000"])
def test_staff_entry_takes_an_id_number_only(tree, typed):
    """A name, initials or a phone typed in the ID number box never picks a member by search."""
    tree.member(tree.union1, name="王小明", name_initials="wxm")
    c = Client()
    c.force_login(tree.town1_cadre)
    r = c.post(reverse("voice:appeal_create"), {
        "channel": "VISIT", "entering_org": tree.town1.pk, "category": "OTHER", "title": "来访", "content": "反映问题",
        "id_number": typed})
    assert r.status_code == 400 and "id_number" in r.context["form"].errors and Appeal.objects.count() == 0
