"""/api/v1/orgs and /api/v1/enterprises: permission matrix, filters, pagination, query counts."""

import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.core.testing.identifiers import make_uscc
from gonghui.orgs.models import Enterprise, Org, OrgLevel

USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "member_user", "outsider",
         None]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(tree):
    """The tree plus an industry union in town1 (somewhere to move union1b) and a union group."""
    tree.industry1 = add_org(tree.town1, "纺织行业工会", OrgLevel.INDUSTRY, code="I1")
    tree.group1 = add_org(Org.objects.get(pk=tree.union1.pk), "一车间工会小组", OrgLevel.GROUP, code="G1")
    return tree


def _group(parent):
    return {"parent": parent.pk, "name": "新工会小组", "level": "GROUP", "code": "NEW-G"}


def _enterprise(town, union=None):
    body = {"name": "新建测试有限公司", "uscc": make_uscc(random.Random(7)), "industry": "LOGISTICS", "town": town.pk,
            "headcount": 80}
    if union is not None:
        body["union"] = union.pk
    return body


# action → (request, expected status per user; missing users expect the "default")
ACTIONS = {
    "list_orgs": (lambda t, c: c.get("/orgs"), {"*": 200}),
    "detail_in_town1": (lambda t, c: c.get(f"/orgs/{t.union1.pk}"),
                        {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200,
                         "*": 404}),
    "detail_in_town2": (lambda t, c: c.get(f"/orgs/{t.union2.pk}"),
                        {"district_staff": 200, "town2_cadre": 200, "*": 404}),
    "create_under_union1": (lambda t, c: c.post("/orgs", _group(t.union1)),
                            {"district_staff": 201, "town1_cadre": 201, "union1_chair": 201, "union1_staff": 201,
                             "*": 400}),
    "create_under_union2": (lambda t, c: c.post("/orgs", _group(t.union2)),
                            {"district_staff": 201, "town2_cadre": 201, "*": 400}),
    "update_union1": (lambda t, c: c.patch(f"/orgs/{t.union1.pk}", {"chair_name": "王主席"}),
                      {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200,
                       "*": 404}),
    "update_town1": (lambda t, c: c.patch(f"/orgs/{t.town1.pk}", {"address": "城厢街道1号"}),
                     {"district_staff": 200, "town1_cadre": 200, "*": 404}),
    "move_within_town1": (lambda t, c: c.post(f"/orgs/{t.union1b.pk}/move", {"parent": t.industry1.pk}),
                          {"district_staff": 200, "town1_cadre": 200, "*": 404}),
    "move_to_town2": (lambda t, c: c.post(f"/orgs/{t.union1b.pk}/move", {"parent": t.town2.pk}),
                      {"district_staff": 200, "town1_cadre": 400, "*": 404}),
    # A union chair sees the group but may not move anything (orgs.move): 403, not 404.
    "move_group": (lambda t, c: c.post(f"/orgs/{t.group1.pk}/move", {"parent": t.union1.pk}),
                   {"district_staff": 400, "town1_cadre": 400, "union1_chair": 403, "union1_staff": 403,
                    "*": 404}),
    "list_enterprises": (lambda t, c: c.get("/enterprises"), {"*": 200}),
    "enterprise_detail_in": (lambda t, c: c.get(f"/enterprises/{t.enterprise1.pk}"),
                             {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200,
                              "*": 404}),
    "enterprise_detail_out": (lambda t, c: c.get(f"/enterprises/{t.enterprise2.pk}"),
                              {"district_staff": 200, "town2_cadre": 200, "*": 404}),
    "enterprise_create_in_union1": (lambda t, c: c.post("/enterprises", _enterprise(t.town1, t.union1)),
                                    {"district_staff": 201, "town1_cadre": 201, "union1_chair": 201,
                                     "union1_staff": 201, "*": 400}),
    # Without a union the enterprise belongs to the town: a union chair sees the town as a place
    # to register in but may not change it.
    "enterprise_create_town_only": (lambda t, c: c.post("/enterprises", _enterprise(t.town1)),
                                    {"district_staff": 201, "town1_cadre": 201, "union1_chair": 403,
                                     "union1_staff": 403, "*": 400}),
    "enterprise_update_in": (lambda t, c: c.patch(f"/enterprises/{t.enterprise1.pk}", {"headcount": 300}),
                             {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200,
                              "*": 404}),
    "enterprise_update_out": (lambda t, c: c.patch(f"/enterprises/{t.enterprise2.pk}", {"headcount": 300}),
                              {"district_staff": 200, "town2_cadre": 200, "*": 404}),
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
        assert response.json() == {"code": "not_found", "message": response.json()["message"], "field": None,
                                   "errors": []}


def test_lists_are_scoped(world):
    def ids(user, path):
        return {row["id"] for row in api_as(user).get(path).json()["items"]}

    town1_subtree = {world.town1.pk, world.union1.pk, world.union1b.pk, world.industry1.pk, world.group1.pk}
    assert ids(world.town1_cadre, "/orgs") == town1_subtree
    assert ids(world.union1_chair, "/orgs") == {world.union1.pk, world.group1.pk}
    assert ids(world.member_user, "/orgs") == set()
    assert ids(world.outsider, "/orgs") == set()
    assert ids(world.district_staff, "/orgs") == set(Org.objects.values_list("pk", flat=True))
    assert ids(world.town1_cadre, "/enterprises") == {world.enterprise1.pk}
    assert ids(world.union1_chair, "/enterprises") == {world.enterprise1.pk}


def test_org_filters(world):
    client = api_as(world.district_staff)

    def ids(**params):
        return {row["id"] for row in client.get("/orgs", params).json()["items"]}

    assert ids(level="TOWN") == {world.town1.pk, world.town2.pk}
    assert ids(parent=world.town1.pk) == {world.union1.pk, world.union1b.pk, world.industry1.pk}
    assert ids(q="行业") == {world.industry1.pk}
    assert ids(parent=987654) == set()
    # A parent outside the caller's reach matches nothing (it is not an error, and not a leak).
    assert {row["id"] for row in api_as(world.town1_cadre).get("/orgs", {"parent": world.town2.pk})
            .json()["items"]} == set()


def test_org_output_has_parent_and_children(world):
    body = api_as(world.town1_cadre).get(f"/orgs/{world.union1.pk}").json()
    assert body["parent"] == world.town1.pk and body["children_count"] == 1
    assert body["level"] == "GRASSROOTS" and body["union_kind"] == "ENTERPRISE"


def test_keyset_pagination_walks_every_row_once(world):
    client = api_as(world.district_staff)
    seen, after = [], None
    while True:
        params = {"limit": 2} | ({"after": after} if after else {})
        page = client.get("/orgs", params).json()
        seen += [row["id"] for row in page["items"]]
        assert len(page["items"]) <= 2
        after = page["next_after"]
        if after is None:
            break
    assert seen == sorted(Org.objects.values_list("pk", flat=True))
    assert page["count"] == len(seen) and page["count_capped"] is False


def test_counts_are_capped(world, settings):
    settings.LIST_COUNT_CAP = 3
    page = api_as(world.district_staff).get("/orgs").json()
    assert page["count"] == 3 and page["count_capped"] is True
    assert len(page["items"]) == Org.objects.count()


def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, {"limit": 200})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["items"])


def test_org_list_query_count_does_not_grow_with_rows(tree, django_assert_max_num_queries):
    client = api_as(tree.district_staff)
    client.get("/orgs")  # first use of the token records last_used_at
    few, rows = _queries(client, "/orgs")
    assert rows == 6
    union = Org.objects.get(pk=tree.union1.pk)
    for i in range(40):
        union = Org.objects.get(pk=union.pk)
        add_org(union, f"小组{i}", OrgLevel.GROUP, code=f"GG{i}")
    with django_assert_max_num_queries(few):
        response = client.get("/orgs", {"limit": 200})
    assert len(response.json()["items"]) == 46


def test_enterprise_list_query_count_does_not_grow_with_rows(tree, django_assert_max_num_queries):
    client = api_as(tree.district_staff)
    client.get("/enterprises")
    few, rows = _queries(client, "/enterprises")
    assert rows == 2
    for _ in range(40):
        EnterpriseFactory(town=tree.town1, union=tree.union1)
    with django_assert_max_num_queries(few):
        response = client.get("/enterprises", {"limit": 200})
    assert len(response.json()["items"]) == 42


def test_create_org_writes_the_tree_and_the_audit_trail(world):
    response = api_as(world.town1_cadre).post("/orgs", {
        "parent": world.town1.pk, "name": "新甲工会", "level": "GRASSROOTS", "union_kind": "JOINT", "code": "NJ1",
        "founded_on": "2024-05-01", "chair_name": "李主席"})
    assert response.status_code == 201, response.content
    body = response.json()
    org = Org.objects.get(pk=body["id"])
    assert org.get_parent().pk == world.town1.pk and org.union_kind == "JOINT"
    assert body["parent"] == world.town1.pk and body["founded_on"] == "2024-05-01"
    assert AuditEvent.objects.filter(action="orgs.org.create", object_id=str(org.pk)).exists()


def test_create_org_refusals(world):
    client = api_as(world.district_staff)
    taken = client.post("/orgs", {"parent": world.town1.pk, "name": "x", "level": "GRASSROOTS",
                                  "union_kind": "ENTERPRISE", "code": "U1"})
    assert taken.status_code == 409 and taken.json()["code"] == "code_taken" and taken.json()["field"] == "code"
    no_kind = client.post("/orgs", {"parent": world.town1.pk, "name": "x", "level": "GRASSROOTS", "code": "U9"})
    assert no_kind.status_code == 400 and no_kind.json()["field"] == "union_kind"
    missing = client.post("/orgs", {"parent": world.town1.pk})
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["errors"]} == {"name", "level", "code"}


def test_update_org_changes_only_what_is_sent(world):
    client = api_as(world.town1_cadre)
    response = client.patch(f"/orgs/{world.union1.pk}", {"chair_name": "新主席", "founded_on": "2019-03-01"})
    assert response.status_code == 200
    org = Org.objects.get(pk=world.union1.pk)
    assert org.chair_name == "新主席" and org.name == "甲企业工会" and str(org.founded_on) == "2019-03-01"
    assert client.patch(f"/orgs/{world.union1.pk}", {"founded_on": None}).json()["founded_on"] is None
    # null is not a name
    assert client.patch(f"/orgs/{world.union1.pk}", {"name": None}).status_code == 422
    taken = client.patch(f"/orgs/{world.union1.pk}", {"code": "T2"})
    assert taken.status_code == 409 and taken.json()["field"] == "code"
    assert client.patch(f"/orgs/{world.union1.pk}", {"nonsense": 1}).status_code == 422


def test_move_org_moves_the_subtree_and_is_audited(world):
    client = api_as(world.district_staff)
    response = client.post(f"/orgs/{world.union1.pk}/move", {"parent": world.town2.pk})
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == world.town2.pk
    group = Org.objects.get(pk=world.group1.pk)
    assert group.path.startswith(Org.objects.get(pk=world.town2.pk).path)
    assert AuditEvent.objects.filter(action="orgs.org.move", object_id=str(world.union1.pk)).exists()
    # The town1 cadre no longer sees it.
    assert api_as(world.town1_cadre).get(f"/orgs/{world.union1.pk}").status_code == 404


def test_move_refusals_name_the_parent_field(world):
    client = api_as(world.district_staff)
    into_self = client.post(f"/orgs/{world.union1.pk}/move", {"parent": world.group1.pk})
    assert into_self.status_code == 400 and into_self.json()["field"] == "parent"
    root = client.post(f"/orgs/{world.district.pk}/move", {"parent": world.town1.pk})
    assert root.status_code == 400 and root.json()["code"] == "cannot_move_root"
    wrong_level = client.post(f"/orgs/{world.union1b.pk}/move", {"parent": world.union1.pk})
    assert wrong_level.status_code == 400 and wrong_level.json()["code"] == "level_not_allowed"
    unknown = client.post(f"/orgs/{world.union1b.pk}/move", {"parent": 987654})
    assert unknown.status_code == 400 and unknown.json()["field"] == "parent"


def test_enterprise_filters(world):
    EnterpriseFactory(name="无工会物流有限公司", town=world.town1, union=None, industry="LOGISTICS", above_scale=False)
    client = api_as(world.district_staff)

    def names(**params):
        return {row["name"] for row in client.get("/enterprises", params).json()["items"]}

    assert names(has_union="false") == {"无工会物流有限公司"}
    assert names(industry="LOGISTICS") == {"无工会物流有限公司"}
    assert names(above_scale="false") == {"无工会物流有限公司"}
    assert names(town=world.town2.pk) == {world.enterprise2.name}
    assert names(q="无工会") == {"无工会物流有限公司"}
    assert names(q=world.enterprise1.uscc) == {world.enterprise1.name}


def test_enterprise_create_and_update(world):
    client = api_as(world.town1_cadre)
    body = _enterprise(world.town1, world.union1)
    created = client.post("/enterprises", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["town"] == {"id": world.town1.pk, "name": world.town1.name}
    assert data["union"]["id"] == world.union1.pk
    again = client.post("/enterprises", body)
    assert again.status_code == 409 and again.json()["field"] == "uscc"
    bad = client.post("/enterprises", _enterprise(world.town1) | {"uscc": "91330109000000000X"})
    assert bad.status_code == 400 and bad.json()["field"] == "uscc"
    unlinked = client.patch(f"/enterprises/{data['id']}", {"union": None, "headcount": 5})
    assert unlinked.status_code == 200 and unlinked.json()["union"] is None
    assert Enterprise.objects.get(pk=data["id"]).headcount == 5
    negative = client.patch(f"/enterprises/{data['id']}", {"headcount": -1})
    assert negative.status_code == 422 and negative.json()["field"] == "headcount"
    elsewhere = client.patch(f"/enterprises/{data['id']}", {"union": world.union2.pk})
    assert elsewhere.status_code == 400 and elsewhere.json()["field"] == "union"
