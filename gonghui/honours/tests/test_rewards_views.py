"""The skill training reward pages: list (filters, query count), new claim, detail and steps,
scan upload and download, payment, batches, totals, export."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.honours.models.rewards import RewardClaimStatus, SkillRewardBatch, SkillRewardClaim
from gonghui.honours.services import rewards as services
from gonghui.honours.testing.rewards import claim, scan, worker

pytestmark = pytest.mark.django_db
S = RewardClaimStatus


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_and_query_count(tree, django_assert_max_num_queries):
    for status in (S.SUBMITTED, S.APPROVED, S.PAID):
        claim(tree, status)
    claim(tree, S.SUBMITTED, org=tree.union2)
    c = client_for(tree.town1_cadre)
    url = reverse("honours:reward_list")
    with django_assert_max_num_queries(14):
        r = c.get(url, {"status": "SUBMITTED", "q": "张", "year": services.today().year})
    assert r.status_code == 200
    with django_assert_max_num_queries(20) as few:
        c.get(url)
    for status in (S.SUBMITTED, S.RETURNED, S.PAID):  # more rows, other batches: no query per row
        claim(tree, status)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).context["page"].count == 6  # union1's six; union2's claim is out of town1's scope
    body = r.content.decode()
    assert body.count('href="/honours/rewards/') >= 1
    bad = c.get(url, {"year": "abc", "status": "NOPE"})
    assert bad.status_code == 200


def test_new_claim_through_the_pages(tree):
    person = worker(tree)
    c = client_for(tree.union1_chair)
    url = reverse("honours:reward_create")
    assert c.get(url).status_code == 302  # a chair's one union is taken directly
    picker = c.get(url, {"org": tree.union1.pk})
    assert person.name in picker.content.decode()
    data = {"org": tree.union1.pk, "person": person.pk, "level": "LEVEL4", "trade": "焊工",
            "certificate_no": "3301-2026-0001", "certificate_on": services.today().isoformat(), "file": scan()}
    r = c.post(url, data)
    assert r.status_code == 302
    claim_ = SkillRewardClaim.objects.get()
    assert claim_.scan_name == "certificate.pdf" and claim_.level == "LEVEL4"
    again = c.post(url, {**data, "file": scan()})
    assert again.status_code == 400 and "3301-2026-0001" in again.content.decode()
    assert SkillRewardClaim.objects.count() == 1
    outsider = worker(tree, tree.union2)
    assert c.get(url, {"org": tree.union1.pk, "person": outsider.pk}).status_code == 404


def test_steps_through_the_detail_page(tree):
    c_ = claim(tree, S.DRAFT)
    union = client_for(tree.union1_chair)
    detail = reverse("honours:reward_detail", args=[c_.pk])
    page = union.get(detail)
    assert page.status_code == 200 and "submit-submitted_on" in page.content.decode()
    today = services.today().isoformat()
    r = union.post(reverse("honours:reward_step", args=[c_.pk, "submit"]), {"submit-submitted_on": today})
    assert r.status_code == 302
    town = client_for(tree.town1_cadre)
    bad = town.post(reverse("honours:reward_step", args=[c_.pk, "town"]),
                    {"town-decision": "return", "town-reviewed_on": today, "town-reason": ""})
    assert bad.status_code == 400
    ok = town.post(reverse("honours:reward_step", args=[c_.pk, "town"]),
                   {"town-decision": "pass", "town-reviewed_on": today})
    assert ok.status_code == 302
    district = client_for(tree.district_staff)
    r = district.post(reverse("honours:reward_step", args=[c_.pk, "district"]),
                      {"district-decision": "approve", "district-decided_on": today})
    assert r.status_code == 302
    assert SkillRewardClaim.objects.get(pk=c_.pk).status == S.APPROVED
    history = district.get(detail).content.decode()
    assert "history" in history.lower()
    assert union.post(reverse("honours:reward_step", args=[c_.pk, "nope"]), {}).status_code == 404


def test_scan_upload_and_private_download(tree):
    c_ = claim(tree, S.DRAFT, with_scan=False)
    union = client_for(tree.union1_chair)
    bad = union.post(reverse("honours:reward_scan_add", args=[c_.pk]),
                     {"scan-file": scan("x.pdf", b"not a pdf at all")})
    assert bad.status_code == 400
    r = union.post(reverse("honours:reward_scan_add", args=[c_.pk]), {"scan-file": scan()})
    assert r.status_code == 302
    got = union.get(reverse("honours:reward_scan", args=[c_.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert client_for(tree.union2_chair).get(reverse("honours:reward_scan", args=[c_.pk])).status_code == 404


def test_payment_page_batch_and_export(tree):
    a, b = claim(tree, S.APPROVED), claim(tree, S.APPROVED, org=tree.union2)
    district = client_for(tree.district_staff)
    page = district.get(reverse("honours:reward_pay"))
    assert page.status_code == 200 and a.certificate_no in page.content.decode()
    bad = district.post(reverse("honours:reward_pay"), {"claims": [a.pk], "paid_on": "", "reference": "P"})
    assert bad.status_code == 400 and not SkillRewardBatch.objects.exists()
    r = district.post(reverse("honours:reward_pay"), {"claims": [a.pk, b.pk], "paid_on": services.today().isoformat(),
                                                      "reference": "财付-001"})
    assert r.status_code == 302
    batch = SkillRewardBatch.objects.get()
    assert district.get(reverse("honours:reward_batch_detail", args=[batch.pk])).status_code == 200
    assert district.get(reverse("honours:reward_batch_list")).status_code == 200
    assert client_for(tree.town1_cadre).get(reverse("honours:reward_pay")).status_code == 403
    assert client_for(tree.town1_cadre).get(reverse("honours:reward_batch_detail", args=[batch.pk])).status_code == 404
    export = district.get(reverse("honours:reward_export"), {"batch": batch.pk})
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    sheet = book.worksheets[0]
    numbers = [row[7] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]
    assert sorted(numbers) == sorted([a.certificate_no, b.certificate_no])
    assert len(book.worksheets) == 2
    assert AuditEvent.objects.filter(action="honours.reward_export").exists()


def test_export_scoped_to_the_town(tree):
    claim(tree, S.SUBMITTED)
    claim(tree, S.SUBMITTED, org=tree.union2)
    r = client_for(tree.town1_cadre).get(reverse("honours:reward_export"))
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    rows = [row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) if row[0]]
    assert len(rows) == 1 and rows[0][1] == tree.town1.name
    out_of_scope = client_for(tree.town1_cadre).get(reverse("honours:reward_export"), {"org": tree.union2.pk})
    assert out_of_scope.status_code == 404


def test_totals_page(tree):
    claim(tree, S.APPROVED, level="LEVEL1")
    r = client_for(tree.district_staff).get(reverse("honours:reward_totals"))
    assert r.status_code == 200 and "5,000.00" in r.content.decode()
    assert client_for(tree.district_staff).get(reverse("honours:reward_totals"), {"year": "x"}).status_code == 400
