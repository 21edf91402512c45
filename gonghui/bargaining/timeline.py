"""The statutory timeline of one negotiation, computed from the dates it records.

`steps(agreement)` lists every step with its due date (on the Chinese working-day calendar where
the rule counts working days), when it was done, and whether it is overdue or due soon.
`next_due(agreement)` is the earliest step still open; services copy it to the row.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core import workdays

from .models import CONCLUDED_STAGES, IN_FORCE_STAGES, Stage, StepCode
from .rules import rules

# The step codes and their labels live with the model (`next_step` holds them).
STEP_LABELS = dict(StepCode.choices)

STEP_RULES = {
    StepCode.REPLY: _("within %(n)s days of receiving the offer"),
    StepCode.DATA: _("%(n)s working days before the first meeting"),
    StepCode.TALKS: _("within %(n)s working days of the reply"),
    StepCode.FILE: _("within %(n)s days of signing"),
    StepCode.EFFECTIVE: _("%(n)s days after filing, unless the bureau objects"),
    StepCode.PUBLISH: _("within %(n)s days of taking effect"),
    StepCode.RENEWAL: _("in the last %(n)s days before expiry"),
}


class StepState:
    DONE = "done"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    WAITING = "waiting"      # has a due date, not yet near
    PENDING = "pending"      # no due date yet (depends on an earlier step)
    SKIPPED = "skipped"      # cancelled negotiation


@dataclass(frozen=True)
class Step:
    code: str
    due_on: datetime.date | None
    done_on: datetime.date | None
    state: str
    provisional: bool = False  # the due date relied on a Monday–Friday estimate
    rule_n: int | None = None

    @property
    def label(self):
        return STEP_LABELS[self.code]

    @property
    def rule(self):
        text = STEP_RULES.get(self.code)
        return text % {"n": self.rule_n} if text and self.rule_n is not None else ""

    @property
    def done_late(self):
        return bool(self.done_on and self.due_on and self.done_on > self.due_on)


def today() -> datetime.date:
    return timezone.localdate()


def _first_round_on(agreement, rounds=None):
    if rounds is None:
        rounds = list(agreement.rounds.all())
    return min((r.held_on for r in rounds), default=None)


def approved_on(agreement, votes=None):
    """The day the current draft was approved: a passing vote after any bureau objection (an
    objection voids the draft approved before it)."""
    if votes is None:
        votes = list(agreement.votes.all())
    since = agreement.objection_on
    return max((v.held_on for v in votes if v.passed and (since is None or v.held_on >= since)), default=None)


def effective_date(filed_on: datetime.date) -> datetime.date:
    """The day a filed agreement takes effect: the day after the bureau's objection period
    (filed + 1 … filed + 15), so an objection on the 15th day is still in time."""
    return workdays.add_days(filed_on, rules().objection_days + 1)


def due_dates(agreement) -> dict[str, tuple[datetime.date | None, bool]]:
    """Due date of each step with a statutory limit, and whether it is a working-day estimate."""
    r = rules()
    due: dict[str, tuple[datetime.date | None, bool]] = {}
    due[StepCode.REPLY] = (workdays.add_days(agreement.offer_received_on, r.reply_days), False)
    if agreement.replied_on:
        talks = workdays.add_working_days(agreement.replied_on, r.talks_working_days)
        due[StepCode.TALKS] = (talks, workdays.is_provisional(agreement.replied_on, talks))
    if agreement.first_meeting_on:
        data = workdays.add_working_days(agreement.first_meeting_on, -r.data_working_days_before)
        due[StepCode.DATA] = (data, workdays.is_provisional(data, agreement.first_meeting_on))
    if agreement.signed_on:
        due[StepCode.FILE] = (workdays.add_days(agreement.signed_on, r.filing_days), False)
    if agreement.filed_on:
        due[StepCode.EFFECTIVE] = (effective_date(agreement.filed_on), False)
    if agreement.effective_on:
        due[StepCode.PUBLISH] = (workdays.add_days(agreement.effective_on, r.publish_days), False)
    if agreement.ends_on:
        # The renewal offer is made in the last `renewal_days_before` days of the term: the window
        # opens then (the due page lists it as expiring) and closes on the last day of the term.
        due[StepCode.RENEWAL] = (agreement.ends_on, False)
    return due


RULE_NUMBERS = {
    StepCode.REPLY: "reply_days", StepCode.TALKS: "talks_working_days",
    StepCode.DATA: "data_working_days_before", StepCode.FILE: "filing_days",
    StepCode.EFFECTIVE: "objection_days", StepCode.PUBLISH: "publish_days",
    StepCode.RENEWAL: "renewal_days_before",
}


def _done_dates(agreement, rounds, votes, has_renewal):
    return {
        StepCode.OFFER: agreement.offered_on,
        StepCode.REPLY: agreement.replied_on,
        StepCode.DATA: agreement.data_provided_on,
        StepCode.TALKS: _first_round_on(agreement, rounds),
        StepCode.VOTE: approved_on(agreement, votes),
        StepCode.SIGN: agreement.signed_on,
        StepCode.FILE: agreement.filed_on,
        StepCode.EFFECTIVE: agreement.effective_on,
        StepCode.PUBLISH: agreement.published_on,
        StepCode.RENEWAL: has_renewal,
    }


ORDER = (StepCode.OFFER, StepCode.REPLY, StepCode.DATA, StepCode.TALKS, StepCode.VOTE, StepCode.SIGN,
         StepCode.FILE, StepCode.EFFECTIVE, StepCode.PUBLISH, StepCode.RENEWAL)
BEFORE_SIGNING = ORDER[:ORDER.index(StepCode.SIGN)]


# Pass as `renewal_offered_on` when the caller already knows there is no renewal (no query).
NO_RENEWAL = object()


def steps(agreement, *, on=None, rounds=None, votes=None, renewal_offered_on=None) -> list[Step]:
    """Every step, in order. Pass `rounds`/`votes`/`renewal_offered_on` when already loaded."""
    on = on or today()
    soon = workdays.add_working_days(on, rules().remind_working_days)
    if renewal_offered_on is NO_RENEWAL:
        renewal_offered_on = None
    elif renewal_offered_on is None and agreement.pk:
        renewal = agreement.renewals.exclude(stage=Stage.CANCELLED).order_by("offered_on").first()
        renewal_offered_on = renewal.offered_on if renewal else None
    done = _done_dates(agreement, rounds, votes, renewal_offered_on)
    due = due_dates(agreement)
    cancelled = agreement.stage == Stage.CANCELLED
    # A concluded agreement imported from old records may lack the dates before signing: those
    # steps are not open any more (skipped), not overdue.
    concluded = agreement.stage in CONCLUDED_STAGES
    result = []
    for code in ORDER:
        due_on, provisional = due.get(code, (None, False))
        done_on = done[code]
        if code == StepCode.RENEWAL and not done_on and agreement.stage not in IN_FORCE_STAGES:
            due_on = None  # renewal matters only for an agreement in force
        if done_on:
            state = StepState.DONE
        elif cancelled or (concluded and code in BEFORE_SIGNING):
            state = StepState.SKIPPED
        elif due_on is None:
            state = StepState.PENDING
        elif due_on < on:
            state = StepState.OVERDUE
        elif due_on <= soon:
            state = StepState.DUE_SOON
        else:
            state = StepState.WAITING
        n = getattr(rules(), RULE_NUMBERS[code]) if code in RULE_NUMBERS else None
        result.append(Step(code, due_on, done_on, state, provisional, n))
    return result


# Taking effect needs nobody to act: the daily job records it when the objection period ends.
NOT_REMINDED = (StepCode.EFFECTIVE,)


def next_due(agreement, **loaded) -> tuple[str, datetime.date | None]:
    """The open step with the earliest due date: what the due-soon page and reminders follow.
    Data exchange is skipped once talks have begun (it can no longer be on time or late)."""
    if agreement.stage == Stage.CANCELLED:
        return "", None
    on = loaded.get("on") or today()
    all_steps = {s.code: s for s in steps(agreement, **loaded)}
    talks_begun = all_steps[StepCode.TALKS].state == StepState.DONE
    open_steps = [s for s in all_steps.values()
                  if s.state in (StepState.OVERDUE, StepState.DUE_SOON, StepState.WAITING)
                  and s.code not in NOT_REMINDED and not (s.code == StepCode.DATA and talks_begun)
                  and not (s.code == StepCode.RENEWAL and s.due_on < on)]  # expired: no longer a deadline
    if not open_steps:
        return "", None
    first = min(open_steps, key=lambda s: s.due_on)
    return first.code, first.due_on
