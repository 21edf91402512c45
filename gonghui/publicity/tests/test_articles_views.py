"""Article pages: create through the page strips XSS, preview saves nothing, steps, images served
in scope, export audited; the member's news pages (scope, pinned first, read counted once)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.publicity.models.articles import Article, ArticleStatus
from gonghui.publicity.services import articles as services
from gonghui.publicity.testing.articles import PNG, draft, linked_member, published

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_create_through_the_page_sanitises(tree):
    c = client(tree.town1_cadre)
    assert c.get(reverse("publicity:article_create")).status_code == 200
    data = {"org": tree.town1.pk, "category": "NEWS", "title": "要闻",
            "body": '<p>正文</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:x">l</a>'}
    r = c.post(reverse("publicity:article_create"), {**data, "preview": "1"})
    assert r.status_code == 200 and not Article.objects.exists()
    preview = r.content.decode().split('<div class="article-body">')[1].split("</div>")[0]
    assert "<p>正文</p>" in preview and "script" not in preview and "onerror" not in preview
    assert "<script>alert(1)" not in r.content.decode()  # the textarea shows the input escaped
    r = c.post(reverse("publicity:article_create"), data)
    a = Article.objects.get()
    assert r.status_code == 302 and a.status == ArticleStatus.DRAFT and a.scope_org == tree.town1
    assert "script" not in a.body and "onerror" not in a.body and "javascript" not in a.body
    r = c.get(reverse("publicity:article_detail", args=[a.pk]))
    assert r.status_code == 200 and b"alert(" not in r.content


def test_bad_input_names_the_field(tree):
    c = client(tree.town1_cadre)
    r = c.post(reverse("publicity:article_create"), {"org": tree.town1.pk, "category": "NEWS", "title": "",
                                                     "body": "<script>x</script>"})
    assert r.status_code == 400 and not Article.objects.exists()
    r = c.post(reverse("publicity:article_create"), {"org": tree.town1.pk, "category": "NEWS", "title": "t",
                                                     "scope_org": tree.union2.pk, "body": "<p>x</p>"})
    assert r.status_code == 400 and not Article.objects.exists()


def test_list_filters_and_steps(tree):
    a = draft(tree, title="春节慰问通知", category="NOTICE")
    draft(tree, title="其他")
    c = client(tree.town1_cadre)
    r = c.get(reverse("publicity:article_list"), {"q": "春节", "category": "NOTICE"})
    assert r.status_code == 200 and "春节慰问通知" in r.content.decode() and "其他" not in r.content.decode()
    r = c.post(reverse("publicity:article_step", args=[a.pk, "publish"]), {"publish-publish_at": "2099-01-01T09:00"})
    assert r.status_code == 400  # more than a year ahead
    r = c.post(reverse("publicity:article_step", args=[a.pk, "publish"]), {})
    a.refresh_from_db()
    assert r.status_code == 302 and a.status == ArticleStatus.PUBLISHED
    c.post(reverse("publicity:article_step", args=[a.pk, "pin"]))
    a.refresh_from_db()
    assert a.pinned
    r = c.post(reverse("publicity:article_step", args=[a.pk, "withdraw"]), {"withdraw-reason": ""})
    assert r.status_code == 400
    c.post(reverse("publicity:article_step", args=[a.pk, "withdraw"]), {"withdraw-reason": "过期"})
    a.refresh_from_db()
    assert a.status == ArticleStatus.WITHDRAWN and not a.pinned
    assert c.get(reverse("publicity:article_detail", args=[a.pk])).status_code == 200


def test_images_and_export(tree):
    a = draft(tree)
    c = client(tree.town1_cadre)
    r = c.post(reverse("publicity:article_image_add", args=[a.pk]),
               {"image-image": SimpleUploadedFile("a.png", PNG, "image/png"), "image-as_cover": "on"})
    assert r.status_code == 302
    a.refresh_from_db()
    url = reverse("publicity:article_image", args=[a.pk, a.cover_id])
    assert c.get(url).status_code == 200
    assert client(tree.town2_cadre).get(url).status_code == 404
    r = c.get(reverse("publicity:article_export"))
    assert r.status_code == 200 and AuditEvent.objects.filter(action="publicity.article_export").exists()


def test_member_news_pages(tree):
    linked_member(tree)
    old = published(tree, org=tree.district, title="区总工会通知")
    pinned = published(tree, org=tree.town1, title="置顶公告")
    services.set_pinned(actor=tree.district_staff, article=pinned, pinned=True)
    hidden = published(tree, org=tree.town2, title="北干街道新闻")
    c = client(tree.member_user)
    body = c.get(reverse("publicity:news_list")).content.decode()
    assert "区总工会通知" in body and "北干街道新闻" not in body
    assert body.index("置顶公告") < body.index("区总工会通知")
    assert c.get(reverse("publicity:news_detail", args=[hidden.pk])).status_code == 404
    for _ in range(2):
        assert c.get(reverse("publicity:news_detail", args=[old.pk])).status_code == 200
    old.refresh_from_db()
    assert old.read_count == 1
    assert client(tree.outsider).get(reverse("publicity:news_list")).status_code == 404  # no registry person


def test_overview_card(tree):
    published(tree)
    draft(tree)
    r = client(tree.town1_cadre).get(reverse("publicity:overview"))
    assert r.status_code == 200 and "/publicity/articles/?status=DRAFT" in r.content.decode()
