"""Articles: XSS payloads stripped on save, publish scope (town2's article not shown to a town1
member), scheduling (task publishes, idempotent; lists never late), read counted once per reader,
images checked by content."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.publicity.models.articles import Article, ArticleImage, ArticleStatus
from gonghui.publicity.selectors import articles as selectors
from gonghui.publicity.services import articles as services
from gonghui.publicity.testing.articles import PNG, draft, linked_member, member_account, published

pytestmark = pytest.mark.django_db

XSS = [
    ("<p>hi</p><script>alert(1)</script>", "<script", "alert"),
    ('<img src="/publicity/articles/1/images/2/" onerror="alert(1)">', "onerror", None),
    ('<a href="javascript:alert(1)">x</a>', "javascript:", None),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript", None),
    ('<svg onload="alert(1)"><circle/></svg><p>ok</p>', "<svg", "onload"),
    ("<style>body{display:none}</style><p>ok</p>", "<style", "display"),
    ('<p style="background:url(x)">ok</p>', "style=", None),
    ('<iframe src="https://evil.example"></iframe><p>ok</p>', "<iframe", "evil"),
    ('<img src="data:image/png;base64,AAAA">', "data:", None),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:", None),
    ('<img src="https://tracker.example/p.gif">', "tracker", None),
    ("<object data=x></object><embed src=x><p>ok</p>", "<object", "<embed"),
    ('<p onclick="alert(1)">ok</p>', "onclick", None),
]


@pytest.mark.parametrize("payload,bad,bad2", XSS)
def test_xss_stripped_on_save(tree, payload, bad, bad2):
    a = draft(tree, body=payload + "<p>正文</p>")
    stored = Article.objects.get(pk=a.pk).body.lower()
    assert bad.lower() not in stored
    if bad2:
        assert bad2.lower() not in stored
    assert "正文" in stored


def test_allowed_markup_kept(tree):
    html = ('<h2>标题</h2><p><strong>粗</strong><em>斜</em></p><ul><li>一</li></ul>'
            '<a href="https://www.acftu.org">全总</a><img src="/publicity/articles/3/images/4/" alt="图">')
    body = draft(tree, body=html).body
    assert "<h2>标题</h2>" in body and "<strong>粗</strong>" in body and "<li>一</li>" in body
    assert 'href="https://www.acftu.org"' in body and 'rel="noopener noreferrer nofollow"' in body
    assert 'src="/publicity/articles/3/images/4/"' in body


def test_empty_body_after_sanitising_refused(tree):
    with pytest.raises(DomainError) as exc:
        draft(tree, body="<script>alert(1)</script>")
    assert exc.value.field == "body"
    assert not Article.objects.exists()


def test_scope_org_must_be_in_publishers_subtree(tree):
    with pytest.raises(DomainError) as exc:
        draft(tree, org=tree.town1, scope_org=tree.union2)
    assert exc.value.field == "scope_org"
    a = draft(tree, org=tree.town1, scope_org=tree.union1)
    assert a.scope_org == tree.union1
    assert draft(tree, org=tree.town2).scope_org == tree.town2  # default: the publisher


def test_member_sees_only_articles_addressed_to_their_union(tree):
    person = linked_member(tree)  # union1, town1
    mine = [published(tree, org=tree.district), published(tree, org=tree.town1),
            published(tree, org=tree.town1, scope_org=tree.union1)]
    published(tree, org=tree.town2)  # town2's: not for a town1 member
    published(tree, org=tree.town1, scope_org=tree.union1b)  # a sibling union
    draft(tree, org=tree.town1)  # not published
    assert set(selectors.news_for(person)) == set(mine)


def test_scheduling_task_publishes_and_is_idempotent(tree):
    person = linked_member(tree)
    a = draft(tree)
    later = timezone.now() + datetime.timedelta(hours=2)
    a = services.publish(actor=tree.town1_cadre, article=a, publish_at=later)
    assert a.status == ArticleStatus.SCHEDULED
    assert not selectors.news_for(person).exists()
    assert services.publish_due() == 0
    after = later + datetime.timedelta(minutes=1)
    # lists read it as published once due, before the task runs
    assert list(selectors.news_for(person, at=after)) == [a]
    assert services.publish_due(at=after) == 1
    a.refresh_from_db()
    assert a.status == ArticleStatus.PUBLISHED and a.published_at == later
    assert services.publish_due(at=after) == 0
    assert AuditEvent.objects.filter(action="publicity.article_publish_scheduled").count() == 1


def test_steps_and_withdraw(tree):
    a = published(tree)
    with pytest.raises(DomainError) as exc:
        services.withdraw(actor=tree.town1_cadre, article=a, reason="")
    assert exc.value.field == "reason"
    a = services.withdraw(actor=tree.town1_cadre, article=a, reason="内容有误")
    assert a.status == ArticleStatus.WITHDRAWN
    with pytest.raises(DomainError) as exc:
        services.update_article(actor=tree.town1_cadre, article=a, data={"title": "x", "category": "NEWS",
                                                                          "body": "<p>x</p>"})
    assert exc.value.code == "wrong_stage"
    a = services.publish(actor=tree.town1_cadre, article=a)
    assert a.status == ArticleStatus.PUBLISHED and a.withdraw_reason == ""


def test_read_counted_once_per_reader(tree):
    linked_member(tree)
    a = published(tree)
    assert services.record_read(user=tree.member_user, article=a) is True
    assert services.record_read(user=tree.member_user, article=a) is False
    other = member_account(tree, tree.union1, "reader2")
    assert services.record_read(user=other, article=a) is True
    a.refresh_from_db()
    assert a.read_count == 2


def test_images_checked_by_content(tree):
    a = draft(tree)
    with pytest.raises(DomainError) as exc:
        services.add_image(actor=tree.town1_cadre, article=a,
                           upload=SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", "image/png"))
    assert exc.value.field == "image"
    assert not ArticleImage.objects.exists()
    img = services.add_image(actor=tree.town1_cadre, article=a, upload=SimpleUploadedFile("x.png", PNG, "image/png"),
                             caption="封面", as_cover=True)
    a.refresh_from_db()
    assert a.cover == img and img.kind == "png"
    services.delete_image(actor=tree.town1_cadre, image=img)
    a.refresh_from_db()
    assert a.cover is None
