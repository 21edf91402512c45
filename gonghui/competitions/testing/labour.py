"""Builders for the labour competition tests: a competition walked through the services to the
stage wanted (prepared with teams, running with rounds scored and closed, finished)."""

import datetime

from gonghui.competitions.models.labour import CompetitionStatus
from gonghui.competitions.services import labour as services

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)


def competition(tree, *, org=None, actor=None, teams=None, name="G20场馆建设五比五赛"):
    """A competition organised by the district (or `org`), with teams of union1, union1b and union2
    (or `teams`: [(org, name)]), being prepared."""
    org = org or tree.district
    actor = actor or tree.district_staff
    c = services.create_competition(actor=actor, org=org, name=name, year=2026, starts_on=START, ends_on=END,
                                    period="MONTHLY")
    if teams is None:
        teams = [(tree.union1, "甲企业项目部"), (tree.union1b, "乙企业一标段"), (tree.union2, "丙企业车间")]
    for team_org, team_name in teams:
        services.add_team(actor=actor, competition=c, org=team_org, name=team_name)
    return c


def team(c, name):
    return c.teams.get(name=name)


def score_all(actor, rnd, points):
    """Every judge scores every team: `points` is {team name: {criterion code: score}} or
    {team name: score} (the same score on every criterion)."""
    c = rnd.competition
    codes = list(c.criteria.values_list("code", flat=True))
    teams = {t.name: t.pk for t in c.teams.all()}
    scores = {}
    for name, value in points.items():
        scores[teams[name]] = value if isinstance(value, dict) else {code: value for code in codes}
    for judge in rnd.judges:
        services.record_scores(actor=actor, round=rnd, judge=judge, scores=scores)


def running(tree, *, actor=None, rounds=(), **kwargs):
    """A started competition with each of `rounds` ({team: points}) scored and closed."""
    actor = actor or tree.district_staff
    c = competition(tree, actor=actor, **kwargs)
    services.start_competition(actor=actor, competition=c, started_on=START)
    for n, points in enumerate(rounds, start=1):
        rnd = services.open_round(actor=actor, competition=c, label=f"2026年{n}月",
                                  period_starts_on=datetime.date(2026, n, 1),
                                  period_ends_on=datetime.date(2026, n, 28), judges=["王评委", "李评委"])
        score_all(actor, rnd, points)
        services.close_round(actor=actor, round=rnd, closed_on=datetime.date(2026, n, 28))
    return fresh(c)


def finished(tree, *, actor=None, **kwargs):
    actor = actor or tree.district_staff
    kwargs.setdefault("rounds", ({"甲企业项目部": 90, "乙企业一标段": 80, "丙企业车间": 70},))
    c = running(tree, actor=actor, **kwargs)
    services.finish_competition(actor=actor, competition=c, finished_on=datetime.date(2026, 11, 30))
    c = fresh(c)
    assert c.status == CompetitionStatus.FINISHED
    return c


def fresh(c):
    return type(c).objects.select_related("org").get(pk=c.pk)
