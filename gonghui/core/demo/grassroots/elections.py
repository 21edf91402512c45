"""Demo committee elections (换届选举, DOMAIN.md §4) on top of the generated district and the
committees the committees area wrote just before (it runs first; this module reads its rows).

- Past, **approved** elections: a share of the unions whose current committee was elected in the
  last four years (term ≥ 2) got it by an election: the election's meeting is the committee's
  election day, its candidates are the committee's members (elected in round 1, with their
  positions) plus the 差额 candidates who were not elected, and the committee's `source` becomes
  ELECTION with the link to the election (what `approve_result` → `seat_committee` writes).
- **Open** elections: most unions whose term has expired or expires within months are preparing
  theirs, spread over every step (plan in preparation, awaiting approval — some overdue —, plan
  approved, voting, elected, result awaiting approval); a few cancelled ones, and one meeting
  recorded as invalid (too few present).
Unions with no committee on record are electing one as well. At `small` scale every such union
has an election, the steps taken in turn; union1 (the demo account's union, term expiring) has
its election in the "plan approved" step, and town1 and town2 each have elections in several steps.

Every row is what `services.elections` would have written: seats within the legal size table
for the members, at least `min_candidates(seats)` candidates with at least one for chair, no
declared relative of a manager proposed for or holding chair/vice-chair, attendance of a valid
meeting ≥ two thirds of those entitled, votes ≤ valid ballots and their sum ≤ valid × seats, the
elected decided by `services.elections.count_round` (more than half of all entitled), dates in
step order and none after `ON`. Its own `random.Random`, so the rest of the demo stays as it was.
"""

import datetime
import random

from django.db import connection
from django.utils import timezone

from gonghui.grassroots.models.committees import Committee, CommitteeMember, CommitteeSource, CommitteeStatus
from gonghui.grassroots.models.elections import (
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
from gonghui.grassroots.rules import elections as election_rules
from gonghui.grassroots.services.elections import count_round

from .. import vocab
from ..bulk import RowWriter

ON = datetime.date(2026, 11, 30)
DAY = datetime.timedelta(days=1)
MODELS = (Election, ElectionCandidate, ElectionMeeting, ElectionRound, RoundVote)

APPROVED_SHARE = 0.45     # of the eligible current committees: seated by a recorded election
OPEN_SHARE = 0.7          # of the unions with an expired or expiring term: an election under way
CANCELLED_SHARE = 0.03
OPEN_STEPS = (ElectionStatus.DRAFT, ElectionStatus.PLAN_SUBMITTED, ElectionStatus.PLAN_APPROVED,
              ElectionStatus.VOTING, ElectionStatus.ELECTED, ElectionStatus.RESULT_SUBMITTED)


class ElectionDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 104729 + 17)
        self.small = gen.scale.name == "small"
        self.plans = []   # (Election, [candidate dicts], [meeting dicts], [round dicts])
        self.seated = []  # (committee id, election) to link once elections have ids

    # --- helpers ------------------------------------------------------------------------------
    def name(self, taken):
        rng = self.rng
        while True:
            surname = rng.choice(vocab.SURNAMES)[0]
            chars = vocab.GIVEN_MALE if rng.random() < 0.55 else vocab.GIVEN_FEMALE
            name = surname + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
            if name not in taken:
                taken.add(name)
                return name

    def electorate(self, members):
        if members > 300 and self.rng.random() < 0.7:
            delegates = max(30, min(members // 8, 400))
            return Electorate.DELEGATES, min(delegates, members)
        return Electorate.MEMBERS, members

    def seats_for(self, members):
        low, high = election_rules.seat_range(members)
        return self.rng.randint(low, high)

    def ballots(self, entitled, seats, pool):
        """(present, issued, returned, valid, votes{index: n}) where the first `seats` of `pool`
        are elected in one round (checked with the services' own count)."""
        rng = self.rng
        quorum = election_rules.quorum_needed(entitled)
        present = max(quorum, min(entitled, round(entitled * rng.uniform(0.82, 0.98))))
        issued = present
        returned = max(issued - rng.randint(0, max(issued // 50, 0)), 0)
        valid = max(returned - rng.randint(0, max(returned // 40, 0)), 0)
        majority = election_rules.majority_needed(entitled)
        votes = {}
        if valid >= majority:
            budget = valid * seats
            for i in range(seats):
                votes[i] = rng.randint(majority, max(majority, min(valid, round(valid * 0.97))))
            left = budget - sum(votes.values())
            for i in range(seats, len(pool)):
                share = min(majority - 1, round(left * rng.uniform(0.1, 0.6)), valid)
                votes[i] = max(share, 0)
                left -= votes[i]
        elected, _tied = count_round(votes, seats=seats, entitled=entitled) if votes else ([], [])
        if sorted(elected) != list(range(seats)):  # tiny electorates: everyone present votes the same list
            present = issued = returned = valid = entitled
            votes = {i: (valid if i < seats else 0) for i in range(len(pool))}
        return present, issued, returned, valid, votes

    # --- past elections that seated the current committee ----------------------------------
    def approved(self, committees, members_of):
        rng = self.rng
        for c in committees:
            rows = members_of.get(c.pk, [])
            seats = len(rows)
            low, high = election_rules.seat_range(c.members_at_election)
            if not rows or not low <= seats <= high or rng.random() >= APPROVED_SHARE:
                continue
            held = c.elected_on
            approved_result = min(held + rng.randint(5, 20) * DAY, self.on)
            electorate, entitled = self.electorate(c.members_at_election)
            election = Election(
                org_id=c.org_id, electorate=electorate, members_count=c.members_at_election,
                entitled_voters=entitled, seats=seats, term_years=c.term_years, planned_meeting_on=held,
                status=ElectionStatus.APPROVED, plan_submitted_on=held - rng.randint(35, 60) * DAY,
                meeting_held_on=held, first_meeting_on=held,
                result_submitted_on=min(held + rng.randint(1, 4) * DAY, approved_result),
                result_approved_on=approved_result,
                plan_approval_no=f"工批〔{held.year}〕{rng.randint(1, 300)}号",
                result_approval_no=f"工批〔{approved_result.year}〕{rng.randint(1, 300)}号")
            election.plan_approved_on = election.plan_submitted_on + rng.randint(3, 15) * DAY
            taken = {name for name, _p, _g in rows}
            rank = {CandidatePosition.CHAIR: 0, CandidatePosition.VICE_CHAIR: 1}
            rows = sorted(rows, key=lambda r: rank.get(r[1], 2))
            pool = [{"name": n, "gender": g, "proposed_position": p if p != CandidatePosition.VICE_CHAIR else p,
                     "position": p} for n, p, g in rows]
            for _ in range(election_rules.min_candidates(seats) - seats + rng.randint(0, 1)):
                pool.append({"name": self.name(taken), "gender": rng.choice("MF"),
                             "proposed_position": CandidatePosition.MEMBER, "position": "",
                             "relative_of_manager": rng.random() < 0.1})
            present, issued, returned, valid, votes = self.ballots(entitled, seats, pool)
            meeting = {"held_on": held, "entitled": entitled, "present": present, "valid": True}
            rounds = [{"number": 1, "seats": seats, "status": RoundStatus.COUNTED, "issued": issued,
                       "returned": returned, "valid": valid, "votes": votes, "counted_on": held,
                       "outcome": f"全部{seats}个席位已选出。"}]
            for i, cand in enumerate(pool):
                cand["elected"] = i < seats
            self.plans.append((election, pool, [meeting], rounds))
            self.seated.append((c.pk, election))

    # --- elections under way ----------------------------------------------------------------
    def step_for(self, union_id, forced):
        if union_id in forced:
            return forced[union_id]
        rng = self.rng
        if rng.random() < CANCELLED_SHARE:
            return ElectionStatus.CANCELLED
        return rng.choice(OPEN_STEPS)

    def open_election(self, union_id, members, term_years, status):
        rng, on = self.rng, self.on
        members = max(members, 1)
        electorate, entitled = self.electorate(members)
        seats = self.seats_for(members)
        taken = set()
        count = election_rules.min_candidates(seats) + rng.randint(0, 2)
        pool = []
        for i in range(count):
            relative = i >= 2 and rng.random() < 0.08
            position = (CandidatePosition.CHAIR if i == 0 else
                        CandidatePosition.VICE_CHAIR if i == 1 and seats >= 5 and not relative else
                        CandidatePosition.MEMBER)
            pool.append({"name": self.name(taken), "gender": rng.choice("MF"), "proposed_position": position,
                         "relative_of_manager": relative, "position": "", "elected": False})
        e = Election(org_id=union_id, electorate=electorate, members_count=members, entitled_voters=entitled,
                     seats=seats, term_years=term_years, status=status)
        meetings, rounds = [], []
        if status == ElectionStatus.DRAFT:
            e.planned_meeting_on = on + rng.randint(20, 90) * DAY
            if rng.random() < 0.2:  # returned once by the upper union
                e.plan_submitted_on = on - rng.randint(10, 20) * DAY
                e.plan_returned_on = e.plan_submitted_on + rng.randint(1, 5) * DAY
                e.plan_return_reason = rng.choice(("候选人差额比例不足，请补充候选人。", "请补充候选人资格审查材料。"))
            return e, pool, meetings, rounds
        e.plan_submitted_on = on - rng.randint(2, 25) * DAY
        e.planned_meeting_on = on + rng.randint(10, 60) * DAY
        if status == ElectionStatus.PLAN_SUBMITTED:
            return e, pool, meetings, rounds
        e.plan_submitted_on = on - rng.randint(30, 60) * DAY
        e.plan_approved_on = e.plan_submitted_on + rng.randint(3, 12) * DAY
        e.plan_approval_no = f"工批〔{e.plan_approved_on.year}〕{rng.randint(1, 300)}号"
        if status == ElectionStatus.PLAN_APPROVED:
            e.planned_meeting_on = on + rng.randint(3, 40) * DAY
            if rng.random() < 0.15 and entitled >= 6:  # a meeting without a quorum, recorded as invalid
                held = e.plan_approved_on + rng.randint(1, 10) * DAY
                meetings.append({"held_on": held, "entitled": entitled, "valid": False,
                                 "present": election_rules.quorum_needed(entitled) - rng.randint(1, 3)})
            return e, pool, meetings, rounds
        held = min(e.plan_approved_on + rng.randint(7, 20) * DAY, on)
        e.planned_meeting_on = e.meeting_held_on = held
        present, issued, returned, valid, votes = self.ballots(entitled, seats, pool)
        meetings.append({"held_on": held, "entitled": entitled, "present": present, "valid": True})
        if status == ElectionStatus.VOTING:
            rounds.append({"number": 1, "seats": seats, "status": RoundStatus.OPEN, "votes": {}})
            return e, pool, meetings, rounds
        rounds.append({"number": 1, "seats": seats, "status": RoundStatus.COUNTED, "issued": issued,
                       "returned": returned, "valid": valid, "votes": votes, "counted_on": held,
                       "outcome": f"全部{seats}个席位已选出。"})
        for i, cand in enumerate(pool):
            cand["elected"] = i < seats
        officers = status == ElectionStatus.RESULT_SUBMITTED or rng.random() < 0.5
        if officers:
            e.first_meeting_on = held
            eligible = [c for c in pool[:seats] if not c["relative_of_manager"]]
            for cand in pool[:seats]:
                cand["position"] = CandidatePosition.MEMBER
            if eligible:
                eligible[0]["position"] = CandidatePosition.CHAIR
                for cand in eligible[1:1 + (seats >= 5) + (seats >= 11)]:
                    cand["position"] = CandidatePosition.VICE_CHAIR
        if status == ElectionStatus.RESULT_SUBMITTED:
            e.result_submitted_on = min(held + rng.randint(1, 5) * DAY, on)
        return e, pool, meetings, rounds

    def open_ones(self, current, unions):
        """Elections under way where the current term has expired or ends within the rules' months."""
        from gonghui.grassroots.selectors.committees import add_months

        soon = add_months(self.on, 6)
        needing = [(c.org_id, c.term_years) for c in current if c.term_ends_on <= soon]
        # Unions with no committee on record elect one too (or enter it from paper).
        with_committee = {c.org_id for c in current}
        needing += [(u.id, 5) for u in unions if u.id not in with_committee]
        forced = {}
        if self.small:
            from ..generator import TOWN1, TOWN2

            forced[self.gen.union1.id] = ElectionStatus.PLAN_APPROVED
            in_town = {}
            for u in unions:
                if u.town is not None and u.town.short_name in (TOWN1, TOWN2):
                    in_town.setdefault(u.town.short_name, []).append(u.id)
            wanted = {org_id for org_id, _y in needing}
            for town_name, steps in ((TOWN1, (ElectionStatus.PLAN_SUBMITTED, ElectionStatus.VOTING,
                                              ElectionStatus.RESULT_SUBMITTED)),
                                     (TOWN2, (ElectionStatus.DRAFT, ElectionStatus.PLAN_SUBMITTED,
                                              ElectionStatus.ELECTED))):
                ids = [i for i in in_town.get(town_name, []) if i in wanted and i != self.gen.union1.id]
                for union_id, step in zip(ids, steps, strict=False):
                    forced[union_id] = step
        members = {u.id: u.members for u in unions}
        cycle = 0
        for org_id, years in needing:
            if self.small and org_id not in forced:  # every step at small scale, in turn
                forced[org_id] = OPEN_STEPS[cycle % len(OPEN_STEPS)]
                cycle += 1
            if org_id not in forced and self.rng.random() >= OPEN_SHARE:
                continue
            status = self.step_for(org_id, forced)
            e, pool, meetings, rounds = self.open_election(org_id, members.get(org_id, 1), years, status)
            if status == ElectionStatus.CANCELLED:
                e.planned_meeting_on = self.on + 30 * DAY
                e.cancelled_on = self.on - self.rng.randint(1, 60) * DAY
                e.cancel_reason = "企业重组，换届推迟。"
            self.plans.append((e, pool, meetings, rounds))

    # --- writing -----------------------------------------------------------------------------
    def write(self):
        """Rows with ids assigned here, written by the generator's writer (COPY on PostgreSQL,
        batched inserts on SQLite): Django's bulk_create took seconds at district scale."""
        now = getattr(self.gen, "now", None) or timezone.now()
        ids = {model: _next_id(model) for model in MODELS}

        def numbered(model, objs):
            for obj in objs:
                obj.pk = ids[model]
                ids[model] += 1
            return objs

        elections = numbered(Election, [e for e, *_rest in self.plans])
        candidates, meeting_objs = [], []
        for e, pool, meetings, _rounds in self.plans:
            for order, c in enumerate(pool, start=1):
                candidates.append(ElectionCandidate(
                    election_id=e.pk, name=c["name"], gender=c.get("gender", ""),
                    proposed_position=c["proposed_position"], relative_of_manager=c.get("relative_of_manager", False),
                    order=order, elected=c.get("elected", False), elected_round=1 if c.get("elected") else None,
                    position=c.get("position", "") if c.get("elected") else ""))
            for m in meetings:
                meeting_objs.append(ElectionMeeting(election_id=e.pk, held_on=m["held_on"], entitled=m["entitled"],
                                                    present=m["present"], valid=m["valid"]))
        numbered(ElectionCandidate, candidates)
        numbered(ElectionMeeting, meeting_objs)
        by_election = {}
        for c in candidates:
            by_election.setdefault(c.election_id, []).append(c)
        valid_meeting = {m.election_id: m for m in meeting_objs if m.valid}
        round_objs, vote_rows = [], []
        for e, _pool, _meetings, rounds in self.plans:
            for r in rounds:
                obj = ElectionRound(election_id=e.pk, meeting_id=valid_meeting[e.pk].pk, number=r["number"],
                                    seats=r["seats"], status=r["status"], ballots_issued=r.get("issued"),
                                    ballots_returned=r.get("returned"), ballots_valid=r.get("valid"),
                                    counted_on=r.get("counted_on"), outcome=r.get("outcome", ""))
                round_objs.append(obj)
                vote_rows.append((obj, r))
        numbered(ElectionRound, round_objs)
        votes = []
        for obj, r in vote_rows:
            for i, cand in enumerate(by_election[obj.election_id]):
                counted = r["votes"].get(i) if r["status"] == RoundStatus.COUNTED else None
                votes.append(RoundVote(round_id=obj.pk, candidate_id=cand.pk, votes=counted,
                                       elected=counted is not None and cand.elected))
        numbered(RoundVote, votes)
        writer = getattr(self.gen, "writer", None) or RowWriter(connection)
        for model, objs in ((Election, elections), (ElectionCandidate, candidates), (ElectionMeeting, meeting_objs),
                            (ElectionRound, round_objs), (RoundVote, votes)):
            columns = [f.attname for f in model._meta.concrete_fields]
            for obj in objs:
                for stamp in ("created_at", "updated_at"):
                    if stamp in columns and getattr(obj, stamp) is None:
                        setattr(obj, stamp, now)
            writer.write(model, columns, [tuple(getattr(obj, c) for c in columns) for obj in objs])
        writer.reset_sequences(list(MODELS))
        # The committees these approved elections seated: source ELECTION and the link.
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {Committee._meta.db_table} SET source = %s, election_id = %s WHERE id = %s",
                [(CommitteeSource.ELECTION, election.pk, committee_id) for committee_id, election in self.seated])
        linked = len(self.seated)
        by_status = {}
        for e in elections:
            by_status[e.status] = by_status.get(e.status, 0) + 1
        return {"elections": len(elections), "candidates": len(candidates), "meetings": len(meeting_objs),
                "rounds": len(round_objs), "votes": len(votes), "committees_seated": linked,
                **{f"status_{k.lower()}": v for k, v in sorted(by_status.items())}}


def _next_id(model):
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def seed(gen, *, on=ON) -> dict:
    demo = ElectionDemo(gen, on=on)
    union_ids = {u.id for u in gen.unions}
    # No long IN lists (SQLite's parameter limit): the demo's current committees, filtered here.
    current = [c for c in Committee.objects.filter(status=CommitteeStatus.CURRENT)
               .only("pk", "org_id", "elected_on", "term_years", "term_ends_on", "term_number", "members_at_election",
                     "source").order_by("pk") if c.org_id in union_ids]
    four_years_ago = on.replace(year=on.year - 4)
    candidates = [c for c in current if c.term_number >= 2 and c.source == CommitteeSource.RECORD
                  and four_years_ago <= c.elected_on <= on - 30 * DAY and c.term_ends_on > on]
    wanted = {c.pk for c in candidates}
    members_of = {}
    rows = (CommitteeMember.objects.filter(committee__status=CommitteeStatus.CURRENT, committee__term_number__gte=2)
            .order_by("committee_id", "order").values_list("committee_id", "name", "position", "gender"))
    for cid, name, position, gender in rows.iterator(chunk_size=5000):
        if cid in wanted:
            members_of.setdefault(cid, []).append((name, position, gender))
    demo.approved(candidates, members_of)
    demo.open_ones(current, gen.unions)
    return demo.write()
