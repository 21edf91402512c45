"""Skills-contest pages: the list (filters, export, fixed query count), set-up with specific
errors, the detail with registration by name, scores, publication and the certificate."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.competitions.models.contests import ContestEntry, ContestStatus, ContestTrade, SkillContest
from gonghui.competitions.services import contests as services
from gonghui.competitions.testing.contests import DAY, contest, held_in_past, published, register, trade
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_and_query_count(tree, django_assert_max_num_queries):
    contest(tree)
    contest(tree, org=tree.town1, actor=tree.town1_cadre, name="城厢街道电工比武")
    c = _client(tree.town1_cadre)
    url = reverse("competitions:contest_list")
    c.get(url)
    with django_assert_max_num_queries(30) as first:
        r = c.get(url)
    assert r.status_code == 200 and "城厢街道电工比武" in r.content.decode()
    for n in range(4):
        contest(tree, org=tree.union1, actor=tree.union1_chair, name=f"厂赛{n}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        r = c.get(url)
    assert r.content.decode().count("厂赛") == 4
    r = c.get(url, {"level": "TOWN", "q": "电工"})
    body = r.content.decode()
    assert "城厢街道电工比武" in body and "厂赛" not in body
    assert c.get(url, {"year": "abc"}).status_code == 200


def test_export_is_audited(tree):
    contest(tree)
    r = _client(tree.district_staff).get(reverse("competitions:contest_export"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action="competitions.contest_export").exists()


def test_create_page_rejects_bad_weights_and_saves_nothing(tree):
    t = trade(tree.district_staff)
    c = _client(tree.union1_chair)
    on = services.today()
    data = {"org": tree.union1.pk, "name": "甲企业焊工比武", "trade": t.pk, "held_on": on + 20 * DAY,
            "registration_closes_on": on + 10 * DAY, "capacity": 10, "theory_weight": 50, "practical_weight": 60,
            "min_age": 18, "max_age": 60, "min_skill_level": "NONE", "winners": 3}
    r = c.post(reverse("competitions:contest_create"), data)
    assert r.status_code == 400 and not SkillContest.objects.exists()
    assert "100" in r.content.decode()
    r = c.post(reverse("competitions:contest_create"), {**data, "practical_weight": 50})
    created = SkillContest.objects.get()
    assert r.status_code == 302 and created.level == "ENTERPRISE"


def test_register_by_name_on_the_detail_page(tree):
    c = contest(tree)
    m = tree.member(name="王焊工")
    client = _client(tree.union1_chair)
    url = reverse("competitions:contest_detail", args=[c.pk])
    r = client.get(url, {"q": "王焊"})
    assert r.status_code == 200 and "王焊工" in r.content.decode()
    r = client.post(reverse("competitions:contest_register", args=[c.pk]), {"membership": m.pk})
    assert r.status_code == 302
    e = ContestEntry.objects.get(contest=c)
    assert e.person == m.person
    assert e.exam_no in client.get(url).content.decode()
    # town cadres see the contest but do not register (no submit): no registration box
    assert "reg-q" not in _client(tree.town1_cadre).get(url).content.decode()
    # a member of another union (or a made-up id): an error message, nothing saved, nothing revealed
    other = tree.member(union=tree.union2, name="李外人")
    for bad in (other.pk, 999999, "x"):
        r = client.post(reverse("competitions:contest_register", args=[c.pk]), {"membership": bad}, follow=True)
        assert r.status_code == 200 and "李外人" not in r.content.decode()
        assert [str(x) for x in r.context["messages"]] == ["请选择您有权为其报名的工会的会员。"]
    assert ContestEntry.objects.filter(contest=c).count() == 1


def test_no_registration_box_after_the_closing_day(tree):
    from gonghui.competitions.policies.contests import contest_actions

    c = contest(tree)
    assert contest_actions(tree.union1_chair, c).register
    SkillContest.objects.filter(pk=c.pk).update(registration_closes_on=services.today() - DAY)
    assert not contest_actions(tree.union1_chair, SkillContest.objects.get(pk=c.pk)).register


def test_a_union_sees_only_its_entries_and_is_told_so(tree):
    c = contest(tree)
    register(tree, c, 1, union=tree.union2)
    body = _client(tree.union1_chair).get(reverse("competitions:contest_detail", args=[c.pk])).content.decode()
    assert "您只能看到本单位的报名" in body  # zh-hans, the default language


def test_scores_page_and_publish(tree):
    c = contest(tree)
    a, b = register(tree, c, 2)
    services.close_registration(actor=tree.district_staff, contest=c)
    client = _client(tree.district_staff)
    url = reverse("competitions:contest_scores", args=[c.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {f"t_{a.pk}": "101", f"p_{a.pk}": "80"})
    assert r.status_code == 400 and ContestEntry.objects.get(pk=a.pk).theory_score is None
    r = client.post(url, {f"t_{a.pk}": "70", f"p_{a.pk}": "80", f"a_{b.pk}": "on"})
    assert r.status_code == 302
    held_in_past(c)
    r = client.post(reverse("competitions:contest_step", args=[c.pk, "publish"]),
                    {"publish-published_on": services.today().isoformat()})
    assert r.status_code == 302 and SkillContest.objects.get(pk=c.pk).status == ContestStatus.PUBLISHED
    body = client.get(reverse("competitions:contest_detail", args=[c.pk])).content.decode()
    assert reverse("competitions:contest_certificate", args=[c.pk, a.pk]) in body


def test_certificate_download(tree):
    from gonghui.core.pdf import cjk_font_available

    if not cjk_font_available():
        pytest.skip("no CJK font on this machine")
    c, (e,) = published(tree, [(90, 90)])
    r = _client(tree.union1_chair).get(reverse("competitions:contest_certificate", args=[c.pk, e.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert _client(tree.union2_chair).get(reverse("competitions:contest_certificate", args=[c.pk, e.pk])
                                          ).status_code == 404


def test_trades_page(tree):
    trade(tree.district_staff)
    r = _client(tree.district_staff).post(reverse("competitions:contest_trade_list"), {"code": "elec", "name": "电工",
                                                                                        "is_active": "on"})
    assert r.status_code == 302
    assert _client(tree.union1_chair).post(reverse("competitions:contest_trade_list"),
                                           {"code": "X", "name": "某"}).status_code == 403
    assert "电工" in _client(tree.union1_chair).get(reverse("competitions:contest_trade_list")).content.decode()
    # the district retires a trade: the form comes filled, the change is saved and audited
    weld = ContestTrade.objects.get(code="WELD")
    district = _client(tree.district_staff)
    page = district.get(reverse("competitions:contest_trade_list"), {"edit": weld.pk}).content.decode()
    assert 'value="焊工"' in page and f'name="trade" value="{weld.pk}"' in page
    r = district.post(reverse("competitions:contest_trade_list"), {"trade": weld.pk, "code": "WELD", "name": "焊工",
                                                                    "is_regular": "on"})
    assert r.status_code == 302 and not ContestTrade.objects.get(pk=weld.pk).is_active
    assert AuditEvent.objects.filter(action="competitions.contest_trade_edit").exists()
    r = district.post(reverse("competitions:contest_trade_list"), {"trade": weld.pk, "code": "ELEC", "name": "焊工"})
    assert r.status_code == 400 and ContestTrade.objects.get(pk=weld.pk).code == "WELD"  # code taken


def test_overview_card_and_due_results(tree):
    from gonghui.competitions.selectors.contests import due_results_summary, overview_card

    c = contest(tree)
    register(tree, c, 2)
    services.close_registration(actor=tree.district_staff, contest=c)
    held_in_past(c, days=40)  # held 40 days ago, results not published: overdue
    card = overview_card(tree.union1_chair)
    assert [r.value for r in card.rows] == [1, 0, 0, 2, 1]  # contests, open, published, registered, overdue
    assert card.rows[-1].alert
    due = due_results_summary(tree.district_staff)
    assert due.overdue == 1
    assert due_results_summary(tree.union1_chair).overdue == 0  # union1 does not organise it
    assert overview_card(tree.outsider) is None
    body = _client(tree.district_staff).get(reverse("competitions:contest_detail", args=[c.pk])).content.decode()
    assert "reg-q" not in body  # registration closed


def test_edit_open_and_cancel_through_the_pages(tree):
    c = contest(tree, ContestStatus.DRAFT, org=tree.town1, actor=tree.town1_cadre)
    client = _client(tree.town1_cadre)
    edit = reverse("competitions:contest_edit", args=[c.pk])
    assert client.get(edit).status_code == 200
    data = {"name": c.name, "trade": c.trade_id, "held_on": c.held_on,
            "registration_closes_on": c.registration_closes_on, "capacity": 12, "theory_weight": 30,
            "practical_weight": 70, "min_age": 20, "max_age": 50,
            "min_skill_level": "LEVEL4", "winners": 2, "venue": "城厢街道实训室"}
    assert client.post(edit, data).status_code == 302
    c = SkillContest.objects.get(pk=c.pk)
    assert (c.capacity, c.min_skill_level, c.winners) == (12, "LEVEL4", 2)
    assert client.post(reverse("competitions:contest_step", args=[c.pk, "open"]), {}).status_code == 302
    r = client.post(reverse("competitions:contest_step", args=[c.pk, "cancel"]), {"cancel-reason": ""})
    assert r.status_code == 400 and SkillContest.objects.get(pk=c.pk).status == ContestStatus.OPEN
    client.post(reverse("competitions:contest_step", args=[c.pk, "cancel"]), {"cancel-reason": "场地检修"})
    assert SkillContest.objects.get(pk=c.pk).status == ContestStatus.CANCELLED
    body = client.get(reverse("competitions:contest_detail", args=[c.pk])).content.decode()
    assert "场地检修" in body
