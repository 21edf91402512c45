"""Review fixes of sessions: the entitled number of a congress cannot be lowered below the roll
to meet the quorum (or the majority) with fewer delegates."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from gonghui.congress.models import Session, SessionStatus
from gonghui.congress.services import sessions as services
from gonghui.congress.testing import congress_body, delegates, session
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.api import api_as

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def planned(tree):
    body = congress_body(org=tree.union1, headcount=150)
    delegates(body, count=30, substitutes=3)
    return session(body, planned_on=D(2026, 3, 20), papers_sent_on=D(2026, 3, 13))


def _unchanged(s):
    s.refresh_from_db()
    assert (s.status, s.entitled, s.present) == (SessionStatus.PLANNED, None, None)
    assert not AuditEvent.objects.filter(action="congress.session_held").exists()


def test_an_entitled_number_below_the_roll_cannot_make_a_quorum(tree, planned):
    """14 of the 30 on the roll is no quorum; calling them 14 of 20 must not make one."""
    with pytest.raises(DomainError) as err:
        services.record_held(actor=tree.union1_chair, session=planned, held_on=D(2026, 3, 20), present=14,
                             entitled=20)
    assert (err.value.code, err.value.field) == ("entitled_below_roll", "entitled")
    assert "20 entitled to attend is fewer than the 30 delegates on the roll" in err.value.text
    _unchanged(planned)


def test_an_entitled_number_above_the_roll_is_taken(tree, planned):
    held = services.record_held(actor=tree.union1_chair, session=planned, held_on=D(2026, 3, 20), present=30,
                                entitled=40)
    assert (held.entitled, held.present) == (40, 30)


def test_an_all_staff_meeting_keeps_its_own_entitled_number(tree):
    body = congress_body(org=tree.union1, headcount=60)
    s = session(body, planned_on=D(2026, 3, 20), papers_sent_on=D(2026, 3, 13))
    held = services.record_held(actor=tree.union1_chair, session=s, held_on=D(2026, 3, 20), present=40, entitled=55)
    assert held.entitled == 55


def test_the_page_refuses_an_entitled_number_below_the_roll(tree, planned, client):
    client.force_login(tree.union1_chair)
    response = client.post(reverse("congress:session_step", args=[planned.pk, "held"]),
                           {"held_on": "2026-03-20", "entitled": 20, "present": 14})
    assert response.status_code == 200
    assert "fewer than the 30 delegates on the roll" in response.content.decode()
    _unchanged(planned)


def test_the_api_refuses_an_entitled_number_below_the_roll(tree, planned):
    response = api_as(tree.union1_chair).post(f"/congress-sessions/{planned.pk}/held",
                                              {"held_on": "2026-03-20", "entitled": 20, "present": 14})
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("entitled_below_roll", "entitled")
    assert Session.objects.get(pk=planned.pk).status == SessionStatus.PLANNED
