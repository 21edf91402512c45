"""Mutual aid pages: lists (filters, search, counts, a fixed query count, diagnosis masked),
exports (audited, scoped), creating a plan, a batch and a claim through the pages, the claim's
steps with specific errors, documents (private download), history, the member page."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.welfare.models.mutualaid import (
    ClaimStatus,
    MutualAidClaim,
    MutualAidEnrolment,
    MutualAidPlan,
    PaymentStatus,
)
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import claim, covered, pdf, plan

pytestmark = pytest.mark.django_db
DAY = services.datetime.timedelta(days=1)


def client_for(user):
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


def sheet_rows(r):
    data = b"".join(r.streaming_content) if r.streaming else r.content
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_claim_list_filters_masks_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    p = plan(tree)
    (a,) = covered(tree, p)
    (b,) = covered(tree, p, union=tree.union2)
    ca, cb = claim(tree, a), claim(tree, b, kind="SERIOUS", eligible="0")
    c = client_for(tree.district_staff)
    url = reverse("welfare:claim_list")
    c.get(url)
    with django_assert_max_num_queries(25) as few:
        r = c.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and ca.number in html and cb.number in html
    assert "急性阑尾炎" not in html.split("<tbody>")[1]  # the diagnosis is masked in the list
    for _ in range(3):
        (x,) = covered(tree, p, union=tree.union1b)
        claim(tree, x)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    body = c.get(url, {"kind": "SERIOUS"}).content.decode().split("<tbody>")[1]
    assert cb.number in body and ca.number not in body
    body = c.get(url, {"q": ca.invoice_numbers.split()[0]}).content.decode().split("<tbody>")[1]
    assert ca.number in body and cb.number not in body
    town1 = client_for(tree.town1_cadre).get(url).content.decode()
    assert ca.number in town1 and cb.number not in town1
    assert c.get(url, {"year": "x", "org": "999999", "due": "bogus"}).status_code == 200


def test_exports_are_audited_and_scoped(tree):
    p = plan(tree)
    (a,) = covered(tree, p)
    (b,) = covered(tree, p, union=tree.union2)
    ca, cb = claim(tree, a), claim(tree, b)
    r = client_for(tree.town1_cadre).get(reverse("welfare:claim_export"))
    rows = sheet_rows(r)
    numbers = {row[0] for row in rows[1:]}
    assert ca.number in numbers and cb.number not in numbers
    assert "急性阑尾炎" not in str(rows)  # never exported
    assert AuditEvent.objects.filter(action="welfare.mutualaid_claim_export", actor=tree.town1_cadre).exists()
    r = client_for(tree.town1_cadre).get(reverse("welfare:enrolment_export"))
    assert len(sheet_rows(r)) == 2 and AuditEvent.objects.filter(action="welfare.mutualaid_enrolment_export").exists()
    r = client_for(tree.union1_chair).get(reverse("welfare:plan_export"))
    assert len(sheet_rows(r)) == 2
    assert client_for(tree.town1_cadre).get(reverse("welfare:claim_export"), {"org": tree.union2.pk}).status_code \
        == 404


def test_plan_create_and_steps_through_the_pages(tree):
    c = client_for(tree.district_staff)
    assert client_for(tree.town1_cadre).get(reverse("welfare:plan_create")).status_code == 403
    r = c.get(reverse("welfare:plan_create"))
    assert r.status_code == 200
    form = r.context["form"]
    data = {k: form.initial.get(k) for k in form.fields}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if v is not None}
    r = c.post(reverse("welfare:plan_create"), {**data, "hospital_ratio": "0.5", "overall_cap": "100"})
    assert r.status_code == 400 and "overall_cap" in r.context["form"].errors
    r = c.post(reverse("welfare:plan_create"), data)
    p = MutualAidPlan.objects.get()
    assert r.status_code == 302 and p.premium == Decimal("30.00")
    assert c.post(reverse("welfare:plan_step", args=[p.pk, "open"])).status_code == 302
    p.refresh_from_db()
    assert p.status == "OPEN"
    r = c.get(reverse("welfare:plan_detail", args=[p.pk]))
    assert r.status_code == 200 and r.context["history"]


def test_enrol_and_pay_through_the_pages(tree):
    p = plan(tree)
    members = [tree.member().person for _ in range(2)]
    chair = client_for(tree.union1_chair)
    r = chair.get(reverse("welfare:enrolment_create"))
    assert r.status_code == 302  # the chair's one union is taken directly
    url = reverse("welfare:enrolment_create")
    r = chair.post(url, {"org": tree.union1.pk, "plan": p.pk, "mode": "picked"})
    assert r.status_code == 400 and "people" in r.context["form"].errors
    r = chair.post(url, {"org": tree.union1.pk, "plan": p.pk, "mode": "all"})
    e = MutualAidEnrolment.objects.get()
    assert r.status_code == 302 and e.people == 2 and e.amount_due == Decimal("60.00")
    detail = reverse("welfare:enrolment_detail", args=[e.pk])
    assert members[0].name in chair.get(detail).content.decode()
    # the history names the people enrolled (words, never a list of ids)
    shown = {c.after for ev in chair.get(detail).context["history"] for c in ev.changes}
    assert {m.name for m in members} in [set(v.split("、")) for v in shown if v]
    step = reverse("welfare:enrolment_step", args=[e.pk, "pay"])
    assert chair.post(step, {"pay-paid_on": services.today().isoformat(), "pay-reference": "X"}).status_code == 403
    assert MutualAidEnrolment.objects.get().status == PaymentStatus.UNPAID  # the union may not record it
    town = client_for(tree.town1_cadre)
    r = town.post(step, {"pay-paid_on": services.today().isoformat(), "pay-reference": ""})
    assert r.status_code == 400
    r = town.post(step, {"pay-paid_on": services.today().isoformat(), "pay-reference": "ZH-88", "pay-amount": "60"})
    assert r.status_code == 302 and MutualAidEnrolment.objects.get().status == PaymentStatus.PAID


def test_claim_through_the_pages_with_documents(tree):
    p = plan(tree)
    (cov,) = covered(tree, p)
    staff = client_for(tree.union1_staff)
    url = reverse("welfare:claim_create")
    t = services.today()
    data = {"org": tree.union1.pk, "coverage": cov.pk, "kind": "HOSPITAL", "hospital": "萧山医院",
            "admitted_on": (t - 9 * DAY).isoformat(), "discharged_on": (t - 12 * DAY).isoformat(),
            "diagnosis": "肺炎", "invoice_numbers": "A0001, A0002", "total_cost": "6000", "eligible_cost": "3000"}
    r = staff.post(url, data)
    assert r.status_code == 400 and "discharged_on" in r.context["form"].errors
    r = staff.post(url, {**data, "discharged_on": (t - 3 * DAY).isoformat()})
    c = MutualAidClaim.objects.get()
    assert r.status_code == 302 and c.invoice_numbers == "A0001 A0002"
    detail = reverse("welfare:claim_detail", args=[c.pk])
    r = staff.post(reverse("welfare:claim_step", args=[c.pk, "submit"]))
    assert MutualAidClaim.objects.get().status == ClaimStatus.DRAFT  # no document yet
    bad = staff.post(reverse("welfare:claim_document_add", args=[c.pk]),
                     {"document-file": io.BytesIO(b"MZ not a pdf")})
    assert bad.status_code == 400
    r = staff.post(reverse("welfare:claim_document_add", args=[c.pk]), {"document-file": pdf()})
    assert r.status_code == 302
    doc = c.documents.get()
    r = staff.get(reverse("welfare:claim_document", args=[c.pk, doc.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert client_for(tree.union2_chair).get(reverse("welfare:claim_document", args=[c.pk, doc.pk])).status_code \
        == 404
    staff.post(reverse("welfare:claim_step", args=[c.pk, "submit"]))
    town = client_for(tree.town1_cadre)
    assert town.post(reverse("welfare:claim_step", args=[c.pk, "review"]), {"review-note": "齐全"}).status_code == 302
    district = client_for(tree.district_staff)
    r = district.post(reverse("welfare:claim_step", args=[c.pk, "approve"]), {})
    assert r.status_code == 400  # the confirmation box
    district.post(reverse("welfare:claim_step", args=[c.pk, "approve"]), {"approve-confirm": "on"})
    district.post(reverse("welfare:claim_step", args=[c.pk, "pay"]),
                  {"pay-paid_on": t.isoformat(), "pay-reference": "PAY-1"})
    c.refresh_from_db()
    assert c.status == ClaimStatus.PAID and c.approved_amount == Decimal("1250.00")
    r = district.get(detail)
    assert r.status_code == 200 and len(r.context["history"]) >= 5


def test_member_page(tree):
    p = plan(tree)
    person = tree.member().person
    person.account = tree.member_user
    person.save(update_fields=["account"])
    (cov,) = covered(tree, p, people=[person])
    c = claim(tree, cov)
    r = client_for(tree.member_user).get(reverse("welfare:my_mutual_aid"))
    assert r.status_code == 200 and c.number in r.content.decode() and p.name in r.content.decode()
    assert client_for(tree.union1_chair).get(reverse("welfare:my_mutual_aid")).status_code == 404
