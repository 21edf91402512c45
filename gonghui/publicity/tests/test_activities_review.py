"""Who confirms a theme activity: the level ABOVE the organiser. A union never confirms its own
activity (no review right); a town confirms its unions' activities but not its own (the district
does) and never another town's (out of scope: 404); the district confirms everything, its own
activities included (there is no level above). Services, pages and API agree."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.publicity.models.activities import ActivityStatus, ThemeActivity
from gonghui.publicity.services import activities as services
from gonghui.publicity.testing.activities import draft

pytestmark = pytest.mark.django_db


def sent(tree, org, actor):
    a = draft(tree, org=org, actor=actor)
    return services.submit_activity(actor=actor, activity=a)


def client(user):
    c = Client()
    c.force_login(user)
    return c


def status(a):
    return ThemeActivity.objects.get(pk=a.pk).status


def test_a_union_cannot_confirm_its_own_activity(tree):
    a = sent(tree, tree.union1, tree.union1_chair)
    for user in (tree.union1_chair, tree.union1_staff):
        with pytest.raises(PermissionDenied):
            services.review_activity(actor=user, activity=a, decision="CONFIRMED")
        assert client(user).post(reverse("publicity:activity_review", args=[a.pk]),
                                 {"review-decision": "CONFIRMED"}).status_code == 403
        assert api_as(user).post(f"/theme-activities/{a.pk}/review", {"decision": "CONFIRMED"}).status_code == 403
        assert client(user).get(reverse("publicity:activity_detail", args=[a.pk])).context["review_form"] is None
    assert status(a) == ActivityStatus.SUBMITTED


def test_a_town_cannot_confirm_another_towns_activity(tree):
    a = sent(tree, tree.union1, tree.union1_chair)
    with pytest.raises(PermissionDenied):
        services.review_activity(actor=tree.town2_cadre, activity=a, decision="CONFIRMED")
    assert client(tree.town2_cadre).post(reverse("publicity:activity_review", args=[a.pk]),
                                         {"review-decision": "CONFIRMED"}).status_code == 404
    r = api_as(tree.town2_cadre).post(f"/theme-activities/{a.pk}/review", {"decision": "CONFIRMED"})
    assert r.status_code == 404 and tree.union1.name not in r.content.decode()
    assert status(a) == ActivityStatus.SUBMITTED
    # town1 confirms its union's activity
    assert services.review_activity(actor=tree.town1_cadre, activity=a, decision="CONFIRMED").status == "CONFIRMED"


def test_a_town_cannot_confirm_its_own_activity_the_district_does(tree):
    a = sent(tree, tree.town1, tree.town1_cadre)
    with pytest.raises(PermissionDenied):
        services.review_activity(actor=tree.town1_cadre, activity=a, decision="CONFIRMED")
    with pytest.raises(PermissionDenied):
        services.review_activity(actor=tree.town1_cadre, activity=a, decision="RETURNED", reason="x")
    c = client(tree.town1_cadre)
    r = c.get(reverse("publicity:activity_detail", args=[a.pk]))
    assert r.context["review_form"] is None and not r.context["actions"].review
    assert c.post(reverse("publicity:activity_review", args=[a.pk]), {"review-decision": "CONFIRMED"}).status_code \
        == 403
    r = api_as(tree.town1_cadre).post(f"/theme-activities/{a.pk}/review", {"decision": "CONFIRMED"})
    assert r.status_code == 403
    assert status(a) == ActivityStatus.SUBMITTED
    assert client(tree.district_staff).get(reverse("publicity:activity_detail", args=[a.pk])).context["actions"].review
    r = api_as(tree.district_staff).post(f"/theme-activities/{a.pk}/review", {"decision": "CONFIRMED"})
    assert r.status_code == 200 and status(a) == ActivityStatus.CONFIRMED


def test_the_district_confirms_its_own_activity(tree):
    a = sent(tree, tree.district, tree.district_staff)
    a = services.review_activity(actor=tree.district_staff, activity=a, decision="CONFIRMED")
    assert a.status == ActivityStatus.CONFIRMED and a.reviewed_by == tree.district_staff


def test_the_town_submits_its_own_to_the_district(tree):
    a = draft(tree, org=tree.town1, actor=tree.town1_cadre)
    r = client(tree.town1_cadre).get(reverse("publicity:activity_detail", args=[a.pk]))
    assert r.context["actions"].submit
    r = client(tree.union1_chair).get(reverse("publicity:activity_detail", args=[draft(tree).pk]))
    assert r.context["actions"].submit


def test_the_dashboard_line_counts_only_what_the_user_may_confirm(tree):
    from gonghui.publicity.selectors.activities import awaiting_review_summary, reviewable

    own = sent(tree, tree.town1, tree.town1_cadre)
    union = sent(tree, tree.union1, tree.union1_chair)
    other = sent(tree, tree.union2, tree.union2_chair)
    assert set(reviewable(tree.town1_cadre).values_list("pk", flat=True)) == {union.pk}
    assert awaiting_review_summary(tree.town1_cadre).soon == 1
    district = sent(tree, tree.district, tree.district_staff)
    assert set(reviewable(tree.district_staff).values_list("pk", flat=True)) == {own.pk, union.pk, other.pk,
                                                                                  district.pk}
    assert awaiting_review_summary(tree.union1_chair) is None
