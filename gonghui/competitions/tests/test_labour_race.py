"""Two organisers at once: a stale copy cannot close a round or finish a competition twice, and on
PostgreSQL two rounds opened at once leave one open (the competition row is locked, and the partial
unique constraint backs it) and the same team awarded twice at once gets one award and one honour
record."""

import datetime

import pytest
from django.db import connection

from gonghui.competitions.models.labour import CompetitionAward, ScoringRound
from gonghui.competitions.services import labour as services
from gonghui.competitions.testing.labour import finished, running, score_all, team
from gonghui.core.errors import DomainError
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race_actors
from gonghui.honours.models import HonourRecord

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


def _open(actor, c):
    return services.open_round(actor=actor, competition=c, label="2026年1月",
                               period_starts_on=datetime.date(2026, 1, 1), period_ends_on=datetime.date(2026, 1, 31),
                               judges=["王评委"])


@pytest.mark.django_db
def test_a_stale_copy_cannot_close_a_round_twice(tree):
    c = running(tree)
    rnd = _open(tree.district_staff, c)
    score_all(tree.district_staff, rnd, {"甲企业项目部": 90, "乙企业一标段": 80, "丙企业车间": 70})
    mine, theirs = ScoringRound.objects.get(pk=rnd.pk), ScoringRound.objects.get(pk=rnd.pk)
    services.close_round(actor=tree.district_staff, round=mine)
    with pytest.raises(DomainError) as refused:
        services.close_round(actor=tree.district_staff, round=theirs)
    assert refused.value.code == "wrong_stage"
    with pytest.raises(DomainError) as refused:
        services.record_scores(actor=tree.district_staff, round=theirs, judge="王评委",
                               scores={team(c, "甲企业项目部").pk: {"QUALITY": 10}})
    assert refused.value.code == "wrong_stage"


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_rounds_opened_at_once_leave_one_open():
    tree = Tree()
    c = running(tree)
    outcome = race_actors([tree.district_staff, tree.district_staff], lambda u: _open(u, c))
    assert outcome == ["round_open", "won"]
    assert ScoringRound.objects.filter(competition=c).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_team_awarded_twice_at_once_gets_one_award():
    tree = Tree()
    c = finished(tree)
    outcome = race_actors([tree.district_staff, tree.district_staff], lambda u: services.confer_award(
        actor=u, competition=c, kind="TEAM", team=team(c, "甲企业项目部"), title="先进集体",
        conferred_on=datetime.date(2026, 11, 30)))
    assert outcome == ["already_awarded", "won"]
    assert CompetitionAward.objects.count() == 1 and HonourRecord.objects.count() == 1
