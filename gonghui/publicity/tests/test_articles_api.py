"""/articles: create sanitises, workflow actions, filters, member feed (scope, read count),
out of scope = 404, bad input = 400 naming the field."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.testing.api import api_as
from gonghui.publicity.models.articles import Article
from gonghui.publicity.testing.articles import draft, linked_member, published

pytestmark = pytest.mark.django_db

XSS = ('<p>ok</p><script>alert(1)</script><img src="data:image/png;base64,AA" onerror=alert(1)>'
       '<a href="javascript:alert(1)">x</a><svg onload=alert(1)></svg><style>p{}</style><iframe src=//e></iframe>')


def test_create_sanitises_and_workflow(tree):
    api = api_as(tree.town1_cadre)
    r = api.post("/articles", {"org": tree.town1.pk, "title": "要闻", "category": "NEWS", "body": XSS})
    assert r.status_code == 201, r.content
    body = r.json()["body"]
    for bad in ("script", "onerror", "data:", "javascript", "svg", "style", "iframe"):
        assert bad not in body, bad
    aid = r.json()["id"]
    assert Article.objects.get(pk=aid).body == body
    r = api.post(f"/articles/{aid}/update", {"title": "新标题", "category": "POLICY", "body": XSS})
    assert r.status_code == 200 and r.json()["title"] == "新标题" and "script" not in r.json()["body"]
    when = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    r = api.post(f"/articles/{aid}/publish", {"publish_at": when})
    assert r.json()["status"] == "SCHEDULED"
    r = api.post(f"/articles/{aid}/publish", {})
    assert r.json()["status"] == "PUBLISHED"
    r = api.post(f"/articles/{aid}/withdraw", {"reason": ""})
    assert r.status_code in (400, 422)
    assert api.post(f"/articles/{aid}/withdraw", {"reason": "错误"}).json()["status"] == "WITHDRAWN"


def test_bad_input(tree):
    api = api_as(tree.town1_cadre)
    r = api.post("/articles", {"org": tree.town1.pk, "title": "t", "category": "NEWS", "body": "<p>x</p>",
                               "scope_org": tree.union2.pk})
    assert r.status_code == 400 and "scope_org" in r.content.decode()
    r = api.post("/articles", {"org": tree.town2.pk, "title": "t", "category": "NEWS", "body": "<p>x</p>"})
    assert r.status_code == 400  # unknown reference: town2 is out of reach
    assert not Article.objects.exists()


def test_list_scope_and_member_feed(tree):
    mine = draft(tree)
    other = draft(tree, org=tree.town2)
    ids = [x["id"] for x in api_as(tree.town1_cadre).get("/articles").json()["items"]]
    assert ids == [mine.pk]
    assert api_as(tree.town1_cadre).get(f"/articles/{other.pk}").status_code == 404
    linked_member(tree)
    p1 = published(tree, org=tree.town1)
    p2 = published(tree, org=tree.town2)
    member = api_as(tree.member_user)
    feed = [x["id"] for x in member.get("/articles", {"feed": "mine"}).json()["items"]]
    assert feed == [p1.pk]
    assert member.get(f"/articles/{p2.pk}").status_code == 404
    assert member.get(f"/articles/{p1.pk}").status_code == 200
    member.get(f"/articles/{p1.pk}")
    p1.refresh_from_db()
    assert p1.read_count == 1
    assert member.get("/articles").status_code == 403
