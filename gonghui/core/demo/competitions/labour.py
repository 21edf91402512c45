"""Demo labour competitions (五比五赛), each written the way the services would have left it
(dates in order, none after `ON`; the default criteria set at 20% each or a custom set summing to
100%; every closed round fully scored by its named judges, with the weighted totals and ranks the
selectors compute; awards with their honour records):

- the district's finished "亚运场馆建设五比五赛" (quarterly, four rounds, team and individual
  立功 awards written to the honour records, category COMPETITION);
- the district's running "机场扩建工程五比五赛" (monthly, nine rounds closed, October's round
  still open with part of the scores: the leaderboard's provisional column and an overdue round);
- a running quarterly competition of town1 (城厢街道), a planned one of town2 (北干街道), and
  union1's own workshop competition (an enterprise-level one, published by the union);
- `district` scale only: one running competition in each further town (three quarterly rounds).

Teams are unions of the organiser's subtree (the district's span several towns, including town1,
town2 and union1). No evidence files are written (the demo keeps no uploads).
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from gonghui.competitions.models.labour import (
    CompetitionAward,
    CompetitionCriterion,
    CompetitionEvidence,
    CompetitionScore,
    CompetitionTeam,
    LabourCompetition,
    RoundResult,
    ScoringRound,
)
from gonghui.competitions.selectors.labour import quantize, rank, weighted_total
from gonghui.honours.models.awards import HolderKind, HonourRecord
from gonghui.members.models import Membership

ON = datetime.date(2026, 11, 30)
MODELS = (LabourCompetition, CompetitionCriterion, CompetitionTeam, ScoringRound, CompetitionScore, RoundResult,
          CompetitionEvidence, CompetitionAward)  # evidence: none seeded, listed so that wipe() removes uploads
DEFAULT = (("QUALITY", "比质量", "20"), ("SAFETY", "比安全", "20"), ("EFFICIENCY", "比高效", "20"),
           ("INNOVATION", "比创新", "20"), ("CONDUCT", "比作风", "20"))
CUSTOM = (("QUALITY", "比质量", "30"), ("SAFETY", "比安全", "30"), ("EFFICIENCY", "比高效", "20"),
          ("INNOVATION", "比创新", "10"), ("CONDUCT", "比作风", "10"))
LEADERS = ["张建军", "刘明华", "杨志强", "黄伟东", "徐海燕", "马立新", "朱永刚", "胡晓峰"]
JUDGES = ["王建华", "李国强", "陈晓红", "赵志刚", "孙丽萍", "周海涛", "吴文军", "郑雅琴"]
SUFFIXES = ["项目部", "一标段", "二标段", "施工队", "安装分公司", "车间"]
QUARTERS = [(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "2026年第一季度"),
            (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), "2026年第二季度"),
            (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), "2026年第三季度"),
            (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), "2026年第四季度")]


def _month(n):
    start = datetime.date(2026, n, 1)
    end = (datetime.date(2026, n + 1, 1) if n < 12 else datetime.date(2027, 1, 1)) - datetime.timedelta(days=1)
    return start, end, f"2026年{n}月"


class LabourDemo:
    def __init__(self, gen):
        self.gen = gen
        self.rng = random.Random(gen.seed * 4409 + 5)
        self.small = gen.scale.name == "small"
        self.comps, self.criteria, self.teams, self.rounds, self.scores, self.results = [], [], [], [], [], []
        self.award_plans = []

    def _unions(self, town=None, n=6):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        pool = [u for u in self.gen.unions if (town is None or (u.town is not None and u.town.id == town.id))]
        if town is None:
            anchors = [u for u in pool if u.town is not None and u.town.short_name in (TOWN1, TOWN2)]
            others = [u for u in pool if u not in anchors]
            chosen = [self.gen.union1] + [u for u in anchors[:n] if u is not self.gen.union1][:n // 2]
            chosen += self.rng.sample(others, min(len(others), n - len(chosen)))
        else:
            chosen = ([self.gen.union1] if self.gen.union1 in pool else []) + [u for u in pool
                                                                                if u is not self.gen.union1]
            chosen = chosen[:n]
        return chosen

    def competition(self, org_id, name, *, period, status, criteria=DEFAULT, teams, periods, open_partial=False,
                    started_on=datetime.date(2026, 1, 5), finished_on=None):
        c = LabourCompetition(org_id=org_id, name=name, year=2026, starts_on=datetime.date(2026, 1, 1),
                              ends_on=datetime.date(2026, 12, 31), period=period, status=status,
                              started_on=started_on if status in ("RUNNING", "FINISHED") else None,
                              finished_on=finished_on,
                              description=f"{name}围绕比质量、比安全、比高效、比创新、比作风开展，按"
                                          f"{'月' if period == 'MONTHLY' else '季度'}评分。")
        c._criteria = [CompetitionCriterion(code=code, name=label, weight=Decimal(w), order=i)
                       for i, (code, label, w) in enumerate(criteria, start=1)]
        assert sum(x.weight for x in c._criteria) == 100
        c._teams = [CompetitionTeam(org_id=org, name=team_name, kind=kind, leader=leader)
                    for org, team_name, kind, leader in teams]
        c._periods = periods
        c._open_partial = open_partial
        self.comps.append(c)
        return c

    def team_rows(self, unions, kind="ENTERPRISE"):
        rows, used = [], set()
        for u in unions:
            base = u.name.replace("工会", "").replace("联合", "")[:20]
            name = f"{base}{self.rng.choice(SUFFIXES) if kind != 'WORKSHOP' else ''}"
            while name in used:
                name += "二"
            used.add(name)
            rows.append((u.id, name, kind, self.rng.choice(LEADERS)))
        return rows

    def plan(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen = self.gen
        town1, town2 = gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]
        size = 6 if self.small else 10
        done = self.competition(gen.root.id, "亚运场馆建设五比五赛", period="QUARTERLY", status="FINISHED",
                                criteria=CUSTOM, teams=self.team_rows(self._unions(n=size)),
                                periods=QUARTERS[:3], finished_on=datetime.date(2026, 10, 20))
        self.award_plans.append(done)
        self.competition(gen.root.id, "机场扩建工程五比五赛", period="MONTHLY", status="RUNNING",
                         teams=self.team_rows(self._unions(n=size)), periods=[_month(n) for n in range(1, 11)],
                         open_partial=True)
        self.competition(town1.id, "城厢街道重点工程劳动竞赛", period="QUARTERLY", status="RUNNING",
                         teams=self.team_rows(self._unions(town1, n=5)), periods=QUARTERS[:3])
        self.competition(town2.id, "北干街道2026年五比五赛", period="QUARTERLY", status="PLANNED",
                         teams=self.team_rows(self._unions(town2, n=4)), periods=[])
        workshops = [(gen.union1.id, f"{w}车间", "WORKSHOP", self.rng.choice(LEADERS))
                     for w in ("一", "二", "三", "四")]
        self.competition(gen.union1.id, "企业车间劳动竞赛", period="MONTHLY", status="RUNNING", teams=workshops,
                         periods=[_month(n) for n in range(9, 12)], open_partial=False)
        if not self.small:
            for town in gen.towns:
                if town in (town1, town2) or town.level != "TOWN":
                    continue
                unions = self._unions(town, n=5)
                if len(unions) >= 2:
                    self.competition(town.id, f"{town.short_name}五比五赛", period="QUARTERLY", status="RUNNING",
                                     teams=self.team_rows(unions), periods=QUARTERS[:3])

    def write(self):
        self.plan()
        LabourCompetition.objects.bulk_create(self.comps, batch_size=500)
        for c in self.comps:
            for x in c._criteria:
                x.competition_id = c.pk
            for t in c._teams:
                t.competition_id = c.pk
            self.criteria.extend(c._criteria)
            self.teams.extend(c._teams)
        CompetitionCriterion.objects.bulk_create(self.criteria, batch_size=1000)
        CompetitionTeam.objects.bulk_create(self.teams, batch_size=1000)
        for c in self.comps:
            if c.status == "PLANNED":
                continue
            periods = list(c._periods)
            if c._open_partial:
                periods.append(None)  # the open round follows the last closed one
            for n, period in enumerate(periods, start=1):
                if period is None:
                    start, end, label = _month(len(c._periods) + 1)
                    status, closed_on = "OPEN", None
                else:
                    start, end, label = period
                    status, closed_on = "CLOSED", min(end + datetime.timedelta(days=5), ON)
                judges = self.rng.sample(JUDGES, 3 if c.period == "QUARTERLY" else 2)
                rnd = ScoringRound(competition_id=c.pk, number=n, label=label, period_starts_on=start,
                                   period_ends_on=end, judges=judges, status=status, closed_on=closed_on)
                rnd._c = c
                self.rounds.append(rnd)
        ScoringRound.objects.bulk_create(self.rounds, batch_size=1000)
        strength = {t.pk: self.rng.uniform(72, 92) for t in self.teams}
        for rnd in self.rounds:
            c = rnd._c
            weights = {x.code: x.weight for x in c._criteria}
            means = defaultdict(dict)
            teams = c._teams if rnd.status == "CLOSED" else c._teams[: max(1, len(c._teams) // 2)]
            for t in teams:
                for x in c._criteria:
                    if rnd.status == "OPEN" and x.order > 2:
                        continue
                    values = []
                    for judge in rnd.judges:
                        score = Decimal(str(round(min(100.0, max(50.0, strength[t.pk] + self.rng.gauss(0, 4))), 1)))
                        values.append(score)
                        self.scores.append(CompetitionScore(round_id=rnd.pk, team_id=t.pk, criterion_id=x.pk,
                                                            judge=judge, score=score))
                    means[t.pk][x.code] = sum(values) / len(values)
            if rnd.status == "CLOSED":
                totals = {team_id: weighted_total(m, weights) for team_id, m in means.items()}
                for team_id, total, n in rank(totals, {t.pk: t.name for t in c._teams}):
                    self.results.append(RoundResult(round_id=rnd.pk, team_id=team_id, total=quantize(total), rank=n))
        CompetitionScore.objects.bulk_create(self.scores, batch_size=2000)
        RoundResult.objects.bulk_create(self.results, batch_size=2000)
        awards, records = self.awards()
        self.gen.writer.reset_sequences([*MODELS, HonourRecord])
        return {"competitions": len(self.comps), "teams": len(self.teams), "rounds": len(self.rounds),
                "scores": len(self.scores), "awards": awards, "honour_records": records}

    def awards(self):
        """The finished competition's 立功 awards: the two best teams (先进集体) and one person from
        each of the three best teams (一/二/三等功), each with its honour record."""
        rows = []
        for c in self.award_plans:
            by_team = defaultdict(list)
            for r in self.results:
                by_team[r.team_id].append(r.total)
            means = {t.pk: quantize(sum(by_team[t.pk]) / len(by_team[t.pk])) for t in c._teams if by_team[t.pk]}
            ranked = [team_id for team_id, _total, _n in rank(means, {t.pk: t.name for t in c._teams})]
            teams = {t.pk: t for t in c._teams}
            on = datetime.date(2026, 10, 28)
            for team_id in ranked[:2]:
                rows.append(CompetitionAward(competition_id=c.pk, kind="TEAM", team_id=team_id,
                                             title="立功竞赛先进集体", conferred_on=on))
            for team_id, title in zip(ranked[:3], ("一等功", "二等功", "三等功"), strict=False):
                person_id = (Membership.objects.filter(union_id=teams[team_id].org_id, status="ACTIVE")
                             .order_by("id").values_list("person_id", flat=True).first())
                if person_id:
                    rows.append(CompetitionAward(competition_id=c.pk, kind="INDIVIDUAL", team_id=team_id,
                                                 person_id=person_id, title=title, conferred_on=on))
        CompetitionAward.objects.bulk_create(rows)
        comps = {c.pk: c for c in self.comps}
        teams = {t.pk: t for t in self.teams}
        records = []
        for a in rows:
            t = teams[a.team_id]
            records.append(HonourRecord(
                org_id=t.org_id, holder_kind=HolderKind.PERSON if a.person_id else HolderKind.TEAM,
                person_id=a.person_id, team_name="" if a.person_id else t.name, title=a.title,
                category="COMPETITION", level="DISTRICT", year=a.conferred_on.year, conferred_on=a.conferred_on,
                conferred_by=self.gen.root.name, source_key=f"competitions.CompetitionAward:{a.pk}",
                source_label=comps[a.competition_id].name))
        HonourRecord.objects.bulk_create(records)
        by_key = dict(HonourRecord.objects.filter(source_key__startswith="competitions.CompetitionAward:")
                      .values_list("source_key", "pk"))
        for a in rows:
            a.honour_id = by_key.get(f"competitions.CompetitionAward:{a.pk}")
        CompetitionAward.objects.bulk_update(rows, ["honour"])
        return len(rows), len(records)


def seed(gen) -> dict:
    return LabourDemo(gen).write()
