"""Demo 和谐劳动关系 creation: the indicator sets of 2025 and 2026 (published, the built-in
indicators) and a draft 2027 set; rated self-assessments of 2025 and 2026
assessments at every status.

Which enterprises: organised ones, weighted towards the larger (the creation targets firms with a
workforce to speak of): `small` — union1's enterprise (rated 2025, submitted 2026 so town1 can
review it), the first enterprises of town1 and town2 at every status, and a few more;
`district` — about 900 rated in 2025 and 1,100 of 2026 across every town.

Each row is what the services would have written: the congress and wage-agreement indicators
are prefilled from the congress and bargaining demo rows already written (a session held in the
year; an agreement in force on 31 December 2025 or on ON), their figure text the selectors'
own; the totals add up; a town's changed score carries a note; a rating is the thresholds' own
(`rules()`) or differs with a reason; dates run submitted ≤ returned/reviewed ≤ rated ≤ ON.
"""

import datetime
import random

from django.db.models import Max
from django.utils import translation

from gonghui.bargaining.models import WageAgreement
from gonghui.congress.models import Session
from gonghui.congress.selectors.status import HELD_STATUSES
from gonghui.grassroots.models.harmony import (
    HarmonyAssessment,
    HarmonyEvidence,
    HarmonyStatus,
    Indicator,
    IndicatorScore,
    IndicatorSet,
    IndicatorSetStatus,
    IndicatorSource,
)
from gonghui.grassroots.rules.harmony import rules
from gonghui.grassroots.selectors.harmony import agreement_text, congress_text

ON = datetime.date(2026, 11, 30)
MODELS = (IndicatorSet, Indicator, HarmonyAssessment, IndicatorScore, HarmonyEvidence)
TARGETS = {"small": {2025: 8, 2026: 12}, "district": {2025: 900, 2026: 1100}}
STATUS_2026 = [(HarmonyStatus.DRAFT, 12), (HarmonyStatus.RETURNED, 6), (HarmonyStatus.SUBMITTED, 15),
               (HarmonyStatus.FORWARDED, 12), (HarmonyStatus.RATED, 55)]
SELF_NOTES = {"contracts": ["台账齐全，全员签订", "新入职员工均在一个月内签订"],
              "wages": ["按月足额发放，无拖欠", "工资每月15日前发放到卡"],
              "insurance": ["按规定足额缴纳", "五险全员参保"],
              "safety": ["全年无重大安全事故", "安全培训全员覆盖，隐患整改到位"],
              "responsibility": ["开展技能培训和困难职工帮扶", "设立职工关爱基金，劳动争议内部化解"]}
DEFAULT_NOTES = ["制度健全，执行到位"]
REVIEW_NOTES = ["抽查发现部分合同未续签，核减", "个别月份工资延迟发放，核减", "部分岗位社保基数偏低，核减",
                "现场检查发现安全隐患整改不及时，核减"]
RETURN_REASONS = ["社保缴纳证明材料不全，请补充", "自评分说明过于简单，请逐项说明依据"]
OVERRIDE_REASONS = ["年内发生劳动争议群体性事件，降低等次", "获评市级劳动关系和谐企业，经研究提升等次"]


def _day(year, month, day):
    return datetime.date(year, month, day)


class HarmonyDemo:
    def __init__(self, gen, *, on=ON):
        self.gen = gen
        self.on = on
        self.rng = random.Random(gen.seed * 7919 + 66)
        self.rules = rules()
        self.small = gen.scale.name == "small"
        self.assessments: list[tuple[HarmonyAssessment, list[IndicatorScore]]] = []

    # --- sets ------------------------------------------------------------------------------------
    def write_sets(self):
        self.sets = {}
        for year in (2025, 2026, 2027):
            published = year < 2027
            s = IndicatorSet.objects.create(
                year=year, title=f"{year}年度和谐劳动关系创建评价指标", submit_due_on=self.rules.due_on(year),
                status=IndicatorSetStatus.PUBLISHED if published else IndicatorSetStatus.DRAFT,
                published_on=_day(year, 3, 1) if published else None)
            Indicator.objects.bulk_create([
                Indicator(indicator_set=s, code=d.code, name=str(d.name), max_score=d.max_score, source=d.source,
                          evidence=str(d.evidence), position=n)
                for n, d in enumerate(self.rules.indicators, start=1)])
            self.sets[year] = (s, list(s.indicators.order_by("position")))

    # --- records the auto indicators read ---------------------------------------------------------------
    def read_records(self):
        self.held = {}
        self.agreements = {}
        for year in (2025, 2026):
            self.held[year] = dict(Session.objects.filter(status__in=HELD_STATUSES, held_on__year=year)
                                   .values("body__enterprise_id").annotate(last=Max("held_on"))
                                   .values_list("body__enterprise_id", "last"))
            day = min(self.on, _day(year, 12, 31))
            rows = (WageAgreement.objects.in_force_on(day).order_by("ends_on")
                    .values_list("coverages__enterprise_id", "title", "ends_on"))
            self.agreements[year] = (day, {eid: {"title": t, "ends_on": e} for eid, t, e in rows if eid})

    # --- one assessment ------------------------------------------------------------------------------------
    def _weighted(self, pairs):
        x = self.rng.random() * sum(w for _v, w in pairs)
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def assessment(self, firm, year, status):
        rng = self.rng
        indicator_set, indicators = self.sets[year]
        due = indicator_set.submit_due_on
        row = HarmonyAssessment(org_id=firm.union.id, enterprise_id=firm.id, indicator_set=indicator_set, year=year,
                                status=status, due_on=due)
        quality = rng.uniform(0.7, 1.0)
        scores = []
        agreement_day, agreements = self.agreements[year]
        for ind in indicators:
            score = IndicatorScore(indicator=ind, max_score=ind.max_score)
            if ind.source == IndicatorSource.CONGRESS:
                figure = congress_text(self.held[year].get(firm.id), year)
            elif ind.source == IndicatorSource.AGREEMENT:
                figure = agreement_text(agreements.get(firm.id), agreement_day)
            else:
                figure = None
            if figure is not None:
                score.self_score = ind.max_score if figure.met else 0
                score.record_figure = figure.text[:200]
            elif status != HarmonyStatus.DRAFT or rng.random() < 0.6:
                score.self_score = max(0, min(ind.max_score, round(ind.max_score * rng.uniform(quality - 0.15, 1.0))))
                score.self_note = rng.choice(SELF_NOTES.get(ind.code, DEFAULT_NOTES))
            scores.append(score)
        if status == HarmonyStatus.DRAFT:
            self.assessments.append((row, scores))
            return
        # submitted: before the deadline mostly; the open 2026 ones recently
        if status in (HarmonyStatus.SUBMITTED, HarmonyStatus.RETURNED) and year == 2026:
            submitted = self.on - datetime.timedelta(days=rng.randint(3, 60))
        elif status == HarmonyStatus.FORWARDED:
            submitted = self.on - datetime.timedelta(days=rng.randint(30, 90))
        else:
            submitted = due - datetime.timedelta(days=rng.randint(0, 100))
        row.submitted_on = submitted
        row.self_total = sum(s.self_score for s in scores)
        if status == HarmonyStatus.RETURNED:
            row.returned_on = min(submitted + datetime.timedelta(days=rng.randint(2, 15)), self.on)
            row.return_reason = rng.choice(RETURN_REASONS)
            self.assessments.append((row, scores))
            return
        if status == HarmonyStatus.SUBMITTED:
            self.assessments.append((row, scores))
            return
        for s in scores:
            s.review_score = s.self_score
            if s.indicator.source == IndicatorSource.SELF and s.self_score and rng.random() < 0.12:
                s.review_score = max(0, s.self_score - rng.randint(1, 3))
                s.review_note = rng.choice(REVIEW_NOTES)
        row.reviewed_on = min(submitted + datetime.timedelta(days=rng.randint(5, 40)), self.on)
        row.review_total = sum(s.review_score for s in scores)
        row.review_note = "经实地核查，自评基本属实"
        if status == HarmonyStatus.RATED:
            row.rated_on = min(row.reviewed_on + datetime.timedelta(days=rng.randint(5, 30)), self.on)
            row.threshold_rating = row.rating = self.rules.rating_for(row.review_total)
            if rng.random() < 0.03:
                row.rating = "PASS" if row.threshold_rating != "PASS" else "MODEL"
                row.rating_reason = OVERRIDE_REASONS[0 if row.rating == "PASS" else 1]
        self.assessments.append((row, scores))

    # --- who ----------------------------------------------------------------------------------------------
    def plan(self):
        gen, rng = self.gen, self.rng
        targets = TARGETS[gen.scale.name]
        organised = [f for f in gen.firms if f.union is not None and f.id]
        flagship = gen.firms[0]
        demo = [f for f in gen.firms[1:9] if f.union is not None]
        taken = {2025: set(), 2026: set()}

        def add(firm, year, status):
            if firm.id not in taken[year]:
                taken[year].add(firm.id)
                self.assessment(firm, year, status)

        add(flagship, 2025, HarmonyStatus.RATED)
        add(flagship, 2026, HarmonyStatus.SUBMITTED)
        cycle = [HarmonyStatus.FORWARDED, HarmonyStatus.RATED, HarmonyStatus.DRAFT,
                 HarmonyStatus.RETURNED, HarmonyStatus.SUBMITTED, HarmonyStatus.RATED]
        for k, firm in enumerate(demo):
            add(firm, 2026, cycle[k % len(cycle)])
            if k % 2 == 0:
                add(firm, 2025, HarmonyStatus.RATED)
        floor = 10 if self.small else 50
        pool = [f for f in organised if f.headcount >= floor] or organised
        for year in (2025, 2026):
            # the enterprises taking part mostly hold their congress: they are the creation's targets
            weights = [f.headcount ** 0.5 * (4 if f.id in self.held[year] else 1) for f in pool]
            want = min(targets[year], len(pool))
            for firm in rng.choices(pool, weights=weights, k=want * 2):
                if len(taken[year]) >= want:
                    break
                add(firm, year, HarmonyStatus.RATED if year == 2025 else self._weighted(STATUS_2026))

    # --- writing -------------------------------------------------------------------------------------------
    def write(self):
        for row, scores in self.assessments:
            _check(row, scores, self.on)
        rows = [r for r, _s in self.assessments]
        HarmonyAssessment.objects.bulk_create(rows, batch_size=1000)
        if any(r.pk is None for r in rows):  # a backend without RETURNING: read the ids back
            ids = {(e, y): pk for e, y, pk in HarmonyAssessment.objects.values_list("enterprise_id", "year", "pk")}
            for r in rows:
                r.pk = r.id = ids[(r.enterprise_id, r.year)]
        scores = []
        for row, row_scores in self.assessments:
            for s in row_scores:
                s.assessment_id = row.pk
                scores.append(s)
        IndicatorScore.objects.bulk_create(scores, batch_size=2000)
        by_status, by_rating = {}, {}
        for r in rows:
            key = f"{r.year}:{r.status}"
            by_status[key] = by_status.get(key, 0) + 1
            if r.rating:
                by_rating[f"{r.year}:{r.rating}"] = by_rating.get(f"{r.year}:{r.rating}", 0) + 1
        return {"indicator_sets": len(self.sets), "assessments": len(rows), "scores": len(scores),
                "by_status": dict(sorted(by_status.items())), "by_rating": dict(sorted(by_rating.items()))}


def _check(row, scores, on):
    """What the services guarantee, asserted before anything is written."""
    days = [row.submitted_on, row.returned_on, row.reviewed_on, row.rated_on]
    assert all(d is None or d <= on for d in days)
    assert all(s.self_score is None or 0 <= s.self_score <= s.max_score for s in scores)
    if row.status != HarmonyStatus.DRAFT:
        assert all(s.self_score is not None for s in scores)
        assert row.self_total == sum(s.self_score for s in scores) and row.submitted_on
    if row.returned_on:
        assert row.returned_on >= row.submitted_on and row.return_reason
    if row.reviewed_on:
        assert row.reviewed_on >= row.submitted_on
        assert row.review_total == sum(s.review_score for s in scores)
        assert all(s.review_score == s.self_score or s.review_note for s in scores)
    if row.status == HarmonyStatus.RATED:
        assert row.rated_on >= row.reviewed_on and row.rating and row.threshold_rating
        assert row.rating == row.threshold_rating or row.rating_reason


def seed(gen, *, on=ON) -> dict:
    # Stored texts (indicator names, the figures from records) in the platform's language, as a
    # district user's request would have written them.
    with translation.override("zh-hans"):
        demo = HarmonyDemo(gen, on=on)
        demo.write_sets()
        demo.read_records()
        demo.plan()
        return demo.write()
