"""Builders for the skills-contest tests: a trade, a contest walked to the status wanted, and
registered members with scores."""

import datetime

from gonghui.competitions.models.contests import ContestStatus, ContestTrade, SkillContest
from gonghui.competitions.services import contests as services

DAY = datetime.timedelta(days=1)


def trade(actor, code="WELD", name="焊工", regular=True) -> ContestTrade:
    found = ContestTrade.objects.filter(code=code).first()
    return found or services.save_trade(actor=actor, code=code, name=name, is_regular=regular)


def contest_input(t, **overrides) -> services.ContestInput:
    on = services.today()
    values = {"name": "2026年区职工焊工技能比武", "trade": t, "held_on": on + 20 * DAY,
              "registration_closes_on": on + 10 * DAY, "capacity": 30, "theory_weight": 30,
              "practical_weight": 70, "min_age": 18, "max_age": 60, "min_skill_level": "NONE", "winners": 3,
              "venue": "区职业技能实训基地"}
    values.update(overrides)
    return services.ContestInput(**values)


def contest(tree, status=ContestStatus.OPEN, *, org=None, actor=None, **overrides) -> SkillContest:
    """A contest organised by `org` (default: the district) in `status`. A CLOSED or PUBLISHED one is
    moved to a contest day in the past (the services refuse a past day on creation)."""
    org = org or tree.district
    actor = actor or tree.district_staff
    c = services.create_contest(actor=actor, org=org, data=contest_input(trade(tree.district_staff), **overrides))
    if status == ContestStatus.DRAFT:
        return c
    if status == ContestStatus.CANCELLED:
        return services.cancel_contest(actor=actor, contest=c, reason="报名人数不足")
    services.open_registration(actor=actor, contest=c)
    if status == ContestStatus.OPEN:
        return fresh(c)
    services.close_registration(actor=actor, contest=c)
    if status == ContestStatus.CLOSED:
        return fresh(c)
    raise ValueError(status)


def held_in_past(c, days=3):
    """Move the contest day into the past (as if time had passed since it was set up)."""
    day = services.today() - days * DAY
    SkillContest.objects.filter(pk=c.pk).update(held_on=day, registration_closes_on=day - 5 * DAY)
    return fresh(c)


def register(tree, c, n=1, *, union=None, actor=None, **person):
    """`n` new members of `union` (default union1), registered by their chair. Returns the entries."""
    union = union or tree.union1
    actor = actor or (tree.union1_chair if union == tree.union1 else tree.district_staff)
    made = []
    for _i in range(n):
        m = tree.member(union=union, **person)
        made.append(services.register_entrant(actor=actor, contest=c, person=m.person))
    return made


def published(tree, scores, *, org=None, actor=None, **overrides):
    """A contest with one entry per (theory, practical) pair (None = absent), scored and published.
    Returns (contest, entries in registration order)."""
    c = contest(tree, ContestStatus.OPEN, org=org, actor=actor, **overrides)
    made = register(tree, c, len(scores))
    actor = actor or tree.district_staff
    services.close_registration(actor=actor, contest=c)
    services.record_scores(actor=actor, contest=c, scores={
        e.pk: (services.ScoreInput(absent=True) if s is None else services.ScoreInput(*s))
        for e, s in zip(made, scores, strict=True)})
    c = held_in_past(c)
    services.publish_results(actor=actor, contest=c)
    return fresh(c), [type(e).objects.get(pk=e.pk) for e in made]


def fresh(obj):
    return type(obj).objects.select_related("org", "trade").get(pk=obj.pk) if isinstance(obj, SkillContest) \
        else type(obj).objects.get(pk=obj.pk)
