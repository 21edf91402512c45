"""Demo union committees, term by term (DOMAIN.md §4), on top of the generated district.

Reads the generator's in-memory plan (`gen.unions` with ids, founding dates, chairs, member
counts and towns); never the database. Its own `random.Random`, so the rest of the demo stays
as it was.

Almost every union gets a CURRENT committee (a few have none on record: 组建 or paper records
still to do); terms are 3 or 5 years, and election dates are spread so that about one in ten
terms has expired, about one in eight expires within the rules' months (6), and the rest run
longer. About a third of the unions in a second or later term also have the previous, REPLACED
committee on record. At `small` scale, union1 (the demo account's union) has a term expiring
within months and an older one replaced, and town1 and town2 each have at least one expired, one
expiring and one union with no committee on record.

Each row is what `services.committees` would have written: the term ends the day before its
anniversary (`term_end`), a replaced committee ended the day its successor was elected, the
first committee of a union was elected on or after its founding (source FOUNDING when at the
founding meeting, else entered from paper records, RECORD), the chair of the current committee
is the union's `chair_name`, exactly one chair and no name twice per committee, and the size
is within the legal table's range for its members at the election. No election rows: committees
seated by elections are the elections area's. No reminder rows either: the first daily run of
the reminder job sends each due reminder once (as it would on the day the system goes live).
"""

import bisect
import datetime
import itertools
import random

from gonghui.grassroots.models.committees import (
    Committee,
    CommitteeMember,
    CommitteePosition,
    CommitteeReminder,
    CommitteeSource,
    CommitteeStatus,
)
from gonghui.grassroots.rules.committees import rules
from gonghui.grassroots.selectors.committees import add_months
from gonghui.grassroots.services.committees import term_end

from .. import vocab

ON = datetime.date(2026, 11, 30)
DAY = datetime.timedelta(days=1)
MODELS = (Committee, CommitteeMember, CommitteeReminder)

NONE_SHARE = 0.04        # unions with no committee on record
EXPIRED_SHARE = 0.10
EXPIRING_SHARE = 0.13
PREVIOUS_SHARE = 0.35    # unions past their first term with the previous committee on record
FIVE_YEAR_SHARE = 0.6


# The legal committee-size table (DOMAIN.md §4; the elections area enforces it from its rules):
# (most members, fewest seats, most seats).
SIZE_TABLE = ((10, 1, 1), (25, 3, 3), (100, 3, 5), (200, 5, 7), (500, 7, 9), (1000, 9, 15), (5000, 15, 21),
              (10000, 21, 29), (50000, 29, 37))


def committee_size(members: int, rng) -> int:
    """An odd size within the legal table's range for the membership."""
    low, high = next(((lo, hi) for top, lo, hi in SIZE_TABLE if members <= top), (37, 45))
    return rng.choice([n for n in range(low, high + 1) if n % 2] or [low])


class CommitteeDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 7919 + 61)
        self.small = gen.scale.name == "small"
        surnames, weights = zip(*vocab.SURNAMES, strict=True)
        self.surnames, self.surname_cum = surnames, list(itertools.accumulate(weights))
        self.expiring_months = rules().expiring_months
        self.committees = []   # (Committee, [member rows])

    def name(self, gender):
        rng = self.rng
        surname = self.surnames[bisect.bisect_right(self.surname_cum, rng.random() * self.surname_cum[-1])]
        chars = vocab.GIVEN_MALE if gender == "M" else vocab.GIVEN_FEMALE
        return surname + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")

    def date_between(self, start, end):
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    # --- the plan ---------------------------------------------------------------------------------
    def states(self):
        """{union id: "none" | "expired" | "expiring" | "ok"}, with the small scale's guarantees."""
        rng, gen = self.rng, self.gen
        states = {}
        for union in gen.unions:
            x = rng.random()
            states[union.id] = ("none" if x < NONE_SHARE else "expired" if x < NONE_SHARE + EXPIRED_SHARE
                                else "expiring" if x < NONE_SHARE + EXPIRED_SHARE + EXPIRING_SHARE else "ok")
        states[gen.union1.id] = "expiring"
        if self.small:
            from ..generator import TOWN1, TOWN2

            for town_name in (TOWN1, TOWN2):
                town = gen.town_by_name[town_name]
                # The oldest unions can have any state; a union founded last year cannot have an expired term.
                others = sorted((u for u in gen.unions if u.town is town and u is not gen.union1),
                                key=lambda u: (u.founded_on or datetime.date(2000, 1, 1), u.id))
                for union, state in zip(others, ("expired", "expiring", "none", "ok"), strict=False):
                    states[union.id] = state
        return states

    def elected_for(self, union, state, years):
        """An election date giving `state` on `self.on` for a term of `years`, or None when the
        union was founded too late for it."""
        on, founded = self.on, union.founded_on or datetime.date(2000, 1, 1)
        limit = add_months(on, self.expiring_months)
        if state == "expired":   # ended up to two years ago
            start, end = add_months(on, -12 * (years + 2)), add_months(on, -12 * years) - DAY
        elif state == "expiring":
            start, end = add_months(on, -12 * years) + DAY, add_months(limit, -12 * years)
        else:
            start, end = add_months(limit, -12 * years) + DAY, on - 30 * DAY
        start = max(start, founded)
        if start > end:
            return None
        day = self.date_between(start, end)
        # The day before an anniversary that is 29 February moves the end: keep the state exact.
        return day if self.state_of(term_end(day, years)) == state else None

    def state_of(self, ends_on):
        if ends_on < self.on:
            return "expired"
        return "expiring" if ends_on <= add_months(self.on, self.expiring_months) else "ok"

    def members(self, members_then, chair):
        """The committee's people: its size within the legal range for the members at its election."""
        rng = self.rng
        size = committee_size(max(members_then, 1), rng)
        vices = 0 if size < 5 else 1 if size < 11 else 2
        names, rows = {chair}, [(chair, CommitteePosition.CHAIR, "")]
        while len(rows) < size:
            gender = "M" if rng.random() < 0.55 else "F"
            name = self.name(gender)
            if name in names:
                continue
            names.add(name)
            position = CommitteePosition.VICE_CHAIR if len(rows) <= vices else CommitteePosition.MEMBER
            rows.append((name, position, gender))
        return rows

    def plan(self):
        rng = self.rng
        states = self.states()
        for union in self.gen.unions:
            state = states[union.id]
            if state == "none":
                continue
            years = 5 if rng.random() < FIVE_YEAR_SHARE else 3
            elected = self.elected_for(union, state, years)
            if elected is None:   # founded too recently for that state: a term that runs longer
                elected = self.elected_for(union, "ok", years) or max(union.founded_on or self.on, self.on - 30 * DAY)
                if elected > self.on:
                    continue
            founded = union.founded_on or elected
            at_founding = (elected - founded).days < 60
            term_number = 1 if at_founding else max(1, (elected - founded).days // (365 * years) + 1)
            if not at_founding and term_number == 1:
                term_number = 2   # a union elected its first committee at its founding meeting
            members_then = max(1, round(union.members * rng.uniform(0.85, 1.05)))
            current = Committee(
                org_id=union.id, term_number=term_number, term_years=years, elected_on=elected,
                term_ends_on=term_end(elected, years), status=CommitteeStatus.CURRENT, ended_on=None,
                source=CommitteeSource.FOUNDING if at_founding else CommitteeSource.RECORD,
                members_at_election=members_then)
            previous = None
            wants_previous = union is self.gen.union1 or rng.random() < PREVIOUS_SHARE
            if term_number > 1 and wants_previous:
                # The term before: the founding meeting's committee for a second term, else one
                # entered from paper, elected `years` before the current one.
                prev_elected = founded if term_number == 2 else add_months(elected, -12 * years)
                if founded <= prev_elected < elected:
                    previous = Committee(
                        org_id=union.id, term_number=term_number - 1, term_years=years, elected_on=prev_elected,
                        term_ends_on=term_end(prev_elected, years), status=CommitteeStatus.REPLACED, ended_on=elected,
                        source=CommitteeSource.FOUNDING if term_number == 2 else CommitteeSource.RECORD,
                        members_at_election=max(1, round(members_then * rng.uniform(0.8, 1.0))))
            if previous is not None:
                chair = self.name(rng.choice("MF"))
                self.committees.append((previous, self.members(previous.members_at_election, chair)))
            self.committees.append((current, self.members(members_then, union.chair_name or self.name("M"))))

    # --- writing ----------------------------------------------------------------------------------
    def write(self):
        objs = [c for c, _m in self.committees]
        Committee.objects.bulk_create(objs, batch_size=2000)
        people = [CommitteeMember(committee_id=c.pk, name=name, position=position, gender=gender, order=i)
                  for c, rows in self.committees for i, (name, position, gender) in enumerate(rows)]
        CommitteeMember.objects.bulk_create(people, batch_size=5000)
        current = [c for c in objs if c.status == CommitteeStatus.CURRENT]
        return {
            "committees": len(objs),
            "current": len(current),
            "replaced": len(objs) - len(current),
            "unions_without": len(self.gen.unions) - len(current),
            "expired": sum(1 for c in current if self.state_of(c.term_ends_on) == "expired"),
            "expiring": sum(1 for c in current if self.state_of(c.term_ends_on) == "expiring"),
            "members": len(people),
        }


def seed(gen, *, on=ON) -> dict:
    demo = CommitteeDemo(gen, on=on)
    demo.plan()
    return demo.write()
