"""Builders for the event tests (other areas' tests may import them): events written with the ORM
and members registered through the services."""

import datetime
import itertools

from django.utils import timezone

from gonghui.services.models.events import Event, EventKind, EventStatus
from gonghui.services.services import events as services

_n = itertools.count(1)


def event(tree, *, org=None, capacity=2, waitlist_limit=2, status=EventStatus.PUBLISHED, starts_in_days=10,
          hours=3, **extra) -> Event:
    """A PUBLISHED event of town1 (or `org`) starting in `starts_in_days` days."""
    org = org or tree.town1
    starts = timezone.now() + datetime.timedelta(days=starts_in_days)
    return Event.objects.create(
        org=org, town=None if org.level == "DISTRICT" else org.town(), kind=extra.pop("kind", EventKind.SPORTS),
        title=extra.pop("title", f"职工趣味运动会{next(_n)}"), place=extra.pop("place", "街道文体中心"),
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours), capacity=capacity,
        waitlist_limit=waitlist_limit, status=status, **extra)


def people(tree, n, union=None):
    return [tree.member(union=union or tree.union1).person for _ in range(n)]


def registered(tree, e, person=None, *, union=None):
    """`person` (default: a new union1 member) registered by the district staff."""
    person = person or tree.member(union=union or tree.union1).person
    return services.register(actor=tree.district_staff, event=e, person=person)


def linked_member(tree):
    """member_user's own person (a live union1 member)."""
    person = tree.member().person
    person.account = tree.member_user
    person.save(update_fields=["account"])
    return person
