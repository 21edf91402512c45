"""职工之家 pages: the list (filters, query count that does not grow), the detail with its figures,
evidence and history, the scoring pages with errors named per line, the standards editor, the
evidence download after the scope check, and the export."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.grassroots.models.homes import HomeAssessment, HomeAssessmentStatus, HomeEvidence, HomeStandard
from gonghui.grassroots.services import homes as services
from gonghui.grassroots.testing.homes import assessment, published_standard

pytestmark = pytest.mark.django_db
TODAY = services.today()
PDF = b"%PDF-1.4 evidence"


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_page_filters_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    published_standard(tree.district_staff, pass_mark=30)
    assessment(tree, HomeAssessmentStatus.AWARDED)
    a2 = assessment(tree, HomeAssessmentStatus.SUBMITTED, org=tree.union2)
    c = client_for(tree.district_staff)
    url = reverse("grassroots:home_list")
    with django_assert_max_num_queries(14) as few:
        r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert tree.union1.name in html and tree.union2.name in html
    # more rows, same queries
    assessment(tree, HomeAssessmentStatus.DRAFT, org=tree.union1b)
    assessment(tree, HomeAssessmentStatus.DRAFT, org=tree.union1, level="CITY")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    r = c.get(url, {"status": "SUBMITTED"})
    assert tree.union2.name in r.content.decode() and f'href="/grassroots/homes/{a2.pk}/"' in r.content.decode()
    assert tree.union1.name not in r.content.decode().split("<tbody>")[1]
    r = client_for(tree.town1_cadre).get(url)
    assert tree.union2.name not in r.content.decode()
    assert c.get(url, {"year": "abc", "due": "x", "org": "999999"}).status_code == 200  # bad filters: no 500


def test_detail_shows_figures_scores_and_history(tree):
    a = assessment(tree, HomeAssessmentStatus.FORWARDED)
    r = client_for(tree.town1_cadre).get(reverse("grassroots:home_detail", args=[a.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert "MEMBERSHIP" in html and ("live members" in html or "在册会员" in html)
    assert "history" in html.lower() or "历史" in html
    r = client_for(tree.town2_cadre).get(reverse("grassroots:home_detail", args=[a.pk]))
    assert r.status_code == 404


def test_district_only_sees_the_district_review_button(tree):
    a = assessment(tree, HomeAssessmentStatus.FORWARDED)
    url = reverse("grassroots:home_detail", args=[a.pk])
    score_url = reverse("grassroots:home_score", args=[a.pk, "district"])
    assert score_url in client_for(tree.district_staff).get(url).content.decode()
    assert score_url not in client_for(tree.town1_cadre).get(url).content.decode()
    assert client_for(tree.town1_cadre).get(score_url).status_code == 403
    assert client_for(tree.town2_cadre).get(score_url).status_code == 404


def test_a_chair_applies_scores_and_submits_through_the_pages(tree):
    published_standard(tree.district_staff)
    c = client_for(tree.union1_chair)
    r = c.get(reverse("grassroots:home_create"))
    assert r.status_code == 302 and f"org={tree.union1.pk}" in r["Location"]
    r = c.post(reverse("grassroots:home_create") + f"?org={tree.union1.pk}",
               {"org": tree.union1.pk, "level": "DISTRICT", "year": TODAY.year})
    a = HomeAssessment.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("grassroots:home_detail", args=[a.pk])
    score_url = reverse("grassroots:home_score", args=[a.pk, "self"])
    assert c.get(score_url).status_code == 200
    r = c.post(score_url, {"score_FINANCE": "11", "score_SATISFACTION": "8"})
    assert r.status_code == 400
    assert "FINANCE" in r.content.decode()
    assert a.items.get(code="SATISFACTION").self_score is None  # nothing half-saved
    r = c.post(score_url, {"score_FINANCE": "9", "note_FINANCE": "见审计报告", "score_SATISFACTION": "8"})
    assert r.status_code == 302
    assert a.items.get(code="FINANCE").self_score == 9
    r = c.post(reverse("grassroots:home_evidence_add", args=[a.pk]),
               {"evidence-item": "FINANCE", "evidence-file": SimpleUploadedFile("审计.pdf", PDF)})
    assert r.status_code == 302
    e = HomeEvidence.objects.get()
    r = c.post(reverse("grassroots:home_evidence_add", args=[a.pk]),
               {"evidence-item": "FINANCE", "evidence-file": SimpleUploadedFile("x.pdf", b"GIF89a")})
    assert r.status_code == 400 and HomeEvidence.objects.count() == 1
    r = c.post(reverse("grassroots:home_step", args=[a.pk, "submit"]), {"submit-submitted_on": TODAY.isoformat()})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == HomeAssessmentStatus.SUBMITTED
    # the evidence: in scope downloads, out of scope 404
    download = reverse("grassroots:home_evidence", args=[a.pk, e.pk])
    r = client_for(tree.town1_cadre).get(download)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert "attachment" in r["Content-Disposition"] and r["X-Content-Type-Options"] == "nosniff"
    assert client_for(tree.town2_cadre).get(download).status_code == 404
    assert client_for(tree.union2_chair).get(download).status_code == 404


def test_town_review_page_names_the_missing_line(tree):
    a = assessment(tree, HomeAssessmentStatus.SUBMITTED)
    c = client_for(tree.town1_cadre)
    url = reverse("grassroots:home_score", args=[a.pk, "town"])
    data = {f"score_{code}": "8" for code in ("ORGANISATION", "SATISFACTION", "FACILITIES", "DISCLOSURE")}
    data.update({"decision": "forward", "reviewed_on": TODAY.isoformat(), "reviewer": "王"})
    r = c.post(url, data)
    assert r.status_code == 400 and "FINANCE" in r.content.decode()
    data["score_FINANCE"] = "7"
    r = c.post(url, data)
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == HomeAssessmentStatus.FORWARDED and a.total_score == 39
    r = c.post(url, data)  # again: the status no longer allows it
    assert r.status_code == 302


def test_district_awards_through_the_page(tree):
    a = assessment(tree, HomeAssessmentStatus.FORWARDED)
    c = client_for(tree.district_staff)
    url = reverse("grassroots:home_score", args=[a.pk, "district"])
    r = c.get(url)
    assert r.status_code == 200
    r = c.post(url, {"decision": "award", "decided_on": TODAY.isoformat(), "certificate_no": ""})
    assert r.status_code == 400
    r = c.post(url, {"decision": "award", "decided_on": TODAY.isoformat(), "certificate_no": "区职家2026-9"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == HomeAssessmentStatus.AWARDED and a.certificate_no == "区职家2026-9"
    r = c.post(reverse("grassroots:home_step", args=[a.pk, "recheck"]), {"recheck-started_on": TODAY.isoformat()})
    recheck = HomeAssessment.objects.get(recheck_of=a)
    assert r.status_code == 302 and r["Location"] == reverse("grassroots:home_detail", args=[recheck.pk])


def test_standards_editor(tree):
    c = client_for(tree.district_staff)
    r = c.get(reverse("grassroots:home_standard_list"))
    assert r.status_code == 200
    r = c.post(reverse("grassroots:home_standard_create"), {"new-level": "CITY", "new-effective_year": "2026"})
    s = HomeStandard.objects.get()
    assert r.status_code == 302
    detail = reverse("grassroots:home_standard_detail", args=[s.pk])
    assert c.get(detail).status_code == 200
    r = c.post(reverse("grassroots:home_standard_step", args=[s.pk, "criteria"]),
               {"c-code": "SAFETY", "c-text": "安全生产", "c-max_score": "5", "c-method": "AUTO", "c-auto_source": ""})
    assert r.status_code == 400 and s.criteria.filter(code="SAFETY").count() == 0
    r = c.post(reverse("grassroots:home_standard_step", args=[s.pk, "criteria"]),
               {"c-code": "SAFETY", "c-text": "安全生产", "c-max_score": "5", "c-method": "REVIEWER"})
    assert r.status_code == 302 and s.criteria.filter(code="SAFETY").exists()
    crit = s.criteria.get(code="SAFETY")
    r = c.post(reverse("grassroots:home_criterion_step", args=[s.pk, crit.pk, "edit"]),
               {f"e{crit.pk}-code": "SAFETY", f"e{crit.pk}-text": "安全生产无事故", f"e{crit.pk}-max_score": "6",
                f"e{crit.pk}-method": "REVIEWER"})
    assert r.status_code == 302
    crit.refresh_from_db()
    assert crit.max_score == 6
    r = c.post(reverse("grassroots:home_criterion_step", args=[s.pk, crit.pk, "delete"]))
    assert r.status_code == 302 and not s.criteria.filter(code="SAFETY").exists()
    r = c.post(reverse("grassroots:home_standard_step", args=[s.pk, "edit"]), {"title": "市级", "pass_mark": "101"})
    assert r.status_code == 400
    r = c.post(reverse("grassroots:home_standard_step", args=[s.pk, "publish"]))
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.status == "PUBLISHED"
    r = c.post(reverse("grassroots:home_standard_step", args=[s.pk, "copy"]), {"copy-effective_year": "2027"})
    assert r.status_code == 302 and HomeStandard.objects.count() == 2
    # town cadres read the standards, never edit them
    t = client_for(tree.town1_cadre)
    assert t.get(detail).status_code == 200
    assert t.post(reverse("grassroots:home_standard_create"), {"new-level": "DISTRICT",
                                                               "new-effective_year": "2026"}).status_code == 403


def test_export(tree):
    assessment(tree, HomeAssessmentStatus.AWARDED)
    r = client_for(tree.town1_cadre).get(reverse("grassroots:home_export"))
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(tree.member_user).get(reverse("grassroots:home_export")).status_code == 403


def test_dashboard_due_lines(tree):
    from gonghui.grassroots.selectors.homes import due_rechecks_summary, due_reviews_summary

    a = assessment(tree, HomeAssessmentStatus.SUBMITTED)
    HomeAssessment.objects.filter(pk=a.pk).update(review_due_on=TODAY - datetime.timedelta(days=1))
    line = due_reviews_summary(tree.town1_cadre)
    assert (line.overdue, line.soon) == (1, 0) and "due=review_overdue" in line.url
    assert due_reviews_summary(tree.union1_chair) is None  # no review step of theirs
    assert due_reviews_summary(tree.town2_cadre).overdue == 0
    b = assessment(tree, HomeAssessmentStatus.AWARDED, org=tree.union2)
    HomeAssessment.objects.filter(pk=b.pk).update(recheck_due_on=TODAY + datetime.timedelta(days=30))
    line = due_rechecks_summary(tree.town2_cadre)
    assert (line.overdue, line.soon) == (0, 1)
    assert due_rechecks_summary(tree.town1_cadre).soon == 0


def test_bad_input_never_500(tree):
    a = assessment(tree)
    c = client_for(tree.union1_chair)
    r = c.post(reverse("grassroots:home_score", args=[a.pk, "self"]),
               {"score_FINANCE": "abc", "note_FINANCE": "x" * 500})
    assert r.status_code == 400 and "FINANCE" in r.content.decode()
    assert c.get(reverse("grassroots:home_score", args=[a.pk, "nope"])).status_code == 404
    assert c.post(reverse("grassroots:home_step", args=[a.pk, "nope"])).status_code == 404
    r = c.post(reverse("grassroots:home_step", args=[a.pk, "submit"]), {"submit-submitted_on": "2026-13-45"})
    assert r.status_code == 400
    a.refresh_from_db()
    assert a.status == HomeAssessmentStatus.DRAFT
    r = c.post(reverse("grassroots:home_evidence_add", args=[a.pk]), {"evidence-item": "NOPE"})
    assert r.status_code == 400
    r = c.post(reverse("grassroots:home_create") + f"?org={tree.union1.pk}", {"org": tree.union1.pk, "level": "X",
                                                                              "year": "x"})
    assert r.status_code == 400
    assert client_for(tree.district_staff).post(reverse("grassroots:home_standard_create"),
                                                {"new-level": "CITY", "new-effective_year": "1800"}).status_code == 400


def test_evidence_removed_while_open_only(tree):
    a = assessment(tree)
    e = services.add_evidence(actor=tree.union1_chair, assessment=a, item_code="FINANCE",
                              upload=SimpleUploadedFile("a.pdf", PDF))
    assert client_for(tree.union2_chair).post(
        reverse("grassroots:home_evidence_remove", args=[a.pk, e.pk])).status_code == 404
    assert client_for(tree.member_user).post(
        reverse("grassroots:home_evidence_remove", args=[a.pk, e.pk])).status_code == 404
    r = client_for(tree.union1_chair).post(reverse("grassroots:home_evidence_remove", args=[a.pk, e.pk]))
    assert r.status_code == 302 and not HomeEvidence.objects.exists()


def test_an_upload_over_the_limit_is_refused(tree, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    a = assessment(tree)
    r = client_for(tree.union1_chair).post(reverse("grassroots:home_evidence_add", args=[a.pk]), {
        "evidence-item": "FINANCE", "evidence-file": SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)})
    assert r.status_code == 400 and not HomeEvidence.objects.exists()


def test_detail_queries_do_not_grow_with_lines_and_evidence(tree, django_assert_max_num_queries):
    a = assessment(tree)
    c = client_for(tree.union1_chair)
    url = reverse("grassroots:home_detail", args=[a.pk])
    c.get(url)
    with django_assert_max_num_queries(30) as few:
        c.get(url)
    for code in ("FINANCE", "FINANCE", "SATISFACTION"):
        services.add_evidence(actor=tree.union1_chair, assessment=a, item_code=code,
                              upload=SimpleUploadedFile("a.pdf", PDF))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
