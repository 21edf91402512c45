"""Factories of the `surveys` area, for tests and the layout tours."""

import datetime

from django.utils import timezone

from ..models.surveys import Option, Question, QuestionKind, Survey, SurveyStatus


def make_survey(org, *, title="职工需求调查", status=SurveyStatus.DRAFT, opens_on=None, closes_on=None,
                questions=True, **extra) -> Survey:
    """A survey of `org` with (by default) one question of each kind: single, multi, scale 1–5, text."""
    today = timezone.localdate()
    s = Survey.objects.create(org=org, title=title, status=status,
                              opens_on=opens_on or today - datetime.timedelta(days=1),
                              closes_on=closes_on or today + datetime.timedelta(days=14), **extra)
    if questions:
        add_question(s, QuestionKind.SINGLE, "您最关心的问题是？", options=["工资收入", "劳动安全", "子女教育"])
        add_question(s, QuestionKind.MULTI, "希望工会提供哪些服务？",
                     options=["技能培训", "文体活动", "法律援助", "困难帮扶"])
        add_question(s, QuestionKind.SCALE, "您对本单位工会工作的满意度", scale_max=5)
        add_question(s, QuestionKind.TEXT, "其他意见和建议", required=False)
    return s


def add_question(survey, kind, text, *, options=(), scale_max=None, required=True) -> Question:
    order = survey.questions.count() + 1
    q = Question.objects.create(survey=survey, kind=kind, text=text, order=order, required=required,
                                scale_max=scale_max)
    Option.objects.bulk_create([Option(question=q, order=i + 1, text=t) for i, t in enumerate(options)])
    return q


def open_survey(survey):
    """Open `survey` as the service would (targeted counts), without an actor."""
    from ..services.surveys import recount

    recount(survey)
    survey.status = SurveyStatus.OPEN
    survey.save()
    return survey


def answers_for(survey, *, single=0, multi=(0,), scale=4, text="希望多组织培训"):
    """A valid answers dict for a survey built by `make_survey` (option indexes, scale value, text)."""
    out = {}
    for q in survey.questions.order_by("order"):
        opts = list(q.options.order_by("order"))
        if q.kind == QuestionKind.SINGLE:
            out[q.pk] = opts[single].pk
        elif q.kind == QuestionKind.MULTI:
            out[q.pk] = [opts[i].pk for i in multi]
        elif q.kind == QuestionKind.SCALE:
            out[q.pk] = scale
        else:
            out[q.pk] = text
    return out
