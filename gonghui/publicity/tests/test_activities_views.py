"""Theme activity pages: the list's filters, search, pager and export; logging through the
organiser picker; errors shown on the form with nothing saved; photo upload through the page and
its private response; the review step; the statistics page and its workbook (audited)."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.publicity.models.activities import ActivityPhoto, ThemeActivity
from gonghui.publicity.services import activities as services
from gonghui.publicity.testing.activities import PNG, confirmed, draft, png, submitted

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_filters_search_and_pager(tree, settings):
    settings.LIST_PAGE_SIZE = 2
    draft(tree, title="中国梦主题宣讲", theme="CHINA_DREAM")
    draft(tree, title="送文化下基层", theme="SEND_CULTURE", org=tree.union2)
    for i in range(3):
        draft(tree, title=f"义诊{i}")
    c = client(tree.district_staff)
    r = c.get(reverse("publicity:activity_list"))
    assert r.status_code == 200 and len(r.context["page"].items) == 2 and r.context["page"].next_after
    assert [x.title for x in c.get(reverse("publicity:activity_list"), {"q": "中国梦"}).context["page"].items] == \
        ["中国梦主题宣讲"]
    assert [x.title for x in c.get(reverse("publicity:activity_list"), {"theme": "SEND_CULTURE"})
            .context["page"].items] == ["送文化下基层"]
    assert c.get(reverse("publicity:activity_list"), {"org": tree.town2.pk}).context["page"].count == 1
    assert client(tree.town1_cadre).get(reverse("publicity:activity_list")).context["page"].count == 4
    future = (services.today() + datetime.timedelta(days=5)).isoformat()
    assert c.get(reverse("publicity:activity_list"), {"date_from": future}).context["page"].count == 0
    r = c.get(reverse("publicity:activity_list"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert r.status_code == 200 and r.context["form"].errors


def test_export_follows_filters_and_is_audited(tree):
    draft(tree, title="送技能培训", theme="SEND_SKILLS")
    draft(tree, title="送温暖慰问", theme="SEND_WARMTH")
    draft(tree, title="别镇活动", org=tree.union2)
    r = client(tree.town1_cadre).get(reverse("publicity:activity_export"), {"theme": "SEND_SKILLS"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "送技能培训"
    assert AuditEvent.objects.filter(action="publicity.activity_export").exists()
    assert client(tree.town1_cadre).get(reverse("publicity:activity_export"), {"org": tree.town2.pk}).status_code \
        == 404


def test_create_through_the_picker_and_errors(tree):
    c = client(tree.union1_chair)
    r = c.get(reverse("publicity:activity_create"))
    assert r.status_code == 302 and f"org={tree.union1.pk}" in r.url  # a chair's one union
    url = reverse("publicity:activity_create") + f"?org={tree.union1.pk}"
    assert c.get(url).status_code == 200
    data = {"org": tree.union1.pk, "theme": "CHINA_DREAM", "title": "", "held_on": "2099-01-01", "place": "礼堂",
            "participants": "0", "content": "宣讲"}
    r = c.post(url, data)
    assert r.status_code == 400 and ThemeActivity.objects.count() == 0
    assert set(r.context["form"].errors) >= {"title", "participants"}
    data.update(title="劳动美宣讲", participants="120")
    r = c.post(url, data)
    assert r.status_code == 400 and "held_on" in r.context["form"].errors  # the future, refused by the service
    data["held_on"] = services.today().isoformat()
    r = c.post(url, data)
    a = ThemeActivity.objects.get()
    assert r.status_code == 302 and a.org == tree.union1 and a.participants == 120
    assert client(tree.union2_chair).get(reverse("publicity:activity_create") + f"?org={tree.union1.pk}") \
        .status_code == 404


def test_detail_edit_submit_review(tree):
    a = draft(tree)
    c = client(tree.union1_staff)
    r = c.get(reverse("publicity:activity_detail", args=[a.pk]))
    assert r.status_code == 200 and r.context["actions"].submit
    assert client(tree.union1_chair).get(reverse("publicity:activity_detail", args=[a.pk])).context["history"]
    r = c.post(reverse("publicity:activity_edit", args=[a.pk]), {
        "theme": "SEND_POLICY", "title": "送政策进园区", "held_on": a.held_on.isoformat(), "place": "园区",
        "participants": "60", "content": "劳动法宣讲", "organisers": ""})
    assert r.status_code == 302 and ThemeActivity.objects.get(pk=a.pk).theme == "SEND_POLICY"
    assert c.post(reverse("publicity:activity_submit", args=[a.pk])).status_code == 302
    t = client(tree.town1_cadre)
    r = t.post(reverse("publicity:activity_review", args=[a.pk]), {"review-decision": "RETURNED", "review-reason": ""})
    assert r.status_code == 400 and ThemeActivity.objects.get(pk=a.pk).status == "SUBMITTED"
    r = t.post(reverse("publicity:activity_review", args=[a.pk]), {"review-decision": "CONFIRMED"})
    assert r.status_code == 302 and ThemeActivity.objects.get(pk=a.pk).status == "CONFIRMED"
    r = c.get(reverse("publicity:activity_edit", args=[a.pk]))
    assert r.status_code == 302  # confirmed: no longer editable


def test_photo_upload_page_and_private_response(tree):
    a = draft(tree)
    c = client(tree.union1_chair)
    url = reverse("publicity:activity_photo_add", args=[a.pk])
    r = c.post(url, {"photo-image": png("fake.png", b"GIF89a" + b"\x00" * 40)})
    assert r.status_code == 400 and not ActivityPhoto.objects.exists()
    assert c.post(url, {"photo-image": png(), "photo-caption": "合影"}).status_code == 302
    p = ActivityPhoto.objects.get()
    r = c.get(reverse("publicity:activity_photo", args=[a.pk, p.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and b"".join(r.streaming_content) == PNG
    assert r["X-Content-Type-Options"] == "nosniff"
    assert client(tree.union2_chair).get(reverse("publicity:activity_photo", args=[a.pk, p.pk])).status_code == 404
    assert c.post(reverse("publicity:activity_photo_delete", args=[a.pk, p.pk])).status_code == 302
    assert not ActivityPhoto.objects.exists()


def test_stats_page_and_workbook(tree):
    day = services.today()
    confirmed(tree, held_on=day, participants=40)
    confirmed(tree, held_on=day, participants=60, org=tree.union2, theme="CHINA_DREAM")
    submitted(tree, held_on=day)
    c = client(tree.district_staff)
    r = c.get(reverse("publicity:activity_stats"), {"year": day.year})
    assert r.status_code == 200 and r.context["stats"].total.participants == 100 and r.context["chart"]
    assert b'data-chart="activity-stats-chart"' in r.content and b"style=" not in r.content
    assert c.get(reverse("publicity:activity_stats"), {"year": "abc"}).status_code == 200
    r = c.get(reverse("publicity:activity_stats_export"), {"year": day.year})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert len(book.sheetnames) == 3
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][1:4] == (2, 100, 2)
    assert AuditEvent.objects.filter(action="publicity.activity_stats_export").exists()
