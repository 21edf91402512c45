"""The member's claim pages on the phone portal (no JavaScript: plain form posts), the union's side
(the "from the member, to check" filter and badge, the return step), the permission matrix of the
member's pages and endpoints, query counts, and the `/api/v1/my/mutual-aid-claims` endpoints."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.accounts.roles import Role
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.core.testing.factories import UserFactory, user_with_role
from gonghui.welfare.models.mutualaid import ClaimStatus, MutualAidClaim
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import claim, pdf, plan, stay

from .test_mutualaid_member_services import linked, sent, start

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()  # the UI's default language: nothing here reads English text
    c.force_login(user)
    return c


def form_data(cov, **overrides):
    admitted, discharged = stay()
    return {"coverage": cov.pk, "kind": "HOSPITAL", "hospital": "萧山区第一人民医院",
            "admitted_on": admitted.isoformat(), "discharged_on": discharged.isoformat(), "diagnosis": "急性阑尾炎",
            "invoice_numbers": "FP2026001, FP2026002", "total_cost": "12000.00", "eligible_cost": "8500.00",
            **overrides}


def test_member_files_sends_and_reads_the_return_without_javascript(tree):
    cov = linked(tree, plan(tree))
    c = client_for(tree.member_user)
    page = c.get(reverse("welfare:my_mutual_aid"))
    assert page.status_code == 200 and reverse("welfare:my_claim_new").encode() in page.content
    form = c.get(reverse("welfare:my_claim_new"))
    html = form.content.decode()
    assert form.status_code == 200 and 'name="viewport"' in html and "<script>" not in html
    assert 'name="invoice_numbers"' in html and 'name="eligible_cost"' in html
    bad = c.post(reverse("welfare:my_claim_new"), form_data(cov, eligible_cost="13000"))
    assert bad.status_code == 400 and "萧山区第一人民医院" in bad.content.decode()  # the form keeps what was typed
    assert not MutualAidClaim.objects.exists()
    r = c.post(reverse("welfare:my_claim_new"), form_data(cov))
    mine = MutualAidClaim.objects.get()
    assert r.status_code == 302 and r.url == reverse("welfare:my_claim_detail", args=[mine.pk])
    assert mine.filed_by_member and mine.with_member
    detail = c.get(r.url)
    assert detail.status_code == 200 and 'enctype="multipart/form-data"' in detail.content.decode()
    # sending without a document: refused with a message, nothing sent
    c.post(reverse("welfare:my_claim_step", args=[mine.pk, "send"]))
    mine.refresh_from_db()
    assert mine.sent_by_member_at is None
    bad_file = c.post(reverse("welfare:my_claim_document_add", args=[mine.pk]),
                      {"document-file": SimpleUploadedFile("x.pdf", b"GIF89a....")})
    assert bad_file.status_code == 400 and not mine.documents.exists()
    up = c.post(reverse("welfare:my_claim_document_add", args=[mine.pk]), {"document-file": pdf()})
    assert up.status_code == 302 and mine.documents.count() == 1
    doc = mine.documents.get()
    got = c.get(reverse("welfare:my_claim_document", args=[mine.pk, doc.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    c.post(reverse("welfare:my_claim_step", args=[mine.pk, "send"]))
    mine.refresh_from_db()
    assert mine.to_check
    # the union's list: the filter and the badge; the union returns it with a reason
    union = client_for(tree.union1_chair)
    listed = union.get(reverse("welfare:claim_list"), {"due": "member"}).content.decode()
    assert mine.number in listed.split("<tbody>")[1]
    assert "?due=member" in union.get(reverse("welfare:claim_list")).content.decode()
    page = union.get(reverse("welfare:claim_detail", args=[mine.pk])).content.decode()
    assert reverse("welfare:claim_step", args=[mine.pk, "return"]) in page
    assert reverse("welfare:claim_step", args=[mine.pk, "withdraw"]) not in page
    bad = union.post(reverse("welfare:claim_step", args=[mine.pk, "return"]), {"return-reason": ""})
    assert bad.status_code == 400
    union.post(reverse("welfare:claim_step", args=[mine.pk, "return"]), {"return-reason": "请补充出院小结"})
    mine.refresh_from_db()
    assert mine.with_member and mine.return_reason == "请补充出院小结"
    assert "请补充出院小结" in c.get(reverse("welfare:my_mutual_aid")).content.decode()
    assert "请补充出院小结" in c.get(reverse("welfare:my_claim_detail", args=[mine.pk])).content.decode()
    # the member corrects and sends again
    edit = c.get(reverse("welfare:my_claim_edit", args=[mine.pk]))
    assert edit.status_code == 200 and "FP2026001" in edit.content.decode()
    r = c.post(reverse("welfare:my_claim_edit", args=[mine.pk]), form_data(cov, hospital="浙江省人民医院"))
    assert r.status_code == 302
    c.post(reverse("welfare:my_claim_document_add", args=[mine.pk]), {"document-file": pdf("出院小结.pdf")})
    c.post(reverse("welfare:my_claim_step", args=[mine.pk, "send"]))
    mine.refresh_from_db()
    assert mine.to_check and mine.hospital == "浙江省人民医院" and mine.documents.count() == 2
    # now with the union: the member cannot edit it any more
    assert c.get(reverse("welfare:my_claim_edit", args=[mine.pk])).status_code == 302
    union.post(reverse("welfare:claim_step", args=[mine.pk, "submit"]))
    mine.refresh_from_db()
    assert mine.status == ClaimStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="welfare.mutualaid_claim_update", object_id=str(mine.pk)).exists()


def test_member_withdraws_from_the_page(tree):
    cov = linked(tree, plan(tree))
    mine = sent(tree, cov)
    c = client_for(tree.member_user)
    assert reverse("welfare:my_claim_step", args=[mine.pk, "withdraw"]) in c.get(
        reverse("welfare:my_claim_detail", args=[mine.pk])).content.decode()
    c.post(reverse("welfare:my_claim_step", args=[mine.pk, "withdraw"]))
    mine.refresh_from_db()
    assert mine.status == ClaimStatus.WITHDRAWN
    assert c.post(reverse("welfare:my_claim_step", args=[mine.pk, "nonsense"])).status_code == 404


def test_not_covered_member_is_sent_back_to_the_page(tree):
    linked(tree, plan(tree), paid=False)
    c = client_for(tree.member_user)
    assert reverse("welfare:my_claim_new").encode() not in c.get(reverse("welfare:my_mutual_aid")).content
    r = c.get(reverse("welfare:my_claim_new"))
    assert r.status_code == 302 and r.url == reverse("welfare:my_mutual_aid")


def test_forged_coverage_on_the_form_is_refused(tree):
    p = plan(tree)
    linked(tree, p)
    other = linked(tree, p, user_with_role(tree.union1, Role.MEMBER, username="member2"))
    r = client_for(tree.member_user).post(reverse("welfare:my_claim_new"), form_data(other))
    assert r.status_code == 400 and not MutualAidClaim.objects.exists()


def test_the_phone_page_markup(tree):
    cov = linked(tree, plan(tree))
    mine = start(tree, cov)
    html = client_for(tree.member_user).get(reverse("welfare:my_claim_detail", args=[mine.pk])).content.decode()
    assert "portal-frame" in html  # the portal's phone frame
    assert 'style="' not in html and "<script>" not in html  # CSP: no inline styles or scripts
    assert re.search(r'class="btn btn-primary w-100 py-2"', html)  # full-width touch targets
    assert 'accept=".pdf' in html


# --- the permission matrix ------------------------------------------------------------------------

def matrix(tree):
    """The member's claim at each stage, and the users to try."""
    p = plan(tree)
    cov = linked(tree, p)
    other_user = user_with_role(tree.union1, Role.MEMBER, username="member2")
    linked(tree, p, other_user)
    draft = start(tree, cov)
    to_check = sent(tree, cov, admitted_on=stay(40)[0], discharged_on=stay(40)[1], invoice_numbers="FP7001")
    worker = UserFactory(username="worker")  # a login without a membership (signed up, not joined)
    return draft, to_check, other_user, worker


def test_member_pages_answer_only_the_owner(tree):
    draft, to_check, other_user, worker = matrix(tree)
    doc = services.add_member_document(actor=tree.member_user, claim=draft, upload=pdf())
    urls = [reverse("welfare:my_claim_detail", args=[draft.pk]), reverse("welfare:my_claim_edit", args=[draft.pk]),
            reverse("welfare:my_claim_document", args=[draft.pk, doc.pk])]
    posts = [reverse("welfare:my_claim_step", args=[draft.pk, "send"]),
             reverse("welfare:my_claim_step", args=[draft.pk, "withdraw"]),
             reverse("welfare:my_claim_document_remove", args=[draft.pk, doc.pk])]
    owner = client_for(tree.member_user)
    for url in urls:
        assert owner.get(url).status_code == 200, url
    for user in (other_user, tree.union1_chair, tree.district_staff, worker):
        c = client_for(user)
        for url in urls:
            assert c.get(url).status_code == 404, (user, url)
        for url in posts:
            assert c.post(url).status_code == 404, (user, url)
        assert c.post(reverse("welfare:my_claim_document_add", args=[draft.pk]),
                      {"document-file": pdf()}).status_code == 404
    for user in (tree.union1_chair, tree.district_staff, worker):
        assert client_for(user).get(reverse("welfare:my_claim_new")).status_code == 404
    assert Client().get(reverse("welfare:my_claim_detail", args=[draft.pk])).status_code == 302  # sign in first
    draft.refresh_from_db()
    assert draft.status == ClaimStatus.DRAFT and draft.documents.count() == 1


def test_union_side_scope(tree):
    draft, to_check, _other, _worker = matrix(tree)
    page = reverse("welfare:claim_detail", args=[to_check.pk])
    back = reverse("welfare:claim_step", args=[to_check.pk, "return"])
    # the member's unsent draft is theirs alone: 404 for everyone on the union's pages
    for user in (tree.union1_chair, tree.town1_cadre, tree.district_staff):
        assert client_for(user).get(reverse("welfare:claim_detail", args=[draft.pk])).status_code == 404
        assert client_for(user).get(page).status_code == 200
    for user in (tree.union2_chair, tree.town2_cadre, tree.member_user):
        assert client_for(user).get(page).status_code == 404
        assert client_for(user).post(back, {"return-reason": "x"}).status_code == 404
    # in scope but not allowed to return (the town reviews, it does not file): 403, nothing changed
    assert client_for(tree.town1_cadre).post(back, {"return-reason": "x"}).status_code in (302, 403)
    to_check.refresh_from_db()
    assert to_check.to_check
    for user in (tree.union1_staff, tree.district_staff):
        assert back in client_for(user).get(page).content.decode()
    assert client_for(tree.union1_chair).post(back, {"return-reason": "请补充"}).status_code == 302
    to_check.refresh_from_db()
    assert to_check.with_member


# --- query counts ---------------------------------------------------------------------------------

def test_member_pages_queries_do_not_grow(tree, django_assert_max_num_queries):
    p = plan(tree)
    cov = linked(tree, p)
    mine = start(tree, cov)
    c = client_for(tree.member_user)
    urls = [reverse("welfare:my_mutual_aid"), reverse("welfare:my_claim_detail", args=[mine.pk])]
    for url in urls:
        c.get(url)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(20) as q:
            assert c.get(url).status_code == 200
        counts[url] = len(q.captured_queries)
    for n in range(4):
        claim(tree, cov, when=stay(30 + 6 * n, 2), invoices=f"FPQ{n:04d}")
        services.add_member_document(actor=tree.member_user, claim=mine, upload=pdf(f"{n}.pdf"))
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert c.get(url).status_code == 200


def test_union_list_to_check_filter_queries_do_not_grow(tree, django_assert_max_num_queries):
    p = plan(tree)
    sent(tree, linked(tree, p))
    c = client_for(tree.union1_chair)
    url = reverse("welfare:claim_list")
    c.get(url, {"due": "member"})
    with django_assert_max_num_queries(25) as few:
        assert c.get(url, {"due": "member"}).status_code == 200
    for n in range(3):
        user = user_with_role(tree.union1, Role.MEMBER, username=f"m{n}")
        sent(tree, linked(tree, p, user), user, invoice_numbers=f"FPM{n:04d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = c.get(url, {"due": "member"})
    assert r.content.decode().split("<tbody>")[1].count("<tr") == 4


# --- API ------------------------------------------------------------------------------------------

def test_my_claims_api(tree, django_assert_max_num_queries):
    p = plan(tree)
    cov = linked(tree, p)
    other_user = user_with_role(tree.union1, Role.MEMBER, username="member2")
    other_cov = linked(tree, p, other_user)
    api = api_as(tree.member_user)
    covs = api.get("/my/mutual-aid-coverages").json()
    assert [x["id"] for x in covs] == [cov.pk]
    admitted, discharged = stay()
    body = {"coverage": cov.pk, "kind": "HOSPITAL", "hospital": "萧山区第一人民医院",
            "admitted_on": admitted.isoformat(), "discharged_on": discharged.isoformat(), "diagnosis": "急性阑尾炎",
            "invoice_numbers": ["FPA0001"], "total_cost": "12000.00", "eligible_cost": "8500.00"}
    r = api.post("/my/mutual-aid-claims", {**body, "eligible_cost": "13000.00"})
    assert r.status_code == 400 and r.json()["code"] == "eligible_above_total"
    r = api.post("/my/mutual-aid-claims", {**body, "coverage": other_cov.pk})
    assert r.status_code == 400 and r.json()["field"] == "coverage"
    r = api.post("/my/mutual-aid-claims", body)
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["with_me"] and d["actions"] == {"correct": True, "documents": True, "send": True, "withdraw": True}
    cid = d["id"]
    assert api.post("/my/mutual-aid-claims", body).json()["code"] == "duplicate_invoice"
    assert api.post(f"/my/mutual-aid-claims/{cid}/send", {}).json()["code"] == "documents_missing"
    url = f"/api/v1/my/mutual-aid-claims/{cid}/documents"
    assert api.client.post(url, {"file": SimpleUploadedFile("x.pdf", b"GIF89a....")}).status_code == 400
    assert api_as(other_user).client.post(url, {"file": pdf()}).status_code == 404
    r = api.client.post(url, {"file": pdf()})
    assert r.status_code == 200 and r.json()["documents"][0]["kind"] == "pdf"
    doc_id = r.json()["documents"][0]["id"]
    assert api.get(f"/my/mutual-aid-claims/{cid}/documents/{doc_id}").status_code == 200
    assert api_as(other_user).get(f"/my/mutual-aid-claims/{cid}/documents/{doc_id}").status_code == 404
    r = api.post(f"/my/mutual-aid-claims/{cid}/correct", {k: v for k, v in body.items() if k != "coverage"}
                 | {"hospital": "浙江省人民医院"})
    assert r.status_code == 200 and r.json()["hospital"] == "浙江省人民医院"
    r = api.post(f"/my/mutual-aid-claims/{cid}/send", {})
    assert r.status_code == 200 and not r.json()["with_me"] and r.json()["sent_by_member_at"]
    assert api.post(f"/my/mutual-aid-claims/{cid}/correct", {k: v for k, v in body.items()
                                                             if k != "coverage"}).json()["code"] == "with_union"
    # the union's API: the filter, the flags, the return step
    union = api_as(tree.union1_chair)
    items = union.get("/mutual-aid-claims", {"due": "member"}).json()["items"]
    assert [x["id"] for x in items] == [cid] and items[0]["filed_by_member"]
    assert union.get(f"/mutual-aid-claims/{cid}").json()["actions"]["send_back"] is True
    assert api_as(tree.union2_chair).post(f"/mutual-aid-claims/{cid}/return", {"reason": "x"}).status_code == 404
    r = union.post(f"/mutual-aid-claims/{cid}/return", {"reason": "请补充出院小结"})
    assert r.status_code == 200 and r.json()["return_reason"] == "请补充出院小结"
    mine = api.get(f"/my/mutual-aid-claims/{cid}").json()
    assert mine["with_me"] and mine["return_reason"] == "请补充出院小结" and mine["diagnosis"] == "急性阑尾炎"
    # scope: another member, a union chair, a worker without membership
    for user in (other_user, tree.union1_chair, UserFactory(username="worker")):
        assert api_as(user).get(f"/my/mutual-aid-claims/{cid}").status_code == 404
        assert api_as(user).post(f"/my/mutual-aid-claims/{cid}/withdraw", {}).status_code == 404
    assert api_as(tree.union1_chair).get("/my/mutual-aid-claims").status_code == 404
    # the list: a fixed number of queries
    api.get("/my/mutual-aid-claims")
    with django_assert_max_num_queries(12) as few:
        listed = api.get("/my/mutual-aid-claims").json()
    assert [x["id"] for x in listed["items"]] == [cid]
    for n in range(3):
        claim(tree, cov, when=stay(30 + 6 * n, 2), invoices=f"FPL{n:04d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/my/mutual-aid-claims").json()["items"]) == 4
    r = api.post(f"/my/mutual-aid-claims/{cid}/withdraw", {})
    assert r.status_code == 200 and r.json()["status"] == ClaimStatus.WITHDRAWN
