"""Demo 职工之家 standards and assessments (grassroots `homes` area).

Standards: a published version of each level in force from 2020 (from the built-in template),
the district level's 2026 version copied from it (pass mark raised), and a draft 2027 version the
district is still editing.

Assessments, one scenario per (union, level), each walked the way the services would have
written it (dates in order, none after `ON`; review deadlines in working days; awards with a
certificate number, a total at or above the pass mark and the re-check due 3 years on):
being prepared, waiting for the town (some overdue), returned, waiting for the district, not
awarded, withdrawn, awarded (recently, re-check due soon, re-check overdue), renewed by a passed
re-check, revoked by a failed one, and an award with its re-check under way.

AUTO lines of this year's assessments are computed from the demo's records by the same record
sources the services use (`selectors.homes.compute_auto`): membership, congress sessions, wage
agreements, suggestions. The demo holds no records of earlier years, so the lines of older
assessments carry the figures the district would have seen then (membership from the union's
members, the other three met as the award needed). `small`: union1 (awarded, re-check due soon,
plus an application for the city level) and the unions of town1 and town2; `district`: about one
union in twelve across every town.
"""

import datetime
import random

from django.db.models import Sum

from gonghui.core import workdays
from gonghui.grassroots.models.homes import (
    AssessmentKind,
    HomeAssessment,
    HomeAssessmentItem,
    HomeAssessmentStatus,
    HomeCriterion,
    HomeStandard,
    StandardStatus,
)
from gonghui.grassroots.rules.homes import default_pass_mark, rules
from gonghui.grassroots.selectors.homes import AutoResult, compute_auto, membership_result
from gonghui.members.selectors import live_member_counts_by_union
from gonghui.orgs.models import Enterprise, Org

ON = datetime.date(2026, 11, 30)
MODELS = (HomeStandard, HomeCriterion, HomeAssessment, HomeAssessmentItem)
DAY = datetime.timedelta(days=1)

SCENARIOS = [("DRAFT", 10), ("SUBMITTED", 12), ("RETURNED", 5), ("FORWARDED", 8), ("REFUSED", 6),
             ("WITHDRAWN", 3), ("AWARDED", 20), ("AWARDED_SOON", 8), ("AWARDED_OVERDUE", 6), ("RENEWED", 10),
             ("REVOKED", 4), ("RECHECKING", 8)]
AWARD_SCENARIOS = {"AWARDED", "AWARDED_SOON", "AWARDED_OVERDUE", "RENEWED", "REVOKED", "RECHECKING"}
REVIEWERS = ["王建国", "李晓燕", "陈志明", "张丽华", "刘海峰", "周敏"]
RETURN_REASONS = ["会员满意度测评材料不全，请补充测评表", "经费审计报告缺少年度数据",
                  "职工之家阵地照片不清晰，请重新上传"]
REFUSE_REASONS = ["总分未达到合格分", "民主管理材料不完整，暂不命名", "经费管理不规范"]
NOTES = ["材料齐全", "已现场查看", "需进一步完善", "符合标准要求", ""]


class HomesDemo:
    def __init__(self, gen, *, on=ON):
        self.gen = gen
        self.on = on
        self.rng = random.Random(gen.seed * 7027 + 13)
        self.small = gen.scale.name == "small"
        self.recheck_years = rules().recheck_years

    # --- standards ---------------------------------------------------------------------------
    def standards(self):
        template = rules().template
        made = {}
        rows = []
        for level in ("DISTRICT", "CITY", "PROVINCE", "NATIONAL"):
            rows.append(HomeStandard(level=level, effective_year=2020, pass_mark=default_pass_mark(level),
                                     title=f"{self._level_label(level)}标准（2020年版）",
                                     status=StandardStatus.PUBLISHED, published_on=datetime.date(2020, 1, 10)))
        HomeStandard.objects.bulk_create(rows)
        for s in rows:
            made[(s.level, 2020)] = s
        new = HomeStandard(level="DISTRICT", effective_year=2026, pass_mark=82,
                           title="区级模范职工之家标准（2026年版）", status=StandardStatus.PUBLISHED,
                           published_on=datetime.date(2026, 1, 8), copied_from=made[("DISTRICT", 2020)])
        HomeStandard.objects.bulk_create([new])
        draft = HomeStandard(level="DISTRICT", effective_year=2027, pass_mark=82,
                             title="区级模范职工之家标准（2027年版，修订中）", status=StandardStatus.DRAFT,
                             copied_from=new)
        HomeStandard.objects.bulk_create([draft])
        made[("DISTRICT", 2026)] = new
        criteria = []
        self.criteria = {}
        for s in [*rows, new, draft]:
            lines = []
            for n, c in enumerate(template, start=1):
                text = str(c.text)
                if s.effective_year >= 2026 and c.code == "FACILITIES":
                    text = "职工之家阵地面积、设施达标，并设有职工书屋和母婴室"
                lines.append(HomeCriterion(standard=s, code=c.code, text=text[:300], max_score=c.max_score,
                                           method=c.method, auto_source=c.auto_source,
                                           evidence_hint=str(c.evidence_hint)[:300], order=n))
            if s is draft:
                lines.append(HomeCriterion(standard=s, code="SAFETY", text="安全生产和职业健康工作有成效", max_score=5,
                                           method="REVIEWER", evidence_hint="安全生产检查记录", order=len(lines) + 1))
            self.criteria[s.pk] = lines
            criteria.extend(lines)
        HomeCriterion.objects.bulk_create(criteria)
        self.published = made
        return len(rows) + 2, len(criteria)

    @staticmethod
    def _level_label(level):
        return {"DISTRICT": "区级模范职工之家", "CITY": "市级模范职工之家", "PROVINCE": "省级模范职工之家",
                "NATIONAL": "全国模范职工之家"}[level]

    def standard_for(self, level, year):
        candidates = [s for (lv, y), s in self.published.items() if lv == level and y <= year]
        return max(candidates, key=lambda s: s.effective_year)

    # --- helpers -------------------------------------------------------------------------------
    def _weighted(self, pairs):
        total = sum(w for _v, w in pairs)
        x = self.rng.random() * total
        for value, weight in pairs:
            x -= weight
            if x < 0:
                return value
        return pairs[-1][0]

    def _day(self, start, end):
        end = min(end, self.on)
        if end <= start:
            return end
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    def _after(self, day, low, high):
        return min(day + datetime.timedelta(days=self.rng.randint(low, high)), self.on)

    def _auto(self, union, year, on, *, need_met):
        """(results by source) for an assessment of `year` computed on `on`."""
        sources = {c.auto_source for c in rules().template if c.auto_source} - {"membership_rate"}
        # membership_rate from the figures counted in bulk for every union (`plan`): the same result
        membership = membership_result(self.members.get(union.pk, 0), self.headcounts.get(union.pk, 0))
        if year >= self.on.year:
            return {"membership_rate": membership, **{code: compute_auto(code, union, year, on) for code in sources}}
        results = {"membership_rate": membership}
        met = need_met or self.rng.random() < 0.7
        results["congress_held"] = AutoResult(met, {"sessions": 1 if met else 0},
                                              f"{year}年召开职代会1次" if met else f"{year}年未召开职代会")
        results["wage_agreement"] = AutoResult(met, {}, f"{year}年工资专项集体合同在有效期内" if met
                                               else f"{on.isoformat()}无有效的工资集体协议")
        results["activities"] = AutoResult(met, {"sessions": 1, "suggestions": 3} if met else {},
                                           f"{year}年开展职工活动" if met else f"{year}年活动记录不足")
        return results

    # --- one assessment ---------------------------------------------------------------------------
    def _build(self, union, level, year, started_on, *, kind="INITIAL", recheck_of=None):
        standard = self.standard_for(level, year)
        a = HomeAssessment(org_id=union.pk, standard=standard, level=level, year=year, kind=kind,
                           recheck_of=recheck_of, started_on=started_on, status=HomeAssessmentStatus.DRAFT)
        a._items = [HomeAssessmentItem(code=c.code, text=c.text, max_score=c.max_score, method=c.method,
                                       auto_source=c.auto_source, evidence_hint=c.evidence_hint, order=c.order)
                    for c in self.criteria[standard.pk]]
        a._union = union
        return a

    def _compute(self, a, on, *, need_met=False):
        results = self._auto(a._union, a.year, on, need_met=need_met)
        for item in a._items:
            if item.method == "AUTO":
                r = results[item.auto_source]
                item.auto_met, item.auto_figures, item.auto_summary = r.met, r.figures, r.summary[:300]
        a.auto_computed_on = on
        self._total(a)

    def _total(self, a):
        a.total_score = sum(i.current_score or 0 for i in a._items)

    def _score(self, a, attr, note_attr, *, low, high):
        for item in a._items:
            if item.method != "AUTO":
                setattr(item, attr, max(0, min(item.max_score, round(item.max_score * self.rng.uniform(low, high)))))
                setattr(item, note_attr, self.rng.choice(NOTES))
        self._total(a)

    def _walk(self, a, target, *, start=None):
        """Advance `a` from DRAFT to `target`. The AUTO lines are computed once, as of the last step
        (each step of the services recomputes them, so only the last computation stays)."""
        rng = self.rng
        need_met = target == "AWARDED"

        def done(day):
            self._compute(a, day, need_met=need_met)
            return a

        self._score(a, "self_score", "self_note", low=0.7, high=1.0)
        if target == "DRAFT":
            return done(a.started_on)
        if target == "WITHDRAWN":
            a.withdrawn_on = self._after(a.started_on, 5, 40)
            a.status = HomeAssessmentStatus.WITHDRAWN
            return done(a.started_on)
        a.submitted_on = self._after(a.started_on, 7, 30)
        a.review_due_on = workdays.add_working_days(a.submitted_on, rules().review_working_days)
        a.status = HomeAssessmentStatus.SUBMITTED
        if target == "SUBMITTED":
            return done(a.submitted_on)
        day = self._after(a.submitted_on, 3, 14)
        a.town_reviewed_on, a.town_reviewer = day, rng.choice(REVIEWERS)
        if target == "RETURNED":
            a.returned_on, a.return_reason = day, rng.choice(RETURN_REASONS)
            a.review_due_on, a.status = None, HomeAssessmentStatus.RETURNED
            return done(day)
        self._score(a, "town_score", "town_note", low=0.75 if need_met else 0.4, high=1.0)
        a.town_comments = "同意推荐" if need_met else "基本符合条件，报区总工会审核"
        a.review_due_on = workdays.add_working_days(day, rules().review_working_days)
        a.status = HomeAssessmentStatus.FORWARDED
        if target == "FORWARDED":
            return done(day)
        day = self._after(a.town_reviewed_on, 5, 30)
        a.decided_on, a.review_due_on = day, None
        for item in a._items:
            if item.method != "AUTO":
                item.final_score = item.town_score
        done(day)
        pass_mark = a.standard.pass_mark
        if target == "AWARDED":
            # The district raises its scores as far as the lines allow; below the pass mark it cannot award.
            for item in sorted((i for i in a._items if i.method != "AUTO"), key=lambda i: i.final_score):
                if a.total_score >= pass_mark:
                    break
                item.final_score += min(item.max_score - item.final_score, pass_mark - a.total_score)
                self._total(a)
            if a.total_score < pass_mark:
                return None
            a.status = HomeAssessmentStatus.AWARDED
            a.certificate_no = (a.recheck_of.certificate_no if a.recheck_of is not None
                                else f"萧职家{day.year}-{self._next_cert():04d}")
            a.recheck_due_on = _add_years(day, self.recheck_years)
            a.district_comments = "经审核，符合命名条件"
        else:
            for item in a._items:  # a refusal: scored below the pass mark
                if item.method != "AUTO" and a.total_score >= pass_mark:
                    item.final_score -= min(item.final_score, a.total_score - pass_mark + 1)
                    self._total(a)
            a.status = HomeAssessmentStatus.REFUSED
            a.refuse_reason = rng.choice(REFUSE_REASONS)
        return a

    def _next_cert(self):
        self.cert = getattr(self, "cert", 0) + 1
        return self.cert

    # --- plan ------------------------------------------------------------------------------------
    def unions(self):
        gen = self.gen
        town_ids = {gen.town_by_name[name].id for name in _anchor_towns(gen)}
        anchored = [u for u in gen.unions if u is not gen.union1 and u.town is not None and u.town.id in town_ids]
        others = [u for u in gen.unions if u is not gen.union1 and u not in anchored]
        if self.small:
            chosen = [gen.union1, *anchored[:14], *self.rng.sample(others, min(4, len(others)))]
        else:
            share = 12
            chosen = [gen.union1, *anchored[:40], *[u for u in others if self.rng.randrange(share) == 0]]
        return chosen

    def plan(self):
        nodes = self.unions()
        ids = [n.id for n in nodes]
        orgs = Org.objects.in_bulk(ids)
        self.members = live_member_counts_by_union(ids)
        self.headcounts = dict(Enterprise.objects.filter(union_id__in=ids).values("union_id")
                               .annotate(n=Sum("headcount")).values_list("union_id", "n"))
        rows = []  # (assessment, original or None)
        plans = []
        union1 = self.gen.union1
        for i, node in enumerate(nodes):
            union = orgs[node.id]
            if node is union1:
                plans.append((union, "DISTRICT", "AWARDED_SOON"))
                plans.append((union, "CITY", "SUBMITTED"))
                continue
            scenario = SCENARIOS[i % len(SCENARIOS)][0] if self.small and i <= len(SCENARIOS) else \
                self._weighted(SCENARIOS)
            level = "DISTRICT" if scenario not in AWARD_SCENARIOS or self.rng.random() < 0.85 else \
                self._weighted([("CITY", 4), ("PROVINCE", 1)])
            plans.append((union, level, scenario))
        for union, level, scenario in plans:
            made = self._scenario(union, level, scenario)
            if made is None:  # records too thin for an award: an application waiting for the district
                made = [self._walk(self._build(union, level, self.on.year, self._day(
                    datetime.date(self.on.year, 8, 1), self.on - 40 * DAY)), "FORWARDED", start=None)]
            rows.extend(m for m in made if m is not None)
        return rows

    def _scenario(self, union, level, scenario):
        on, year = self.on, self.on.year
        if scenario in ("DRAFT", "SUBMITTED", "RETURNED", "FORWARDED"):
            window = {"DRAFT": (on - 40 * DAY, on), "SUBMITTED": (on - 45 * DAY, on - 8 * DAY),
                      "RETURNED": (on - 80 * DAY, on - 25 * DAY), "FORWARDED": (on - 90 * DAY, on - 35 * DAY)}
            start = self._day(*window[scenario])
            return [self._walk(self._build(union, level, year, start), scenario, start=start)]
        if scenario in ("REFUSED", "WITHDRAWN"):
            y = self.rng.choice([year - 2, year - 1, year])
            start = self._day(datetime.date(y, 3, 1), datetime.date(y, 9, 30))
            return [self._walk(self._build(union, level, y, start), scenario, start=start)]
        if scenario == "AWARDED":
            y = self.rng.choice([year - 2, year - 1, year])
            return self._award(union, level, datetime.date(y, 3, 1), datetime.date(y, 8, 31))
        if scenario == "AWARDED_SOON":  # decided Dec 2023 – Feb 2024: the re-check falls due within 90 days
            return self._award(union, level, datetime.date(year - 3, 11, 20), datetime.date(year - 3, 12, 5))
        if scenario == "AWARDED_OVERDUE":
            return self._award(union, level, datetime.date(year - 5, 3, 1), datetime.date(year - 4, 8, 31))
        first = self._award(union, level, datetime.date(year - 6, 3, 1), datetime.date(year - 4, 6, 30))
        if not first:
            return None
        award = first[0]
        start = self._day(award.recheck_due_on - 60 * DAY, award.recheck_due_on + 20 * DAY)
        recheck = self._build(union, level, start.year, start, kind=AssessmentKind.RECHECK, recheck_of=award)
        if scenario == "RECHECKING":
            start = self._day(on - 60 * DAY, on - 10 * DAY)
            recheck = self._build(union, level, start.year, start, kind=AssessmentKind.RECHECK, recheck_of=award)
            return [award, self._walk(recheck, self.rng.choice(["DRAFT", "SUBMITTED", "FORWARDED"]), start=start)]
        if scenario == "RENEWED":
            done = self._walk(recheck, "AWARDED", start=start)
            if done is None:
                return [award]
            award.status = HomeAssessmentStatus.RENEWED
            return [award, done]
        done = self._walk(recheck, "REFUSED", start=start)
        award.status, award.revoked_on = HomeAssessmentStatus.REVOKED, done.decided_on
        award.revoke_reason = f"复查未通过：{done.refuse_reason}"
        done.refuse_reason = done.refuse_reason or "复查不合格"
        return [award, done]

    def _award(self, union, level, earliest, latest):
        start = self._day(earliest, latest)
        a = self._walk(self._build(union, level, start.year, start), "AWARDED", start=start)
        return [a] if a is not None else None

    # --- write -----------------------------------------------------------------------------------
    def write(self):
        standards, criteria = self.standards()
        rows = self.plan()
        originals = [a for a in rows if a.recheck_of is None]
        rechecks = [a for a in rows if a.recheck_of is not None]
        for a in rows:
            _check(a, self.on)
        HomeAssessment.objects.bulk_create(originals, batch_size=500)
        for a in rechecks:
            a.recheck_of_id = a.recheck_of.pk
        HomeAssessment.objects.bulk_create(rechecks, batch_size=500)
        items = []
        for a in rows:
            for item in a._items:
                item.assessment_id = a.pk
                items.append(item)
        HomeAssessmentItem.objects.bulk_create(items, batch_size=2000)
        self.gen.writer.reset_sequences(list(MODELS))
        by_status = {}
        for a in rows:
            by_status[str(a.status)] = by_status.get(str(a.status), 0) + 1
        return {"standards": standards, "criteria": criteria, "assessments": len(rows),
                "assessments_by_status": dict(sorted(by_status.items())), "lines": len(items)}


def _anchor_towns(gen):
    from gonghui.core.demo.generator import TOWN1, TOWN2

    return (TOWN1, TOWN2)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _check(a, on):
    """What the services guarantee, asserted before anything is written."""
    days = [a.started_on, a.submitted_on, a.town_reviewed_on, a.returned_on, a.decided_on, a.revoked_on,
            a.withdrawn_on, a.auto_computed_on]
    assert all(d is None or d <= on for d in days), a
    assert a.submitted_on is None or a.submitted_on >= a.started_on
    assert a.decided_on is None or (a.submitted_on and a.decided_on >= a.submitted_on)
    for item in a._items:
        for v in (item.self_score, item.town_score, item.final_score):
            assert v is None or 0 <= v <= item.max_score
    if a.status in (HomeAssessmentStatus.AWARDED, HomeAssessmentStatus.RENEWED, HomeAssessmentStatus.REVOKED):
        assert a.certificate_no and a.recheck_due_on and a.decided_on
        assert a.total_score >= a.standard.pass_mark


def seed(gen) -> dict:
    return HomesDemo(gen).write()
