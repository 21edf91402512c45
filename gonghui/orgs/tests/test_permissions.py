"""Permission matrix: role × action × in scope / out of scope → status code.

In scope is the role's own place (union1 for town1's cadre, union1's chair and staff; union2 for
town2's cadre; union1 for district staff). Out of scope is somewhere the role cannot reach
(another town's union, or another district for district staff). Hidden answers 404 exactly
like missing; visible but not allowed answers 403; anonymous is sent to sign in (302).
"""

import random
import re

import pytest
from django.urls import reverse

from gonghui.core.testing.identifiers import make_uscc
from gonghui.orgs.models import Enterprise

ROLES = ["district", "town1", "town2", "union1", "union1staff", "member", "outsider", "anonymous"]

# action → {role: (in scope, out of scope)}
STAFF = {"district": (200, 404), "town1": (200, 404), "town2": (200, 404), "union1": (200, 404),
         "union1staff": (200, 404)}
NO_SCOPE_404 = {"member": (404, 404), "outsider": (404, 404), "anonymous": (302, 302)}
NO_SCOPE_403 = {"member": (403, 403), "outsider": (403, 403), "anonymous": (302, 302)}
EXPECTED = {
    "tree": {**STAFF, "member": (403, 404), "outsider": (403, 404), "anonymous": (302, 302)},
    "detail": {**STAFF, **NO_SCOPE_404},
    "create_child": {**STAFF, **NO_SCOPE_404},
    "edit": {**STAFF, **NO_SCOPE_404},
    "move": {**STAFF, "union1": (403, 404), "union1staff": (403, 404), **NO_SCOPE_404},
    "enterprise_list": {**STAFF, **NO_SCOPE_403},
    "enterprise_detail": {**STAFF, **NO_SCOPE_404},
    "enterprise_create": {**STAFF, "district": (200, 200), "town1": (200, 200), "town2": (200, 200),
                          "union1": (200, 200), "union1staff": (200, 200), **NO_SCOPE_403},
    "enterprise_edit": {**STAFF, **NO_SCOPE_404},
    "enterprise_export": {**STAFF, **NO_SCOPE_403},
    # Writes by POST: a chair may not move even their own union.
    "move_post": {**STAFF, "district": (302, 404), "town1": (200, 404), "town2": (200, 404),
                  "union1": (403, 404), "union1staff": (403, 404), **NO_SCOPE_404},
}


class Place:
    def __init__(self, union, enterprise, town):
        self.union, self.enterprise, self.town = union, enterprise, town


def _setup(tree, other, role):
    users = {"district": tree.district_staff, "town1": tree.town1_cadre, "town2": tree.town2_cadre,
             "union1": tree.union1_chair, "union1staff": tree.union1_staff, "member": tree.member_user,
             "outsider": tree.outsider, "anonymous": None}
    t1 = Place(tree.union1, tree.enterprise1, tree.town1)
    t2 = Place(tree.union2, tree.enterprise2, tree.town2)
    od = Place(other.union, other.enterprise, other.town)
    mine, theirs = {"district": (t1, od), "town2": (t2, t1)}.get(role, (t1, t2))
    return users[role], mine, theirs


def _request(client, action, place, hx):
    """Perform `action` on `place`; returns the response."""
    if action == "tree":
        return client.get(reverse("orgs:tree")) if place.inside else client.get(
            reverse("orgs:children", args=[place.town.pk]), **hx)
    if action in ("detail", "create_child", "edit", "move"):
        return client.get(reverse(f"orgs:{action}", args=[place.union.pk]))
    if action == "move_post":
        # Move the union under its own town (its current parent): in scope the form refuses the
        # target (200) or, for district staff, the target is another town they reach (302).
        target = place.alt_town or place.town
        return client.post(reverse("orgs:move", args=[place.union.pk]), {"new_parent": target.pk, "confirm": "1"})
    if action in ("enterprise_list", "enterprise_export"):
        params = {} if place.inside else {"town": place.town.pk}
        return client.get(reverse(f"orgs:{action}"), params)
    if action in ("enterprise_detail", "enterprise_edit"):
        return client.get(reverse(f"orgs:{action}", args=[place.enterprise.pk]))
    if action == "enterprise_create":
        if place.inside:
            return client.get(reverse("orgs:enterprise_create"))
        # Out of scope: try to register an enterprise in a town the user cannot reach.
        return client.post(reverse("orgs:enterprise_create"), {
            "name": "越权企业", "uscc": make_uscc(random.Random(99)), "industry": "OTHER", "headcount": "5",
            "town": place.town.pk, "union": place.union.pk})
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_permission_matrix(tree, other, client, hx, role, action):
    user, mine, theirs = _setup(tree, other, role)
    mine.inside, theirs.inside = True, False
    mine.alt_town = tree.town2 if role == "district" else None
    theirs.alt_town = None
    if user is not None:
        client.force_login(user)
    enterprises_before = Enterprise.objects.count()
    expected_in, expected_out = EXPECTED[action][role]

    response = _request(client, action, mine, hx)
    assert response.status_code == expected_in, f"{role} {action} in scope"
    if expected_in == 302 and user is None:
        assert reverse("accounts:login") in response["Location"]

    response = _request(client, action, theirs, hx)
    assert response.status_code == expected_out, f"{role} {action} out of scope"
    if action == "enterprise_create":
        assert Enterprise.objects.count() == enterprises_before, "nothing registered out of scope"


def _body(response, url):
    """The page without what differs on every request anyway: CSRF tokens and the page's own URL."""
    html = response.content.decode()
    html = re.sub(r'(csrf-token" content|csrfmiddlewaretoken" value)="[^"]+"', r"\1=''", html)
    return html.replace(url, "URL")


@pytest.mark.parametrize("name", ["orgs:detail", "orgs:edit", "orgs:enterprise_detail"])
def test_hidden_and_missing_give_the_same_404_body(tree, client, name):
    client.force_login(tree.town1_cadre)
    hidden_pk = tree.enterprise2.pk if "enterprise" in name else tree.union2.pk
    hidden_url, missing_url = reverse(name, args=[hidden_pk]), reverse(name, args=[987654])
    hidden, missing = client.get(hidden_url), client.get(missing_url)
    assert hidden.status_code == missing.status_code == 404
    assert _body(hidden, hidden_url) == _body(missing, missing_url)


def test_create_child_post_out_of_scope_is_404_and_creates_nothing(tree, client):
    client.force_login(tree.town1_cadre)
    response = client.post(reverse("orgs:create_child", args=[tree.town2.pk]), {
        "name": "越权工会", "level": "GRASSROOTS", "union_kind": "ENTERPRISE", "code": "X1"})
    assert response.status_code == 404
    from gonghui.orgs.models import Org

    assert not Org.objects.filter(code="X1").exists()


def test_edit_post_by_member_is_404_and_changes_nothing(tree, client):
    client.force_login(tree.member_user)
    response = client.post(reverse("orgs:edit", args=[tree.union1.pk]), {
        "name": "改名", "level": "GRASSROOTS", "union_kind": "ENTERPRISE", "code": "U1", "is_active": "on"})
    assert response.status_code == 404
    tree.union1.refresh_from_db()
    assert tree.union1.name == "甲企业工会"


def test_pages_offer_only_allowed_actions(tree, client):
    client.force_login(tree.union1_staff)
    html = client.get(reverse("orgs:detail", args=[tree.union1.pk])).content.decode()
    assert reverse("orgs:edit", args=[tree.union1.pk]) in html
    assert reverse("orgs:move", args=[tree.union1.pk]) not in html
    client.force_login(tree.town1_cadre)
    html = client.get(reverse("orgs:detail", args=[tree.union1.pk])).content.decode()
    assert reverse("orgs:move", args=[tree.union1.pk]) in html
    # Breadcrumb: the district is shown but is not a link for a town cadre.
    assert tree.district.name in html
    assert reverse("orgs:detail", args=[tree.district.pk]) + '"' not in html
    assert reverse("orgs:detail", args=[tree.town1.pk]) + '"' in html
