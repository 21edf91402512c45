"""Permission matrix of articles: role × action, for a town1 article. The district and town1's
cadre write, publish, withdraw (`publicity.change` on the publisher); union1's chair and staff
write their own union's articles but not the town's; town2 and union2 do not see it (404 on
pages and API); members and outsiders have no role (403 on lists, 404 on records)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.publicity.models.articles import Article
from gonghui.publicity.services import articles as services
from gonghui.publicity.testing.articles import draft

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
SEES = {"district_staff", "town1_cadre"}  # a town1 article
UNION1 = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
DATA = {"title": "t", "category": "NEWS", "body": "<p>x</p>"}
ACTIONS = {
    "create_town1": (SEES, lambda u, a, t: services.create_article(actor=u, org=t.town1, data=DATA)),
    "create_union1": (UNION1, lambda u, a, t: services.create_article(actor=u, org=t.union1, data=DATA)),
    "update": (SEES, lambda u, a, t: services.update_article(actor=u, article=a, data=DATA)),
    "publish": (SEES, lambda u, a, t: services.publish(actor=u, article=a)),
    "pin": (SEES, lambda u, a, t: services.set_pinned(actor=u, article=a, pinned=True)),
}


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    user = getattr(tree, role)
    for action, (allowed, run) in ACTIONS.items():
        a = draft(tree)
        before = Article.objects.count()
        if role in allowed:
            assert run(user, a, tree) is not None, action
        else:
            with pytest.raises(PermissionDenied):
                run(user, a, tree)
            assert Article.objects.count() == before, action


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api(tree, role):
    a = draft(tree)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    detail = c.get(reverse("publicity:article_detail", args=[a.pk])).status_code
    edit = c.get(reverse("publicity:article_edit", args=[a.pk])).status_code
    step = c.post(reverse("publicity:article_step", args=[a.pk, "publish"])).status_code
    api = api_as(user)
    api_get = api.get(f"/articles/{a.pk}").status_code
    api_step = api.post(f"/articles/{a.pk}/pin", {}).status_code
    if role in SEES:
        assert (detail, edit, step, api_get, api_step) == (200, 200, 302, 200, 200), role
    else:
        assert (detail, edit, step, api_get, api_step) == (404, 404, 404, 404, 404), role
    no_role = role in ("member_user", "outsider")
    listing = c.get(reverse("publicity:article_list")).status_code
    export = c.get(reverse("publicity:article_export")).status_code
    create = c.get(reverse("publicity:article_create")).status_code
    assert listing == export == create == (403 if no_role else 200), role
    assert api.get("/articles").status_code == (403 if no_role else 200), role
