"""Two pairs of one apprentice in one trade created at the same moment: one wins (the
apprentice's row is locked, the partial unique constraint is the last guard). Two final
assessments of one pair at once: one wins, the skill level changes once. The threaded tests stage
the real race on PostgreSQL; SQLite serialises writers."""

import pytest
from django.db import connection

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race, race_actors
from gonghui.training.models.mentoring import Mentorship, MentorshipAssessment
from gonghui.training.services import mentoring as services
from gonghui.training.testing.mentoring import pair, write_reports

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")
DAY = services.datetime.timedelta(days=1)


@pytest.mark.django_db
def test_a_stale_copy_cannot_report_after_the_end(tree):
    m = pair(tree)
    mine, theirs = Mentorship.objects.get(pk=m.pk), Mentorship.objects.get(pk=m.pk)
    services.end_mentorship(actor=tree.district_staff, mentorship=mine, reason="调岗")
    with pytest.raises(Exception) as refused:
        services.submit_report(actor=tree.district_staff, mentorship=theirs, content="x")
    assert refused.value.code == "wrong_stage"


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_pairs_of_one_apprentice_and_trade_at_once():
    tree = Tree()
    apprentice = tree.member().person
    masters = [tree.member().person for _ in range(3)]
    start = services.today()

    def create(master):
        return services.create_mentorship(actor=tree.district_staff, org=tree.union1, apprentice=apprentice,
                                          master_person=master, trade="电工", starts_on=start,
                                          ends_on=services.add_months(start, 12) - DAY, goals="x",
                                          target_skill_level="LEVEL5")

    outcome = race([lambda m=m: create(m) for m in masters])
    assert outcome == ["already_apprentice", "already_apprentice", "won"]
    assert Mentorship.objects.filter(apprentice=apprentice).count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_assessments_at_once_one_wins():
    tree = Tree()
    m = write_reports(tree, pair(tree))
    outcome = race_actors([tree.district_staff, tree.town1_cadre], lambda u: services.assess(
        actor=u, mentorship=Mentorship.objects.get(pk=m.pk), result="PASS", score=80, new_skill_level="LEVEL5"))
    assert outcome == ["won", "wrong_stage"]
    assert MentorshipAssessment.objects.count() == 1
    assert AuditEvent.objects.filter(action="members.person.skill_level").count() == 1
