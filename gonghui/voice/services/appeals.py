"""The write layer of the `appeals` area: how an appeal is numbered, routed and timed (shared
with `intake`, which creates appeals), and every handling step (dispatch, transfer, accept, note,
reply, escalate, close). Each step runs in one transaction, locks the appeal row, writes an
`AppealEvent` and an audit row.

The first functions (`next_number`, `start_clock`, `route`, `add_event`) are the contract the
`intake` area builds on: keep their signatures.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.core import workdays
from gonghui.orgs.models import Org, OrgLevel

from ..models.appeals import Appeal, AppealCounter, AppealEvent
from ..rules.appeals import category_rule, rules


def today() -> datetime.date:
    return timezone.localdate()


def next_number(year: int) -> str:
    """SQ2026-000001…: the year's counter row locked FOR UPDATE (call inside a transaction)."""
    counter = AppealCounter.objects.select_for_update().filter(year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                AppealCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass
        counter = AppealCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    prefix = f"{rules().number_prefix}{year}-"
    while Appeal.objects.filter(number=f"{prefix}{counter.last:06d}").exists():
        counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}{counter.last:06d}"


def due_on_for(category: str, start: datetime.date) -> datetime.date:
    """The due date: `time_limit_days` working days after `start` (core.workdays: weekends,
    holidays and 调休 working days of the override table)."""
    return workdays.add_working_days(start, category_rule(category).time_limit_days)


def start_clock(appeal: Appeal, start: datetime.date) -> None:
    """Set (or restart) the clock on an unsaved or locked appeal; the caller saves."""
    appeal.clock_started_on = start
    appeal.due_on = due_on_for(appeal.category, start)


def town_of(org: Org) -> Org | None:
    """The town or platform the org sits in (itself when it is one); None above town level."""
    if org.level in (OrgLevel.DISTRICT,):
        return None
    return org.town()


def route(*, enterprise=None, person=None, fallback: Org) -> Org:
    """Who handles a new appeal: the union of the worker's enterprise; when that enterprise has
    no union, its town (the town's joint union work is the town's); a member without an
    enterprise named goes to their current union; else `fallback` (the district, which
    dispatches by hand)."""
    if enterprise is not None:
        if enterprise.union_id and enterprise.union.is_active:
            return enterprise.union
        return enterprise.town
    if person is not None:
        from gonghui.members.models import Membership, MembershipStatus

        membership = (Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE)
                      .select_related("union").order_by("-joined_on").first())
        if membership is not None:
            return membership.union
    return fallback


def add_event(appeal: Appeal, kind: str, *, public: bool, text: str = "", actor=None, actor_org=None,
              from_org=None, to_org=None) -> AppealEvent:
    """One line of the appeal's history (the worker sees it when `public`)."""
    return AppealEvent.objects.create(appeal=appeal, kind=kind, public=public, text=text, actor=actor,
                                      actor_org=actor_org, from_org=from_org, to_org=to_org)
