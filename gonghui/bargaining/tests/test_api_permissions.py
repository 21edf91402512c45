"""/api/v1/wage-agreements permission matrix: role × action × in scope / out of scope.

- single1: union1's negotiation (town1); single2: union2's (town2), both just offered;
- area: town1's area agreement in talks, covering enterprise1 — union1's chair and staff see it
  (it binds their enterprise) but only the town and the district record its steps (403);
- signed: union1b's signed agreement (for the steps after signing);
- published: union1c's agreement in force (renewal; a new offer there is not blocked by it).
Out of scope always answers the one 404; anonymous 401; members and outsiders see nothing.
"""

import datetime

import pytest
from django.core.cache import cache

from gonghui.bargaining.models import AgreementKind, Stage, WageAgreement
from gonghui.bargaining.services import CoveredEnterprise
from gonghui.bargaining.testing import negotiation
from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.orgs.models import OrgLevel

USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider", None]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def build_world(tree):
    tree.single1 = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    tree.single2 = negotiation(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2)
    tree.area = negotiation(actor=tree.town1_cadre, org=tree.town1, kind=AgreementKind.AREA,
                            coverage=[CoveredEnterprise(tree.enterprise1, 80)], stage=Stage.IN_TALKS,
                            start=datetime.date(2026, 5, 4))
    tree.enterprise1b = EnterpriseFactory(town=tree.town1, union=tree.union1b)
    tree.signed = negotiation(actor=tree.town1_cadre, org=tree.union1b, enterprise=tree.enterprise1b,
                              stage=Stage.SIGNED)
    tree.union1c = add_org(tree.town1, "丁企业工会", OrgLevel.GRASSROOTS, code="U1C")
    tree.enterprise1c = EnterpriseFactory(town=tree.town1, union=tree.union1c)
    tree.published = negotiation(actor=tree.town1_cadre, org=tree.union1c, enterprise=tree.enterprise1c,
                                 stage=Stage.PUBLISHED, start=datetime.date(2025, 12, 5))
    return tree


# Built once per module with the shared tree (conftest.SharedTree), re-read for each test.
SHARED_WORLD = build_world


@pytest.fixture
def world(tree):
    return tree


def offer(org, enterprise):
    return {"org": org.pk, "kind": "SINGLE", "title": "2027年工资专项集体合同", "employer_party": enterprise.name,
            "offered_on": "2026-11-02", "offer_received_on": "2026-11-02",
            "coverage": [{"enterprise": enterprise.pk, "workers": 20}]}


# Who sees what (and may act on it, unless listed as 403).
SINGLE1 = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200, "*": 404}
SINGLE2 = {"district_staff": 200, "town2_cadre": 200, "union2_chair": 200, "*": 404}
AREA_READ = {"district_staff": 200, "town1_cadre": 200, "union1_chair": 200, "union1_staff": 200, "*": 404}
AREA_WRITE = AREA_READ | {"union1_chair": 403, "union1_staff": 403}
UNION1B = {"district_staff": 200, "town1_cadre": 200, "*": 404}  # union1's people are not union1b's


def created(expected):
    return {k: (201 if v == 200 else v) for k, v in expected.items()}


ACTIONS = {
    "list": (lambda t, c: c.get("/wage-agreements"), {"*": 200}),
    "detail_single1": (lambda t, c: c.get(f"/wage-agreements/{t.single1.pk}"), SINGLE1),
    "detail_single2": (lambda t, c: c.get(f"/wage-agreements/{t.single2.pk}"), SINGLE2),
    "detail_area": (lambda t, c: c.get(f"/wage-agreements/{t.area.pk}"), AREA_READ),
    "reply_single1": (lambda t, c: c.post(f"/wage-agreements/{t.single1.pk}/reply", {"replied_on": "2026-03-10"}),
                      SINGLE1),
    "reply_single2": (lambda t, c: c.post(f"/wage-agreements/{t.single2.pk}/reply", {"replied_on": "2026-03-10"}),
                      SINGLE2),
    "edit_offer_single1": (lambda t, c: c.patch(f"/wage-agreements/{t.single1.pk}", {"title": "改"}), SINGLE1),
    "terms_single1": (lambda t, c: c.post(f"/wage-agreements/{t.single1.pk}/terms", {"wage_system": "计件"}),
                      SINGLE1),
    "cancel_single2": (lambda t, c: c.post(f"/wage-agreements/{t.single2.pk}/cancel", {"reason": "停产"}), SINGLE2),
    "round_area": (lambda t, c: c.post(f"/wage-agreements/{t.area.pk}/rounds",
                                       {"held_on": "2026-11-20", "minutes": "第二轮"}), AREA_WRITE),
    "data_area": (lambda t, c: c.post(f"/wage-agreements/{t.area.pk}/data-exchange",
                                      {"provided_on": "2026-11-20"}), AREA_WRITE),
    "terms_area": (lambda t, c: c.post(f"/wage-agreements/{t.area.pk}/terms", {"min_wage": "2600.00"}), AREA_WRITE),
    "cancel_area": (lambda t, c: c.post(f"/wage-agreements/{t.area.pk}/cancel", {"reason": "撤回"}), AREA_WRITE),
    "file_signed": (lambda t, c: c.post(f"/wage-agreements/{t.signed.pk}/file", {"filed_on": "2026-11-20"}),
                    UNION1B),
    "renew_published": (lambda t, c: c.post(f"/wage-agreements/{t.published.pk}/renew",
                                         {"offered_on": "2026-11-20", "offer_received_on": "2026-11-20"}),
                     created(UNION1B)),
    # An org the caller cannot see is an unknown reference in the body: 400 on `org`.
    "create_in_union1": (lambda t, c: c.post("/wage-agreements", offer(t.union1c, t.enterprise1c)),
                         {"district_staff": 201, "town1_cadre": 201, "*": 400}),
    "create_in_union2": (lambda t, c: c.post("/wage-agreements", offer(t.union2, t.enterprise2)),
                         # union2 already negotiates: its people get 409, everyone else cannot see it.
                         {"district_staff": 409, "town2_cadre": 409, "union2_chair": 409, "*": 400}),
}


@pytest.mark.parametrize("who", USERS, ids=lambda w: w or "anonymous")
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, action, who):
    request, expected = ACTIONS[action]
    user = getattr(world, who) if who else None
    before = {a.pk: (a.stage, a.updated_at) for a in WageAgreement.objects.all()}
    response = request(world, api_as(user))
    want = 401 if who is None else expected.get(who, expected["*"])
    assert response.status_code == want, (action, who, response.content)
    body = response.json()
    if want == 404:
        assert body == {"code": "not_found", "message": body["message"], "field": None, "errors": []}
    if want == 403:
        assert body["code"] == "forbidden"
    if want == 400:
        assert (body["code"], body["field"]) == ("unknown_reference", "org")
    if want >= 400:  # nothing changed
        assert {a.pk: (a.stage, a.updated_at) for a in WageAgreement.objects.all()} == before
