"""名师带徒 pages: the list (filters, search, counts, a fixed query count), the export (audited),
creating a pair through the page, the report / assess / end steps with specific errors, and the
history on the detail page."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.members.models import Person
from gonghui.training.models.mentoring import Mentorship, MentorshipStatus
from gonghui.training.services import mentoring as services
from gonghui.training.testing.mentoring import pair, teacher, write_reports

pytestmark = pytest.mark.django_db
DAY = services.datetime.timedelta(days=1)


def client_for(user):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


def test_list_filters_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    a = pair(tree)
    b = pair(tree, union=tree.union2, trade="电工")
    c = client_for(tree.district_staff)
    url = reverse("training:mentoring_list")
    c.get(url)
    with django_assert_max_num_queries(20) as few:
        r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    assert a.apprentice.name in html and b.apprentice.name in html
    for _ in range(4):
        pair(tree, union=tree.union1b, trade="钳工")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    body = c.get(url, {"trade": "电工"}).content.decode().split("<tbody>")[1]
    assert b.apprentice.name in body and a.apprentice.name not in body
    body = c.get(url, {"q": a.apprentice.name}).content.decode().split("<tbody>")[1]
    assert f"/training/mentorships/{a.pk}/" in body
    assert f"/training/mentorships/{a.pk}/" in c.get(url, {"due": "overdue"}).content.decode()
    r = client_for(tree.town1_cadre).get(url)
    assert f"/training/mentorships/{b.pk}/" not in r.content.decode()
    assert c.get(url, {"year": "abc", "org": "999999", "due": "x"}).status_code == 200  # bad filters ignored


def test_export_is_audited_and_scoped(tree):
    pair(tree)
    pair(tree, union=tree.union2, trade="电工")
    r = client_for(tree.town1_cadre).get(reverse("training:mentoring_export"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == "数控车工"
    assert AuditEvent.objects.filter(action="training.mentorship_export").exists()


def test_create_through_the_page(tree):
    apprentice, master = tree.member().person, tree.member().person
    c = client_for(tree.union1_chair)
    url = reverse("training:mentoring_create")
    r = c.get(url)
    assert r.status_code == 302 and f"org={tree.union1.pk}" in r["Location"]
    assert apprentice.name in c.get(url, {"org": tree.union1.pk}).content.decode()
    start = services.today()
    data = {"org": tree.union1.pk, "apprentice": apprentice.pk, "master_person": apprentice.pk, "trade": "电工",
            "starts_on": start.isoformat(), "ends_on": (services.add_months(start, 12) - DAY).isoformat(),
            "target_skill_level": "LEVEL5", "goals": "取得初级工"}
    bad = c.post(url, data)
    assert bad.status_code == 400 and "cannot be their own master" in bad.content.decode()
    bad = c.post(url, {**data, "master_person": master.pk, "ends_on": (start + 30 * DAY).isoformat()})
    assert bad.status_code == 400 and "The term lasts 12 to 36 months" in bad.content.decode()
    assert not Mentorship.objects.exists()
    r = c.post(url, {**data, "master_person": master.pk})
    m = Mentorship.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("training:mentoring_detail", args=[m.pk])
    assert m.master_person == master and m.org == tree.union1


def test_create_with_a_town_pool_teacher(tree):
    t = teacher(tree)
    c = client_for(tree.union1_chair)
    start = services.today()
    r = c.post(reverse("training:mentoring_create"), {
        "org": tree.union1.pk, "apprentice": tree.member().person.pk, "master_teacher": t.pk, "trade": "数控车工",
        "starts_on": start.isoformat(), "ends_on": (services.add_months(start, 24) - DAY).isoformat(),
        "target_skill_level": "LEVEL4", "goals": "中级工"})
    assert r.status_code == 302
    assert Mentorship.objects.get().master_teacher == t


def test_steps_report_assess_and_history(tree):
    m = write_reports(tree, pair(tree), upto=2)
    c = client_for(tree.union1_staff)
    detail = reverse("training:mentoring_detail", args=[m.pk])
    html = c.get(detail).content.decode()
    assert "第1期" in html and "text-bg-danger" in html  # period 3 overdue
    step = lambda s: reverse("training:mentoring_step", args=[m.pk, s])  # noqa: E731
    r = c.post(step("report"), {"report-submitted_on": services.today().isoformat(), "report-content": ""})
    assert r.status_code == 400
    r = c.post(step("report"), {"report-submitted_on": services.today().isoformat(), "report-content": "第三期"})
    assert r.status_code == 302
    r = c.post(step("assess"), {"assess-assessed_on": services.today().isoformat(), "assess-result": "PASS",
                                "assess-score": "90", "assess-new_skill_level": "LEVEL4"})
    assert r.status_code == 400
    assert "at most 1 grade" in r.content.decode()
    r = c.post(step("assess"), {"assess-assessed_on": services.today().isoformat(), "assess-result": "PASS",
                                "assess-score": "90", "assess-new_skill_level": "LEVEL5"})
    assert r.status_code == 302
    assert Person.objects.get(pk=m.apprentice_id).skill_level == "LEVEL5"
    history = client_for(tree.district_staff).get(detail).content.decode().split('id="history-title"')[-1]
    assert "No recorded changes" not in history and "90" in history
    # The apprentice's own record shows the level change and where it came from.
    assert AuditEvent.objects.filter(action="members.person.skill_level", object_type="members.Person",
                                     object_id=str(m.apprentice_id)).exists()
    for viewer in (tree.district_staff, tree.union1_chair):
        person_page = client_for(viewer).get(reverse("members:detail", args=[m.apprentice_id]) + "?tab=history")
        assert person_page.status_code == 200
        person_history = person_page.content.decode().split('id="history-title"')[-1]
        assert "No recorded changes" not in person_history and "Skill level changed" in person_history, viewer
    r = c.post(step("end"), {"end-ended_on": services.today().isoformat(), "end-reason": "x"})
    assert r.status_code == 302 and Mentorship.objects.get(pk=m.pk).status == MentorshipStatus.COMPLETED
    assert c.post(step("nope"), {}).status_code == 404


def test_member_panel_lists_own_pairs_only(tree):
    from django.template.loader import render_to_string

    mine = pair(tree)
    other = pair(tree, trade="电工")
    html = render_to_string("training/mentoring/_my_mentorships.html", {"person": mine.apprentice})
    assert mine.trade in html and other.apprentice.name not in html
    assert render_to_string("training/mentoring/_my_mentorships.html", {"person": None}).strip() == ""
