"""Two people seating or recording a committee for the same union at once: the union row is
locked, so the second sees the first's committee and is refused (`elected_before_current` for
the same election date); never two CURRENT committees or two equal term numbers.

The stale-copy test runs everywhere; the threaded one stages the real race on PostgreSQL
(SQLite serialises writers)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from gonghui.core.errors import DomainError
from gonghui.core.testing.factories import Tree
from gonghui.grassroots.models import Committee, CommitteeStatus
from gonghui.grassroots.services import committees as services
from gonghui.grassroots.testing.committees import members_list
from gonghui.orgs.models import Org

ELECTED = datetime.date(2025, 6, 1)


def _record(actor, union):
    return services.record_committee(actor=actor, union=union, elected_on=ELECTED, term_years=5,
                                     members=members_list(3))


@pytest.mark.django_db
def test_a_stale_union_copy_cannot_seat_a_second_current_committee(tree):
    mine, theirs = Org.objects.get(pk=tree.union1.pk), Org.objects.get(pk=tree.union1.pk)
    _record(tree.union1_chair, mine)
    with pytest.raises(DomainError) as refused:
        _record(tree.town1_cadre, theirs)
    assert refused.value.code == "elected_before_current"
    assert Committee.objects.filter(org=tree.union1, status=CommitteeStatus.CURRENT).count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_recordings_exactly_one_wins():
    tree = Tree()
    barrier = threading.Barrier(2)
    outcomes = []

    def run(actor):
        try:
            barrier.wait(timeout=10)
            _record(actor, Org.objects.get(pk=tree.union1.pk))
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # an IntegrityError or a deadlock leaking out is a failure
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in (tree.union1_chair, tree.town1_cadre)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["elected_before_current", "won"]
    assert list(Committee.objects.filter(org=tree.union1).values_list("term_number", "status")) == [(1, "CURRENT")]
