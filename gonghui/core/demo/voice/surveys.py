"""Demo 晴雨表 surveys (voice `surveys` area): a closed district-wide 职工需求调查 and an open
district 满意度 survey (member1 has not answered it: it is on their phone page), an open survey of
town1 (城厢街道) and a closed one of town2 (北干街道), a closed textile-industry survey of the
district, and a draft of union1. Each survey has choice, scale and text questions; responses are a
sample of the targeted live members (60 a survey at small scale, 1,500 at district scale) with
weighted answers, the town, union, industry and age band copied as the service does. Targeted
counts come from one grouped query per survey. Bulk writes only.
"""

import datetime
import random

from django.db.models import Count
from django.db.models.functions import Mod
from django.utils import timezone

from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.voice.models.surveys import (
    Option,
    Question,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    SurveyStatus,
)
from gonghui.voice.rules.surveys import age_band

MODELS = (Survey, Question, Option, SurveyResponse, SurveyAnswer)

S, M, SC, T = QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.SCALE, QuestionKind.TEXT
NEEDS = [
    (S, "您目前最关心的问题是？", ["工资收入", "劳动安全与职业健康", "子女教育", "住房", "社会保险"]),
    (M, "您希望工会提供哪些服务？（可多选）", ["技能培训", "文体活动", "法律援助", "困难帮扶", "心理咨询", "婚恋交友"]),
    (SC, "您对所在单位工会工作的总体满意度", 5),
    (S, "您每月加班时间大约是？", ["基本不加班", "20小时以内", "20–36小时", "36小时以上"]),
    (T, "您对工会工作还有什么意见和建议？", None),
]
SATISFACTION = [
    (SC, "您对区总工会服务职工工作的满意度（1–10分）", 10),
    (M, "过去一年您参加过哪些工会活动？", ["春送岗位", "夏送清凉", "金秋助学", "冬送温暖", "职工文体赛事", "均未参加"]),
    (S, "您通过什么渠道了解工会信息？", ["工会微信公众号", "单位工会通知", "工友介绍", "其他"]),
    (T, "您最希望工会明年办好的一件实事是？", None),
]
CULTURE = [
    (M, "您希望参加哪些文体活动？", ["篮球", "羽毛球", "广场舞", "书法摄影", "读书会", "徒步"]),
    (S, "您方便参加活动的时间是？", ["工作日晚上", "周六", "周日", "节假日"]),
    (SC, "您对街道现有职工文体设施的满意度", 5),
]
SAFETY = [
    (S, "本单位是否定期组织安全生产培训？", ["每月都有", "每季度一次", "每年一次", "从未组织"]),
    (SC, "您对车间防暑降温措施的满意度", 5),
    (T, "您发现的安全隐患或建议", None),
]
TEXTILE = [
    (S, "您所在企业今年订单情况如何？", ["明显增加", "基本持平", "有所减少", "明显减少"]),
    (S, "您今年的工资收入与去年相比？", ["增加10%以上", "增加10%以内", "基本不变", "有所下降"]),
    (SC, "您对企业工资集体协商结果的满意度", 5),
]
TEXTS = ["希望多组织技能培训，提升自己", "建议增加夏季高温补贴", "希望工会多关心一线职工的身体健康",
         "子女暑期托管很需要，希望能办", "建议食堂伙食再改善一些", "希望多举办周末亲子活动", "加班太多，希望能合理安排",
         "感谢工会送来的清凉慰问", "建议开设夜校课程", "希望帮助解决外地职工住房问题"]


class SurveyDemo:
    def __init__(self, gen):
        self.gen = gen
        self.rng = random.Random(gen.seed * 6151 + 29)
        self.small = gen.scale.name == "small"
        self.today = timezone.localdate()
        towns = {t.id: t for t in gen.towns}
        self.town_of_union = {u.id: (u.town.id if u.town is not None and u.town.id in towns else None)
                              for u in gen.unions}
        self.respondents = 60 if self.small else 1500
        self.counts = {"surveys": 0, "responses": 0, "answers": 0}

    def survey(self, org_id, title, status, opens_on, closes_on, questions, *, industries=(), intro=""):
        s = Survey.objects.create(org_id=org_id, title=title, intro=intro, status=status, opens_on=opens_on,
                                  closes_on=closes_on, industries=list(industries), anonymous_results=True)
        Question.objects.bulk_create([Question(survey=s, order=i + 1, kind=k, text=text, required=k != T,
                                               scale_max=extra if k == SC else None)
                                      for i, (k, text, extra) in enumerate(questions)])
        qs = list(s.questions.order_by("order"))
        Option.objects.bulk_create([Option(question=q, order=j + 1, text=o) for q, (_k, _t, extra) in
                                    zip(qs, questions, strict=True) if q.is_choice for j, o in enumerate(extra)])
        self.counts["surveys"] += 1
        if status == SurveyStatus.DRAFT:
            return s
        self.target_counts(s, org_id, industries)
        s.opened_at = timezone.make_aware(datetime.datetime.combine(opens_on, datetime.time(9)))
        if status == SurveyStatus.CLOSED:
            s.closed_at = timezone.make_aware(datetime.datetime.combine(closes_on, datetime.time(23, 50)))
        s.save()
        return s

    def _live(self, org_path, industries):
        qs = Membership.objects.filter(status__in=LIVE_STATUSES, union__path__startswith=org_path)
        if industries:
            qs = qs.filter(enterprise__industry__in=list(industries))
        return qs

    def target_counts(self, s, org_id, industries):
        """Live memberships are one per person: their count per union is the persons targeted."""
        from gonghui.orgs.models import Org

        path = Org.objects.values_list("path", flat=True).get(pk=org_id)
        by_town = {}
        for union_id, n in (self._live(path, industries).order_by().values_list("union_id")
                            .annotate(n=Count("pk"))):
            key = str(self.town_of_union.get(union_id) or "")
            by_town[key] = by_town.get(key, 0) + n
        s.targeted_by_town, s.targeted_count = by_town, sum(by_town.values())

    def responses(self, s, *, share=1.0, skip_person=None, force_person=None):
        """A sample of the targeted (person id modulo a stride, then the first N), weighted answers."""
        from gonghui.orgs.models import Org

        path = Org.objects.values_list("path", flat=True).get(pk=s.org_id)
        want = max(1, int(min(self.respondents, s.targeted_count) * share))
        stride = max(1, s.targeted_count // (want * 2))
        qs = (self._live(path, s.industries).annotate(m=Mod("person_id", stride)).filter(m=self.rng.randrange(stride))
              .order_by("person_id").values_list("person_id", "union_id", "enterprise__industry", "person__birth_on"))
        rows = [r for r in qs[:want + 1] if r[0] != skip_person][:want]
        if force_person is not None and all(r[0] != force_person for r in rows):
            extra = (self._live(path, s.industries).filter(person_id=force_person)
                     .values_list("person_id", "union_id", "enterprise__industry", "person__birth_on").first())
            if extra:
                rows = [extra, *rows[:-1]] if rows else [extra]
        span = max(1, (min(s.closes_on, self.today) - s.opens_on).days)
        responses = []
        for no, (person_id, union_id, industry, birth_on) in enumerate(rows, start=1):
            day = s.opens_on + datetime.timedelta(days=self.rng.randrange(span))
            age = day.year - birth_on.year - ((day.month, day.day) < (birth_on.month, birth_on.day))
            responses.append(SurveyResponse(survey=s, person_id=person_id, respondent_no=no,
                                            town_id=self.town_of_union.get(union_id), union_id=union_id,
                                            industry=industry or "", age_band=age_band(age)))
        SurveyResponse.objects.bulk_create(responses, batch_size=2000)
        # submitted_at is auto_now_add: spread it over the survey's days afterwards is not needed
        # for any figure; the answers are what the charts read.
        saved = list(SurveyResponse.objects.filter(survey=s).values_list("pk", flat=True))
        questions = list(s.questions.prefetch_related("options").order_by("order"))
        answers = []
        for rid in saved:
            for q in questions:
                answers += self.answer(rid, q)
        SurveyAnswer.objects.bulk_create(answers, batch_size=5000)
        Survey.objects.filter(pk=s.pk).update(response_count=len(saved), next_respondent_no=len(saved) + 1)
        self.counts["responses"] += len(saved)
        self.counts["answers"] += len(answers)

    def answer(self, rid, q):
        rng = self.rng
        if q.kind == SC:
            top = q.scale_max or 5
            value = min(top, max(1, round(rng.gauss(top * 0.75, top * 0.18))))
            return [SurveyAnswer(response_id=rid, question=q, value=value)]
        if q.kind == T:
            return [SurveyAnswer(response_id=rid, question=q, text=rng.choice(TEXTS))] if rng.random() < .3 else []
        options = list(q.options.all())
        weights = [len(options) - i + rng.random() for i in range(len(options))]
        if q.kind == S:
            return [SurveyAnswer(response_id=rid, question=q, option=rng.choices(options, weights)[0])]
        k = rng.randint(1, min(3, len(options)))
        chosen = {o.pk: o for o in rng.choices(options, weights, k=k)}
        return [SurveyAnswer(response_id=rid, question=q, option=o) for o in chosen.values()]

    def run(self):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen, today, day = self.gen, self.today, datetime.timedelta(days=1)
        town1, town2 = gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]
        needs = self.survey(gen.root.id, f"{today.year}年度职工需求调查（晴雨表）", SurveyStatus.CLOSED,
                            today - 75 * day, today - 30 * day, NEEDS,
                            intro="了解全区职工最关心、最直接、最现实的利益问题，为工会年度工作提供依据。")
        self.responses(needs, force_person=gen.member1)
        satisfaction = self.survey(gen.root.id, "区总工会服务职工满意度测评", SurveyStatus.OPEN,
                                   today - 10 * day, today + 20 * day, SATISFACTION,
                                   intro="请对一年来区总工会的服务打分，匿名统计。")
        self.responses(satisfaction, share=0.5, skip_person=gen.member1)
        culture = self.survey(town1.id, "城厢街道职工文体活动意向调查", SurveyStatus.OPEN, today - 5 * day,
                              today + 25 * day, CULTURE)
        self.responses(culture, share=0.4, skip_person=gen.member1)
        safety = self.survey(town2.id, "北干街道夏季安全生产与防暑降温调查", SurveyStatus.CLOSED,
                             today - 120 * day, today - 90 * day, SAFETY)
        self.responses(safety)
        textile = self.survey(gen.root.id, "纺织化纤行业职工收入状况调查", SurveyStatus.CLOSED, today - 60 * day,
                              today - 40 * day, TEXTILE, industries=["TEXTILES"])
        if textile.targeted_count:
            self.responses(textile)
        self.survey(gen.union1.id, "本单位职工食堂满意度调查（草稿）", SurveyStatus.DRAFT, today + 3 * day,
                    today + 17 * day, NEEDS[:3])
        return self.counts


def seed(gen) -> dict:
    return SurveyDemo(gen).run()
