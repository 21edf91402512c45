"""Two district staff set the same town's target at the same moment: one target, the other gets
`duplicate` (the unique constraint, turned into the form's message); two edits of one target are
serialised by the row lock and both audited. Threads on PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection

from gonghui.core.models import AuditEvent
from gonghui.core.testing.factories import Tree
from gonghui.core.testing.race import race
from gonghui.training.models import TrainingTarget
from gonghui.training.services import stats as services

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_targets_for_one_town_and_year():
    tree = Tree()
    outcome = race([lambda n=n: services.set_target(actor=tree.district_staff, org=tree.town1, year=2026,
                                                    trainees=n, person_times=n, hours=Decimal(n))
                    for n in (10, 20, 30)])
    assert outcome == ["duplicate", "duplicate", "won"]
    assert TrainingTarget.objects.filter(org=tree.town1, year=2026).count() == 1
    assert AuditEvent.objects.filter(action="training.target_set").count() == 1


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_are_serialised_and_audited():
    tree = Tree()
    t = services.set_target(actor=tree.district_staff, org=tree.town1, year=2026, trainees=1, person_times=1,
                            hours=Decimal(1))
    outcome = race([lambda n=n: services.set_target(actor=tree.district_staff, org=tree.town1, year=2026,
                                                    trainees=n, person_times=n, hours=Decimal(n), target=t)
                    for n in (10, 20)])
    assert outcome == ["won", "won"]
    t.refresh_from_db()
    assert t.trainees in (10, 20)
    assert AuditEvent.objects.filter(action="training.target_set", object_id=str(t.pk)).count() == 3
