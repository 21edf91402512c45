"""Pages of the model-worker registry: list (filters, queries that do not grow, export), the
register flow, the detail page with its forms and history, story publishing."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.honours.models.modelworkers import ModelWorker, ModelWorkerCare
from gonghui.honours.services import modelworkers as services
from gonghui.honours.testing.modelworkers import care, model_worker

pytestmark = pytest.mark.django_db
ON = datetime.date(2025, 6, 1)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_and_queries_do_not_grow(tree, django_assert_max_num_queries):
    w1 = model_worker(tree, level="CITY", year=2023)
    w2 = model_worker(tree, union=tree.union2)
    care(tree, w1, "SUBSIDY", amount="1500")
    c = client_for(tree.district_staff)
    url = reverse("honours:modelworker_list")
    with django_assert_max_num_queries(14) as few:
        r = c.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and w1.person.name in html and w2.person.name in html
    assert "1500.00" in html.replace(",", "")
    for _ in range(3):
        care(tree, model_worker(tree, union=tree.union1b), "VISIT")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200
    r = c.get(url, {"level": "CITY"})
    body = r.content.decode().split("<tbody>")[1]
    assert w1.person.name in body and w2.person.name not in body
    assert w2.person.name in c.get(url, {"q": w2.person.name}).content.decode().split("<tbody>")[1]
    assert w1.person.name in c.get(url, {"q": "2023年度"}).content.decode().split("<tbody>")[1]
    body = c.get(url, {"care": "missing_visit"}).content.decode().split("<tbody>")[1]
    assert w1.person.name in body
    r = client_for(tree.town1_cadre).get(url)
    assert w2.person.name not in r.content.decode()
    assert c.get(url, {"year": "abc", "care": "x", "org": "999999", "level": "NOPE"}).status_code == 200


def test_export_is_scoped_and_audited(tree):
    w1 = model_worker(tree)
    model_worker(tree, union=tree.union2)
    r = client_for(tree.town1_cadre).get(reverse("honours:modelworker_export"))
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == w1.person.name
    assert AuditEvent.objects.filter(action="honours.modelworker_export").exists()
    assert client_for(tree.member_user).get(reverse("honours:modelworker_export")).status_code == 403


def test_register_flow_union_member_title(tree):
    person = tree.member(tree.union1, name="王劳模").person
    c = client_for(tree.district_staff)
    url = reverse("honours:modelworker_create")
    assert tree.union1.name in c.get(url).content.decode()
    r = c.get(url, {"org": tree.union1.pk})
    assert "王劳模" in r.content.decode()
    assert c.get(url, {"org": tree.town1.pk}).status_code == 404  # a federation does not look after one
    r = c.post(url, {"org": tree.union1.pk, "person": person.pk, "level": "CITY", "year": "2024",
                     "title": "", "conferred_on": "2024-04-28"})
    assert r.status_code == 400 and not ModelWorker.objects.exists()
    r = c.post(url, {"org": tree.union1.pk, "person": person.pk, "level": "CITY", "year": "2024",
                     "title": "2024年度杭州市劳动模范", "conferred_on": "2023-04-28"})
    assert r.status_code == 400 and "2024" in r.content.decode() and not ModelWorker.objects.exists()
    r = c.post(url, {"org": tree.union1.pk, "person": person.pk, "level": "CITY", "year": "2024",
                     "title": "2024年度杭州市劳动模范", "conferred_on": "2024-04-28", "conferred_by": "市政府"})
    w = ModelWorker.objects.get()
    assert r.status_code == 302 and r.url == reverse("honours:modelworker_detail", args=[w.pk])
    assert w.level == "CITY" and w.person.honour_records.get().category == "MODEL_WORKER"
    # already registered: sent to the entry
    r = c.get(url, {"org": tree.union1.pk, "person": person.pk})
    assert r.status_code == 302 and r.url == reverse("honours:modelworker_detail", args=[w.pk])
    # a member of another union cannot be registered under union1
    other = tree.member(tree.union2).person
    r = c.post(url, {"org": tree.union1.pk, "person": other.pk, "level": "DISTRICT", "year": "2024",
                     "title": "区劳模", "conferred_on": "2024-04-28"})
    assert r.status_code == 400 and not ModelWorker.objects.filter(person=other).exists()


def test_detail_forms_history_and_story(tree, django_assert_max_num_queries):
    w = model_worker(tree)
    care(tree, w, "HEALTH_CHECK", on=ON)
    care(tree, w, "SUBSIDY", on=ON, amount="800")
    c = client_for(tree.district_staff)
    url = reverse("honours:modelworker_detail", args=[w.pk])
    with django_assert_max_num_queries(30) as few:
        r = c.get(url)
    html = r.content.decode()
    assert r.status_code == 200 and "2025年度区劳动模范" in html and "800" in html
    assert 'id="history-title"' in html and "care-kind" in html and "title-level" in html
    care(tree, w, "VISIT", on=ON)
    services.enter_title(actor=tree.district_staff, person=w.person, org=w.org, level="CITY", year=2024,
                         title="市劳模", conferred_on=datetime.date(2024, 5, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200

    step = lambda name: reverse("honours:modelworker_step", args=[w.pk, name])  # noqa: E731
    r = c.post(step("care"), {"care-kind": "SUBSIDY", "care-happened_on": ON.isoformat(), "care-amount": ""})
    assert r.status_code == 400 and ModelWorkerCare.objects.count() == 3
    assert "A subsidy needs its amount in yuan." in r.content.decode() or "补助" in r.content.decode()
    r = c.post(step("publish"))
    assert r.status_code == 302 and not ModelWorker.objects.get().story_published  # no story yet: refused
    r = c.post(step("story"), {"story-story_title": "扎根一线", "story-story": "二十年如一日"})
    assert r.status_code == 302
    assert c.post(step("publish")).status_code == 302
    w.refresh_from_db()
    assert w.story_published and w.story_published_on
    story_page = client_for(tree.union2_chair).get(reverse("honours:modelworker_story", args=[w.pk]))
    assert story_page.status_code == 200 and "二十年如一日" in story_page.content.decode()
    for t in w.titles.all():  # each title once, its year not said twice
        assert f">{t.title}" in story_page.content.decode() and f"{t.year} {t.title}" not in story_page.content.decode()
    r = c.post(step("story"), {"story-story_title": "扎根一线", "story-story": ""})
    assert r.status_code == 400 and ModelWorker.objects.get().story == "二十年如一日"
    assert c.post(step("withdraw")).status_code == 302
    assert not ModelWorker.objects.get().story_published
    r = c.post(step("edit"), {"edit-org": tree.union1.pk, "edit-note": "已退休"})
    assert r.status_code == 302 and ModelWorker.objects.get().note == "已退休"
    assert c.post(step("nope")).status_code == 404
    gone = ModelWorkerCare.objects.filter(kind="SUBSIDY").get()
    r = client_for(tree.union1_chair).post(reverse("honours:modelworker_care_remove", args=[w.pk, gone.pk]))
    assert r.status_code == 403
    assert c.post(reverse("honours:modelworker_care_remove", args=[w.pk, gone.pk])).status_code == 302
    assert not ModelWorkerCare.objects.filter(pk=gone.pk).exists()
    html = c.get(url).content.decode()
    assert html.count("<tr") >= 8  # titles, care by year, care records, history


def test_overview_card_and_due_source_registered(tree):
    from gonghui.core.dashboard import _DUE_SOURCES
    from gonghui.honours.selectors.modelworkers import due_care_summary

    assert due_care_summary in _DUE_SOURCES
    w = model_worker(tree)
    r = client_for(tree.town1_cadre).get(reverse("honours:overview"))
    assert r.status_code == 200 and reverse("honours:modelworker_list") in r.content.decode()
    r = client_for(tree.town1_cadre).get(reverse("honours:modelworker_story", args=[w.pk]))
    assert r.status_code == 404
