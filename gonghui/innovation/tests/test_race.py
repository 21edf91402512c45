"""Two people recording the same step at once: exactly one wins, the other gets `wrong_stage`.

The stale-copy tests run everywhere: each request loaded the record before the other's step was
committed, so the service must re-read it under its lock rather than trust the copy it was given.
The threaded tests stage the real race on PostgreSQL (SQLite serialises writers)."""

from decimal import Decimal

import pytest
from django.db import connection

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race_actors
from gonghui.innovation import services
from gonghui.innovation.models import Suggestion, SuggestionStatus
from gonghui.innovation.testing import days_ago, suggestion

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


def _adopt(actor, s):
    services.adopt_suggestion(actor=actor, suggestion=s, decided_on=days_ago(1))


def _reward(actor, s):
    services.pay_reward(actor=actor, suggestion=s, amount=Decimal("500.00"), paid_on=days_ago(1))


def _decline(actor, s):
    services.decline_suggestion(actor=actor, suggestion=s, decided_on=days_ago(1), reason="成本过高")


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "first", "second", "action"), [
    (SuggestionStatus.EVALUATED, _adopt, _adopt, "innovation.adopt"),
    (SuggestionStatus.EVALUATED, _decline, _adopt, "innovation.decline"),
    (SuggestionStatus.ADOPTED, _reward, _reward, "innovation.reward"),
])
def test_a_stale_copy_cannot_record_the_step_twice(tree, status, first, second, action):
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, status=status)
    mine, theirs = Suggestion.objects.get(pk=s.pk), Suggestion.objects.get(pk=s.pk)
    first(tree.union1_chair, mine)
    with pytest.raises(DomainError) as refused:
        second(tree.union1_staff, theirs)
    assert refused.value.code == "wrong_stage"
    assert AuditEvent.objects.filter(action=action).count() == 1




@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_adoptions_and_rewards_exactly_one_wins():
    tree = Tree()
    s = suggestion(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                   status=SuggestionStatus.EVALUATED)
    actors = [tree.union1_chair, tree.union1_staff]
    assert race_actors(actors, lambda a: _adopt(a, Suggestion.objects.get(pk=s.pk))) == ["won", "wrong_stage"]
    assert race_actors(actors, lambda a: _reward(a, Suggestion.objects.get(pk=s.pk))) == ["won", "wrong_stage"]
    assert AuditEvent.objects.filter(action__in=["innovation.adopt", "innovation.reward"]).count() == 2
