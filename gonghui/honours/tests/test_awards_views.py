"""Awards pages: the nominations list (filters, scope, query count that does not grow), nominating
through the page (errors shown, nothing saved), the detail with its steps and history, the
records list and a person's honours, the types and quotas page, the exports."""

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.honours.models.awards import HonourNomination, HonourQuota, NominationStatus
from gonghui.honours.services import awards as services
from gonghui.honours.testing.awards import member, nomination, quota, types

pytestmark = pytest.mark.django_db
TODAY = services.today()


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_is_scoped_filtered_and_its_queries_do_not_grow(tree, django_assert_max_num_queries):
    nomination(tree, NominationStatus.CONFERRED)
    n2 = nomination(tree, org=tree.union2)
    c = client_for(tree.district_staff)
    url = reverse("honours:nomination_list")
    with django_assert_max_num_queries(14) as few:
        r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert tree.union1.name in html and tree.union2.name in html
    nomination(tree, NominationStatus.NOTICE)
    nomination(tree, NominationStatus.FORWARDED, org=tree.union1b)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    r = c.get(url, {"status": "SUBMITTED"})
    assert f'href="/honours/nominations/{n2.pk}/"' in r.content.decode()
    assert tree.union2.name not in client_for(tree.town1_cadre).get(url).content.decode().split("<tbody>")[1]
    assert c.get(url, {"year": "abc", "due": "x", "org": "999999", "honour_type": "x"}).status_code == 200


def test_nominating_through_the_page(tree):
    quota(tree)
    t = types(tree)["GOLD_GEAR"]
    p = member(tree)
    c = client_for(tree.union1_chair)
    url = reverse("honours:nomination_create")
    assert c.get(url).status_code == 302  # a chair's one union is taken directly
    form_url = f"{url}?org={tree.union1.pk}"
    page = c.get(form_url).content.decode()
    assert "金齿轮奖 · " + tree.town1.name in page  # the town's quota the union's nomination uses
    assert p.name in c.get(url, {"org": tree.union1.pk, "person_q": p.name[:1]}).content.decode()
    data = {"org": tree.union1.pk, "honour_type": t.pk, "year": TODAY.year, "person": p.pk, "deeds": "",
            "submitted_on": TODAY.isoformat()}
    r = c.post(form_url, data)
    assert r.status_code == 400 and not HonourNomination.objects.exists()
    r = c.post(form_url, {**data, "deeds": "技术革新"})
    n = HonourNomination.objects.get()
    assert r.status_code == 302 and r.url == reverse("honours:nomination_detail", args=[n.pk])


def test_a_blocked_team_shows_the_reasons(tree):
    quota(tree, kind="PIONEER_TEAM")
    t = types(tree)["PIONEER_TEAM"]
    c = client_for(tree.union1_chair)
    r = c.post(reverse("honours:nomination_create") + f"?org={tree.union1.pk}", {
        "org": tree.union1.pk, "honour_type": t.pk, "year": TODAY.year, "team_name": "质检班组",
        "enterprise": tree.enterprise1.pk, "deeds": "事迹", "wage_arrears": "on", "submitted_on": TODAY.isoformat()})
    assert r.status_code == 400 and not HonourNomination.objects.exists()
    html = r.content.decode()
    assert "质检班组" in html and ("Wage arrears declared" in html or "欠薪" in html)


def test_detail_steps_through_the_pages(tree):
    n = nomination(tree, NominationStatus.NOTICE)
    detail = reverse("honours:nomination_detail", args=[n.pk])
    town = client_for(tree.town1_cadre)
    r = town.get(detail)
    assert r.status_code == 200 and "step-objection" in r.content.decode() and "step-confer" not in r.content.decode()
    r = town.post(reverse("honours:nomination_step", args=[n.pk, "objection"]),
                  {"objection-received_on": TODAY.isoformat(), "objection-content": "事迹不实",
                   "objection-objector": ""})
    assert r.status_code == 302
    district = client_for(tree.district_staff)
    html = district.get(detail).content.decode()
    assert 'id="confer-blocked"' in html and 'id="step-confer"' not in html  # no form bound to fail
    r = district.post(reverse("honours:nomination_step", args=[n.pk, "confer"]),
                      {"confer-conferred_on": TODAY.isoformat()})
    assert r.status_code == 400 and n.objections.get().status == "OPEN"
    o = n.objections.get()
    r = district.post(reverse("honours:nomination_step", args=[n.pk, "decide"]), {
        "objection": o.pk, f"decide{o.pk}-objection": o.pk, f"decide{o.pk}-decision": "dismiss",
        f"decide{o.pk}-decided_on": TODAY.isoformat(), f"decide{o.pk}-note": "经核实属实"})
    assert r.status_code == 302
    r = district.post(reverse("honours:nomination_step", args=[n.pk, "confer"]),
                      {"confer-conferred_on": TODAY.isoformat(), "confer-certificate_no": "Z-1"})
    assert r.status_code == 302
    n.refresh_from_db()
    assert n.status == NominationStatus.CONFERRED and n.record_id
    html = district.get(detail).content.decode()
    assert "Z-1" in html and ("Award conferred" in html or "授予" in html)  # the history
    assert district.post(reverse("honours:nomination_step", args=[n.pk, "nonsense"])).status_code == 404


def test_records_list_person_page_and_exports(tree, django_assert_max_num_queries):
    n = nomination(tree, NominationStatus.CONFERRED)
    c = client_for(tree.town1_cadre)
    url = reverse("honours:record_list")
    with django_assert_max_num_queries(12):
        r = c.get(url, {"category": "AWARD", "year": n.year})
    assert r.status_code == 200 and n.person.name in r.content.decode()
    assert n.person.name not in client_for(tree.town2_cadre).get(url).content.decode()
    r = c.get(reverse("honours:record_detail", args=[n.record_id]))
    assert r.status_code == 200 and f"/honours/nominations/{n.pk}/" in r.content.decode()
    assert client_for(tree.town2_cadre).get(reverse("honours:record_detail", args=[n.record_id])).status_code == 404
    r = c.get(reverse("honours:person_honours", args=[n.person_id]))
    assert r.status_code == 200 and "金齿轮奖" in r.content.decode()
    assert client_for(tree.town2_cadre).get(reverse("honours:person_honours", args=[n.person_id])).status_code == 404
    for name in ("honours:record_export", "honours:nomination_export"):
        r = c.get(reverse(name))
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert c.get(reverse("honours:record_export"), {"org": tree.union2.pk}).status_code == 404


def test_records_list_and_export_filter_by_category_level_year_and_town(tree):
    import datetime
    from io import BytesIO

    from openpyxl import load_workbook

    award = {"actor": tree.district_staff, "category": "AWARD", "level": "DISTRICT"}
    services.record_honour(org=tree.union1, title="金齿轮奖", person=member(tree, name="甲师傅"),
                           conferred_on=datetime.date(2025, 12, 20), **award)
    services.record_honour(org=tree.union2, title="技能状元", team_name="焊接班组", actor=tree.district_staff,
                           category="CONTEST", level="CITY", conferred_on=datetime.date(2026, 5, 1))
    c = client_for(tree.district_staff)
    url = reverse("honours:record_list")

    def names(**params):
        body = c.get(url, params).content.decode().split("<tbody>")[-1]
        return {name for name in ("甲师傅", "焊接班组") if name in body}

    assert names() == {"甲师傅", "焊接班组"}
    assert names(category="CONTEST") == names(level="CITY") == names(year=2026) == names(org=tree.town2.pk) \
        == {"焊接班组"}
    assert names(org=tree.town1.pk, year=2025, level="DISTRICT", category="AWARD") == {"甲师傅"}
    r = c.get(reverse("honours:record_export"), {"level": "CITY"})
    rows = list(load_workbook(BytesIO(b"".join(r.streaming_content))).active.iter_rows(values_only=True))
    assert [row[:2] for row in rows[1:]] == [("焊接班组", "技能状元")]


def test_types_and_quotas_page(tree):
    types(tree)
    c = client_for(tree.district_staff)
    url = reverse("honours:award_type_list")
    assert "金齿轮奖" in c.get(url).content.decode()
    t = types(tree)["SILVER_GEAR"]
    r = c.post(url, {"honour_type": t.pk, "org": tree.town2.pk, "year": TODAY.year, "places": "x"})
    assert r.status_code == 400 and not HonourQuota.objects.exists()
    r = c.post(url, {"honour_type": t.pk, "org": tree.town2.pk, "year": TODAY.year, "places": 4})
    assert r.status_code == 302 and HonourQuota.objects.get().places == 4
    r = c.post(url, {"edit_type": "1", "type-honour_type": t.pk, "type-name": "", "type-is_active": "on"})
    assert r.status_code == 400
    r = c.post(url, {"edit_type": "1", "type-honour_type": t.pk, "type-name": "银齿轮奖（职工）"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.name == "银齿轮奖（职工）" and not t.is_active
    assert client_for(tree.town1_cadre).post(url, {"builtin": "1"}).status_code == 403
    assert client_for(tree.town1_cadre).get(url).status_code == 200


def test_overview_card_and_due_line(tree, django_assert_max_num_queries):
    from gonghui.honours.selectors import awards as selectors

    nomination(tree)                                      # waits for the town
    nomination(tree, NominationStatus.FORWARDED)          # waits for the district
    nomination(tree, NominationStatus.NOTICE)             # notice over: to confer
    with django_assert_max_num_queries(2):
        card = selectors.overview_card(tree.town1_cadre)
    assert card.rows[0].value == 2 and card.rows[1].value == 1
    town = selectors.due_summary(tree.town1_cadre)
    district = selectors.due_summary(tree.district_staff)
    assert town.overdue + town.soon == 1 and district.overdue + district.soon == 3  # the district reviews too
    assert town.overdue == 1  # submitted 40 days ago: past the 10 working days
    assert selectors.due_summary(tree.union1_chair) is None
    assert selectors.overview_card(tree.member_user) is None
    r = client_for(tree.district_staff).get(reverse("honours:overview"))
    assert r.status_code == 200 and ("Honour nominations to act on" in r.content.decode()
                                     or "待处理的荣誉推荐" in r.content.decode())
