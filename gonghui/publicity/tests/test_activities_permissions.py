"""Permission matrix of theme activities: role × action, for a union1 (town1) activity. The
district, the town1 cadre and union1's chair and staff log and edit (`publicity.change`); chairs,
staff and the district submit (a town cadre submits its own town's activities only); the district
and town1 confirm or return. town2 and union2 do not see the activity (404 on pages and API,
PermissionDenied in the services); members and outsiders have no role."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.publicity.models.activities import ThemeActivity
from gonghui.publicity.services import activities as services
from gonghui.publicity.testing.activities import draft, png, submitted, values

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
CHANGE = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
ALLOWED = {
    "create": CHANGE,
    "update": CHANGE,
    "photo": CHANGE,
    "submit": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
    "confirm": {"district_staff", "town1_cadre"},
    "return": {"district_staff", "town1_cadre"},
}
SETUP = {"create": draft, "update": draft, "photo": draft, "submit": draft, "confirm": submitted,
         "return": submitted}
ACTIONS = {
    "create": lambda u, a, t: services.log_activity(actor=u, org=t.union1, **values()),
    "update": lambda u, a, t: services.update_activity(actor=u, activity=a, **values(title="新标题")),
    "photo": lambda u, a, t: services.add_photo(actor=u, activity=a, upload=png()),
    "submit": lambda u, a, t: services.submit_activity(actor=u, activity=a),
    "confirm": lambda u, a, t: services.review_activity(actor=u, activity=a, decision="CONFIRMED"),
    "return": lambda u, a, t: services.review_activity(actor=u, activity=a, decision="RETURNED", reason="补充"),
}


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    user = getattr(tree, role)
    for action, run in ACTIONS.items():
        a = SETUP[action](tree)
        before = (ThemeActivity.objects.count(), ThemeActivity.objects.get(pk=a.pk).status)
        if role in ALLOWED[action]:
            assert run(user, a, tree) is not None, action
        else:
            with pytest.raises(PermissionDenied):
                run(user, a, tree)
            assert (ThemeActivity.objects.count(), ThemeActivity.objects.get(pk=a.pk).status) == before, action


def test_union_cannot_log_for_another_union(tree):
    with pytest.raises(PermissionDenied):
        services.log_activity(actor=tree.union1_chair, org=tree.union1b, **values())


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_404_out_of_scope(tree, role):
    a = draft(tree)
    s = submitted(tree)
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    detail = c.get(reverse("publicity:activity_detail", args=[a.pk])).status_code
    edit = c.get(reverse("publicity:activity_edit", args=[a.pk])).status_code
    submit = c.post(reverse("publicity:activity_submit", args=[a.pk])).status_code
    review = c.post(reverse("publicity:activity_review", args=[s.pk]),
                    {"review-decision": "CONFIRMED"}).status_code
    api = api_as(user)
    api_get = api.get(f"/theme-activities/{a.pk}").status_code
    listing = c.get(reverse("publicity:activity_list")).status_code
    export = c.get(reverse("publicity:activity_export")).status_code
    stats = c.get(reverse("publicity:activity_stats")).status_code
    stats_export = c.get(reverse("publicity:activity_stats_export")).status_code
    if role in CHANGE:
        assert (detail, edit, submit, api_get) == (200, 200, 302, 200), role
        assert ThemeActivity.objects.get(pk=a.pk).status == "SUBMITTED"
        assert review == (302 if role in ALLOWED["confirm"] else 403), role
    else:
        assert (detail, edit, submit, review, api_get) == (404, 404, 404, 404, 404), role
    no_role = role in ("member_user", "outsider")
    assert (listing, export, stats, stats_export) == ((403,) * 4 if no_role else (200,) * 4), role
