"""/api/v1/members and /api/v1/transfers: permission matrix, masking, reveal, search without PII
in URLs, Idempotency-Key, transfers, query counts and a fuzz test of the write endpoints."""

import datetime
import json
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.core.testing.identifiers import make_id_number, make_mobile
from gonghui.members import services
from gonghui.members.models import Membership, MembershipStatus, Person, Transfer, TransferStatus
from gonghui.members.validation import clean_member_input

USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "member_user", "outsider",
         None]
_rng = random.Random(777)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def register(actor, union, name="王小明", *, id_number=None, phone=None, **raw):
    data = clean_member_input({"name": name, "id_number": id_number or make_id_number(_rng, region="330181"),
                               "phone": phone or make_mobile(_rng), "joined_on": "2023-05-01", **raw})
    return services.register_member(actor=actor, union=union, data=data)


def build_world(tree):
    """m1 in union1 (town1), m2 in union2 (town2), m3 in union1 with a pending transfer to union2."""
    tree.id1, tree.phone1 = make_id_number(_rng, region="341221"), "13912345678"
    tree.m1 = register(tree.district_staff, tree.union1, "张三", id_number=tree.id1, phone=tree.phone1)
    tree.m2 = register(tree.district_staff, tree.union2, "李四")
    tree.m3 = register(tree.district_staff, tree.union1, "赵六")
    tree.pending = services.request_transfer(actor=tree.union1_chair, membership=tree.m3, to_union=tree.union2,
                                             effective_on=datetime.date(2025, 3, 1), reason="换工作")
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


def _new_member(union):
    return {"union": union.pk, "name": "孙七", "id_number": make_id_number(random.Random(99), region="330181"),
            "phone": "13700001111", "joined_on": "2024-01-02"}


def _transfer(to_union):
    return {"to_union": to_union.pk, "effective_on": "2025-06-01", "reason": "换工作"}


UNION1_WRITERS = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200, "*": 404}
UNION2_WRITERS = {"district_staff": 200, "town2_cadre": 200, "*": 404}


def created(expected):
    return {k: (201 if v == 200 else v) for k, v in expected.items()}


ACTIONS = {
    "list": (lambda t, c: c.get("/members"), {"*": 200}),
    "search": (lambda t, c: c.post("/members/search", {"q": t.id1}), {"*": 200}),
    "detail_m1": (lambda t, c: c.get(f"/members/{t.m1.person_id}"), UNION1_WRITERS),
    "detail_m2": (lambda t, c: c.get(f"/members/{t.m2.person_id}"), UNION2_WRITERS),
    "update_m1": (lambda t, c: c.patch(f"/members/{t.m1.person_id}", {"name": "张叁"}), UNION1_WRITERS),
    "update_m2": (lambda t, c: c.patch(f"/members/{t.m2.person_id}", {"name": "李肆"}), UNION2_WRITERS),
    # Union staff see the member but may not reveal: 403, not 404.
    "reveal_m1": (lambda t, c: c.post(f"/members/{t.m1.person_id}/reveal"),
                  UNION1_WRITERS | {"union1_staff": 403}),
    "reveal_m2": (lambda t, c: c.post(f"/members/{t.m2.person_id}/reveal"), UNION2_WRITERS),
    "leave_m1": (lambda t, c: c.post(f"/members/{t.m1.person_id}/leave", {"reason": "退休"}), UNION1_WRITERS),
    "leave_m2": (lambda t, c: c.post(f"/members/{t.m2.person_id}/leave", {"reason": "退休"}), UNION2_WRITERS),
    "transfer_m1_out": (lambda t, c: c.post(f"/members/{t.m1.person_id}/transfers", _transfer(t.union2)),
                        created(UNION1_WRITERS)),
    "transfer_m2_out": (lambda t, c: c.post(f"/members/{t.m2.person_id}/transfers", _transfer(t.union1)),
                        created(UNION2_WRITERS)),
    # A union the caller cannot see is an unknown reference in the body: 400 on `union`.
    "create_in_union1": (lambda t, c: c.post("/members", _new_member(t.union1)),
                         {"district_staff": 201, "town1_cadre": 201, "union1_chair": 201, "union1_staff": 201,
                          "*": 400}),
    "create_in_union2": (lambda t, c: c.post("/members", _new_member(t.union2)),
                         {"district_staff": 201, "town2_cadre": 201, "*": 400}),
    "list_transfers": (lambda t, c: c.get("/transfers"), {"*": 200}),
    # The pending transfer is visible on both sides; only the receiving side accepts or
    # rejects, only the releasing side cancels.
    "transfer_detail": (lambda t, c: c.get(f"/transfers/{t.pending.pk}"),
                        {"district_staff": 200, "town1_cadre": 200, "town2_cadre": 200, "union1_chair": 200,
                         "union1_staff": 200, "*": 404}),
    "accept": (lambda t, c: c.post(f"/transfers/{t.pending.pk}/accept", {}),
               {"district_staff": 200, "town2_cadre": 200, "town1_cadre": 403, "union1_chair": 403,
                "union1_staff": 403, "*": 404}),
    "reject": (lambda t, c: c.post(f"/transfers/{t.pending.pk}/reject", {"note": "查无此人"}),
               {"district_staff": 200, "town2_cadre": 200, "town1_cadre": 403, "union1_chair": 403,
                "union1_staff": 403, "*": 404}),
    "cancel": (lambda t, c: c.post(f"/transfers/{t.pending.pk}/cancel", {}),
               {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200,
                "town2_cadre": 403, "*": 404}),
}


@pytest.mark.parametrize("who", USERS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, action, who):
    request, expected = ACTIONS[action]
    user = getattr(world, who) if who else None
    response = request(world, api_as(user))
    want = 401 if who is None else expected.get(who, expected["*"])
    assert response.status_code == want, (action, who, response.content)
    if want == 404:
        body = response.json()
        assert body["code"] == "not_found" and body["field"] is None


def test_lists_are_scoped(world):
    def persons(user):
        return {row["person_id"] for row in api_as(user).get("/members").json()["items"]}

    assert persons(world.town1_cadre) == {world.m1.person_id, world.m3.person_id}
    assert persons(world.town2_cadre) == {world.m2.person_id}
    assert persons(world.union1_staff) == {world.m1.person_id, world.m3.person_id}
    assert persons(world.member_user) == set()
    assert persons(world.outsider) == set()
    assert persons(world.district_staff) == {world.m1.person_id, world.m2.person_id, world.m3.person_id}


# --- masking and reveal ----------------------------------------------------------------------

def test_list_and_detail_are_masked(world):
    client = api_as(world.town1_cadre)
    listing = client.get("/members")
    detail = client.get(f"/members/{world.m1.person_id}")
    for response in (listing, detail):
        assert response.status_code == 200
        text = response.content.decode()
        assert world.id1 not in text and world.phone1 not in text
    row = next(r for r in listing.json()["items"] if r["person_id"] == world.m1.person_id)
    masked_id = world.id1[:6] + "********" + world.id1[-4:]
    assert row["id_number_masked"] == masked_id and row["phone_masked"] == "139****5678"
    body = detail.json()
    assert body["id_number_masked"] == masked_id and body["phone_masked"] == "139****5678"
    assert "id_number" not in body and "phone" not in body
    assert body["memberships"][0]["union"] == {"id": world.union1.pk, "name": world.union1.name}


def test_reveal_returns_full_values_and_is_audited(world):
    response = api_as(world.union1_chair).post(f"/members/{world.m1.person_id}/reveal")
    assert response.status_code == 200
    assert response.json() == {"id_number": world.id1, "phone": world.phone1}
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="members.person.reveal_pii")
    assert event.actor == world.union1_chair and event.object_id == str(world.m1.person_id)
    assert event.org_id == world.union1.pk
    # The audit row itself holds no clear values.
    assert world.id1 not in json.dumps(event.after) and world.phone1 not in json.dumps(event.after)


def test_refused_reveal_writes_no_audit_row(world):
    assert api_as(world.union1_staff).post(f"/members/{world.m1.person_id}/reveal").status_code == 403
    assert api_as(world.town2_cadre).post(f"/members/{world.m1.person_id}/reveal").status_code == 404
    assert not AuditEvent.objects.filter(action="members.person.reveal_pii").exists()


# --- search --------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["ID", "PHONE", "13912", "3412211990"])
def test_get_with_an_id_or_phone_number_is_refused(world, q):
    q = {"ID": world.id1, "PHONE": world.phone1}.get(q, q)
    if q == "13912":
        # Short digit runs are not numbers worth refusing, they just match no name.
        assert api_as(world.town1_cadre).get("/members", {"q": q}).status_code == 200
        return
    response = api_as(world.town1_cadre).get("/members", {"q": q})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "use_post_search" and body["field"] == "q"
    assert "/members/search" in body["message"]


def test_get_searches_names_and_initials(world):
    client = api_as(world.town1_cadre)

    def persons(q):
        return {row["person_id"] for row in client.get("/members", {"q": q}).json()["items"]}

    assert persons("张") == {world.m1.person_id}
    assert persons("zs") == {world.m1.person_id}
    assert persons("李") == set()  # 李四 is in town2


def test_post_search_by_id_phone_and_name(world):
    client = api_as(world.town1_cadre)

    def persons(body):
        response = client.post("/members/search", body)
        assert response.status_code == 200, response.content
        return {row["person_id"] for row in response.json()["items"]}

    assert persons({"q": world.id1}) == {world.m1.person_id}
    assert persons({"q": world.id1.lower()}) == {world.m1.person_id}
    assert persons({"q": world.phone1}) == {world.m1.person_id}
    assert persons({"q": "赵"}) == {world.m3.person_id}
    assert persons({"q": "赵", "status": "ACTIVE"}) == set()  # 赵六 is transfer-pending
    assert persons({"status": "TRANSFER_PENDING"}) == {world.m3.person_id}
    assert persons({"org": world.union1b.pk}) == set()
    assert persons({"org": world.union2.pk}) == set()  # outside the caller's reach: nothing
    # Outside the caller's scope an exact ID finds nothing.
    assert {row["person_id"] for row in api_as(world.town2_cadre).post("/members/search", {"q": world.id1})
            .json()["items"]} == set()


def test_member_filters_migrant(world):
    register(world.district_staff, world.union1, "外来工", id_number=make_id_number(_rng, region="411522"))
    client = api_as(world.town1_cadre)
    rows = client.get("/members", {"migrant": "true"}).json()["items"]
    assert {r["name"]: r["hometown_province"] for r in rows} == {"外来工": "河南省", "张三": "安徽省"}
    assert [r["name"] for r in client.get("/members", {"migrant": "false"}).json()["items"]] == ["赵六"]


# --- create, update, leave -------------------------------------------------------------------------

def test_create_member(world):
    body = _new_member(world.union1) | {"enterprise": world.enterprise1.pk}
    response = api_as(world.union1_staff).post("/members", body)
    assert response.status_code == 201, response.content
    data = response.json()
    person = Person.objects.get(pk=data["person_id"])
    assert person.id_number() == body["id_number"]
    assert data["memberships"][0]["enterprise"]["id"] == world.enterprise1.pk
    assert data["live_membership_id"] == person.memberships.get().pk
    assert body["id_number"] not in response.content.decode()


def test_duplicate_member_is_409_with_the_union_name(world):
    response = api_as(world.town2_cadre).post("/members", {"union": world.union2.pk, "name": "张三",
                                                           "id_number": world.id1})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "already_member" and body["field"] == "id_number"
    assert world.union1.name in body["message"]


def test_invalid_member_lists_every_field(world):
    bad_id = world.id1[:-1] + ("0" if world.id1[-1] != "0" else "1")
    response = api_as(world.town1_cadre).post("/members", {
        "union": world.union1.pk, "name": "=cmd", "id_number": bad_id, "phone": "12345",
        "hometown_province": "火星"})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"name", "id_number", "phone", "hometown_province"}
    assert not Person.objects.filter(name="=cmd").exists()


def test_create_member_in_a_town_is_refused(world):
    response = api_as(world.town1_cadre).post("/members", _new_member(world.town1))
    assert response.status_code == 400 and response.json()["code"] == "not_a_union"


def test_update_member(world):
    client = api_as(world.union1_chair)
    response = client.patch(f"/members/{world.m1.person_id}", {"name": "张叁", "education": "BACHELOR"})
    assert response.status_code == 200, response.content
    person = Person.objects.get(pk=world.m1.person_id)
    assert person.name == "张叁" and person.education == "BACHELOR"
    assert person.id_number() == world.id1 and person.phone() == world.phone1  # untouched
    cleared = client.patch(f"/members/{world.m1.person_id}", {"phone": None})
    assert cleared.status_code == 200 and cleared.json()["phone_masked"] == ""
    assert client.patch(f"/members/{world.m1.person_id}", {"id_number": world.id1}).status_code == 422
    bad = client.patch(f"/members/{world.m1.person_id}", {"phone": "123"})
    assert bad.status_code == 400 and bad.json()["field"] == "phone"
    assert AuditEvent.objects.filter(action="members.person.update", object_id=str(world.m1.person_id)).exists()


def test_update_of_a_member_now_elsewhere_is_403(world):
    # 赵六 moves to union2: union1's chair still sees the closed period but may not edit the person.
    services.accept_transfer(actor=world.union2_chair, transfer=world.pending)
    client = api_as(world.union1_chair)
    assert client.get(f"/members/{world.m3.person_id}").status_code == 200
    assert client.patch(f"/members/{world.m3.person_id}", {"name": "赵陆"}).status_code == 403
    assert client.post(f"/members/{world.m3.person_id}/reveal").status_code == 403


def test_leave(world):
    client = api_as(world.union1_chair)
    response = client.post(f"/members/{world.m1.person_id}/leave", {"reason": "离职", "ended_on": "2025-01-31"})
    assert response.status_code == 200, response.content
    assert response.json()["live_membership_id"] is None
    membership = Membership.objects.get(pk=world.m1.pk)
    assert membership.status == MembershipStatus.LEFT and str(membership.ended_on) == "2025-01-31"
    again = client.post(f"/members/{world.m1.person_id}/leave", {"reason": "离职"})
    assert again.status_code == 400 and again.json()["code"] == "not_active"
    assert client.post(f"/members/{world.m2.person_id}/leave", {}).status_code in (404, 422)
    assert client.post(f"/members/{world.m1.person_id}/leave", {"reason": "x", "ended_on": "2001-01-01"}) \
        .json()["code"] in ("not_active", "ends_before_start")


# --- transfers -----------------------------------------------------------------------------------

def test_transfer_round_trip(world):
    out = api_as(world.union1_chair)
    response = out.post(f"/members/{world.m1.person_id}/transfers",
                        _transfer(world.union2) | {"to_enterprise": world.enterprise2.pk})
    assert response.status_code == 201, response.content
    transfer = response.json()
    assert transfer["status"] == "PENDING" and transfer["to_union"]["id"] == world.union2.pk
    receiving = api_as(world.union2_chair)
    incoming = receiving.get("/transfers", {"direction": "in", "status": "PENDING"}).json()["items"]
    assert transfer["id"] in {t["id"] for t in incoming}
    assert transfer["id"] not in {t["id"] for t in receiving.get("/transfers", {"direction": "out"}).json()["items"]}
    accepted = receiving.post(f"/transfers/{transfer['id']}/accept", {"note": "欢迎"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "ACCEPTED"
    assert accepted.json()["to_membership_id"] is not None
    assert Membership.objects.get(pk=world.m1.pk).status == MembershipStatus.TRANSFERRED_OUT
    # A decided transfer cannot be decided again: 409.
    again = receiving.post(f"/transfers/{transfer['id']}/reject", {"note": "晚了"})
    assert again.status_code == 409 and again.json()["code"] == "transfer_decided"
    # The person now has two periods; union1's chair sees only the closed one.
    detail = out.get(f"/members/{world.m1.person_id}").json()
    assert [m["status"] for m in detail["memberships"]] == ["TRANSFERRED_OUT"]


def test_transfer_refusals(world):
    client = api_as(world.union1_chair)
    same = client.post(f"/members/{world.m1.person_id}/transfers", _transfer(world.union1))
    assert same.status_code == 400 and same.json()["code"] == "same_union"
    pending = client.post(f"/members/{world.m3.person_id}/transfers", _transfer(world.union1b))
    assert pending.status_code == 400 and pending.json()["code"] == "not_active"
    to_town = client.post(f"/members/{world.m1.person_id}/transfers", _transfer(world.town2))
    assert to_town.status_code == 400 and to_town.json()["field"] == "to_union"
    no_note = api_as(world.union2_chair).post(f"/transfers/{world.pending.pk}/reject", {"note": " "})
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"
    assert api_as(world.union2_chair).post(f"/transfers/{world.pending.pk}/reject", {}).status_code == 422


def test_cancel_reopens_the_membership(world):
    response = api_as(world.union1_staff).post(f"/transfers/{world.pending.pk}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "CANCELLED"
    assert Membership.objects.get(pk=world.m3.pk).status == MembershipStatus.ACTIVE


def test_transfer_list_filters(world):
    client = api_as(world.district_staff)
    assert [t["id"] for t in client.get("/transfers", {"status": "PENDING"}).json()["items"]] == [world.pending.pk]
    assert client.get("/transfers", {"status": "ACCEPTED"}).json()["items"] == []
    assert client.get("/transfers", {"direction": "sideways"}).status_code == 422


def test_person_with_two_periods_in_scope(world):
    """Moved between two unions of the same town: the cadre sees one person, two periods."""
    transfer = services.request_transfer(actor=world.town1_cadre, membership=world.m1, to_union=world.union1b,
                                         effective_on=datetime.date(2025, 1, 1))
    services.accept_transfer(actor=world.town1_cadre, transfer=transfer)
    response = api_as(world.town1_cadre).get(f"/members/{world.m1.person_id}")
    assert response.status_code == 200
    assert len(response.json()["memberships"]) == 2


# --- Idempotency-Key -------------------------------------------------------------------------------

def test_idempotent_member_create(world):
    client = api_as(world.union1_chair)
    body = _new_member(world.union1)
    first = client.post("/members", body, **{"Idempotency-Key": "key-001"})
    replay = client.post("/members", body, **{"Idempotency-Key": "key-001"})
    assert first.status_code == replay.status_code == 201
    assert first.content == replay.content
    assert replay["Idempotent-Replayed"] == "true"
    assert Person.objects.filter(name="孙七").count() == 1
    # Same key, different body: refused, nothing created.
    other = client.post("/members", body | {"name": "孙八"}, **{"Idempotency-Key": "key-001"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    # Without a key, a second POST is a real duplicate.
    assert client.post("/members", body).status_code == 409


def test_idempotency_keys_are_per_user(world):
    body = _new_member(world.union1)
    assert api_as(world.union1_chair).post("/members", body, **{"Idempotency-Key": "k"}).status_code == 201
    # Another user with the same key is not served the first user's answer.
    second = api_as(world.town1_cadre).post("/members", body, **{"Idempotency-Key": "k"})
    assert second.status_code == 409 and "Idempotent-Replayed" not in second


def test_failed_requests_are_not_kept(world):
    client = api_as(world.union1_chair)
    body = _new_member(world.union1)
    assert client.post("/members", body | {"phone": "1"}, **{"Idempotency-Key": "retry"}).status_code == 400
    assert client.post("/members", body | {"phone": "1"}, **{"Idempotency-Key": "retry"}).status_code == 400
    assert client.post("/members", body, **{"Idempotency-Key": "retry-2"}).status_code == 201


def test_idempotent_transfer_request(world):
    client = api_as(world.union1_chair)
    path = f"/members/{world.m1.person_id}/transfers"
    first = client.post(path, _transfer(world.union2), **{"Idempotency-Key": "t-1"})
    replay = client.post(path, _transfer(world.union2), **{"Idempotency-Key": "t-1"})
    assert first.status_code == replay.status_code == 201
    assert first.content == replay.content
    assert Transfer.objects.filter(person_id=world.m1.person_id).count() == 1


def test_bad_idempotency_key(world):
    response = api_as(world.union1_chair).post("/members", _new_member(world.union1),
                                               **{"Idempotency-Key": "x" * 300})
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_invalid"


# --- query counts ----------------------------------------------------------------------------------

def _count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, {"limit": 200})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["items"])


def test_member_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    client = api_as(world.district_staff)
    client.get("/members")
    few, rows = _count_queries(client, "/members")
    assert rows == 3
    for i in range(40):
        register(world.district_staff, world.union1, f"批量{i}")
    with django_assert_max_num_queries(few):
        response = client.get("/members", {"limit": 200})
    assert len(response.json()["items"]) == 43


def test_transfer_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    client = api_as(world.district_staff)
    client.get("/transfers")
    few, rows = _count_queries(client, "/transfers")
    assert rows == 1
    for i in range(40):
        m = register(world.district_staff, world.union1, f"转出{i}")
        services.request_transfer(actor=world.district_staff, membership=m, to_union=world.union2,
                                  effective_on=datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(few):
        response = client.get("/transfers", {"limit": 200})
    assert len(response.json()["items"]) == 41
    assert Transfer.objects.filter(status=TransferStatus.PENDING).count() == 41


# --- fuzz ------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40) | \
    st.sampled_from(["", "2024-01-01", "2099-12-31", "0000-00-00", "341221199001011234", "13912345678",
                     "安徽", "BACHELOR", "LEVEL3", "是", "\x00", "=1+1", "9" * 40])
member_bodies = st.fixed_dictionaries({}, optional={
    "union": st.integers(-2, 10) | scalars, "enterprise": st.integers(-2, 10) | scalars, "name": scalars,
    "id_number": scalars | st.builds(lambda n: make_id_number(random.Random(n)), st.integers(0, 10**6)),
    "phone": scalars, "hometown_province": scalars, "is_migrant": scalars, "education": scalars,
    "skill_level": scalars, "joined_on": scalars,
})
transfer_bodies = st.fixed_dictionaries({}, optional={
    "to_union": st.integers(-2, 10) | scalars, "effective_on": scalars, "reason": scalars,
    "to_enterprise": st.integers(-2, 10) | scalars,
})
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])


def _fuzz_client(world):
    """One token for all examples of a test (the fixture outlives the examples)."""
    if not hasattr(world, "fuzz_client"):
        world.fuzz_client = api_as(world.town1_cadre)
    return world.fuzz_client


@FUZZ
@given(body=member_bodies | json_values)
def test_fuzz_member_create_never_5xx(world, body):
    response = _fuzz_client(world).post("/members", body)
    assert response.status_code < 500, (body, response.content)
    assert response.status_code == 201 or "code" in response.json()


@FUZZ
@given(body=transfer_bodies | json_values, person=st.sampled_from(["m1", "m2", "m3"]) | st.integers(-1, 99))
def test_fuzz_transfer_request_never_5xx(world, body, person):
    person_id = getattr(world, person).person_id if isinstance(person, str) else person
    response = _fuzz_client(world).post(f"/members/{person_id}/transfers", body)
    assert response.status_code < 500, (body, response.content)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_fuzz_raw_bytes_never_5xx(world, raw):
    response = _fuzz_client(world).post("/members", raw=raw)
    assert response.status_code < 500, (raw, response.content)


def test_transfer_employer_must_be_the_receiving_unions(world):
    """Another town's enterprise answers like a missing one (its name never comes back), and a
    union-less firm of another town cannot be named as the employer either."""
    from gonghui.core.testing.factories import EnterpriseFactory

    client = api_as(world.town1_cadre)
    elsewhere = EnterpriseFactory(town=world.town2, union=None, name="北干秘密企业")
    for enterprise in (world.enterprise2, elsewhere):
        response = client.post(f"/members/{world.m1.person_id}/transfers",
                               {**_transfer(world.union1b), "to_enterprise": enterprise.pk})
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["code"] == "unknown_reference" and body["field"] == "to_enterprise"
        assert enterprise.name not in response.content.decode()
    own_town = EnterpriseFactory(town=world.town1, union=None, name="城厢小微企业")
    ok = client.post(f"/members/{world.m1.person_id}/transfers",
                     {**_transfer(world.union1b), "to_enterprise": own_town.pk})
    assert ok.status_code == 201 and ok.json()["to_enterprise"]["name"] == "城厢小微企业"
