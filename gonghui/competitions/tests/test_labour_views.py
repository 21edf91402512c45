"""Labour competition pages: the list (scoped, filtered, fixed query count, export), creating a
competition, the criteria form (weights must sum to 100), the detail with the leaderboard and the
history chart, the score sheet, closing a round, evidence upload and download, awards."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.competitions.models.labour import CompetitionAward, LabourCompetition, RoundStatus
from gonghui.competitions.testing.labour import competition, finished, running, team
from gonghui.core.models import AuditEvent
from gonghui.honours.models import HonourRecord

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n"


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    running(tree, rounds=({"甲企业项目部": 90, "乙企业一标段": 80, "丙企业车间": 70},))
    competition(tree, org=tree.town2, actor=tree.town2_cadre, name="北干街道竞赛",
                teams=[(tree.union2, "丙一"), (tree.union2, "丙二")])
    client = _client(tree.district_staff)
    url = reverse("competitions:competition_list")
    client.get(url)
    with django_assert_max_num_queries(16) as few:
        r = client.get(url)
    assert r.status_code == 200 and "G20场馆建设五比五赛" in r.content.decode()
    for n in range(3):
        competition(tree, name=f"竞赛{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    body = _client(tree.town1_cadre).get(url).content.decode()
    assert "G20场馆建设五比五赛" in body and "北干街道竞赛" not in body
    assert "北干街道竞赛" not in client.get(url, {"status": "RUNNING"}).content.decode()
    assert client.get(url, {"year": "abc"}).status_code == 200


def test_export_is_audited(tree):
    running(tree)
    r = _client(tree.district_staff).get(reverse("competitions:competition_export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="competitions.labour_export").exists()


def test_create_through_the_page(tree):
    client = _client(tree.town1_cadre)
    url = reverse("competitions:competition_create")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"org": tree.town1.pk, "name": "x", "year": 2026, "starts_on": "2026-05-01",
                            "ends_on": "2026-04-01", "period": "MONTHLY"})
    assert bad.status_code == 400 and "结束日期" in bad.content.decode() or bad.status_code == 400
    assert not LabourCompetition.objects.exists()
    r = client.post(url, {"org": tree.town1.pk, "name": "城厢五比五赛", "year": 2026, "starts_on": "2026-01-01",
                          "ends_on": "2026-12-31", "period": "QUARTERLY"})
    assert r.status_code == 302
    c = LabourCompetition.objects.get()
    assert c.org == tree.town1 and c.criteria.count() == 5


def test_criteria_form_rejects_weights_not_summing_to_100(tree):
    c = competition(tree)
    client = _client(tree.district_staff)
    url = reverse("competitions:competition_criteria", args=[c.pk])
    assert client.get(url).status_code == 200
    data = {"code_0": "Q", "name_0": "比质量", "weight_0": "60", "code_1": "S", "name_1": "比安全", "weight_1": "30"}
    r = client.post(url, data)
    assert r.status_code == 400 and "100%" in r.content.decode()
    assert c.criteria.count() == 5
    data["weight_1"] = "40"
    assert client.post(url, data).status_code == 302
    assert sorted(c.criteria.values_list("code", flat=True)) == ["Q", "S"]


def test_detail_shows_the_leaderboard_chart_and_history(tree):
    c = running(tree, rounds=({"甲企业项目部": 90, "乙企业一标段": 80, "丙企业车间": 70},
                              {"甲企业项目部": 70, "乙企业一标段": 85, "丙企业车间": 70}))
    client = _client(tree.union1_chair)
    body = client.get(reverse("competitions:competition_detail", args=[c.pk])).content.decode()
    assert "labour-history-data" in body and "2026年2月" in body and "82.50" in body
    assert "hx-get" in body  # the leaderboard refreshes while the competition runs
    board = client.get(reverse("competitions:competition_board", args=[c.pk]))
    assert board.status_code == 200 and "乙企业一标段" in board.content.decode()


def test_score_sheet_and_close_round_through_the_pages(tree):
    c = running(tree)
    client = _client(tree.district_staff)
    r = client.post(reverse("competitions:round_open", args=[c.pk]), {
        "round-label": "2026年1月", "round-period_starts_on": "2026-01-01", "round-period_ends_on": "2026-01-31",
        "round-judges": "王评委，李评委"})
    assert r.status_code == 302
    rnd = c.rounds.get()
    assert rnd.judges == ["王评委", "李评委"]
    url = reverse("competitions:round_scores", args=[c.pk, rnd.pk])
    assert client.get(url).status_code == 200
    teams = list(c.teams.all())
    criteria = list(c.criteria.all())
    bad = client.post(url, {"judge": "王评委", f"s_{teams[0].pk}_{criteria[0].pk}": "120"})
    assert bad.status_code == 400 and not rnd.scores.exists()
    close = reverse("competitions:round_close", args=[c.pk, rnd.pk])
    client.post(close, {"close-closed_on": "2026-01-31"})
    assert c.rounds.get().status == RoundStatus.OPEN  # scores missing
    for judge in rnd.judges:
        data = {"judge": judge}
        for t in teams:
            for x in criteria:
                data[f"s_{t.pk}_{x.pk}"] = "88.5"
        assert client.post(url, data).status_code == 302
    assert client.post(close, {"close-closed_on": "2026-01-31"}).status_code == 302
    assert c.rounds.get().status == RoundStatus.CLOSED


def test_evidence_upload_download_and_scope(tree):
    c = running(tree)
    client = _client(tree.union1_chair)
    t = team(c, "甲企业项目部")
    r = client.post(reverse("competitions:competition_evidence_add", args=[c.pk]),
                    {"evidence-team": t.pk, "evidence-file": SimpleUploadedFile("现场.pdf", PDF)})
    assert r.status_code == 302
    e = t.evidence.get()
    url = reverse("competitions:competition_evidence", args=[c.pk, e.pk])
    assert client.get(url).status_code == 200
    assert _client(tree.union2_chair).get(url).status_code == 200  # a team of the same competition
    other = competition(tree, org=tree.town2, actor=tree.town2_cadre, name="北干", teams=[(tree.union2, "丙")])
    assert _client(tree.town2_cadre).get(reverse("competitions:competition_evidence",
                                                 args=[other.pk, e.pk])).status_code == 404
    bad = client.post(reverse("competitions:competition_evidence_add", args=[c.pk]),
                      {"evidence-team": t.pk, "evidence-file": SimpleUploadedFile("x.pdf", b"MZ")})
    assert bad.status_code == 400 and t.evidence.count() == 1


def test_award_page_confers_into_the_honour_records(tree):
    c = finished(tree)
    t = team(c, "甲企业项目部")
    person = tree.member(union=tree.union1, name="李劳模").person
    client = _client(tree.district_staff)
    url = reverse("competitions:competition_award_add", args=[c.pk])
    page = client.get(url, {"team": t.pk, "person_q": "李劳"})
    assert page.status_code == 200 and "李劳模" in page.content.decode()
    bad = client.post(url, {"kind": "INDIVIDUAL", "team": t.pk, "title": "一等功", "conferred_on": "2026-11-30"})
    assert bad.status_code == 400 and not CompetitionAward.objects.exists()
    r = client.post(url + f"?team={t.pk}", {"kind": "INDIVIDUAL", "team": t.pk, "person": person.pk,
                                             "title": "一等功", "conferred_on": "2026-11-30"})
    assert r.status_code == 302
    assert HonourRecord.objects.get(person=person).category == "COMPETITION"
    assert client.get(reverse("competitions:competition_detail", args=[c.pk])).status_code == 200


def test_overview_card_and_due_rounds(tree):
    from gonghui.competitions.selectors.labour import due_rounds_summary, overview_card
    from gonghui.competitions.services import labour as services

    c = running(tree)
    services.open_round(actor=tree.district_staff, competition=c, label="1月",
                        period_starts_on=datetime.date(2026, 1, 1), period_ends_on=datetime.date(2026, 1, 31),
                        judges=["王"])
    card = overview_card(tree.union1_chair)
    assert card is not None and card.rows[0].value == 1
    assert overview_card(tree.member_user) is None
    due = due_rounds_summary(tree.district_staff)
    assert due.overdue + due.soon == 1
    assert due_rounds_summary(tree.union1_chair).overdue == 0  # a team's union does not organise it
    assert _client(tree.district_staff).get(reverse("competitions:overview")).status_code == 200


def test_a_competition_being_prepared_takes_teams_through_the_page(tree):
    c = competition(tree, teams=[(tree.union1, "甲")])
    client = _client(tree.district_staff)
    detail = client.get(reverse("competitions:competition_detail", args=[c.pk]), {"team_q": "丙企业"})
    assert detail.status_code == 200 and "丙企业工会" in detail.content.decode()
    url = reverse("competitions:competition_team_add", args=[c.pk])
    bad = client.post(url, {"team-org": tree.union2.pk, "team-name": "甲", "team-kind": "ENTERPRISE"})
    assert bad.status_code == 400 and c.teams.count() == 1
    assert client.post(url, {"team-org": tree.union2.pk, "team-name": "丙", "team-kind": "SECTION"}).status_code == 302
    r = client.post(reverse("competitions:competition_step", args=[c.pk, "start"]), {"start-started_on": "2026-01-05"})
    assert r.status_code == 302 and LabourCompetition.objects.get(pk=c.pk).status == "RUNNING"


def test_each_step_names_its_own_button(tree):
    """The upload form's button label once leaked into the start and cancel forms below it."""
    c = competition(tree)
    body = _client(tree.district_staff).get(reverse("competitions:competition_detail", args=[c.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in body  # the upload form is on the page, above the steps
    for step in ("start", "cancel"):
        action = reverse("competitions:competition_step", args=[c.pk, step])
        form = body.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
        assert ">Upload<" not in form and ">上传<" not in form, step
