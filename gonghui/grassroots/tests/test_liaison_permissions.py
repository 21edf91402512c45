"""Permission matrix: role × action × in/out of scope, at the service level (allowed or
PermissionDenied, nothing written when refused) and through the pages and the API (out of scope
404, visible but not allowed 403).

enterprise1 lies in town1 with union1; enterprise2 in town2 with union2. Liaison writes
(`grassroots.liaise`) belong to the district's staff and the town's cadres; reads
(`grassroots.view`) also to the chair and staff of the enterprise's own union."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as
from gonghui.grassroots.models.liaison import LiaisonAssignment, LiaisonFollowUp, LiaisonVisit
from gonghui.grassroots.services import liaison as services
from gonghui.grassroots.testing.liaison import assignment, follow_up, visit

pytestmark = pytest.mark.django_db
TODAY = services.today()

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
MAY_LIAISE = {"e1": {"district_staff", "town1_cadre"}, "e2": {"district_staff", "town2_cadre"}}
MAY_VIEW = {"e1": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
            "e2": {"district_staff", "town2_cadre", "union2_chair"}}


def _enterprise(tree, place):
    return tree.enterprise1 if place == "e1" else tree.enterprise2


def _record_visit(u, tree, e):
    services.record_visit(actor=u, enterprise=e, data=services.VisitInput(
        visited_on=TODAY, topics=["WAGES"], notes="n", cadre=tree.district_staff))
    return LiaisonVisit.objects.filter(enterprise=e).count() == 1


def _add_follow_up(u, tree, e):
    v = visit(e, TODAY)
    services.add_follow_up(actor=u, visit=v, data=services.FollowUpInput(action="a", due_on=TODAY, owner_name="甲"))
    return LiaisonFollowUp.objects.filter(visit=v).count() == 1


def _close_follow_up(u, tree, e):
    up = follow_up(visit(e, TODAY), TODAY)
    services.close_follow_up(actor=u, follow_up=up, note="done")
    up.refresh_from_db()
    return up.status == "CLOSED"


def _assign(u, tree, e):
    services.assign_cadre(actor=u, cadre=tree.district_staff, enterprises=[e], starts_on=TODAY)
    return LiaisonAssignment.objects.filter(enterprise=e).count() == 1


def _end(u, tree, e):
    a = assignment(e, cadre=tree.district_staff)
    services.end_assignment(actor=u, assignment=a)
    a.refresh_from_db()
    return a.status == "ENDED"


ACTIONS = {"record_visit": _record_visit, "add_follow_up": _add_follow_up, "close_follow_up": _close_follow_up,
           "assign": _assign, "end_assignment": _end}


@pytest.mark.parametrize("place", ["e1", "e2"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role, action, place):
    user, enterprise = getattr(tree, role), _enterprise(tree, place)
    audits = AuditEvent.objects.count()
    if role in MAY_LIAISE[place]:
        assert ACTIONS[action](user, tree, enterprise)
        assert AuditEvent.objects.count() > audits
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user, tree, enterprise)
        assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("place", ["e1", "e2"])
@pytest.mark.parametrize("role", ROLES)
def test_visibility_matrix(tree, role, place):
    enterprise = _enterprise(tree, place)
    v = visit(enterprise, TODAY)
    up = follow_up(v, TODAY)
    a = assignment(enterprise, cadre=tree.district_staff)
    user = getattr(tree, role)
    visible = role in MAY_VIEW[place]
    assert LiaisonVisit.objects.visible_to(user).filter(pk=v.pk).exists() == visible
    assert LiaisonFollowUp.objects.visible_to(user).filter(pk=up.pk).exists() == visible
    assert LiaisonAssignment.objects.visible_to(user).filter(pk=a.pk).exists() == visible
    client = Client()
    client.force_login(user)
    detail = client.get(reverse("grassroots:liaison_visit_detail", args=[v.pk]))
    assert detail.status_code == (200 if visible else 404)
    api = api_as(user)
    assert api.get(f"/liaison-visits/{v.pk}").status_code == (200 if visible else 404)
    assert api.get(f"/liaison-assignments/{a.pk}").status_code == (200 if visible else 404)
    # a write: allowed, visible but not allowed (403), or out of scope (404) — pages and API alike
    expected = 302 if role in MAY_LIAISE[place] else (403 if visible else 404)
    page = client.post(reverse("grassroots:liaison_follow_up_add", args=[v.pk]),
                       {"action": "复查", "due_on": TODAY.isoformat(), "owner_name": "甲"})
    assert page.status_code == expected
    expected_api = 200 if role in MAY_LIAISE[place] else (403 if visible else 404)
    r = api.post(f"/liaison-assignments/{a.pk}/end", {"ends_on": (TODAY + datetime.timedelta(days=0)).isoformat()})
    assert r.status_code == expected_api
