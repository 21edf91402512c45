"""Permission matrix at the service level: role × action × in/out of scope. Those who may act
change the record and leave an audit row in the union's name; everyone else gets PermissionDenied
and nothing changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.congress.models import AgendaItem, BodyStatus, CongressBody, Delegate, Session, SessionStatus
from gonghui.congress.services import bodies, sessions
from gonghui.congress.services.bodies import DelegateInput
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.models import AuditEvent

D = datetime.date
pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
MAY_ACT = {
    "union1": {"district_staff", "town1_cadre", "union1_chair", "union1_staff"},
    "union2": {"district_staff", "town2_cadre", "union2_chair"},
}


def _world(tree, place):
    org = tree.union1 if place == "union1" else tree.union2
    body = congress_body(org=org, headcount=150)
    delegates(body, count=30)
    s = session(body, planned_on=D(2026, 3, 20), papers_sent_on=D(2026, 3, 10))
    return body, s


def _state():
    return (CongressBody.objects.count(), list(CongressBody.objects.values_list("status", flat=True)),
            Delegate.objects.count(), Delegate.objects.filter(ended_on__isnull=False).count(),
            AgendaItem.objects.count(), list(Session.objects.values_list("status", "title")))


ACTIONS = {
    "constitute_next": lambda u, b, s: bodies.constitute_next_term(actor=u, body=b, term_starts_on=D(2026, 2, 1),
                                                                   term_years=3),
    "add_delegate": lambda u, b, s: bodies.add_delegate(actor=u, body=b, data=DelegateInput(
        name="新代表", category="FRONT_LINE", elected_on=D(2025, 2, 1))),
    "end_delegate": lambda u, b, s: bodies.end_delegate(actor=u, delegate=b.delegates.first(), ended_on=D(2026, 2, 1),
                                                        reason="调离"),
    "plan": lambda u, b, s: sessions.plan_session(actor=u, body=b, title="二次会议", planned_on=D(2026, 9, 1)),
    "agenda": lambda u, b, s: sessions.add_agenda_item(actor=u, session=s, kind="OTHER", title="议题"),
    "held": lambda u, b, s: sessions.record_held(actor=u, session=s, held_on=D(2026, 3, 20), present=25),
    "cancel": lambda u, b, s: sessions.cancel_session(actor=u, session=s, reason="停"),
}


@pytest.mark.parametrize("place", ["union1", "union2"])
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(tree, role, action, place):
    body, s = _world(tree, place)
    if action == "constitute_next":  # a planned session would block ending the term
        Session.objects.filter(pk=s.pk).update(status=SessionStatus.CANCELLED, cancel_reason="x")
    user = getattr(tree, role)
    before, events = _state(), AuditEvent.objects.count()
    if role in MAY_ACT[place]:
        ACTIONS[action](user, body, s)
        assert _state() != before
        event = AuditEvent.objects.order_by("-id").first()
        assert event.actor_id == user.pk and event.org_id == body.org_id and event.action.startswith("congress.")
        if action == "constitute_next":
            assert CongressBody.objects.get(pk=body.pk).status == BodyStatus.ENDED
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](user, body, s)
        assert _state() == before
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", ROLES)
def test_visibility(tree, role):
    body1, _s1 = _world(tree, "union1")
    body2, _s2 = _world(tree, "union2")
    visible = set(CongressBody.objects.visible_to(getattr(tree, role)).values_list("pk", flat=True))
    expected = set()
    if role in MAY_ACT["union1"]:
        expected.add(body1.pk)
    if role in MAY_ACT["union2"]:
        expected.add(body2.pk)
    assert visible == expected
