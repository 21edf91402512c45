"""seed_demo's events (core.demo.services.events) at small scale: rows the services could have
written — places within capacity, waiting lists numbered 1, 2, 3… without gaps, one live place per
person and event, check-ins only on places — in several towns including 城厢 and 北干, member1's
places, and the demo accounts see them."""

import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.members.models import Person
from gonghui.services.models.events import Event, Registration

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


@pytest.fixture
def seeded():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    return {u.username: u for u in User.objects.all()}


def test_demo_events_follow_the_rules_and_the_accounts_see_them(seeded):
    events = list(Event.objects.select_related("town"))
    assert {e.status for e in events} >= {"DRAFT", "PUBLISHED", "CLOSED", "FINISHED", "CANCELLED"}
    town_names = " ".join(f"{e.town.name}{e.town.short_name}" for e in events if e.town)
    assert "城厢街道" in town_names and "北干街道" in town_names
    assert len({e.town_id for e in events if e.town_id}) >= 3
    by_event = defaultdict(list)
    for x in Registration.objects.all():
        by_event[x.event_id].append(x)
    capacity = {e.pk: e.capacity for e in events}
    assert any(x.status == "WAITLISTED" for rows in by_event.values() for x in rows)
    assert any(x.checked_in_at for rows in by_event.values() for x in rows)
    for event_id, rows in by_event.items():
        assert sum(1 for x in rows if x.status == "REGISTERED") <= capacity[event_id]
        places = sorted(x.waitlist_position for x in rows if x.status == "WAITLISTED")
        assert places == list(range(1, len(places) + 1))
        live = [x.person_id for x in rows if x.status != "CANCELLED"]
        assert len(live) == len(set(live))
        assert all(x.status == "REGISTERED" for x in rows if x.checked_in_at)
    web = Client()
    for name in ("town1", "town2", "union1"):
        web.force_login(seeded[name])
        assert web.get(reverse("services:registration_list")).context["page"].count > 0, name
    web.force_login(seeded["town1"])
    assert web.get(reverse("services:event_list")).context["page"].count > 0
    r = web.get(reverse("services:event_stats"))
    assert r.status_code == 200 and r.context["stats"].total.registrations > 0
    member = Person.objects.filter(account=seeded["member1"]).first()
    assert member is not None and Registration.objects.filter(person=member).exists()
    web.force_login(seeded["member1"])
    r = web.get(reverse("services:my_events"))
    assert r.status_code == 200 and r.context["mine"]
