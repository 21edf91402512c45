"""Every write of congress sessions and their agendas: plan, agenda, papers sent, held (with the
quorum), votes per item, report to the upper union, cancel. Atomic, `congress.change` on the
union's subtree, the session locked, audited as `congress.<verb>`.

Status: PLANNED → HELD → REPORTED, or PLANNED → CANCELLED. A step the status does not allow is
refused with the code `wrong_stage` (409 in the API).

Papers (a choice documented in docs/congress-bodies.md): papers must reach the delegates 7 days
before the session (`deadlines.papers_in_time`). Recording a session as held whose papers were
late, or not recorded as sent, needs the reason for it (`papers_late_reason`), which is kept on
the session and shown with it; without one the step is refused.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gonghui.accounts.selectors import chairs_and_town_cadres
from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require

from .. import deadlines
from .. import rules as congress_rules
from ..models import AgendaItem, AgendaKind, BodyKind, BodyStatus, Session, SessionStatus
from ..policies import CHANGE
from .bodies import MAX_HEADCOUNT, current_delegates, today

# Agenda items of one session: more is a typing error.
MAX_AGENDA_ITEMS = 50


def _locked(session):
    return lock_one(Session, session.pk)


def _require_status(session, *statuses):
    if session.status not in statuses:
        raise DomainError(_("This cannot be recorded now: the session is “%(status)s”.")
                          % {"status": session.get_status_display()}, code="wrong_stage")


def _not_future(day, field, label):
    if day and day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)


def _save_with_audit(*, actor, session, before, action, extra=None):
    session.full_clean(validate_constraints=False)
    session.save()
    old, new = audit.changed(before, audit.snapshot(session))
    if extra:
        new = {**new, **extra}
    audit.record(actor=actor, action=action, obj=session, org=session.org, before=old, after=new)
    return session


def _check_title(title, field="title", limit=120):
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give a title."), code="title_required", field=field)
    if len(title) > limit:
        raise DomainError(_("The title is longer than %(n)s characters.") % {"n": limit}, code="title_length",
                          field=field)
    return title


# --- planning -------------------------------------------------------------------------------------

@transaction.atomic
def plan_session(*, actor, body, title, planned_on, venue="") -> Session:
    """Plan the next session of a current term; its number follows the term's last one."""
    from .bodies import _locked as lock_body

    require(actor, CHANGE, body.org)
    body = lock_body(body)  # two sessions planned at once get consecutive numbers
    if body.status != BodyStatus.ACTIVE:
        raise DomainError(_("This congress term has ended; plan the session in the current term."),
                          code="wrong_stage")
    if planned_on < body.term_starts_on or planned_on > body.term_ends_on:
        raise DomainError(_("The session must fall within the term (%(start)s – %(end)s).")
                          % {"start": body.term_starts_on.isoformat(), "end": body.term_ends_on.isoformat()},
                          code="date_order", field="planned_on")
    number = (body.sessions.aggregate(n=Max("number"))["n"] or 0) + 1
    session = Session(org=body.org, body=body, number=number, title=_check_title(title), planned_on=planned_on,
                      venue=(venue or "").strip()[:120])
    session.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        raise DomainError(_("Another session was planned at the same time; try again."), code="wrong_stage") from exc
    audit.record(actor=actor, action="congress.session_plan", obj=session, org=session.org,
                 after={k: v for k, v in audit.snapshot(session).items() if v not in (None, "")})
    return session


@transaction.atomic
def update_session(*, actor, session, title, planned_on, venue="") -> Session:
    require(actor, CHANGE, session.org)
    session = _locked(session)
    _require_status(session, SessionStatus.PLANNED)
    body = session.body
    if planned_on < body.term_starts_on or planned_on > body.term_ends_on:
        raise DomainError(_("The session must fall within the term (%(start)s – %(end)s).")
                          % {"start": body.term_starts_on.isoformat(), "end": body.term_ends_on.isoformat()},
                          code="date_order", field="planned_on")
    before = audit.snapshot(session)
    session.title, session.planned_on, session.venue = _check_title(title), planned_on, (venue or "").strip()[:120]
    return _save_with_audit(actor=actor, session=session, before=before, action="congress.session_edit")


# --- agenda ---------------------------------------------------------------------------------------

def _agenda_snapshot(session):
    return "; ".join(f"{item.position}. {item.title}" for item in session.agenda_items.order_by("position"))


def _check_kind(kind):
    if kind not in AgendaKind.values:
        raise DomainError(_("Choose the kind of item."), code="kind", field="kind")


def _agenda_audit(actor, session, before):
    audit.record(actor=actor, action="congress.agenda", obj=session, org=session.org,
                 before={"agenda": before}, after={"agenda": _agenda_snapshot(session)})


@transaction.atomic
def add_agenda_item(*, actor, session, kind, title, requires_vote=True) -> AgendaItem:
    require(actor, CHANGE, session.org)
    session = _locked(session)
    _require_status(session, SessionStatus.PLANNED)
    _check_kind(kind)
    before = _agenda_snapshot(session)
    count = session.agenda_items.count()
    if count >= MAX_AGENDA_ITEMS:
        raise DomainError(_("A session has at most %(n)s agenda items.") % {"n": MAX_AGENDA_ITEMS},
                          code="too_many", field="title")
    position = (session.agenda_items.aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem.objects.create(session=session, position=position, kind=kind,
                                     title=_check_title(title, limit=200), requires_vote=bool(requires_vote))
    _agenda_audit(actor, session, before)
    return item


def _locked_item(item):
    session = _locked(item.session)
    return session, lock_one(AgendaItem, item.pk)


@transaction.atomic
def update_agenda_item(*, actor, item, kind, title, requires_vote) -> AgendaItem:
    require(actor, CHANGE, item.session.org)
    session, item = _locked_item(item)
    _require_status(session, SessionStatus.PLANNED)
    _check_kind(kind)
    before = _agenda_snapshot(session)
    item.kind, item.title, item.requires_vote = kind, _check_title(title, limit=200), bool(requires_vote)
    item.save(update_fields=["kind", "title", "requires_vote"])
    label = f"{item.position}. {item.title} ({item.get_kind_display()})"
    audit.record(actor=actor, action="congress.agenda", obj=session, org=session.org,
                 before={"agenda": before}, after={"agenda": _agenda_snapshot(session), "item": label})
    return item


@transaction.atomic
def remove_agenda_item(*, actor, item) -> Session:
    require(actor, CHANGE, item.session.org)
    session, item = _locked_item(item)
    _require_status(session, SessionStatus.PLANNED)
    before = _agenda_snapshot(session)
    position = item.position
    item.delete()
    # Close the gap one row at a time, lowest first: each moves into the slot just freed.
    for later in session.agenda_items.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])
    _agenda_audit(actor, session, before)
    return session


@transaction.atomic
def move_agenda_item(*, actor, item, direction) -> Session:
    """Swap an item with its neighbour above ("up") or below ("down")."""
    require(actor, CHANGE, item.session.org)
    session, item = _locked_item(item)
    _require_status(session, SessionStatus.PLANNED)
    items = session.agenda_items.order_by("position")
    neighbour = (items.filter(position__lt=item.position).last() if direction == "up"
                 else items.filter(position__gt=item.position).first())
    if neighbour is None:
        return session
    before = _agenda_snapshot(session)
    mine, theirs = item.position, neighbour.position
    item.position = 0  # a free slot (positions start at 1) while the two swap
    item.save(update_fields=["position"])
    neighbour.position = mine
    neighbour.save(update_fields=["position"])
    item.position = theirs
    item.save(update_fields=["position"])
    _agenda_audit(actor, session, before)
    return session


# --- papers, held, votes, report, cancel ----------------------------------------------------------

@transaction.atomic
def record_papers_sent(*, actor, session, papers_sent_on) -> Session:
    """The papers (reports, drafts to vote on) reached the delegates. Late papers are not refused
    here: the session is then recorded as held only with the reason."""
    require(actor, CHANGE, session.org)
    session = _locked(session)
    _require_status(session, SessionStatus.PLANNED)
    _not_future(papers_sent_on, "papers_sent_on", _("The date the papers were sent"))
    if papers_sent_on < session.body.term_starts_on:
        raise DomainError(_("The papers date is before the term began."), code="date_order", field="papers_sent_on")
    before = audit.snapshot(session)
    session.papers_sent_on = papers_sent_on
    return _save_with_audit(actor=actor, session=session, before=before, action="congress.papers_sent")


def default_entitled(session, held_on) -> int:
    """Delegates (not substitutes) on the roll that day; the staff for an all-staff meeting."""
    body = session.body
    if body.kind == BodyKind.ALL_STAFF:
        return body.enterprise.headcount or body.headcount
    return current_delegates(body, on=held_on).count()


def papers_problem(session, held_on) -> str:
    """Why the papers were not in time for a session held on `held_on` ("" when they were)."""
    if deadlines.papers_in_time(session.papers_sent_on, held_on):
        return ""
    deadline = deadlines.papers_deadline(held_on).isoformat()
    if session.papers_sent_on is None:
        return _("No date is recorded for sending the papers; they had to reach the delegates by %(deadline)s "
                 "(%(days)s days before).") % {"deadline": deadline, "days": congress_rules.rules().papers_days_before}
    return _("The papers were sent on %(sent)s; they had to reach the delegates by %(deadline)s "
             "(%(days)s days before).") % {"sent": session.papers_sent_on.isoformat(), "deadline": deadline,
                                            "days": congress_rules.rules().papers_days_before}


def _check_entitled_not_below_roll(body, entitled, on_roll):
    """A congress's entitled number may exceed its roll (a roll not fully kept in the system) but
    never fall below the delegates seated that day: the quorum and "> half of ALL" are counted
    against it, so a smaller number would let an inquorate session pass its motions."""
    if body.kind == BodyKind.CONGRESS and entitled < on_roll:
        raise DomainError(_("%(entitled)s entitled to attend is fewer than the %(seated)s delegates on the roll that "
                            "day; the quorum and the majority are counted against all of them.")
                          % {"entitled": entitled, "seated": on_roll}, code="entitled_below_roll", field="entitled")


@transaction.atomic
def record_held(*, actor, session, held_on, present, entitled=None, resolutions="",
                papers_late_reason="") -> Session:
    """The session took place: attendance against the quorum (two thirds of those entitled), the
    report to the upper union due 7 working days later."""
    require(actor, CHANGE, session.org)
    session = _locked(session)
    _require_status(session, SessionStatus.PLANNED)
    body = session.body
    _not_future(held_on, "held_on", _("The session date"))
    if held_on < body.term_starts_on or held_on > body.term_ends_on:
        raise DomainError(_("The session must fall within the term (%(start)s – %(end)s).")
                          % {"start": body.term_starts_on.isoformat(), "end": body.term_ends_on.isoformat()},
                          code="date_order", field="held_on")
    if session.papers_sent_on and session.papers_sent_on > held_on:
        raise DomainError(_("The papers were sent on %(sent)s, after this date.")
                          % {"sent": session.papers_sent_on.isoformat()}, code="date_order", field="held_on")
    late = papers_problem(session, held_on)
    reason = (papers_late_reason or "").strip()
    if late and not reason:
        raise DomainError(late + " " + _("Give the reason the papers were late to record the session as held."),
                          code="papers_late", field="papers_late_reason")
    on_roll = default_entitled(session, held_on)
    entitled = on_roll if entitled is None else entitled
    _check_entitled_not_below_roll(body, entitled, on_roll)
    if entitled < 1:
        raise DomainError(_("No one is entitled to attend: add the delegates to the roll first."),
                          code="no_delegates", field="entitled")
    if entitled > MAX_HEADCOUNT or present > MAX_HEADCOUNT:
        raise DomainError(_("That is not a plausible number."), code="count_range", field="present")
    if present < 0:
        raise DomainError(_("The number present cannot be negative."), code="count_range", field="present")
    if present > entitled:
        raise DomainError(_("%(present)s present is more than the %(entitled)s entitled to attend.")
                          % {"present": present, "entitled": entitled}, code="present_over_entitled",
                          field="present")
    if not congress_rules.quorum_met(present, entitled):
        raise DomainError(_("%(present)s of %(entitled)s present; at least %(needed)s (two thirds) must attend for "
                            "the session to be valid. It cannot be recorded as held.")
                          % {"present": present, "entitled": entitled,
                             "needed": congress_rules.quorum_needed(entitled)}, code="no_quorum", field="present")
    before = audit.snapshot(session)
    session.held_on, session.present, session.entitled = held_on, present, entitled
    session.papers_late_reason = reason[:200] if late else ""
    session.resolutions = (resolutions or "").strip()
    session.report_due_on = deadlines.report_due(held_on)
    session.status = SessionStatus.HELD
    return _save_with_audit(actor=actor, session=session, before=before, action="congress.session_held")


@dataclass(frozen=True)
class VoteInput:
    item_id: int
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None
    resolution: str = ""


def _votes_summary(item):
    if item.votes_for is None:
        return f"{item.position}. {item.title}"
    result = _("passed") if item.passed else _("not passed")
    return (f"{item.position}. {item.title}: {item.votes_for}/{item.votes_against}/{item.abstentions} "
            f"({result})")


@transaction.atomic
def record_votes(*, actor, session, votes: list[VoteInput], resolutions=None) -> Session:
    """Counts for / against / abstaining per item put to the vote (their sum at most those
    present); an item passes with MORE THAN HALF OF ALL entitled, not of those present."""
    require(actor, CHANGE, session.org)
    session = _locked(session)
    _require_status(session, SessionStatus.HELD)
    items = {item.pk: item for item in session.agenda_items.select_for_update().order_by("position")}
    seen = set()
    for vote in votes:
        item = items.get(vote.item_id)
        if item is None:
            raise DomainError(_("Agenda item %(id)s is not on this session's agenda.") % {"id": vote.item_id},
                              code="unknown_item", field="votes")
        if item.pk in seen:
            raise DomainError(_("Item %(n)s is listed twice.") % {"n": item.position}, code="item_twice",
                              field="votes")
        seen.add(item.pk)
        _apply_vote(session, item, vote)
    before = audit.snapshot(session)
    if resolutions is not None:
        session.resolutions = resolutions.strip()
    for item in items.values():
        if item.pk in seen:
            item.save(update_fields=["votes_for", "votes_against", "abstentions", "passed", "resolution"])
    session.full_clean(validate_constraints=False)
    session.save()
    old, new = audit.changed(before, audit.snapshot(session))
    new["votes"] = "; ".join(_votes_summary(items[pk]) for pk in items if pk in seen)
    audit.record(actor=actor, action="congress.votes", obj=session, org=session.org, before=old, after=new)
    return session


def _apply_vote(session, item, vote: VoteInput):
    where = _("Item %(n)s (%(title)s): ") % {"n": item.position, "title": item.title}
    item.resolution = (vote.resolution or "").strip()
    counts = (vote.votes_for, vote.votes_against, vote.abstentions)
    if not item.requires_vote:
        if any(c is not None for c in counts):
            raise DomainError(where + _("this item is not put to the vote; leave the counts empty."),
                              code="no_vote_item", field="votes")
        return
    if any(c is None for c in counts):
        raise DomainError(where + _("give the votes for, against and abstaining (0 when none)."),
                          code="votes_missing", field="votes")
    if any(c < 0 for c in counts):
        raise DomainError(where + _("a count cannot be negative."), code="count_range", field="votes")
    total = sum(counts)
    if total > session.present:
        raise DomainError(where + _("%(total)s votes cast is more than the %(present)s present.")
                          % {"total": total, "present": session.present}, code="votes_over_present", field="votes")
    item.votes_for, item.votes_against, item.abstentions = counts
    item.passed = congress_rules.motion_passes(vote.votes_for, session.entitled)


@transaction.atomic
def record_reported(*, actor, session, reported_on) -> Session:
    """The results went to the upper union (due within 7 working days of the session)."""
    require(actor, CHANGE, session.org)
    session = _locked(session)
    _require_status(session, SessionStatus.HELD)
    _not_future(reported_on, "reported_on", _("The report date"))
    if reported_on < session.held_on:
        raise DomainError(_("The report date is before the session (%(date)s).")
                          % {"date": session.held_on.isoformat()}, code="date_order", field="reported_on")
    unvoted = session.agenda_items.filter(requires_vote=True, votes_for__isnull=True).order_by("position").first()
    if unvoted is not None:
        raise DomainError(_("Record the vote on item %(n)s (%(title)s) before reporting the results.")
                          % {"n": unvoted.position, "title": unvoted.title}, code="votes_missing",
                          field="reported_on")
    before = audit.snapshot(session)
    session.reported_on = reported_on
    session.status = SessionStatus.REPORTED
    return _save_with_audit(actor=actor, session=session, before=before, action="congress.session_reported")


@transaction.atomic
def cancel_session(*, actor, session, reason) -> Session:
    require(actor, CHANGE, session.org)
    session = _locked(session)
    _require_status(session, SessionStatus.PLANNED)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for cancelling."), code="reason_required", field="reason")
    before = audit.snapshot(session)
    session.cancel_reason, session.status = reason[:200], SessionStatus.CANCELLED
    return _save_with_audit(actor=actor, session=session, before=before, action="congress.session_cancel")


def recompute_report_due() -> int:
    """The holiday calendar changed: sessions awaiting their report get the due date again."""
    changed = 0
    for session in Session.objects.filter(status=SessionStatus.HELD).only("pk", "held_on", "report_due_on"):
        due = deadlines.report_due(session.held_on)
        if due != session.report_due_on:
            Session.objects.filter(pk=session.pk).update(report_due_on=due)
            changed += 1
    return changed


# --- reminders ------------------------------------------------------------------------------------



def remind_session_reports(on: datetime.date | None = None) -> int:
    """Notify the union chair and the town cadres of every held session whose report to the upper
    union is overdue or due within `rules().remind_days` days. Idempotent: one notification per
    person, session, due date and state (due soon, then overdue)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from gonghui.core.notifications import notify

    on = on or today()
    limit = on + datetime.timedelta(days=congress_rules.rules().remind_days)
    due = list(Session.objects.select_related("org", "body__enterprise")
               .filter(status=SessionStatus.HELD, report_due_on__lte=limit).order_by("report_due_on", "pk"))
    recipients = chairs_and_town_cadres({s.org for s in due})
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for session in due:
            overdue = session.report_due_on < on
            title = (_("Overdue: report of %(title)s to the upper union") if overdue
                     else _("Due soon: report of %(title)s to the upper union")) % {"title": session.title}
            body = _("%(enterprise)s: the session was held on %(held)s; its results are due at the upper union on "
                     "%(date)s.") % {"enterprise": session.body.enterprise.name, "held": session.held_on.isoformat(),
                                     "date": session.report_due_on.isoformat()}
            created += notify(recipients=recipients.get(session.org_id, []), org=session.org, title=title, body=body,
                              key=f"congress:session:{session.pk}:report:{session.report_due_on}:"
                                  f"{'overdue' if overdue else 'soon'}",
                              url=reverse("congress:session_detail", args=[session.pk]))
    return created
