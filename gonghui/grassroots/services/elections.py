"""Every write of committee elections (换届选举). Each function is atomic, checks the actor's
right on the union, locks the election (two people recording the same step at once cannot both
win), validates the step against the status, the dates and the statutory rules
(`rules/elections.py`), and writes the audit trail (`grassroots.election.<step>`).

The steps, in order:
1. `plan_election` (change) — electorate, those entitled to vote, seats within the legal size
   table, term; `update_plan`, `add_candidate`, `remove_candidate` while it is a draft;
2. `submit_plan` (submit) — needs 差额 (≥5% more candidates than seats, rounded up) and a
   candidate for chair; the upper union `approve_plan` or `return_plan` (approve);
3. `record_meeting` (change) — attendance: below two thirds of those entitled the meeting is
   invalid and recorded as such (another meeting may be held); a valid one opens round 1;
4. `record_ballots` (change) — ballots issued/returned/valid and the votes of every candidate;
   elected only with more than half of ALL those entitled; ties at the last seat and unfilled
   seats open a further round (among the tied, or among those not elected);
   `close_voting` ends the voting with seats left vacant once two thirds of them are filled;
5. `record_officers` (change) — the committee's first meeting chooses the chair and the
   vice-chairs among the elected (close relatives of senior managers are barred);
6. `submit_result` (submit); the upper union `approve_result` (approve) — the committees area's
   `seat_committee` seats the new committee, the old one is kept as REPLACED — or `return_result`.
`cancel_election` (change) closes an open election before its result is submitted.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org, OrgLevel

from ..models.elections import (
    OPEN_ELECTION_STATUSES,
    CandidatePosition,
    Election,
    ElectionCandidate,
    ElectionMeeting,
    ElectionRound,
    ElectionStatus,
    Electorate,
    RoundStatus,
    RoundVote,
)
from ..policies.elections import APPROVE, CHANGE, SUBMIT
from ..rules import elections as election_rules

MAX_CANDIDATES = 200
EARLIEST = datetime.date(2000, 1, 1)


def today():
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=400):
    value = " ".join(str(value or "").split()) if limit <= 400 else str(value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _day(day, field, label, *, not_before=None, before_label=None):
    if not isinstance(day, datetime.date):
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if day > today():
        raise DomainError(_("%(label)s (%(day)s) is in the future; record it on or after that day.")
                          % {"label": label, "day": day.isoformat()}, code="date_in_future", field=field)
    if day < EARLIEST:
        raise DomainError(_("%(label)s is too far in the past.") % {"label": label}, code="date_range", field=field)
    if not_before is not None and day < not_before:
        raise DomainError(_("%(label)s (%(day)s) cannot be before %(earlier)s (%(earlier_day)s).")
                          % {"label": label, "day": day.isoformat(), "earlier": before_label,
                             "earlier_day": not_before.isoformat()}, code="date_order", field=field)
    return day


def _count(value, field, label, *, minimum=0):
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdecimal():
        raise DomainError(_("%(label)s must be a whole number.") % {"label": label}, code="not_a_number", field=field)
    number = int(value)
    if number < minimum:
        raise DomainError(_("%(label)s must be at least %(n)s.") % {"label": label, "n": minimum},
                          code="too_small", field=field)
    if number > 10_000_000:
        raise DomainError(_("%(label)s is not a plausible number.") % {"label": label}, code="too_large", field=field)
    return number


def _wrong_stage(election):
    return DomainError(_("This step cannot be recorded now: the election is “%(status)s”.")
                       % {"status": election.get_status_display()}, code="wrong_stage")


def _locked(election):
    return Election.objects.select_related("org").select_for_update(of=("self",)).get(pk=election.pk)


def _at(election, *statuses):
    if election.status not in statuses:
        raise _wrong_stage(election)


def _require_submit(actor, org):
    """Chairs and staff submit; a cadre above the union (who holds `change`) may submit for it."""
    if actor is not None and actor.is_authenticated and (actor.can(SUBMIT, org) or actor.can(CHANGE, org)):
        return
    require(actor, SUBMIT, org)


def _save(*, actor, election, before, action, extra=None):
    election.full_clean()
    election.save()
    old, new = audit.changed(before, audit.snapshot(election))
    audit.record(actor=actor, action=action, obj=election, org=election.org, before=old, after={**new, **(extra or {})})
    return election


def live_members(union) -> int:
    return Membership.objects.filter(union=union, status__in=LIVE_STATUSES).count()


def _check_union(union):
    if union is None or union.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Committee elections are held by grassroots unions only."), code="not_a_union",
                          field="union")
    if not union.is_active:
        raise DomainError(_("This union is no longer active."), code="union_inactive", field="union")


def _plan_figures(*, union, electorate, entitled_voters, seats, term_years, planned_meeting_on):
    """(members, entitled, seats, term) checked against the rules, or a DomainError on the field."""
    r = election_rules.rules()
    if electorate not in Electorate.values:
        raise DomainError(_("Choose a member assembly or a delegates' assembly."), code="electorate",
                          field="electorate")
    members = live_members(union)
    if members < 1:
        raise DomainError(_("%(union)s has no live members on record: record its members before planning an "
                            "election.") % {"union": union.name}, code="no_members", field="union")
    if electorate == Electorate.MEMBERS:
        entitled = members
    else:
        entitled = _count(entitled_voters, "entitled_voters", _("The number of delegates"), minimum=1)
        if entitled > members:
            raise DomainError(_("%(n)s delegates is more than the union's %(members)s members.")
                              % {"n": entitled, "members": members}, code="too_many_delegates", field="entitled_voters")
    seats = _count(seats, "seats", _("The number of committee seats"), minimum=1)
    low, high = election_rules.seat_range(members)
    if not low <= seats <= high:
        message = (_("With %(members)s members the committee has %(low)s seats (the legal size table); %(seats)s "
                     "is not allowed.") if low == high else
                   _("With %(members)s members the committee has %(low)s to %(high)s seats (the legal size table); "
                     "%(seats)s is outside that range."))
        raise DomainError(message % {"members": members, "low": low, "high": high, "seats": seats},
                          code="seats_out_of_range", field="seats")
    try:
        term = int(term_years)
    except (TypeError, ValueError):
        term = 0
    if term not in r.term_years:
        raise DomainError(_("A committee's term is %(allowed)s years.")
                          % {"allowed": _(" or ").join(str(y) for y in r.term_years)}, code="term_years",
                          field="term_years")
    if not isinstance(planned_meeting_on, datetime.date) or planned_meeting_on < EARLIEST:
        raise DomainError(_("Enter the planned date of the election meeting."), code="required",
                          field="planned_meeting_on")
    if planned_meeting_on > today() + datetime.timedelta(days=730):
        raise DomainError(_("The planned meeting is more than two years ahead."), code="date_range",
                          field="planned_meeting_on")
    return members, entitled, seats, term


def open_election_of(union):
    return Election.objects.filter(org=union, status__in=OPEN_ELECTION_STATUSES).first()


def _already_open(union, existing=None):
    if existing is not None:
        message = _("%(union)s already has an election in progress (“%(status)s”, planned for %(day)s): finish or "
                    "cancel it before starting another.") % {"union": union.name,
                                                             "status": existing.get_status_display(),
                                                             "day": existing.planned_meeting_on.isoformat()}
    else:
        message = _("%(union)s already has an election in progress: finish or cancel it before starting another.") % {
            "union": union.name}
    return DomainError(message, code="already_open", field="union")


# --- 1. the plan --------------------------------------------------------------------------------

@transaction.atomic
def plan_election(*, actor, union, electorate, seats, term_years, planned_meeting_on, entitled_voters=None,
                  note="") -> Election:
    """Start the election of a union's next committee. One open election per union: a second
    one is refused with a message naming the first (and the DB constraint holds under a race)."""
    require(actor, CHANGE, union)
    union = lock_one(Org, union.pk)  # two planners of the same union queue here
    _check_union(union)
    existing = open_election_of(union)
    if existing is not None:
        raise _already_open(union, existing)
    members, entitled, seats, term = _plan_figures(
        union=union, electorate=electorate, entitled_voters=entitled_voters, seats=seats, term_years=term_years,
        planned_meeting_on=planned_meeting_on)
    election = Election(org=union, electorate=electorate, members_count=members, entitled_voters=entitled,
                        seats=seats, term_years=term, planned_meeting_on=planned_meeting_on,
                        note=_text(note, "note", _("The note"), required=False, limit=2000),
                        status=ElectionStatus.DRAFT)
    election.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            election.save()
    except IntegrityError as exc:  # another planner won the race the lock did not cover
        raise _already_open(union) from exc
    audit.record(actor=actor, action="grassroots.election.plan", obj=election, org=union,
                 after={k: v for k, v in audit.snapshot(election).items() if v not in (None, "")})
    return election


@transaction.atomic
def update_plan(*, actor, election, electorate, seats, term_years, planned_meeting_on, entitled_voters=None,
                note="") -> Election:
    require(actor, CHANGE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.DRAFT)
    before = audit.snapshot(election)
    members, entitled, seats, term = _plan_figures(
        union=election.org, electorate=electorate, entitled_voters=entitled_voters, seats=seats,
        term_years=term_years, planned_meeting_on=planned_meeting_on)
    election.electorate, election.members_count, election.entitled_voters = electorate, members, entitled
    election.seats, election.term_years, election.planned_meeting_on = seats, term, planned_meeting_on
    election.note = _text(note, "note", _("The note"), required=False, limit=2000)
    return _save(actor=actor, election=election, before=before, action="grassroots.election.edit")


@transaction.atomic
def add_candidate(*, actor, election, name="", person=None, gender="", proposed_position=CandidatePosition.MEMBER,
                  relative_of_manager=False) -> ElectionCandidate:
    """A candidate of the plan: a live member of the union (`person`) or a name. A declared close
    relative of a senior manager may stand for the committee but not for chair or vice-chair."""
    require(actor, CHANGE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.DRAFT)
    if person is not None:
        if not Membership.objects.filter(person=person, union=election.org, status__in=LIVE_STATUSES).exists():
            raise DomainError(_("%(name)s is not a current member of %(union)s.")
                              % {"name": person.name, "union": election.org.name}, code="not_a_member", field="person")
        name = person.name
        gender = gender or getattr(person, "gender", "") or ""
    name = _text(name, "name", _("The candidate's name"), limit=64)
    if gender not in ("", "M", "F"):
        raise DomainError(_("The gender is not valid."), code="gender", field="gender")
    if proposed_position not in CandidatePosition.values:
        raise DomainError(_("Choose what the candidate stands for."), code="position", field="proposed_position")
    relative = bool(relative_of_manager)
    if relative and proposed_position != CandidatePosition.MEMBER:
        raise DomainError(_("%(name)s is declared a close relative of a senior manager of the enterprise and may not "
                            "stand for chair or vice-chair; propose them as a committee member only.")
                          % {"name": name}, code="relative_barred", field="proposed_position")
    candidates = list(election.candidates.values_list("name", flat=True))
    if name in candidates:
        raise DomainError(_("%(name)s is already a candidate.") % {"name": name}, code="duplicate_candidate",
                          field="name")
    if len(candidates) >= MAX_CANDIDATES:
        raise DomainError(_("An election has at most %(n)s candidates.") % {"n": MAX_CANDIDATES},
                          code="too_many_candidates", field="name")
    candidate = ElectionCandidate(election=election, name=name, person=person, gender=gender,
                                  proposed_position=proposed_position, relative_of_manager=relative,
                                  order=len(candidates) + 1)
    candidate.full_clean(exclude=["election", "person"], validate_constraints=False)
    candidate.save()
    audit.record(actor=actor, action="grassroots.election.candidate_add", obj=election, org=election.org,
                 after={"candidate": name, "proposed_position": proposed_position, "relative_of_manager": relative})
    return candidate


@transaction.atomic
def remove_candidate(*, actor, election, candidate_id) -> None:
    require(actor, CHANGE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.DRAFT)
    candidate = election.candidates.filter(pk=candidate_id).first()
    if candidate is None:
        raise DomainError(_("This candidate is not on the list."), code="unknown_candidate", field="candidate")
    candidate.delete()
    audit.record(actor=actor, action="grassroots.election.candidate_remove", obj=election, org=election.org,
                 before={"candidate": candidate.name})


def plan_problems(election) -> list[str]:
    """What keeps the plan from being submitted (shown on the page before the button is pressed)."""
    problems = []
    candidates = list(election.candidates.all())
    needed = election_rules.min_candidates(election.seats)
    if len(candidates) < needed:
        problems.append(_("%(seats)s seats need at least %(needed)s candidates (差额: at least %(pct)s%% more, rounded "
                          "up); the list has %(count)s.") % {"seats": election.seats, "needed": needed,
                                                             "pct": election_rules.rules().candidate_margin_percent,
                                                             "count": len(candidates)})
    if not any(c.proposed_position == CandidatePosition.CHAIR for c in candidates):
        problems.append(_("Propose at least one candidate for chair."))
    low, high = election_rules.seat_range(election.members_count)
    if not low <= election.seats <= high:
        problems.append(_("The seats no longer fit the size table (%(low)s to %(high)s); change the plan.")
                        % {"low": low, "high": high})
    return problems


@transaction.atomic
def submit_plan(*, actor, election, submitted_on) -> Election:
    _require_submit(actor, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.DRAFT)
    problems = plan_problems(election)
    if problems:
        raise DomainError(problems[0], code="plan_incomplete", field="candidates")
    before = audit.snapshot(election)
    election.plan_submitted_on = _day(submitted_on, "submitted_on", _("The submission date"))
    election.status = ElectionStatus.PLAN_SUBMITTED
    return _save(actor=actor, election=election, before=before, action="grassroots.election.plan_submit",
                 extra={"candidates": election.candidates.count()})


@transaction.atomic
def return_plan(*, actor, election, returned_on, reason) -> Election:
    require(actor, APPROVE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.PLAN_SUBMITTED)
    before = audit.snapshot(election)
    election.plan_returned_on = _day(returned_on, "returned_on", _("The return date"),
                                     not_before=election.plan_submitted_on, before_label=_("the submission"))
    election.plan_return_reason = _text(reason, "reason", _("The reason"))
    election.status = ElectionStatus.DRAFT
    return _save(actor=actor, election=election, before=before, action="grassroots.election.plan_return")


@transaction.atomic
def approve_plan(*, actor, election, approved_on, approval_no="") -> Election:
    require(actor, APPROVE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.PLAN_SUBMITTED)
    before = audit.snapshot(election)
    election.plan_approved_on = _day(approved_on, "approved_on", _("The approval date"),
                                     not_before=election.plan_submitted_on, before_label=_("the submission"))
    election.plan_approval_no = _text(approval_no, "approval_no", _("The approval number"), required=False, limit=64)
    election.status = ElectionStatus.PLAN_APPROVED
    return _save(actor=actor, election=election, before=before, action="grassroots.election.plan_approve")


# --- 2. the meeting and the ballots --------------------------------------------------------------

@transaction.atomic
def record_meeting(*, actor, election, held_on, present, note="") -> ElectionMeeting:
    """The election meeting's attendance. Below two thirds of those entitled it is invalid: it
    is recorded as such and the election waits for another meeting. A valid one opens round 1
    with every candidate and every seat."""
    require(actor, CHANGE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.PLAN_APPROVED)
    last = election.meetings.order_by("-held_on").values_list("held_on", flat=True).first()
    held_on = _day(held_on, "held_on", _("The meeting date"), not_before=last or election.plan_approved_on,
                   before_label=_("the previous meeting") if last else _("the plan's approval"))
    entitled = election.entitled_voters
    present = _count(present, "present", _("The number present"))
    if present > entitled:
        raise DomainError(_("%(present)s present is more than the %(entitled)s entitled to vote.")
                          % {"present": present, "entitled": entitled}, code="present_over_entitled", field="present")
    if election.meetings.filter(held_on=held_on, present=present).exists():
        # Only invalid meetings stay at this step: the same form sent twice would record the
        # same failed meeting twice.
        raise DomainError(_("A meeting on %(day)s with %(present)s present is already recorded as invalid; another "
                            "meeting has a different date or attendance.")
                          % {"day": held_on.isoformat(), "present": present}, code="duplicate_meeting",
                          field="present")
    valid = election_rules.quorum_met(present, entitled)
    meeting = ElectionMeeting.objects.create(
        election=election, held_on=held_on, entitled=entitled, present=present, valid=valid,
        note=_text(note, "note", _("The note"), required=False))
    before = audit.snapshot(election)
    if valid:
        election.meeting_held_on = held_on
        election.status = ElectionStatus.VOTING
        _open_round(election, meeting, number=1, seats=election.seats, candidates=list(election.candidates.all()))
    _save(actor=actor, election=election, before=before, action="grassroots.election.meeting",
          extra={"meeting": held_on.isoformat(), "present": present, "entitled": entitled, "valid": valid,
                 "quorum": election_rules.quorum_needed(entitled)})
    return meeting


def _open_round(election, meeting, *, number, seats, candidates):
    voting_round = ElectionRound.objects.create(election=election, meeting=meeting, number=number, seats=seats)
    RoundVote.objects.bulk_create([RoundVote(round=voting_round, candidate=c) for c in candidates])
    return voting_round


def open_round(election):
    return election.rounds.filter(status=RoundStatus.OPEN).select_related("meeting").first()


def count_round(votes: dict, *, seats: int, entitled: int):
    """(elected ids, tied ids) of one round: ranked by votes, elected only with more than half of
    ALL those entitled; when the last seat's votes are shared by more candidates than seats remain,
    none of those tied is elected (a further round decides among them)."""
    ranked = sorted(((n, cid) for cid, n in votes.items() if election_rules.is_elected_by_votes(n, entitled)),
                    key=lambda item: -item[0])
    if len(ranked) <= seats:
        return [cid for _n, cid in ranked], []
    boundary = ranked[seats - 1][0]
    if ranked[seats][0] != boundary:
        return [cid for _n, cid in ranked[:seats]], []
    return [cid for n, cid in ranked if n > boundary], [cid for n, cid in ranked if n == boundary]


@transaction.atomic
def record_ballots(*, actor, election, ballots_issued, ballots_returned, ballots_valid, votes: dict,
                   counted_on=None, round_number=None) -> ElectionRound:
    """The count of the open round: ballots issued/returned/valid and the votes of every
    candidate standing in it (`votes`: {candidate id: votes}). Seats still empty after it (a tie
    at the last seat, or too few with a majority) open a further round.

    `round_number`, when given, is the round the counter was entering: a form sent twice (or a
    retried request) after its round was counted would otherwise be recorded as the further
    round's votes whenever every candidate stands again (nobody elected in the first round)."""
    require(actor, CHANGE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.VOTING)
    voting_round = open_round(election)
    if voting_round is None:  # pragma: no cover — VOTING always has an open round
        raise _wrong_stage(election)
    if round_number is not None and str(round_number) != str(voting_round.number):
        raise DomainError(_("These ballots are for round %(given)s, which is not the open round: round %(open)s is "
                            "open now. Reload the page and enter the ballots of round %(open)s.")
                          % {"given": round_number, "open": voting_round.number}, code="stale_round", field="round")
    meeting = voting_round.meeting
    counted_on = _day(counted_on or meeting.held_on, "counted_on", _("The count date"), not_before=meeting.held_on,
                      before_label=_("the meeting"))
    issued = _count(ballots_issued, "ballots_issued", _("Ballots issued"), minimum=1)
    returned = _count(ballots_returned, "ballots_returned", _("Ballots returned"))
    valid = _count(ballots_valid, "ballots_valid", _("Valid ballots"))
    if issued > meeting.present:
        raise DomainError(_("%(issued)s ballots issued is more than the %(present)s present at the meeting.")
                          % {"issued": issued, "present": meeting.present}, code="issued_over_present",
                          field="ballots_issued")
    if returned > issued:
        raise DomainError(_("More ballots were returned (%(returned)s) than issued (%(issued)s): this vote is void "
                          "and must be held again.") % {"returned": returned, "issued": issued},
                          code="returned_over_issued", field="ballots_returned")
    if valid > returned:
        raise DomainError(_("%(valid)s valid ballots is more than the %(returned)s returned.")
                          % {"valid": valid, "returned": returned}, code="valid_over_returned", field="ballots_valid")
    rows = {v.candidate_id: v for v in voting_round.votes.select_related("candidate")}
    given = {}
    for key, value in (votes or {}).items():
        try:
            cid = int(key)
        except (TypeError, ValueError):
            cid = None
        if cid not in rows:
            raise DomainError(_("Candidate %(id)s does not stand in this round.") % {"id": key},
                              code="unknown_candidate", field="votes")
        given[cid] = value
    counted = {}
    for cid, row in rows.items():
        if cid not in given or given[cid] in (None, ""):
            raise DomainError(_("Enter the votes for %(name)s.") % {"name": row.candidate.name}, code="votes_missing",
                              field=f"votes.{cid}")
        number = _count(given[cid], f"votes.{cid}", _("The votes for %(name)s") % {"name": row.candidate.name})
        if number > valid:
            raise DomainError(_("%(name)s has %(votes)s votes, more than the %(valid)s valid ballots.")
                              % {"name": row.candidate.name, "votes": number, "valid": valid},
                              code="votes_over_valid", field=f"votes.{cid}")
        counted[cid] = number
    if sum(counted.values()) > valid * voting_round.seats:
        raise DomainError(_("The votes add up to %(total)s, more than %(valid)s valid ballots × %(seats)s seats: "
                            "check the tally.") % {"total": sum(counted.values()), "valid": valid,
                                                   "seats": voting_round.seats},
                          code="votes_over_total", field="votes")
    elected, tied = count_round(counted, seats=voting_round.seats, entitled=meeting.entitled)
    for cid, row in rows.items():
        row.votes, row.elected, row.tied = counted[cid], cid in elected, cid in tied
    RoundVote.objects.bulk_update(rows.values(), ["votes", "elected", "tied"])
    ElectionCandidate.objects.filter(pk__in=elected).update(elected=True, elected_round=voting_round.number)
    remaining = voting_round.seats - len(elected)
    voting_round.ballots_issued, voting_round.ballots_returned, voting_round.ballots_valid = issued, returned, valid
    voting_round.status, voting_round.counted_on = RoundStatus.COUNTED, counted_on
    if remaining == 0:
        voting_round.outcome = _("All %(n)s seats filled.") % {"n": voting_round.seats}
    elif tied:
        voting_round.outcome = _("%(n)s elected; %(tied)s candidates tied for the last %(remaining)s seats: a further "
                                 "round among them.") % {"n": len(elected), "tied": len(tied), "remaining": remaining}
    else:
        voting_round.outcome = _("%(n)s elected; %(remaining)s seats without a candidate over half of those entitled: "
                                 "a further round among those not elected.") % {"n": len(elected),
                                                                                 "remaining": remaining}
    voting_round.full_clean(exclude=["election", "meeting"])
    voting_round.save()
    before = audit.snapshot(election)
    if remaining == 0:
        election.status = ElectionStatus.ELECTED
    else:
        pool = tied or [cid for cid in rows if cid not in elected]
        _open_round(election, meeting, number=voting_round.number + 1, seats=remaining,
                    candidates=[rows[cid].candidate for cid in pool])
    names = {cid: rows[cid].candidate.name for cid in rows}
    _save(actor=actor, election=election, before=before, action="grassroots.election.ballots",
          extra={"round": voting_round.number, "ballots_issued": issued, "ballots_returned": returned,
                 "ballots_valid": valid, "votes": {names[c]: n for c, n in counted.items()},
                 "elected": [names[c] for c in elected], "tied": [names[c] for c in tied]})
    return voting_round


def elected_count(election) -> int:
    return election.candidates.filter(elected=True).count()


def close_threshold(election) -> int:
    """Seats that must be filled before the voting may end with the rest left vacant: two thirds,
    and never fewer than the legal size table's smallest committee for the union's members (a
    union of 11–25 members elects 3: ending with 2 would seat a committee below the legal size)."""
    legal_minimum = election_rules.seat_range(election.members_count)[0]
    return min(election.seats, max(-(-election.seats * 2 // 3), legal_minimum))


@transaction.atomic
def close_voting(*, actor, election, reason) -> Election:
    """End the voting with seats left vacant (no further round), once two thirds are filled."""
    require(actor, CHANGE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.VOTING)
    filled, needed = elected_count(election), close_threshold(election)
    if filled < needed:
        raise DomainError(_("Only %(filled)s of %(seats)s seats are filled; at least %(needed)s must be before the "
                            "voting may end with seats vacant (two thirds of the seats, and no fewer than the "
                            "smallest committee the size table allows). Hold the further round.")
                          % {"filled": filled, "seats": election.seats, "needed": needed}, code="too_few_elected")
    reason = _text(reason, "reason", _("The reason"))
    election.rounds.filter(status=RoundStatus.OPEN).delete()
    before = audit.snapshot(election)
    election.status = ElectionStatus.ELECTED
    return _save(actor=actor, election=election, before=before, action="grassroots.election.close_voting",
                 extra={"reason": reason, "filled": filled, "seats": election.seats})


# --- 3. officers and the result ---------------------------------------------------------------

@transaction.atomic
def record_officers(*, actor, election, first_meeting_on, chair, vice_chairs=()) -> Election:
    """The committee's first meeting: the chair and vice-chairs among the elected (candidate ids)."""
    require(actor, CHANGE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.ELECTED)
    # The committee meets once it is known: after the last count (a further round may have
    # been counted days after the election meeting).
    last_count = election.rounds.filter(status=RoundStatus.COUNTED).order_by("-counted_on").values_list(
        "counted_on", flat=True).first()
    if last_count and (election.meeting_held_on is None or last_count > election.meeting_held_on):
        first_meeting_on = _day(first_meeting_on, "first_meeting_on", _("The first meeting's date"),
                                not_before=last_count, before_label=_("the last count of the votes"))
    else:
        first_meeting_on = _day(first_meeting_on, "first_meeting_on", _("The first meeting's date"),
                                not_before=election.meeting_held_on, before_label=_("the election meeting"))
    elected = {c.pk: c for c in election.candidates.filter(elected=True)}
    try:
        chair_id = int(chair)
    except (TypeError, ValueError):
        chair_id = None
    if chair_id not in elected:
        raise DomainError(_("Choose the chair among the elected committee members."), code="chair_not_elected",
                          field="chair")
    vice_ids = []
    for value in vice_chairs or ():
        try:
            vid = int(value)
        except (TypeError, ValueError):
            vid = None
        if vid not in elected:
            raise DomainError(_("Choose the vice-chairs among the elected committee members."),
                              code="vice_not_elected", field="vice_chairs")
        if vid == chair_id:
            raise DomainError(_("%(name)s is the chair and cannot also be a vice-chair.")
                              % {"name": elected[vid].name}, code="chair_and_vice", field="vice_chairs")
        if vid not in vice_ids:
            vice_ids.append(vid)
    for officer, field in ([(chair_id, "chair")] + [(v, "vice_chairs") for v in vice_ids]):
        if elected[officer].relative_of_manager:
            raise DomainError(_("%(name)s is declared a close relative of a senior manager of the enterprise and may "
                                "not be chair or vice-chair.") % {"name": elected[officer].name},
                              code="relative_barred", field=field)
    for cid, candidate in elected.items():
        candidate.position = (CandidatePosition.CHAIR if cid == chair_id else
                              CandidatePosition.VICE_CHAIR if cid in vice_ids else CandidatePosition.MEMBER)
    ElectionCandidate.objects.bulk_update(elected.values(), ["position"])
    before = audit.snapshot(election)
    election.first_meeting_on = first_meeting_on
    return _save(actor=actor, election=election, before=before, action="grassroots.election.officers",
                 extra={"chair": elected[chair_id].name, "vice_chairs": [elected[v].name for v in vice_ids]})


@transaction.atomic
def submit_result(*, actor, election, submitted_on) -> Election:
    _require_submit(actor, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.ELECTED)
    if election.first_meeting_on is None:
        raise DomainError(_("Record the committee's first meeting (the chair and vice-chairs) first."),
                          code="officers_missing")
    before = audit.snapshot(election)
    election.result_submitted_on = _day(submitted_on, "submitted_on", _("The submission date"),
                                        not_before=election.first_meeting_on, before_label=_("the first meeting"))
    election.status = ElectionStatus.RESULT_SUBMITTED
    return _save(actor=actor, election=election, before=before, action="grassroots.election.result_submit")


@transaction.atomic
def return_result(*, actor, election, returned_on, reason) -> Election:
    require(actor, APPROVE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.RESULT_SUBMITTED)
    before = audit.snapshot(election)
    election.result_returned_on = _day(returned_on, "returned_on", _("The return date"),
                                       not_before=election.result_submitted_on, before_label=_("the submission"))
    election.result_return_reason = _text(reason, "reason", _("The reason"))
    election.status = ElectionStatus.ELECTED
    return _save(actor=actor, election=election, before=before, action="grassroots.election.result_return")


def committee_rows(election):
    """The elected, chair first, as the committees area's `seat_committee` takes them."""
    rank = {CandidatePosition.CHAIR: 0, CandidatePosition.VICE_CHAIR: 1, CandidatePosition.MEMBER: 2}
    elected = sorted(election.candidates.filter(elected=True).select_related("person"),
                     key=lambda c: (rank.get(c.position, 3), c.order, c.pk))
    return [{"name": c.name, "position": c.position or CandidatePosition.MEMBER, "person": c.person,
             "gender": c.gender} for c in elected]


@transaction.atomic
def approve_result(*, actor, election, approved_on, approval_no=""):
    """The upper union approves the result: the new committee is seated (the committees area's
    `seat_committee`, source ELECTION) and the union's previous committee is kept as REPLACED."""
    from .committees import seat_committee

    require(actor, APPROVE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.RESULT_SUBMITTED)
    before = audit.snapshot(election)
    election.result_approved_on = _day(approved_on, "approved_on", _("The approval date"),
                                       not_before=election.result_submitted_on, before_label=_("the submission"))
    election.result_approval_no = _text(approval_no, "approval_no", _("The approval number"), required=False,
                                        limit=64)
    election.status = ElectionStatus.APPROVED
    _save(actor=actor, election=election, before=before, action="grassroots.election.result_approve")
    committee = seat_committee(actor=actor, union=election.org, elected_on=election.meeting_held_on,
                               term_years=election.term_years, members=committee_rows(election),
                               source="ELECTION", election=election, members_at_election=election.members_count)
    return committee


@transaction.atomic
def cancel_election(*, actor, election, cancelled_on, reason) -> Election:
    require(actor, CHANGE, election.org)
    election = _locked(election)
    _at(election, ElectionStatus.DRAFT, ElectionStatus.PLAN_SUBMITTED, ElectionStatus.PLAN_APPROVED,
        ElectionStatus.VOTING, ElectionStatus.ELECTED)
    before = audit.snapshot(election)
    election.cancelled_on = _day(cancelled_on, "cancelled_on", _("The date"))
    election.cancel_reason = _text(reason, "reason", _("The reason"))
    # A round nobody counted is not held any more (as when the voting is closed): it would
    # otherwise show as open on a cancelled election, here and in the API.
    election.rounds.filter(status=RoundStatus.OPEN).delete()
    election.status = ElectionStatus.CANCELLED
    return _save(actor=actor, election=election, before=before, action="grassroots.election.cancel")


# --- export -------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Election export")


def export_elections(*, actor, filters):
    """(rewound temporary file, rows): the filtered elections the actor may export, audited once
    per top org the export covered (object type `grassroots.ElectionExport`)."""
    import tempfile
    import uuid

    from gonghui.core.excel import XlsxStream

    from ..policies.elections import EXPORT
    from ..selectors.elections import filtered, page_rows

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        listed = filtered(actor, filters).values("pk")
        exportable = Election.objects.visible_to(actor, EXPORT).values("pk")
        qs = page_rows().filter(pk__in=listed).filter(pk__in=exportable).order_by("-planned_meeting_on", "-id")
        statuses, electorates = dict(ElectionStatus.choices), dict(Electorate.choices)
        headers = [_("Union"), _("Electorate"), _("Members"), _("Entitled to vote"), _("Committee seats"),
                   _("Candidates"), _("Term (years)"), _("Planned meeting date"), _("Status"),
                   _("Plan approved on"), _("Election meeting held on"), _("Result approved on")]
        rows = 0
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Committee elections"), headers=headers,
                               widths=[30, 18, 10, 10, 10, 10, 8, 12, 16, 12, 12, 12])
            for e in qs.iterator(chunk_size=1000):
                sheet.append([e.org.name, str(electorates.get(e.electorate, e.electorate)), e.members_count,
                              e.entitled_voters, e.seats, e.candidate_count, e.term_years, e.planned_meeting_on,
                              str(statuses.get(e.status, e.status)), e.plan_approved_on, e.meeting_held_on,
                              e.result_approved_on])
                rows += 1
        ref = uuid.uuid4().hex
        if filters.org is not None:
            places = [filters.org]
        elif actor.is_superuser:
            places = list(Org.objects.filter(depth=1))
        else:
            places = list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))) or [None]
        details = {k: (v.pk if hasattr(v, "pk") else v) for k, v in vars(filters).items() if v not in ("", None)}
        for place in places:
            audit.record(actor=actor, action="grassroots.election.export", obj=_ExportRef(ref),
                         object_type="grassroots.ElectionExport", org=place, after={"filters": details, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows
