"""Permission matrix: role × action × in/out of scope → status code, and a refused action writes
nothing. "in" is a record of union1 (town1), "out" one of union2 (town2). Out of scope answers 404
exactly like a missing record; in scope but not allowed answers 403."""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import add_org
from gonghui.orgs.models import Org, OrgLevel

from .member_helpers import new_id, register, request_transfer

ROLES = ["district", "town1", "town2", "chair1", "staff1", "member", "outsider", "anon"]
TREE_USERS = {"district": "district_staff", "town1": "town1_cadre", "town2": "town2_cadre",
              "chair1": "union1_chair", "staff1": "union1_staff", "member": "member_user",
              "outsider": "outsider", "anon": None}

# Each cell is "in/out". 302 for a signed-in user means the action succeeded (redirect after POST);
# for anonymous it is the redirect to the sign-in page. Create "out" targets a union outside the
# user's scope: the form refuses it (200 with the error), nothing is saved.
MATRIX = """
action            district  town1    town2    chair1   staff1   member   outsider anon
list              200/200   200/200  200/200  200/200  200/200  403/403  403/403  302/302
detail            200/200   200/404  404/200  200/404  200/404  404/404  404/404  302/302
create            302/302   302/200  200/302  302/200  302/200  403/403  403/403  302/302
edit              302/302   302/404  404/302  302/404  302/404  404/404  404/404  302/302
leave             302/302   302/404  404/302  302/404  302/404  404/404  404/404  302/302
reveal            200/200   200/404  404/200  200/404  403/404  404/404  404/404  302/302
transfer_request  302/302   302/404  404/302  302/404  302/404  404/404  404/404  302/302
transfer_view     200/200   200/404  200/200  200/404  200/404  404/404  404/404  302/302
accept            302/302   302/404  403/302  302/404  302/404  404/404  404/404  302/302
reject            302/302   302/404  403/302  302/404  302/404  404/404  404/404  302/302
cancel            302/302   302/404  403/302  302/404  302/404  404/404  404/404  302/302
"""


def _parse(matrix):
    lines = [line.split() for line in matrix.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    cases = []
    for row in rows:
        action, cells = row[0], row[1:]
        for role, cell in zip(header, cells, strict=True):
            expected_in, expected_out = (int(code) for code in cell.split("/"))
            cases.append((action, role, "in", expected_in))
            cases.append((action, role, "out", expected_out))
    return cases


CASES = _parse(MATRIX)


def _scene(tree, action, scope):
    """Build the records the action needs and return (method, url, data)."""
    union2b = Org.objects.get(pk=add_org(tree.town2, "丁企业工会", OrgLevel.GRASSROOTS, code="U2B").pk)
    home = register(tree.district_staff, tree.union1, "甲成员")  # in scope of town1 / union1
    away = register(tree.district_staff, tree.union2, "丙成员")  # out of it
    target = home if scope == "in" else away
    person_url = {"detail": "members:detail", "edit": "members:edit", "reveal": "members:reveal"}
    if action == "list":
        return "get", reverse("members:list"), None
    if action in person_url:
        method = "get" if action == "detail" else "post"
        data = {"name": "改名", "phone": "", "hometown_province": "浙江省", "is_migrant": "", "education": "",
                "skill_level": "NONE"} if action == "edit" else None
        return method, reverse(person_url[action], args=[target.person_id]), data
    if action == "create":
        union = tree.union1 if scope == "in" else tree.union2
        return "post", reverse("members:create"), {
            "union": union.pk, "name": "新成员", "id_number": new_id(), "phone": "", "skill_level": "NONE",
            "joined_on": "2025-01-02"}
    if action == "leave":
        return "post", reverse("members:leave", args=[target.pk]), {"ended_on": "2025-01-02", "reason": "left"}
    if action == "transfer_request":
        to_union = union2b if scope == "in" else tree.union1b
        return "post", reverse("members:transfer_request", args=[target.pk]), {
            "to_union": to_union.pk, "effective_on": "2025-01-02", "reason": "moved"}
    # Transfers: "in" arrives in / leaves union1; "out" stays inside town2.
    if action == "cancel":
        transfer = (request_transfer(tree.district_staff, home, tree.union2) if scope == "in"
                    else request_transfer(tree.district_staff, away, union2b))
    else:
        transfer = request_transfer(tree.district_staff, away, tree.union1 if scope == "in" else union2b)
    if action == "transfer_view":
        return "get", reverse("members:transfer_detail", args=[transfer.pk]), None
    url = reverse(f"members:transfer_{action}", args=[transfer.pk])
    return "post", url, {f"{action}-note": "checked"}


@pytest.mark.parametrize(("action", "role", "scope", "expected"), CASES,
                         ids=[f"{a}-{r}-{s}" for a, r, s, _e in CASES])
def test_permission_matrix(client, tree, action, role, scope, expected):
    method, url, data = _scene(tree, action, scope)
    user = getattr(tree, TREE_USERS[role]) if TREE_USERS[role] else None
    if user is not None:
        client.force_login(user)
    audit_before = AuditEvent.objects.count()
    response = getattr(client, method)(url, data or {})
    assert response.status_code == expected, response.content.decode()[:500]
    login_url = resolve_url(settings.LOGIN_URL)
    if user is None:
        assert response["Location"].startswith(login_url)
    elif expected == 302:
        assert not response["Location"].startswith(login_url)
    wrote = AuditEvent.objects.count() != audit_before
    refused = user is None or expected in (403, 404) or (action == "create" and expected == 200)
    if refused:
        assert not wrote, "a refused action must not write anything"
    elif method == "post":
        assert wrote, "an allowed action is audited"


@pytest.mark.parametrize(("role", "sees_in", "sees_out"), [
    ("district", True, True), ("town1", True, False), ("town2", False, True), ("chair1", True, False),
    ("staff1", True, False),
])
def test_list_shows_only_the_subtree(client, tree, role, sees_in, sees_out):
    register(tree.district_staff, tree.union1, "甲成员")
    register(tree.district_staff, tree.union2, "丙成员")
    client.force_login(getattr(tree, TREE_USERS[role]))
    names = {m.person.name for m in client.get(reverse("members:list")).context["page"].items}
    assert ("甲成员" in names, "丙成员" in names) == (sees_in, sees_out)


def test_hidden_and_missing_give_the_same_404(client, tree):
    away = register(tree.district_staff, tree.union2, "丙成员")
    client.force_login(tree.town1_cadre)
    hidden = client.get(reverse("members:detail", args=[away.person_id]))
    missing = client.get(reverse("members:detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404

    def normalised(response, pk):  # the per-response CSRF token and the requested path differ
        body = re.sub(r'(csrf-token" content=|csrfmiddlewaretoken" value=)"[^"]+"', r"\1", response.content.decode())
        return body.replace(f"/members/{pk}/", "/members/PK/")

    assert normalised(hidden, away.person_id) == normalised(missing, 999999)
