"""Permission matrix of skill leaders: role × action × in scope / out of scope.

A union1 (town1) nomination: the union nominates and withdraws (chair, staff; the district), only
the district selects, declines, ends titles and pays (`honours.select`, `honours.pay`: no town or
union pattern grants them). At the service level a refusal is PermissionDenied and nothing
changes; through the pages and the API a record outside the user's subtree is 404 and a visible
one the user may not act on is 403."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.honours.models.leaders import LeaderAllowanceRun, LeaderStatus, SkillLeader
from gonghui.honours.services import leaders as services
from gonghui.honours.testing.leaders import leader

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
UNION1 = {"district_staff", "union1_chair", "union1_staff"}
ALLOWED = {
    "nominate": UNION1,
    "withdraw": UNION1,
    "select": {"district_staff"},
    "decline": {"district_staff"},
    "end": {"district_staff"},
    "pay": {"district_staff"},
}
ACTIONS = {  # action: (status to build first, call, status after success)
    "nominate": (None, lambda u, x, t: services.nominate_leader(
        actor=u, org=t.union1, person=t.member().person, trade="电工", industry="AUTO_PARTS"), None),
    "withdraw": (LeaderStatus.NOMINATED, lambda u, x, t: services.withdraw_nomination(actor=u, leader=x),
                 LeaderStatus.WITHDRAWN),
    "select": (LeaderStatus.NOMINATED, lambda u, x, t: services.select_leader(actor=u, leader=x),
               LeaderStatus.SELECTED),
    "decline": (LeaderStatus.NOMINATED, lambda u, x, t: services.decline_leader(actor=u, leader=x, reason="名额"),
                LeaderStatus.NOT_SELECTED),
    "end": (LeaderStatus.SELECTED, lambda u, x, t: services.end_title(
        actor=u, leader=x, kind="LEFT", last_day=x.starts_on, reason="调离"), LeaderStatus.ENDED),
    "pay": (LeaderStatus.SELECTED, lambda u, x, t: services.run_allowances(
        actor=u, month=datetime.date(2025, 1, 1)), LeaderStatus.SELECTED),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, action):
    """Every role on a fresh record (refusals first, so a success never changes what the next sees)."""
    status, call, after = ACTIONS[action]
    for role in sorted(ROLES, key=lambda r: r in ALLOWED[action]):
        x = leader(tree, status) if status else None
        user = getattr(tree, role)
        before = SkillLeader.objects.count()
        if role in ALLOWED[action]:
            assert call(user, x, tree) is not None, role
            if after:
                assert SkillLeader.objects.get(pk=x.pk).status == after, role
        else:
            with pytest.raises(PermissionDenied):
                call(user, x, tree)
            assert SkillLeader.objects.count() == before and not LeaderAllowanceRun.objects.exists(), role
            if x is not None:
                assert SkillLeader.objects.get(pk=x.pk).status == status, role


VIEWERS = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}


@pytest.mark.parametrize("role", ROLES)
def test_pages_404_out_of_scope_403_when_visible(tree, role):
    x = leader(tree)
    c = Client()
    c.force_login(getattr(tree, role))
    detail = c.get(reverse("honours:leader_detail", args=[x.pk]))
    select = c.post(reverse("honours:leader_step", args=[x.pk, "select"]),
                    {"select-selected_on": services.today().isoformat()})
    if role in VIEWERS:
        assert detail.status_code == 200
        assert select.status_code == (302 if role == "district_staff" else 403)
    else:
        assert detail.status_code == 404 and select.status_code == 404
    expected = LeaderStatus.SELECTED if role == "district_staff" else LeaderStatus.NOMINATED
    assert SkillLeader.objects.get(pk=x.pk).status == expected
    lists = [c.get(reverse("honours:leader_list")).status_code, c.get(reverse("honours:allowance_list")).status_code]
    assert lists == ([200, 200] if role not in ("member_user", "outsider") else [403, 403])


@pytest.mark.parametrize("role", ROLES)
def test_api_404_out_of_scope_403_when_visible(tree, role):
    x = leader(tree)
    api = api_as(getattr(tree, role))
    get = api.get(f"/skill-leaders/{x.pk}")
    withdraw = api.post(f"/skill-leaders/{x.pk}/withdraw", {})
    if role in VIEWERS:
        assert get.status_code == 200
        assert withdraw.status_code == (200 if role in UNION1 else 403)
    else:
        assert get.status_code == 404 and withdraw.status_code == 404
    expected = LeaderStatus.WITHDRAWN if role in UNION1 else LeaderStatus.NOMINATED
    assert SkillLeader.objects.get(pk=x.pk).status == expected


@pytest.mark.parametrize("role", ROLES)
def test_run_and_finance_export_by_role(tree, role):
    """Only the district pays a month (page and API: 403 for the rest, nothing paid); every cadre
    exports the payments of their subtree, members and outsiders nothing."""
    leader(tree, LeaderStatus.SELECTED, starts_on=datetime.date(2025, 1, 1))
    user = getattr(tree, role)
    c = Client()
    c.force_login(user)
    page = c.post(reverse("honours:allowance_run"), {"month": "2025-02"}).status_code
    api = api_as(user).post("/allowances/runs", {"month": "2025-03-01"}).status_code
    paid = sorted(r.month.month for r in LeaderAllowanceRun.objects.all())
    export = c.get(reverse("honours:allowance_export")).status_code
    if role == "district_staff":
        assert (page, api, paid) == (302, 200, [2, 3])
    else:
        assert (page, api, paid) == (403, 403, []), role
    assert export == (403 if role in ("member_user", "outsider") else 200), role
