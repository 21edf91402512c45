"""The seam with the awards area: conferring a 劳动模范 nomination (`services.awards.confer_award`)
registers the person through `services.modelworkers.add_title` and writes exactly one
HonourRecord, which the nomination points to."""

import datetime

import pytest

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.honours.models.awards import HonourRecord, NominationStatus
from gonghui.honours.models.modelworkers import ModelWorker, ModelWorkerTitle
from gonghui.honours.services import awards
from gonghui.honours.services import modelworkers as services
from gonghui.honours.testing.awards import DAY, fresh, member, nomination, types
from gonghui.honours.testing.modelworkers import model_worker

pytestmark = pytest.mark.django_db


def _conferred(tree, **kw):
    n = nomination(tree, NominationStatus.CONFERRED, kind="MODEL_WORKER", **kw)
    return n, f"honours.HonourNomination:{n.pk}"


def test_conferral_registers_the_person_with_one_honour_record(tree):
    n, key = _conferred(tree)
    worker = ModelWorker.objects.get(person=n.person)
    title = worker.titles.get()
    assert (worker.org, worker.level, worker.year) == (tree.union1, "DISTRICT", n.year)
    assert (title.source_key, title.conferred_on, title.title) == (key, n.conferred_on, n.honour_type.name)
    record = HonourRecord.objects.get(person=n.person)  # exactly one
    assert record.category == "MODEL_WORKER" and record.source_key == key
    assert n.record_id == record.pk == title.honour_record_id
    assert AuditEvent.objects.filter(action="honours.modelworker_register").count() == 1
    assert AuditEvent.objects.filter(action="honours.modelworker_title_add").count() == 1


def test_a_second_conferral_writes_nothing_more(tree):
    n, key = _conferred(tree)
    with pytest.raises(DomainError) as exc:
        awards.confer_award(actor=tree.district_staff, nomination=fresh(n))
    assert exc.value.code == "wrong_stage"
    assert ModelWorkerTitle.objects.count() == 1 and HonourRecord.objects.count() == 1


def test_conferral_adds_the_title_to_an_existing_entry(tree):
    person = member(tree)
    worker = model_worker(tree, person=person, level="CITY", year=2020, title="2020年度杭州市劳动模范")
    n, key = _conferred(tree, person=person)
    worker.refresh_from_db()
    assert worker.titles.count() == 2 and (worker.level, worker.year) == ("CITY", 2020)
    assert HonourRecord.objects.filter(person=person).count() == 2
    assert HonourRecord.objects.get(source_key=key).pk == fresh(n).record_id


def test_conferring_a_title_already_entered_by_hand_keeps_one_title_and_one_record(tree):
    person = member(tree)
    year = (awards.today() - 40 * DAY).year  # the helper nominates for the year it starts in
    services.add_title(actor=tree.district_staff, person=person, org=tree.union1, level="DISTRICT", year=year,
                       title=f"{year}年度区劳动模范", conferred_on=datetime.date(year, 1, 1))  # by hand
    worker = ModelWorker.objects.get(person=person)
    n, key = _conferred(tree, person=person)
    title = worker.titles.get()
    record = HonourRecord.objects.get(person=person)
    assert fresh(n).status == NominationStatus.CONFERRED and title.source_key == key == record.source_key
    assert fresh(n).record_id == record.pk == title.honour_record_id


def test_the_honour_is_recorded_at_the_nominating_union(tree):
    person = member(tree, tree.union2)
    worker = model_worker(tree, person=person, union=tree.union1, level="CITY", year=2020)
    n, key = _conferred(tree, person=person, org=tree.union2)
    worker.refresh_from_db()
    assert worker.org == tree.union1 and worker.titles.count() == 2  # the entry stays where it is
    assert HonourRecord.objects.get(source_key=key).org == tree.union2


def test_a_nomination_for_next_year_conferred_this_year_reaches_the_registry(tree):
    """Nominations may be for next year (awards), so a title of next year can be conferred this
    year; the registry's typing guard (title year vs date) is for titles entered by hand."""
    t = types(tree)["MODEL_WORKER"]
    today = awards.today()
    start = today - 40 * DAY
    awards.set_quota(actor=tree.district_staff, honour_type=t, org=tree.town1, year=start.year + 1, places=2)
    n = awards.nominate_honour(actor=tree.union1_chair, honour_type=t, org=tree.union1, year=start.year + 1,
                               person=member(tree), deeds="爱岗敬业", submitted_on=start)
    awards.review_by_town(actor=tree.town1_cadre, nomination=n, decision="forward", reviewed_on=start + DAY)
    awards.review_by_district(actor=tree.district_staff, nomination=n, decision="approve",
                              reviewed_on=start + 2 * DAY)
    n = awards.confer_award(actor=tree.district_staff, nomination=n, conferred_on=start + 30 * DAY)
    title = ModelWorkerTitle.objects.get(source_key=f"honours.HonourNomination:{n.pk}")
    assert title.year == start.year + 1 and title.conferred_on == start + 30 * DAY
    assert n.record_id == title.honour_record_id
