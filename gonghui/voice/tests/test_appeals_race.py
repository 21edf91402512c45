"""Two cadres accepting (or closing) one appeal at the same moment: one wins, the other is told
the step no longer fits (the row is locked, the status re-checked). Threaded on PostgreSQL."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race_actors
from gonghui.voice.models.appeals import AppealEvent
from gonghui.voice.services import appeals as services
from gonghui.voice.testing.appeals import appeal, handling

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_one_wins():
    tree = Tree()
    a = appeal(tree)
    outcome = race_actors([tree.union1_chair, tree.town1_cadre], lambda u: services.accept(actor=u, appeal=a))
    assert sorted(outcome) == ["won", "wrong_stage"]
    assert AppealEvent.objects.filter(appeal=a, kind="ACCEPTED").count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_closes_at_once_one_wins():
    tree = Tree()
    a = handling(tree)
    outcome = race_actors([tree.union1_chair, tree.town1_cadre], lambda u: services.close(
        actor=u, appeal=a, result="RESOLVED", result_text="已解决"))
    assert sorted(outcome) == ["won", "wrong_stage"]
    assert AppealEvent.objects.filter(appeal=a, kind="CLOSED").count() == 1
