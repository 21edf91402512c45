"""The audit trail pages: scoping, filters, keyset pages, detail, read-only, permission matrix."""

import datetime
import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from gonghui.core import audit
from gonghui.core.audit_guard import audit_guard_lifted
from gonghui.core.models import AuditEvent


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def event(actor, org, action="orgs.org.update", before=None, after=None):
    return audit.record(actor=actor, action=action, obj=org, org=org, before=before, after=after)


@pytest.fixture
def events(tree):
    """One event at each level of the tree."""
    return {
        "district": event(tree.district_staff, tree.district, "orgs.org.create", after={"name": "区"}),
        "town1": event(tree.town1_cadre, tree.town1, before={"chair_name": "张三"}, after={"chair_name": "李四"}),
        "union1": event(tree.union1_chair, tree.union1, "members.member.register", after={"name": "王五"}),
        "union1b": event(tree.town1_cadre, tree.union1b),
        "town2": event(tree.town2_cadre, tree.town2),
        "union2": event(tree.union2_chair, tree.union2, "members.member.register"),
    }


def listed(client, **params):
    response = client.get(reverse("core:audit_list"), params)
    assert response.status_code == 200
    return response, {e.pk for e in response.context["page"].items}


def test_each_user_sees_only_their_subtree(client, tree, events):
    ids = {k: v.pk for k, v in events.items()}
    expected = {
        "district_staff": set(ids.values()),
        "town1_cadre": {ids["town1"], ids["union1"], ids["union1b"]},
        "town2_cadre": {ids["town2"], ids["union2"]},
        "union1_chair": {ids["union1"]},
    }
    for who, visible in expected.items():
        client.force_login(getattr(tree, who))
        _response, seen = listed(client)
        assert seen == visible, who


def test_town1_never_sees_town2_events_even_through_filters(client, tree, events):
    client.force_login(tree.town1_cadre)
    _r, seen = listed(client, actor="town2")
    assert seen == set()
    _r, seen = listed(client, action="members.")
    assert seen == {events["union1"].pk}
    assert client.get(reverse("core:audit_list"), {"org": tree.town2.pk}).status_code == 404
    assert client.get(reverse("core:audit_list"), {"org": "x"}).status_code == 404


def test_out_of_scope_detail_is_the_same_404_as_missing(client, tree, events):
    client.force_login(tree.town1_cadre)
    ok = client.get(reverse("core:audit_detail", args=[events["union1"].pk]))
    assert ok.status_code == 200
    hidden_url = reverse("core:audit_detail", args=[events["town2"].pk])
    missing_url = reverse("core:audit_detail", args=[999999])
    hidden, missing = client.get(hidden_url), client.get(missing_url)
    assert hidden.status_code == missing.status_code == 404

    def normal(response, url):
        text = response.content.decode().replace(url, "URL")
        return re.sub(r'(csrf-token" content|csrfmiddlewaretoken" value)="[^"]*"', "", text)

    assert normal(hidden, hidden_url) == normal(missing, missing_url)


def test_filters(client, tree, events):
    client.force_login(tree.district_staff)
    _r, seen = listed(client, action="members.member")
    assert seen == {events["union1"].pk, events["union2"].pk}
    _r, seen = listed(client, actor="town")
    assert seen == {events["town1"].pk, events["union1b"].pk, events["town2"].pk}
    _r, seen = listed(client, object_type="orgs.Org", org=tree.town1.pk)
    assert seen == {events["town1"].pk, events["union1"].pk, events["union1b"].pk}
    _r, seen = listed(client, object_type="members.Membership")
    assert seen == set()

    old = timezone.make_aware(datetime.datetime(2025, 3, 10, 23, 30))  # Shanghai time, late evening
    with audit_guard_lifted():  # backdating a row: the database refuses edits of the trail otherwise
        AuditEvent.objects.filter(pk=events["town2"].pk).update(at=old)
    _r, seen = listed(client, date_from="2025-03-10", date_to="2025-03-10")
    assert seen == {events["town2"].pk}
    _r, seen = listed(client, date_to="2025-03-09")
    assert seen == set()
    _r, seen = listed(client, date_from="2025-03-11")
    assert events["town2"].pk not in seen and len(seen) == 5


def test_bad_filters_explain_and_never_500(client, tree, events):
    client.force_login(tree.district_staff)
    response = client.get(reverse("core:audit_list"), {"date_from": "2025-02-30", "object_type": "nope"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Enter a valid date" in text and "Select a valid choice" in text
    assert response.context["page"] is None
    reversed_range = client.get(reverse("core:audit_list"), {"date_from": "2025-03-02", "date_to": "2025-03-01"})
    assert "must not be before" in reversed_range.content.decode()
    assert client.get(reverse("core:audit_list"), {"after": "-5", "action": "x" * 500}).status_code == 200


def test_keyset_pages_and_capped_count(client, tree, settings):
    settings.LIST_PAGE_SIZE = 5
    made = [event(tree.town1_cadre, tree.union1, after={"n": i}).pk for i in range(12)]
    client.force_login(tree.town1_cadre)
    first, seen1 = listed(client, action="orgs.")
    page = first.context["page"]
    assert page.count_label == "12" and len(seen1) == 5 and seen1 == set(made[-5:])
    assert f"after={page.next_after}" in first.content.decode()
    _second, seen2 = listed(client, action="orgs.", after=page.next_after)
    assert seen2 == set(made[2:7])
    third, seen3 = listed(client, action="orgs.", after=min(seen2))
    assert seen3 == set(made[:2]) and third.context["page"].next_after is None

    settings.LIST_COUNT_CAP = 10
    capped, _seen = listed(client)
    assert capped.context["page"].count_label == "10+"


def test_detail_shows_before_and_after(client, tree, events):
    client.force_login(tree.town1_cadre)
    response = client.get(reverse("core:audit_detail", args=[events["town1"].pk]))
    text = response.content.decode()
    assert "chair_name" in text and "张三" in text and "李四" in text
    [row] = response.context["changes"]
    assert (row.key, row.before, row.after, row.changed) == ("chair_name", "张三", "李四", True)
    assert (row.raw_before, row.raw_after) == ('"张三"', '"李四"')


def test_audit_is_read_only_everywhere(client, tree, events):
    client.force_login(tree.district_staff)
    pk = events["town1"].pk
    assert client.post(reverse("core:audit_detail", args=[pk])).status_code == 405
    assert client.post(reverse("core:audit_list")).status_code == 405
    for name in ("core:audit_edit", "core:audit_delete", "core:audit_update"):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[pk])
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = tree.district_staff
    request.user.is_superuser = True
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, events["town1"])
    assert not model_admin.has_delete_permission(request, events["town1"])


def test_audit_list_query_count_does_not_grow(client, tree, django_assert_max_num_queries):
    client.force_login(tree.district_staff)
    for i in range(60):
        event(tree.town1_cadre, tree.union1 if i % 2 else tree.union2, after={"n": i})
    with django_assert_max_num_queries(10):  # 9, and whether the district's reach is the whole tree
        response = client.get(reverse("core:audit_list"), {"action": "orgs.", "org": tree.district.pk})
    assert len(response.context["page"].items) == 50


# --- permission matrix ------------------------------------------------------------------------
USERS = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "member_user", "outsider"]


@pytest.mark.parametrize(("who", "expected"), [
    ("district_staff", 200), ("town1_cadre", 200), ("town2_cadre", 200), ("union1_chair", 200),
    ("union1_staff", 403), ("member_user", 403), ("outsider", 403),
])
def test_permission_matrix_audit_list(client, tree, who, expected):
    client.force_login(getattr(tree, who))
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == expected
    if expected == 403:
        assert "You may not open this page" in response.content.decode()


@pytest.mark.parametrize(("who", "expected"), [
    # the event belongs to town1 itself: in scope for the district and town1, not for town2 or union1
    ("district_staff", 200), ("town1_cadre", 200), ("town2_cadre", 404), ("union1_chair", 404),
    ("union1_staff", 403), ("member_user", 403), ("outsider", 403),
])
def test_permission_matrix_audit_detail(client, tree, events, who, expected):
    client.force_login(getattr(tree, who))
    assert client.get(reverse("core:audit_detail", args=[events["town1"].pk])).status_code == expected


@pytest.mark.parametrize("who", USERS)
def test_permission_matrix_home(client, tree, who):
    """Everyone signed in has a home; a member's is the phone portal (the cadres' dashboard has
    nothing a member may open)."""
    client.force_login(getattr(tree, who))
    response = client.get(reverse("core:home"))
    if who == "member_user":
        assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("url", ["/", "/audit/", "/audit/1/"])
def test_anonymous_is_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
