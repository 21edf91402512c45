"""/api/v1/wage-agreements: scoping, detail and timeline, create with Idempotency-Key, every
workflow action through to a published agreement and its renewal, refusals (400 with code and
field, 409 for the wrong stage, 422 for the wrong shape), the signed file, and query counts."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.bargaining import services
from gonghui.bargaining.models import AgreementKind, Stage, WageAgreement
from gonghui.bargaining.services import CoveredEnterprise
from gonghui.bargaining.testing import negotiation
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import EnterpriseFactory

TODAY = datetime.date(2026, 11, 30)
ZH = {"Accept-Language": "zh-hans"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(tree):
    """single1: union1's own negotiation; single2: union2's; area: town1's area agreement that
    covers enterprise1 (so union1 sees it but may not record its steps)."""
    tree.single1 = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                               title="甲企业2026年工资专项集体合同")
    tree.single2 = negotiation(actor=tree.union2_chair, org=tree.union2, enterprise=tree.enterprise2,
                               title="丙企业2026年工资专项集体合同")
    tree.area = negotiation(actor=tree.town1_cadre, org=tree.town1, kind=AgreementKind.AREA,
                            coverage=[CoveredEnterprise(tree.enterprise1, 80)], title="城厢街道区域性工资集体合同",
                            stage=Stage.IN_TALKS, start=datetime.date(2026, 5, 4))
    return tree


def new_offer(org, enterprise, **extra):
    return {"org": org.pk, "kind": "SINGLE", "title": "2027年工资专项集体合同", "employer_party": enterprise.name,
            "offered_by": "UNION", "offered_on": "2026-09-01", "offer_received_on": "2026-09-02",
            "offer_points": "工资增幅不低于6%", "proposed_talks_on": "2026-09-20", "term_years": 1,
            "coverage": [{"enterprise": enterprise.pk, "workers": 100}], **extra}


def reps(chair="王主席"):
    union = [{"side": "UNION", "name": chair, "position": "工会主席", "is_chief": True},
             {"side": "UNION", "name": "职工代表甲"}, {"side": "UNION", "name": "职工代表乙"}]
    employer = [{"side": "EMPLOYER", "name": "总经理", "is_chief": True},
                {"side": "EMPLOYER", "name": "人事经理"}, {"side": "EMPLOYER", "name": "财务经理"}]
    return {"representatives": union + employer, "recorder_name": "记录员"}


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


# --- list and scope ----------------------------------------------------------------------------

def test_lists_are_scoped(world):
    s1, s2, area = world.single1.pk, world.single2.pk, world.area.pk
    assert ids(api_as(world.district_staff).get("/wage-agreements")) == {s1, s2, area}
    assert ids(api_as(world.town1_cadre).get("/wage-agreements")) == {s1, area}
    assert ids(api_as(world.town2_cadre).get("/wage-agreements")) == {s2}
    # A union chair sees the area agreement that binds their enterprise.
    assert ids(api_as(world.union1_chair).get("/wage-agreements")) == {s1, area}
    assert ids(api_as(world.union1_staff).get("/wage-agreements")) == {s1, area}
    assert ids(api_as(world.union2_chair).get("/wage-agreements")) == {s2}
    assert ids(api_as(world.member_user).get("/wage-agreements")) == set()
    assert ids(api_as(world.outsider).get("/wage-agreements")) == set()
    anonymous = api_as(None).get("/wage-agreements")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "unauthenticated"


def test_list_row(world):
    body = api_as(world.town1_cadre).get("/wage-agreements").json()
    assert body["count"] == 2 and body["count_capped"] is False and body["next_after"] is None
    row = next(r for r in body["items"] if r["id"] == world.area.pk)
    assert row == {
        "id": world.area.pk, "kind": "AREA", "title": "城厢街道区域性工资集体合同",
        "org": {"id": world.town1.pk, "name": world.town1.name}, "employer_party": world.enterprise1.name,
        "stage": "IN_TALKS", "offered_on": "2026-05-04", "starts_on": None, "ends_on": None,
        "next_step": world.area.next_step or None,
        "next_due_on": world.area.next_due_on.isoformat() if world.area.next_due_on else None,
        "overdue": bool(world.area.next_due_on and world.area.next_due_on < TODAY),
        "enterprises": 1, "workers": 80}
    single = next(r for r in body["items"] if r["id"] == world.single1.pk)
    # Offered in March, never answered: the reply (20 days) is long overdue.
    assert single["next_step"] == "reply" and single["next_due_on"] == "2026-03-22" and single["overdue"] is True


def test_figures_count_every_covered_enterprise_whoever_asks(tree):
    """The union chair's scope joins on their own enterprise; the figures still cover all."""
    other = EnterpriseFactory(town=tree.town1, union=tree.union1b, headcount=300)
    area = negotiation(actor=tree.town1_cadre, org=tree.town1, kind=AgreementKind.AREA,
                       coverage=[CoveredEnterprise(tree.enterprise1, 100), CoveredEnterprise(other, 250)])
    for user in (tree.union1_chair, tree.town1_cadre, tree.district_staff):
        row = api_as(user).get("/wage-agreements").json()["items"][0]
        assert (row["id"], row["enterprises"], row["workers"]) == (area.pk, 2, 350)


def test_list_filters(world):
    client = api_as(world.district_staff)
    s1, s2, area = world.single1.pk, world.single2.pk, world.area.pk
    assert ids(client.get("/wage-agreements", {"kind": "AREA"})) == {area}
    assert ids(client.get("/wage-agreements", {"stage": "OFFERED"})) == {s1, s2}
    assert ids(client.get("/wage-agreements", {"org": world.town1.pk})) == {s1, area}
    assert ids(client.get("/wage-agreements", {"org": world.union2.pk})) == {s2}
    assert ids(client.get("/wage-agreements", {"q": "区域性"})) == {area}
    assert ids(client.get("/wage-agreements", {"q": "丙企业"})) == {s2}
    assert ids(client.get("/wage-agreements", {"year": 2026})) == {s1, s2, area}
    assert ids(client.get("/wage-agreements", {"year": 2025})) == set()
    assert ids(client.get("/wage-agreements", {"due": "overdue"})) >= {s1, s2}
    soon = negotiation(actor=world.town1_cadre, org=world.union1b,
                       enterprise=EnterpriseFactory(town=world.town1, union=world.union1b),
                       start=datetime.date(2026, 11, 12))  # reply due 2 December, within 3 working days
    assert soon.next_due_on == datetime.date(2026, 12, 2)
    assert ids(client.get("/wage-agreements", {"due": "soon"})) == {soon.pk}
    assert soon.pk not in ids(client.get("/wage-agreements", {"due": "overdue"}))


def test_org_filter_outside_scope_matches_nothing(world):
    """Like /members: an org the caller cannot see is no way to probe (empty, not an error)."""
    client = api_as(world.town2_cadre)
    assert ids(client.get("/wage-agreements", {"org": world.town1.pk})) == set()
    assert ids(client.get("/wage-agreements", {"org": 987654})) == set()
    assert ids(client.get("/wage-agreements", {"org": world.town2.pk})) == {world.single2.pk}


def test_keyset_pages(world):
    client = api_as(world.district_staff)
    first = client.get("/wage-agreements", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_after"] == first["items"][-1]["id"] and first["count"] == 3
    second = client.get("/wage-agreements", {"limit": 2, "after": first["next_after"]}).json()
    assert len(second["items"]) == 1 and second["next_after"] is None
    got = [r["id"] for r in first["items"] + second["items"]]
    assert got == sorted(got, reverse=True) and set(got) == {world.single1.pk, world.single2.pk, world.area.pk}


@pytest.mark.parametrize("query", [
    {"kind": "NOPE"}, {"stage": "DONE"}, {"due": "later"}, {"year": "abc"}, {"year": "1800"}, {"org": "x"},
    {"org": str(2**80)}, {"limit": "0"}, {"limit": "201"}, {"after": "-1"}, {"q": "x" * 65},
])
def test_bad_list_parameters_are_422(world, query):
    response = api_as(world.district_staff).get("/wage-agreements", query)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == next(iter(query))


def test_list_query_count_does_not_grow(tree, django_assert_max_num_queries):
    """A fixed number of queries whatever the number of rows (coverage figures in one query)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    for user in (tree.district_staff, tree.union1_chair):
        client = api_as(user)
        client.get("/wage-agreements")  # token and session warm-up
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get("/wage-agreements", {"limit": 200}).json()["items"]) == 1
        user.few = len(ctx.captured_queries)
    more = [EnterpriseFactory(town=tree.town1, union=tree.union1b) for _ in range(3)]
    for i in range(24):
        a = negotiation(actor=tree.district_staff, org=tree.town1, kind=AgreementKind.AREA, title=f"区域{i}",
                        coverage=[CoveredEnterprise(tree.enterprise1, 10)] + [CoveredEnterprise(e, 5) for e in more])
        services.cancel_negotiation(actor=tree.district_staff, agreement=a, reason="测试")
    for user in (tree.district_staff, tree.union1_chair):
        client = api_as(user)
        client.get("/wage-agreements")
        with django_assert_max_num_queries(user.few):
            body = client.get("/wage-agreements", {"limit": 200}).json()
        assert len(body["items"]) == 25
        assert {r["workers"] for r in body["items"] if r["kind"] == "AREA"} == {25}


# --- detail ----------------------------------------------------------------------------------------

def test_detail_hidden_and_missing_answer_the_same_404(world):
    client = api_as(world.union2_chair)
    hidden = client.get(f"/wage-agreements/{world.single1.pk}")
    missing = client.get("/wage-agreements/987654")
    huge = client.get(f"/wage-agreements/{2**70}")
    word = client.get("/wage-agreements/abc")
    assert {r.status_code for r in (hidden, missing, huge, word)} == {404}
    assert hidden.content == missing.content == huge.content == word.content
    assert hidden.json()["code"] == "not_found"
    # An action on a hidden negotiation answers the same.
    action = client.post(f"/wage-agreements/{world.single1.pk}/cancel", {"reason": "x"})
    assert action.status_code == 404 and action.content == missing.content
    assert WageAgreement.objects.get(pk=world.single1.pk).stage == Stage.OFFERED


def test_detail_with_everything_and_the_timeline(tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.PUBLISHED)
    body = api_as(tree.union1_chair).get(f"/wage-agreements/{agreement.pk}").json()
    assert body["stage"] == "PUBLISHED" and body["kind"] == "SINGLE"
    assert body["coverage"] == [{"enterprise": {"id": tree.enterprise1.pk, "name": tree.enterprise1.name},
                                 "town": {"id": tree.town1.pk, "name": tree.town1.name}, "workers": 50}]
    assert len(body["representatives"]) == 6 and body["recorder_name"] == "记录员"
    assert [r["number"] for r in body["rounds"]] == [1] and body["rounds"][0]["chaired_by"] == "UNION"
    assert body["votes"][0]["passed"] is True and body["votes"][0]["eligible"] == 60
    assert body["terms"]["avg_increase_pct"] == "6.50" and body["terms"]["skilled_worker_clause"] is True
    assert [s["code"] for s in body["timeline"]] == ["offer", "reply", "data", "talks", "vote", "sign", "file",
                                                    "effective", "publish", "renewal"]
    steps = {s["code"]: s for s in body["timeline"]}
    assert all(steps[c]["state"] == "done" for c in ("offer", "reply", "talks", "vote", "sign", "file",
                                                     "effective", "publish"))
    assert steps["reply"]["due_on"] == "2026-03-22" and steps["reply"]["label"] and steps["reply"]["rule"]
    assert steps["renewal"]["due_on"] == body["next_due_on"] and body["next_step"] == "renewal"
    assert set(steps["reply"]) == {"code", "label", "rule", "due_on", "done_on", "state", "provisional",
                                   "done_late"}
    assert body["actions"]["renew"] is True and body["actions"]["reply"] is False
    assert body["enterprises"] == 1 and body["workers"] == 50 and body["has_signed_file"] is False


def test_visible_but_not_changeable_is_403(world):
    """union1's chair sees town1's area agreement (it binds enterprise1) but the town records it."""
    client = api_as(world.union1_chair)
    detail = client.get(f"/wage-agreements/{world.area.pk}")
    assert detail.status_code == 200
    assert not any(detail.json()["actions"].values())
    for path, body in [("rounds", {"held_on": "2026-11-20", "minutes": "第二轮"}),
                       ("cancel", {"reason": "不谈了"}), ("terms", {"min_wage": "2600.00"})]:
        response = client.post(f"/wage-agreements/{world.area.pk}/{path}", body)
        assert response.status_code == 403, (path, response.content)
        assert response.json()["code"] == "forbidden"
    assert client.patch(f"/wage-agreements/{world.area.pk}", {"title": "改名"}).status_code == 403
    area = WageAgreement.objects.get(pk=world.area.pk)
    assert area.stage == Stage.IN_TALKS and area.rounds.count() == 1 and area.title == "城厢街道区域性工资集体合同"
    # The town cadre may.
    town = api_as(world.town1_cadre).post(f"/wage-agreements/{world.area.pk}/rounds",
                                          {"held_on": "2026-11-20", "minutes": "第二轮"})
    assert town.status_code == 200 and [r["chaired_by"] for r in town.json()["rounds"]] == ["UNION", "EMPLOYER"]


# --- create and Idempotency-Key -------------------------------------------------------------------

def test_create(tree):
    response = api_as(tree.union1_chair).post("/wage-agreements", new_offer(tree.union1, tree.enterprise1))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "OFFERED" and body["org"]["id"] == tree.union1.pk
    assert body["offer_received_on"] == "2026-09-02" and body["proposed_talks_on"] == "2026-09-20"
    assert body["enterprises"] == 1 and body["workers"] == 100
    assert body["next_step"] == "reply" and body["next_due_on"] == "2026-09-22" and body["overdue"] is True
    assert body["actions"]["reply"] is True
    agreement = WageAgreement.objects.get(pk=body["id"])
    assert agreement.coverages.get().workers == 100
    assert AuditEvent.objects.filter(action="bargaining.offer", object_id=str(agreement.pk)).count() == 1


def test_create_area_and_industry(tree):
    other = EnterpriseFactory(town=tree.town1, union=None, headcount=40)
    client = api_as(tree.town1_cadre)
    area = client.post("/wage-agreements", new_offer(tree.town1, tree.enterprise1, kind="AREA", coverage=[
        {"enterprise": tree.enterprise1.pk, "workers": 100}, {"enterprise": other.pk, "workers": 40}]))
    assert area.status_code == 201, area.content
    assert area.json()["workers"] == 140 and len(area.json()["coverage"]) == 2
    no_industry = client.post("/wage-agreements", new_offer(tree.town1, tree.enterprise1, kind="INDUSTRY"))
    assert no_industry.status_code == 400
    assert (no_industry.json()["code"], no_industry.json()["field"]) == ("industry_required", "industry")
    industry = client.post("/wage-agreements", new_offer(tree.town1, tree.enterprise1, kind="INDUSTRY",
                                                         industry=tree.enterprise1.industry))
    assert industry.status_code == 201, industry.content
    assert industry.json()["industry"] == tree.enterprise1.industry


def test_idempotent_create(tree):
    client = api_as(tree.union1_chair)
    body = new_offer(tree.union1, tree.enterprise1)
    first = client.post("/wage-agreements", body, **{"Idempotency-Key": "wage-001"})
    replay = client.post("/wage-agreements", body, **{"Idempotency-Key": "wage-001"})
    assert first.status_code == replay.status_code == 201
    assert first.content == replay.content and replay["Idempotent-Replayed"] == "true"
    assert WageAgreement.objects.count() == 1
    other = client.post("/wage-agreements", body | {"title": "另一份"}, **{"Idempotency-Key": "wage-001"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    # Without the key a second offer is a real one: the union already has an open negotiation.
    again = client.post("/wage-agreements", body)
    assert again.status_code == 409 and again.json()["code"] == "already_open"
    assert WageAgreement.objects.count() == 1


def test_failed_create_is_not_kept_and_saves_nothing(tree):
    client = api_as(tree.union1_chair)
    audits = AuditEvent.objects.count()
    bad = new_offer(tree.union1, tree.enterprise1, coverage=[{"enterprise": tree.enterprise1.pk, "workers": 500}])
    for _ in range(2):
        response = client.post("/wage-agreements", bad, **{"Idempotency-Key": "retry"})
        assert response.status_code == 400
        assert (response.json()["code"], response.json()["field"]) == ("coverage_over_headcount", "coverage")
    assert WageAgreement.objects.count() == 0 and AuditEvent.objects.count() == audits
    assert client.post("/wage-agreements", new_offer(tree.union1, tree.enterprise1),
                       **{"Idempotency-Key": "retry-2"}).status_code == 201


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"offered_on": "2026-12-25", "offer_received_on": "2026-12-26"}, "date_in_future", "offered_on"),
    ({"offer_received_on": "2026-08-01"}, "date_order", "offer_received_on"),
    ({"proposed_talks_on": "2026-08-01"}, "date_order", "proposed_talks_on"),
    ({"coverage": []}, "no_coverage", "coverage"),
    ({"coverage": [{"enterprise": 987654, "workers": 5}]}, "unknown_reference", "coverage.0.enterprise"),
    ({"coverage": [{"enterprise": "E2", "workers": 5}]}, "unknown_reference", "coverage.0.enterprise"),
    ({"coverage": [{"enterprise": "E1", "workers": 0}]}, "coverage_workers", "coverage"),
    ({"org": "T1"}, "wrong_party", "org"),  # a town cannot be the party of a single-enterprise agreement
    ({"org": "U1B"}, "coverage_not_own", "coverage"),
    ({"org": "T2"}, "unknown_reference", "org"),
])
def test_create_refusals_are_400_with_code_and_field(tree, change, code, field):
    """Chinese requested; the catalogue is translated last, so codes and fields are asserted."""
    places = {"E1": tree.enterprise1.pk, "E2": tree.enterprise2.pk, "U1B": tree.union1b.pk, "T1": tree.town1.pk,
              "T2": tree.town2.pk}
    if "coverage" in change:
        change = {"coverage": [{**c, "enterprise": places.get(c["enterprise"], c["enterprise"])}
                               for c in change["coverage"]]}
    if "org" in change:
        change = {"org": places[change["org"]]}
    response = api_as(tree.town1_cadre).post("/wage-agreements", new_offer(tree.union1, tree.enterprise1) | change,
                                             **ZH)
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"] and body["errors"] and body["errors"][0]["field"] == field
    assert WageAgreement.objects.count() == 0


@pytest.mark.parametrize("change", [
    {"kind": "NOPE"}, {"offered_on": "2026-13-01"}, {"coverage": {"enterprise": 1}}, {"term_years": 4},
    {"coverage": [{"enterprise": 1}]}, {"coverage": [{"enterprise": 1, "workers": 5, "extra": 1}]},
    {"surprise": True}, {"title": None}, {"title": "x" * 121}, {"offered_by": "BOTH"}, {"org": 0},
])
def test_create_with_the_wrong_shape_is_422(tree, change):
    response = api_as(tree.union1_chair).post("/wage-agreements", new_offer(tree.union1, tree.enterprise1) | change)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["errors"] and body["field"]
    assert WageAgreement.objects.count() == 0


def test_create_missing_fields_are_listed(tree):
    response = api_as(tree.union1_chair).post("/wage-agreements", {"org": tree.union1.pk})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"kind", "title", "employer_party", "offered_on", "offer_received_on", "coverage"} <= fields


def test_malformed_json_is_400(tree):
    response = api_as(tree.union1_chair).post("/wage-agreements", raw=b"{not json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_body"


# --- the whole workflow through the API ------------------------------------------------------------

def test_workflow_through_to_published_and_renewal(tree):
    client = api_as(tree.union1_chair)
    created = client.post("/wage-agreements", new_offer(tree.union1, tree.enterprise1))
    pk = created.json()["id"]
    base = f"/wage-agreements/{pk}"

    def step(path, body, stage):
        response = client.post(f"{base}/{path}", body)
        assert response.status_code == 200, (path, response.content)
        assert response.json()["stage"] == stage, path
        return response.json()

    step("reply", {"replied_on": "2026-09-10", "reply_note": "同意协商"}, "REPLIED")
    body = step("schedule", {"first_meeting_on": "2026-09-24"}, "REPLIED")
    assert body["first_meeting_on"] == "2026-09-24"
    body = step("representatives", reps(), "REPLIED")
    assert len(body["representatives"]) == 6 and body["recorder_name"] == "记录员"
    body = step("data-exchange", {"provided_on": "2026-09-15"}, "REPLIED")
    assert body["data_provided_on"] == "2026-09-15"
    body = step("rounds", {"held_on": "2026-09-24", "minutes": "第一轮：双方交换方案"}, "IN_TALKS")
    assert body["rounds"][0]["number"] == 1
    body = step("terms", {"wage_system": "岗位绩效工资制", "avg_wage": "78000.00", "avg_increase_pct": 6.5,
                          "skilled_worker_clause": True, "skilled_worker_terms": "技师津贴每月500元"}, "IN_TALKS")
    assert body["terms"]["avg_wage"] == "78000.00" and body["terms"]["avg_increase_pct"] == "6.50"
    assert body["terms"]["payment_terms"] == ""  # not sent, not changed
    body = step("terms", {"payment_terms": "每月10日前以货币形式支付"}, "IN_TALKS")
    assert body["terms"]["wage_system"] == "岗位绩效工资制"  # partial: earlier terms kept
    failed = step("vote", {"body": "CONGRESS", "held_on": "2026-10-08", "eligible": 60, "present": 50, "yes": 28,
                           "no": 20, "abstain": 2}, "IN_TALKS")
    assert failed["votes"][0]["passed"] is False  # 28 of 60 is not more than half of ALL delegates
    body = step("vote", {"body": "CONGRESS", "held_on": "2026-10-10", "eligible": 60, "present": 50, "yes": 45,
                         "no": 3, "abstain": 2}, "APPROVED")
    assert [v["passed"] for v in body["votes"]] == [False, True]
    body = step("sign", {"signed_on": "2026-10-12", "starts_on": "2026-11-01"}, "SIGNED")
    assert body["ends_on"] == "2027-10-31" and body["next_step"] == "file"
    upload = client.client.post(f"/api/v1{base}/signed-file",
                                {"file": SimpleUploadedFile("扫描件.pdf", b"%PDF-1.7\n...", "application/pdf")})
    assert upload.status_code == 200, upload.content
    assert upload.json()["has_signed_file"] is True
    body = step("file", {"filed_on": "2026-10-15", "bureau_ref": "萧人社备2026-101"}, "FILED")
    assert body["bureau_ref"] == "萧人社备2026-101"
    # Taking effect is the daily job's (no objection within 15 days), not an API action.
    assert services.confirm_effective_agreements(on=TODAY) == 1
    assert client.get(base).json()["stage"] == "EFFECTIVE"
    body = step("publish", {"published_on": "2026-11-02", "method": "厂务公开栏"}, "PUBLISHED")
    assert body["publish_method"] == "厂务公开栏" and body["next_step"] == "renewal"
    assert all(s["state"] == "done" for s in body["timeline"] if s["code"] != "renewal")

    renewal = client.post(f"{base}/renew", {"offered_on": "2026-11-20", "offer_received_on": "2026-11-20"},
                          **{"Idempotency-Key": "renew-1"})
    assert renewal.status_code == 201, renewal.content
    again = client.post(f"{base}/renew", {"offered_on": "2026-11-20", "offer_received_on": "2026-11-20"},
                        **{"Idempotency-Key": "renew-1"})
    assert again.content == renewal.content
    new = renewal.json()
    assert new["stage"] == "OFFERED" and new["renewal_of"] == {"id": pk, "title": "2027年工资专项集体合同"}
    assert new["workers"] == 100
    old = client.get(base).json()
    assert old["renewals"] == [{"id": new["id"], "title": new["title"]}] and old["actions"]["renew"] is False
    actions = set(AuditEvent.objects.filter(object_id=str(pk)).values_list("action", flat=True))
    assert {"bargaining.offer", "bargaining.reply", "bargaining.schedule", "bargaining.representatives",
            "bargaining.data", "bargaining.round", "bargaining.terms", "bargaining.vote", "bargaining.sign",
            "bargaining.attach", "bargaining.file", "bargaining.effective", "bargaining.publish"} <= actions


def test_objection_sends_it_back_to_the_table(tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.FILED)
    client = api_as(tree.union1_chair)
    late = client.post(f"/wage-agreements/{agreement.pk}/objection",
                       {"objection_on": (agreement.filed_on + datetime.timedelta(days=40)).isoformat(), "note": "x"})
    assert late.status_code == 400 and (late.json()["code"], late.json()["field"]) == ("objection_late",
                                                                                       "objection_on")
    on = (agreement.filed_on + datetime.timedelta(days=3)).isoformat()
    no_note = client.post(f"/wage-agreements/{agreement.pk}/objection", {"objection_on": on, "note": "  "})
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"
    response = client.post(f"/wage-agreements/{agreement.pk}/objection",
                           {"objection_on": on, "note": "最低工资条款低于本市标准"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "IN_TALKS" and body["signed_on"] is None and body["objection_on"] == on


def test_cancel(tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    client = api_as(tree.union1_chair)
    blank = client.post(f"/wage-agreements/{agreement.pk}/cancel", {"reason": " "})
    assert blank.status_code == 400 and blank.json()["code"] == "reason_required"
    response = client.post(f"/wage-agreements/{agreement.pk}/cancel", {"reason": "企业停产"})
    assert response.status_code == 200 and response.json()["stage"] == "CANCELLED"
    assert response.json()["cancelled_reason"] == "企业停产" and response.json()["next_step"] is None
    again = client.post(f"/wage-agreements/{agreement.pk}/cancel", {"reason": "企业停产"})
    assert again.status_code == 409 and again.json()["code"] == "wrong_stage"


def test_update_offer(tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1)
    client = api_as(tree.union1_chair)
    coverage = [{"enterprise": tree.enterprise1.pk, "workers": 110}]
    response = client.patch(f"/wage-agreements/{agreement.pk}", {"title": "更正后的标题", "coverage": coverage})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "更正后的标题" and body["workers"] == 110
    assert body["offer_points"] == "工资增幅"  # not sent, kept
    kept = client.patch(f"/wage-agreements/{agreement.pk}", {"employer_party": "新名称"}).json()
    assert kept["workers"] == 110 and kept["title"] == "更正后的标题"
    assert client.patch(f"/wage-agreements/{agreement.pk}", {"title": None}).status_code == 422


# --- refusals on the actions -----------------------------------------------------------------------

@pytest.fixture
def talking(tree):
    return negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.IN_TALKS)


@pytest.mark.parametrize(("path", "body", "code", "field"), [
    ("vote", {"body": "CONGRESS", "held_on": "2026-11-01", "eligible": 60, "present": 70, "yes": 45, "no": 3,
              "abstain": 2}, "vote_present", "present"),
    ("vote", {"body": "CONGRESS", "held_on": "2026-11-01", "eligible": 60, "present": 50, "yes": 45, "no": 9,
              "abstain": 2}, "vote_ballots", "yes"),
    ("vote", {"body": "CONGRESS", "held_on": "2026-12-24", "eligible": 60, "present": 50, "yes": 45, "no": 3,
              "abstain": 2}, "date_in_future", "held_on"),
    ("rounds", {"held_on": "2026-11-01", "minutes": "  "}, "minutes_required", "minutes"),
    ("rounds", {"held_on": "2026-01-05", "minutes": "太早"}, "date_order", "held_on"),
    ("representatives", {"representatives": reps()["representatives"][:2] + reps()["representatives"][3:5],
                         "recorder_name": "记录员"}, "rep_count", "representatives"),
    ("representatives", {**reps(), "recorder_name": " "}, "recorder_required", "recorder_name"),
    # The model's own validators (full_clean in the service): 400 on the field.
    ("terms", {"avg_increase_pct": "150"}, "invalid", "avg_increase_pct"),
])
def test_action_refusals_are_400(tree, talking, path, body, code, field):
    before = WageAgreement.objects.get(pk=talking.pk)
    response = api_as(tree.union1_chair).post(f"/wage-agreements/{talking.pk}/{path}", body, **ZH)
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, field), response.json()
    after = WageAgreement.objects.get(pk=talking.pk)
    assert (after.stage, after.updated_at, after.votes.count(), after.rounds.count()) == (
        before.stage, before.updated_at, before.votes.count(), before.rounds.count())


@pytest.mark.parametrize(("path", "body"), [
    ("reply", {"replied_on": "2026-11-01"}),
    ("schedule", {"first_meeting_on": "2026-11-01"}),
    ("sign", {"signed_on": "2026-11-01", "starts_on": "2026-11-01"}),
    ("file", {"filed_on": "2026-11-01"}),
    ("objection", {"objection_on": "2026-11-01", "note": "x"}),
    ("publish", {"published_on": "2026-11-01", "method": "公开栏"}),
    ("renew", {"offered_on": "2026-11-01", "offer_received_on": "2026-11-01"}),
])
def test_wrong_stage_is_409(tree, talking, path, body):
    response = api_as(tree.union1_chair).post(f"/wage-agreements/{talking.pk}/{path}", body)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "wrong_stage"
    assert WageAgreement.objects.get(pk=talking.pk).stage == Stage.IN_TALKS


def test_terms_locked_after_approval(tree):
    approved = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                           stage=Stage.APPROVED)
    response = api_as(tree.union1_chair).post(f"/wage-agreements/{approved.pk}/terms", {"wage_system": "改"})
    assert response.status_code == 400 and response.json()["code"] == "approved_terms_locked"


@pytest.mark.parametrize(("path", "body"), [
    ("reply", {}), ("reply", {"replied_on": "yesterday"}), ("rounds", {"held_on": "2026-11-01"}),
    ("terms", {"wage_system": None}), ("terms", {"unknown": 1}), ("terms", {"avg_wage": "abc"}),
    ("terms", {"avg_wage": "1.234"}), ("terms", {"term_years": 0}), ("vote", {"body": "CONGRESS"}),
    ("vote", {"body": "PARLIAMENT", "held_on": "2026-11-01", "eligible": 1, "present": 1, "yes": 1, "no": 0,
              "abstain": 0}),
    ("vote", {"body": "CONGRESS", "held_on": "2026-11-01", "eligible": -1, "present": 1, "yes": 1, "no": 0,
              "abstain": 0}),
    ("representatives", {"representatives": "张三", "recorder_name": "x"}),
    ("representatives", {"representatives": [{"side": "BOSS", "name": "x"}], "recorder_name": "x"}),
    ("cancel", {"reason": "x" * 201}), ("cancel", {"reason": "ok\x00"}), ("publish", {"published_on": "2026-11-01"}),
])
def test_action_with_the_wrong_shape_is_422(tree, talking, path, body):
    response = api_as(tree.union1_chair).post(f"/wage-agreements/{talking.pk}/{path}", body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid" and response.json()["errors"]


# --- the signed file -------------------------------------------------------------------------------

def _upload(client, pk, name, content, content_type="application/pdf"):
    return client.client.post(f"/api/v1/wage-agreements/{pk}/signed-file",
                              {"file": SimpleUploadedFile(name, content, content_type)})


def test_signed_file_upload_and_download(tree):
    signed = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.SIGNED)
    client = api_as(tree.union1_chair)
    assert client.get(f"/wage-agreements/{signed.pk}/signed-file").status_code == 404
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    response = _upload(client, signed.pk, "../../etc/合同.png", png, "image/png")
    assert response.status_code == 200, response.content
    stored = WageAgreement.objects.get(pk=signed.pk).signed_file.name
    assert stored.startswith("bargaining/signed/") and stored.endswith(f"wage-agreement-{signed.pk}.png")
    download = client.get(f"/wage-agreements/{signed.pk}/signed-file")
    assert download.status_code == 200 and b"".join(download.streaming_content) == png
    assert "attachment" in download["Content-Disposition"] and download["X-Content-Type-Options"] == "nosniff"
    # Out of scope: the same 404.
    assert api_as(tree.union2_chair).get(f"/wage-agreements/{signed.pk}/signed-file").status_code == 404
    assert _upload(api_as(tree.union2_chair), signed.pk, "a.pdf", b"%PDF-1.4").status_code == 404


@pytest.mark.parametrize(("name", "content", "code"), [
    ("合同.pdf", b"MZ\x90\x00 not a pdf", "wrong_type"),
    ("合同.pdf", b"", "empty"),
])
def test_signed_file_is_checked_by_content(tree, name, content, code):
    signed = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.SIGNED)
    response = _upload(api_as(tree.union1_chair), signed.pk, name, content)
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, "file")
    assert not WageAgreement.objects.get(pk=signed.pk).signed_file


def test_signed_file_before_signing_is_409_and_without_file_422(tree, talking):
    client = api_as(tree.union1_chair)
    assert _upload(client, talking.pk, "a.pdf", b"%PDF-1.4 x").status_code == 409
    assert client.client.post(f"/api/v1/wage-agreements/{talking.pk}/signed-file", {}).status_code == 422


def test_signed_file_too_large(tree, settings):
    settings.UPLOAD_MAX_BYTES = 100
    signed = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=Stage.SIGNED)
    response = _upload(api_as(tree.union1_chair), signed.pk, "a.pdf", b"%PDF-1.4" + b"x" * 200)
    assert response.status_code == 400 and response.json()["code"] == "too_large"


def test_openapi_lists_the_resource(db):
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/wage-agreements", "/api/v1/wage-agreements/{agreement_id}",
                 "/api/v1/wage-agreements/{agreement_id}/reply", "/api/v1/wage-agreements/{agreement_id}/file",
                 "/api/v1/wage-agreements/{agreement_id}/signed-file", "/api/v1/wage-agreements/{agreement_id}/renew"):
        assert path in paths, path
    create = paths["/api/v1/wage-agreements"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    operation_ids = [op["operationId"] for methods in paths.values() for op in methods.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_detail_query_count_does_not_grow(tree, talking, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(tree.union1_chair)
    client.get(f"/wage-agreements/{talking.pk}")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/wage-agreements/{talking.pk}").status_code == 200
    few = len(ctx.captured_queries)
    for day in range(2, 8):
        services.record_round(actor=tree.union1_chair, agreement=talking, held_on=datetime.date(2026, 11, day),
                              minutes=f"第{day}轮")
    with django_assert_max_num_queries(few):
        body = client.get(f"/wage-agreements/{talking.pk}").json()
    assert len(body["rounds"]) == 7
