"""seed_demo's articles at small scale: published, scheduled, draft and withdrawn articles of the
district, town1, town2 and union1 (clean bodies), visible to the demo accounts, and member1's news
page shows the district's and town1's but not town2's."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.publicity.models.articles import Article, ArticleStatus
from gonghui.publicity.services.articles import sanitize_html

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_the_small_demo():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    users = {u.username: u for u in User.objects.all()}
    articles = list(Article.objects.select_related("org"))
    assert {a.status for a in articles} == set(ArticleStatus.values)
    assert all(a.body == sanitize_html(a.body) for a in articles)
    for name in ("district", "town1", "town2", "union1"):
        assert Article.objects.visible_to(users[name]).exists(), name
    c = Client()
    c.force_login(users["town1"])
    assert c.get(reverse("publicity:article_list")).status_code == 200
    a = Article.objects.visible_to(users["town1"]).first()
    assert c.get(reverse("publicity:article_detail", args=[a.pk])).status_code == 200
    c.force_login(users["member1"])
    assert c.get(reverse("publicity:news_list")).status_code == 200
    district = Article.objects.filter(org__depth=1, status="PUBLISHED").first()
    assert c.get(reverse("publicity:news_detail", args=[district.pk])).status_code == 200
    town2 = Article.objects.filter(org=users["town2"].role_assignments.first().org, status="PUBLISHED").first()
    assert c.get(reverse("publicity:news_detail", args=[town2.pk])).status_code == 404
