"""Demo skills contests (技能比武, competitions `contests` area).

The trade catalogue: the district's ten regular trades (`rules.contests.DEFAULT_TRADES`) and two
others. Contests, each written the way the services would have (dates in order, exam numbers
`<year><id>-NNN` unique per contest, entrants live members of a union inside the organiser's
subtree and eligible by age on the contest day, weighted totals rounded half up, ranks by the
documented tie-break, the first `winners` ranks recorded in the honours registry through
`record_honour`):

- the district: one contest per regular trade this year (most published; one held and waiting
  for its results; two open for registration next month), and last year's ten at district
  scale;
- towns: a published contest in town1 and town2 (and in a third of the other towns at district
  scale), a draft in town1, a cancelled one in town2;
- union1: an enterprise-level contest open for registration, and member1 among the entrants of
  a published district contest.
"""

import datetime
import random
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from gonghui.competitions.models.contests import ContestEntry, ContestTrade, SkillContest
from gonghui.competitions.rules.contests import DEFAULT_TRADES
from gonghui.competitions.selectors.contests import age_on
from gonghui.competitions.services.contests import rank_entries
from gonghui.members.models import LIVE_STATUSES, Membership

ON = datetime.date(2026, 11, 30)
MODELS = (ContestTrade, SkillContest, ContestEntry)
DAY = datetime.timedelta(days=1)
TWO = Decimal("0.01")
OTHER_TRADES = (("TEA", "茶艺师", False), ("EXPR", "快递员", False))
VENUES = ["区职业技能实训基地", "区职业技术学校", "镇成人文化技术学校", "企业实训中心"]


class ContestsDemo:
    def __init__(self, gen, *, on=ON):
        self.gen, self.on = gen, on
        self.rng = random.Random(gen.seed * 9151 + 7)
        self.small = gen.scale.name == "small"
        self.tz = timezone.get_current_timezone()

    # --- pool of entrants ----------------------------------------------------------------------
    def pool(self):
        gen = self.gen
        from gonghui.core.demo.generator import TOWN1, TOWN2

        town_ids = {gen.town_by_name[n].id for n in (TOWN1, TOWN2)}
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
        others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
        if self.small:
            chosen = gen.unions
        else:
            chosen = [gen.union1, *anchored[:60], *[u for u in others if self.rng.randrange(25) == 0]]
            chosen += [u for u in self.enterprise_unions() if u not in chosen]
        path_of = {u.id: u.path for u in chosen}
        per_union = 40 if self.small else 25
        rows = (Membership.objects.filter(union_id__in=list(path_of), status__in=LIVE_STATUSES)
                .order_by("union_id", "id")
                .values_list("union_id", "person_id", "person_name", "person__birth_on", "person__skill_level"))
        members, seen = [], {}
        for union_id, person_id, name, birth_on, skill in rows.iterator(chunk_size=5000):
            if seen.get(union_id, 0) >= per_union and person_id != gen.member1:
                continue
            seen[union_id] = seen.get(union_id, 0) + 1
            members.append((union_id, path_of[union_id], person_id, name, birth_on, skill))
        self.members = members

    def entrants(self, org_path, held_on, n, *, must=()):
        eligible = [m for m in self.members if m[1].startswith(org_path) and 18 <= age_on(m[4], held_on) <= 60]
        first = [m for m in eligible if m[2] in must]
        rest = [m for m in eligible if m[2] not in must]
        return first + self.rng.sample(rest, min(max(n - len(first), 0), len(rest)))

    def enterprise_unions(self):
        """Unions running a contest of their own at district scale: one in 400."""
        return [u for u in self.gen.unions if u is not self.gen.union1][::400]

    # --- contests -----------------------------------------------------------------------------------
    def trades(self):
        rows = [ContestTrade(code=c, name=n, is_regular=True) for c, n in DEFAULT_TRADES]
        rows += [ContestTrade(code=c, name=n, is_regular=r) for c, n, r in OTHER_TRADES]
        ContestTrade.objects.bulk_create(rows)
        self.regular = rows[:len(DEFAULT_TRADES)]
        self.other = rows[len(DEFAULT_TRADES):]
        return len(rows)

    def _contest(self, org, level, trade, held_on, status, name, **extra):
        c = SkillContest(org_id=org.id, level=level, trade=trade, year=held_on.year, name=name, held_on=held_on,
                         registration_closes_on=held_on - self.rng.randint(7, 20) * DAY,
                         venue=self.rng.choice(VENUES), capacity=extra.pop("capacity", 40),
                         theory_weight=extra.pop("theory_weight", 30), practical_weight=extra.pop("practical", 70),
                         winners=3, exam_prefix=uuid.uuid4().hex[:16], status=status, **extra)
        if status in ("OPEN", "DRAFT"):  # registration still ahead
            c.registration_closes_on = max(held_on - 5 * DAY, self.on + 2 * DAY)
        if status == "PUBLISHED":
            c.published_on = min(held_on + self.rng.randint(5, 20) * DAY, self.on)
        c._org_path = org.path
        return c

    def plan(self):
        gen, on = self.gen, self.on
        from gonghui.core.demo.generator import TOWN1, TOWN2

        root = gen.root
        contests = []
        years = [on.year] if self.small else [on.year - 1, on.year]
        for year in years:
            for i, trade in enumerate(self.regular):
                if year < on.year or i < 7:
                    held, status = datetime.date(year, 4 + i % 7, 10 + i), "PUBLISHED"
                elif i == 7:
                    held, status = on - 10 * DAY, "CLOSED"
                else:
                    held, status = on + (10 + i) * DAY, "OPEN"  # later this December
                weights = (40, 60) if trade.code in ("ECOM", "NURSE") else (30, 70)
                contests.append(self._contest(root, "DISTRICT", trade, held, status,
                                              f"{year}年区职工{trade.name}职业技能比武", theory_weight=weights[0],
                                              practical=weights[1], capacity=60 if not self.small else 30))
        towns = [gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]]
        if not self.small:
            towns += [t for t in gen.towns if t not in towns and t.level == "TOWN"][::3]
        for n, town in enumerate(towns):
            trade = self.rng.choice(self.regular + self.other)
            contests.append(self._contest(town, "TOWN", trade, datetime.date(on.year, 6 + n % 4, 18), "PUBLISHED",
                                          f"{town.short_name or town.name}{on.year}年{trade.name}技能比武",
                                          capacity=25))
        t1, t2 = towns[0], towns[1]
        contests.append(self._contest(t1, "TOWN", self.other[0], on + 40 * DAY, "DRAFT",
                                      f"{t1.short_name or t1.name}{on.year + 1}年茶艺技能比武", capacity=20))
        contests.append(self._contest(t2, "TOWN", self.other[1], on + 25 * DAY, "CANCELLED",
                                      f"{t2.short_name or t2.name}快递员技能比武", capacity=20,
                                      cancel_reason="报名人数不足，改期举办"))
        u1 = gen.union1
        contests.append(self._contest(u1, "ENTERPRISE", self.regular[0], on + 18 * DAY, "OPEN",
                                      f"{u1.name}{on.year}年电工岗位练兵比武", capacity=15))
        if not self.small:
            for u in self.enterprise_unions():
                contests.append(self._contest(u, "ENTERPRISE", self.rng.choice(self.regular),
                                              datetime.date(on.year, 9, 20), "PUBLISHED",
                                              f"{u.name}{on.year}年岗位技能比武", capacity=15))
        return contests

    def _registered_at(self, c):
        start = c.registration_closes_on - 30 * DAY
        day = start + self.rng.randint(0, 29) * DAY
        day = min(day, self.on)
        return datetime.datetime.combine(day, datetime.time(self.rng.randint(8, 17), self.rng.randint(0, 59)),
                                         tzinfo=self.tz)

    def entries(self, c, member1_done):
        if c.status in ("DRAFT", "CANCELLED"):
            return []
        must = ()
        if c.level == "DISTRICT" and c.status == "PUBLISHED" and not member1_done[0] and self.gen.member1:
            must, member1_done[0] = (self.gen.member1,), True
        want = min(c.capacity, self.rng.randint(c.capacity // 2, c.capacity))
        chosen = self.entrants(c._org_path, c.held_on, want, must=must)
        rows = []
        for seq, (union_id, _path, person_id, name, _birth, _skill) in enumerate(chosen, start=1):
            e = ContestEntry(contest=c, person_id=person_id, union_id=union_id, person_name=name,
                             exam_no=f"{c.exam_prefix}-{seq:03d}", status="REGISTERED",
                             registered_at=self._registered_at(c))
            rows.append(e)
        # one withdrawal per open or closed contest, its number never reused
        if c.status in ("OPEN", "CLOSED") and len(rows) > 3:
            w = rows[2]
            w.status, w.withdrawn_on = "WITHDRAWN", min(w.registered_at.date() + 3 * DAY, self.on)
        c.next_exam_seq = len(rows) + 1
        if c.status in ("PUBLISHED", "CLOSED"):
            for i, e in enumerate(rows):
                if e.status != "REGISTERED":
                    continue
                if c.status == "CLOSED" and i % 2:
                    continue  # scoring under way
                if self.rng.random() < 0.05 and e.person_id not in must:
                    e.absent = True
                    continue
                e.theory_score = Decimal(self.rng.randint(5500, 9900)) / 100
                e.practical_score = Decimal(self.rng.randint(5000, 9800)) / 100
                if e.person_id in must:
                    e.theory_score, e.practical_score = Decimal("96.50"), Decimal("99.00")
                e.total_score = ((e.theory_score * c.theory_weight + e.practical_score * c.practical_weight) / 100
                                 ).quantize(TWO, rounding=ROUND_HALF_UP)
        return rows

    def write(self):
        n_trades = self.trades()
        self.pool()
        contests = self.plan()
        SkillContest.objects.bulk_create(contests, batch_size=500)
        member1_done = [False]
        entries = []
        for c in contests:
            c.exam_prefix = f"{c.year}{c.pk:05d}"
            made = self.entries(c, member1_done)
            for e in made:
                e.contest_id = c.pk
                e.exam_no = f"{c.exam_prefix}-{e.exam_no.rsplit('-', 1)[1]}"
            entries.extend(made)
        SkillContest.objects.bulk_update(contests, ["exam_prefix", "next_exam_seq"], batch_size=500)
        ContestEntry.objects.bulk_create(entries, batch_size=2000)
        published = {c.pk for c in contests if c.status == "PUBLISHED"}
        per_contest = {}
        for e in entries:
            if e.contest_id in published:
                per_contest.setdefault(e.contest_id, []).append(e)
        ranked = [e for rows in per_contest.values() for e in rank_entries(rows)]  # the services' own ordering
        ContestEntry.objects.bulk_update(ranked, ["rank"], batch_size=2000)
        self.gen.writer.reset_sequences(list(MODELS))
        honours = self.honours(contests, entries)
        by_status = {}
        for c in contests:
            by_status[c.status] = by_status.get(c.status, 0) + 1
        return {"trades": n_trades, "contests": len(contests), "contests_by_status": dict(sorted(by_status.items())),
                "entries": len(entries), "honours": honours}

    def honours(self, contests, entries):
        """The winners of published contests, through the registry's own `record_honour`."""
        from gonghui.honours.services.awards import record_honour
        from gonghui.orgs.models import Org

        by_contest = {}
        for e in entries:
            if e.rank is not None and e.rank <= 3:
                by_contest.setdefault(e.contest_id, []).append(e)
        orgs = Org.objects.in_bulk({c.org_id for c in contests} | {e.union_id for es in by_contest.values()
                                                                    for e in es})
        from gonghui.members.models import Person

        people = Person.objects.in_bulk({e.person_id for es in by_contest.values() for e in es})
        n = 0
        for c in contests:
            if c.status != "PUBLISHED":
                continue
            for e in sorted(by_contest.get(c.pk, []), key=lambda e: e.rank)[:c.winners]:
                record_honour(actor=None, org=orgs[e.union_id], person=people[e.person_id], category="CONTEST",
                              level=c.level, conferred_on=c.published_on, title=f"{c.name}第{e.rank}名",
                              conferred_by=orgs[c.org_id].name[:120], source_key=f"competitions.ContestEntry:{e.pk}",
                              source_label=c.name[:200])
                n += 1
        return n


def seed(gen) -> dict:
    return ContestsDemo(gen).write()
