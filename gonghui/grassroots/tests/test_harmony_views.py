"""Pages of 和谐劳动关系: lists (filters, query counts that do not grow), the guided
self-assessment, review, rating, the indicator editor, evidence served after a scope check,
the rated list and exports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.grassroots.models.harmony import (
    HarmonyAssessment,
    HarmonyEvidence,
    HarmonyStatus,
    IndicatorScore,
    IndicatorSet,
    IndicatorSetStatus,
)
from gonghui.grassroots.services import harmony as services
from gonghui.grassroots.testing.harmony import assessment, published_set

pytestmark = pytest.mark.django_db
TODAY = services.today()
YEAR = TODAY.year
PDF = b"%PDF-1.4\n%test\n"


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def ready(tree):
    published_set(actor=tree.district_staff)
    return tree


def _many(tree, n):
    for _ in range(n):
        enterprise = EnterpriseFactory(town=tree.town1, union=tree.union1)
        assessment(actor=tree.union1_chair, enterprise=enterprise, status=HarmonyStatus.FORWARDED,
                   reviewer=tree.town1_cadre)


def test_list_shows_the_rows_and_its_queries_do_not_grow(ready, django_assert_max_num_queries):
    _many(ready, 2)
    client = _client(ready.town1_cadre)
    with django_assert_max_num_queries(20) as few:
        response = client.get("/grassroots/harmony/")
    assert response.status_code == 200
    _many(ready, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/grassroots/harmony/?year={YEAR}&status=FORWARDED")
    html = response.content.decode()
    assert html.count("/grassroots/harmony/") > 8
    assert _client(ready.town2_cadre).get("/grassroots/harmony/").content.decode().count('href="/grassroots/harmony/') \
        < html.count('href="/grassroots/harmony/')


def test_bad_filters_do_not_break_the_list(ready):
    response = _client(ready.district_staff).get("/grassroots/harmony/?year=abc&status=NOPE&org=x&after=-1&due=zz")
    assert response.status_code == 200


def test_start_fill_in_and_submit_through_the_pages(ready):
    chair = _client(ready.union1_chair)
    page = chair.get("/grassroots/harmony/new/")
    assert page.status_code == 200 and ready.enterprise1.name in page.content.decode()
    response = chair.post("/grassroots/harmony/new/", {"enterprise": ready.enterprise1.pk, "year": YEAR})
    a = HarmonyAssessment.objects.get(enterprise=ready.enterprise1)
    assert response.status_code == 302 and response.url == f"/grassroots/harmony/{a.pk}/self-assessment/"
    again = chair.post("/grassroots/harmony/new/", {"enterprise": ready.enterprise1.pk, "year": YEAR})
    assert again.status_code == 400 and HarmonyAssessment.objects.count() == 1
    guided = chair.get(f"/grassroots/harmony/{a.pk}/self-assessment/")
    assert guided.status_code == 200 and "score_contracts" in guided.content.decode()
    assert "score_congress" not in guided.content.decode()  # from records, not typed
    bad = chair.post(f"/grassroots/harmony/{a.pk}/self-assessment/", {"score_contracts": "16"})
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()
    assert IndicatorScore.objects.get(assessment=a, indicator__code="contracts").self_score is None
    data = {f"score_{c}": "12" for c in ("contracts", "wages", "insurance", "safety", "responsibility")}
    saved = chair.post(f"/grassroots/harmony/{a.pk}/self-assessment/", {**data, "note_wages": "按月发放"})
    assert saved.status_code == 302
    submit = chair.post(f"/grassroots/harmony/{a.pk}/submit/", {"submit-submitted_on": TODAY.isoformat()})
    assert submit.status_code == 302
    a.refresh_from_db()
    assert a.status == HarmonyStatus.SUBMITTED and a.self_total == 60


def test_review_and_rate_through_the_pages(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, status=HarmonyStatus.SUBMITTED)
    cadre = _client(ready.town1_cadre)
    page = cadre.get(f"/grassroots/harmony/{a.pk}/review/")
    assert page.status_code == 200
    refused = cadre.post(f"/grassroots/harmony/{a.pk}/review/", {"reviewed_on": TODAY.isoformat(),
                                                                 "score_wages": "3"})
    assert refused.status_code == 400  # a changed score needs a note
    assert HarmonyAssessment.objects.get(pk=a.pk).status == HarmonyStatus.SUBMITTED
    ok = cadre.post(f"/grassroots/harmony/{a.pk}/review/", {"reviewed_on": TODAY.isoformat(), "score_wages": "3",
                                                            "note_wages": "欠薪两个月"})
    assert ok.status_code == 302
    district = _client(ready.district_staff)
    detail = district.get(f"/grassroots/harmony/{a.pk}/")
    assert detail.status_code == 200 and "rate-rated_on" in detail.content.decode()
    assert "history-title" in detail.content.decode()
    missing_reason = district.post(f"/grassroots/harmony/{a.pk}/rate/", {"rate-rated_on": TODAY.isoformat(),
                                                                        "rate-rating": "MODEL"})
    assert missing_reason.status_code == 400
    assert district.post(f"/grassroots/harmony/{a.pk}/rate/", {"rate-rated_on": TODAY.isoformat()}).status_code == 302
    a.refresh_from_db()
    assert a.status == HarmonyStatus.RATED and a.rating == "FAIL"
    rated = district.get(f"/grassroots/harmony/rated/?year={YEAR}")
    assert rated.status_code == 200 and ready.enterprise1.name in rated.content.decode()


def test_the_indicator_editor_names_the_row_and_saves_nothing_on_error(tree):
    s = services.create_indicator_set(actor=tree.district_staff, year=YEAR)
    client = _client(tree.district_staff)
    page = client.get(f"/grassroots/harmony/indicators/{s.pk}/")
    assert page.status_code == 200 and "rows-6-code" in page.content.decode()
    bad = client.post(f"/grassroots/harmony/indicators/{s.pk}/", {
        "title": "2026指标", "submit_due_on": f"{YEAR}-09-30",
        "rows-0-code": "a", "rows-0-name": "甲", "rows-0-max_score": "60", "rows-0-source": "SELF",
        "rows-1-code": "b", "rows-1-name": "乙", "rows-1-max_score": "30", "rows-1-source": "SELF"})
    assert bad.status_code == 400 and "90" in bad.content.decode()
    assert s.indicators.count() == 7
    ok = client.post(f"/grassroots/harmony/indicators/{s.pk}/", {
        "title": "2026指标", "submit_due_on": f"{YEAR}-10-15",
        "rows-0-code": "a", "rows-0-name": "甲", "rows-0-max_score": "60", "rows-0-source": "SELF",
        "rows-1-code": "b", "rows-1-name": "乙", "rows-1-max_score": "40", "rows-1-source": "CONGRESS",
        "rows-2-code": "", "rows-2-name": "", "rows-2-max_score": "", "rows-2-source": "SELF"})
    assert ok.status_code == 302
    s.refresh_from_db()
    assert s.title == "2026指标" and s.submit_due_on.month == 10 and s.indicators.count() == 2
    assert client.post(f"/grassroots/harmony/indicators/{s.pk}/publish/").status_code == 302
    assert IndicatorSet.objects.get(pk=s.pk).status == IndicatorSetStatus.PUBLISHED
    listing = client.get("/grassroots/harmony/indicators/")
    assert listing.status_code == 200 and "2026指标" in listing.content.decode()
    made = client.post("/grassroots/harmony/indicators/new/", {"year": YEAR + 1, "copy_from": s.pk})
    assert made.status_code == 302
    assert list(IndicatorSet.objects.get(year=YEAR + 1).indicators.values_list("code", flat=True)) == ["a", "b"]


def test_evidence_is_checked_and_served_only_in_scope(ready):
    a = assessment(actor=ready.union1_chair, enterprise=ready.enterprise1)
    chair = _client(ready.union1_chair)
    fake = chair.post(f"/grassroots/harmony/{a.pk}/evidence/", {
        "evidence-indicator": "contracts", "evidence-file": SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf")})
    assert fake.status_code == 400 and not HarmonyEvidence.objects.exists()
    ok = chair.post(f"/grassroots/harmony/{a.pk}/evidence/", {
        "evidence-indicator": "contracts", "evidence-file": SimpleUploadedFile("合同台账.pdf", PDF)})
    assert ok.status_code == 302
    e = HarmonyEvidence.objects.get()
    download = _client(ready.town1_cadre).get(f"/grassroots/harmony/evidence/{e.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"] and b"".join(download.streaming_content) == PDF
    assert _client(ready.town2_cadre).get(f"/grassroots/harmony/evidence/{e.pk}/").status_code == 404
    assert _client(ready.union2_chair).post(f"/grassroots/harmony/evidence/{e.pk}/delete/").status_code == 404
    assert _client(ready.town2_cadre).get("/grassroots/harmony/evidence/999999/").status_code == 404
    assert chair.post(f"/grassroots/harmony/evidence/{e.pk}/delete/").status_code == 302
    assert not HarmonyEvidence.objects.exists()


def test_export_lists_what_the_user_may_export(ready):
    assessment(actor=ready.union1_chair, enterprise=ready.enterprise1, status=HarmonyStatus.RATED,
               reviewer=ready.town1_cadre, rater=ready.district_staff)
    response = _client(ready.town1_cadre).get(f"/grassroots/harmony/export/?year={YEAR}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == ready.enterprise1.name
    other = _client(ready.town2_cadre).get("/grassroots/harmony/rated/export/")
    rows = list(load_workbook(io.BytesIO(b"".join(other.streaming_content)), read_only=True).active
                .iter_rows(values_only=True))
    assert len(rows) == 1  # headers only: union1 is outside town2
    assert _client(ready.member_user).get("/grassroots/harmony/export/").status_code == 403
