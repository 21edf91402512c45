"""Two files for one worker opened at the same moment: one wins (the person's row is locked, the
partial unique constraint is the last guard), and files opened at once by different unions never
share a number (the year's counter row is locked). Two town decisions on one file at once: one
wins. Threaded on PostgreSQL; SQLite serialises writers."""

import pytest
from django.db import connection

from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race, race_actors
from gonghui.welfare.models.hardship import HardshipFile, HardshipReview
from gonghui.welfare.services import hardship as services
from gonghui.welfare.testing.hardship import submitted

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_files_of_one_worker_at_once_and_numbers_stay_unique():
    tree = Tree()
    person = tree.member().person
    others = [tree.member().person for _ in range(3)]
    outcome = race([lambda: services.create_file(actor=tree.union1_chair, org=tree.union1, person=person,
                                                 reason="因病")] * 3)
    assert outcome == ["open_file_exists", "open_file_exists", "won"]
    race([lambda p=p: services.create_file(actor=tree.union1_chair, org=tree.union1, person=p, reason="因病")
          for p in others])
    numbers = list(HardshipFile.objects.values_list("number", flat=True))
    assert len(numbers) == 4 == len(set(numbers))


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviews_at_once_one_wins():
    tree = Tree()
    f = submitted(tree)
    outcome = race_actors([tree.district_staff, tree.town1_cadre], lambda u: services.review_file(
        actor=u, file=HardshipFile.objects.get(pk=f.pk), decision="ACCEPTED"))
    assert outcome == ["won", "wrong_stage"]
    assert HardshipReview.objects.filter(file=f).count() == 1
