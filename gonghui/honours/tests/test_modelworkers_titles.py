import datetime

import pytest

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.honours.models.awards import HonourRecord
from gonghui.honours.models.modelworkers import ModelWorker, ModelWorkerTitle
from gonghui.honours.services import modelworkers as services
from gonghui.honours.testing.modelworkers import model_worker

pytestmark = pytest.mark.django_db


def _args(tree, person, **kw):
    return {"actor": tree.district_staff, "person": person, "org": tree.union1, "level": "DISTRICT",
            "year": 2025, "title": "2025年度区劳动模范", "conferred_on": datetime.date(2025, 4, 28), **kw}


def _add(tree, person, **kw):
    return services.add_title(**_args(tree, person, **kw))


def test_add_title_creates_entry_and_honour_record(tree):
    person = tree.member(tree.union1).person
    t = _add(tree, person, source_key="honours.Nomination:1", conferred_by="区委、区政府")
    worker = ModelWorker.objects.get(person=person)
    assert worker.org == tree.union1 and worker.level == "DISTRICT" and worker.year == 2025
    record = HonourRecord.objects.get(person=person)
    assert record.category == "MODEL_WORKER" and record.level == "DISTRICT"
    assert record.source_key == "honours.Nomination:1" and t.honour_record == record
    assert AuditEvent.objects.filter(action="honours.modelworker_title_add").count() == 1


def test_add_title_idempotent_on_source_key(tree):
    person = tree.member(tree.union1).person
    first = _add(tree, person, source_key="honours.Nomination:7")
    again = _add(tree, person, source_key="honours.Nomination:7")
    assert first.pk == again.pk
    assert ModelWorkerTitle.objects.count() == 1 and HonourRecord.objects.count() == 1


def test_higher_title_raises_the_entry_level(tree):
    worker = model_worker(tree, level="DISTRICT", year=2020)
    _add(tree, worker.person, level="CITY", year=2023, title="杭州市劳动模范", conferred_on=datetime.date(2023, 5, 1))
    _add(tree, worker.person, level="DISTRICT", year=2024, title="区劳模", conferred_on=datetime.date(2024, 5, 1))
    worker.refresh_from_db()
    assert (worker.level, worker.year) == ("CITY", 2023)
    assert worker.titles.count() == 3
    # Titles without a source get their own on the honour record.
    own = HonourRecord.objects.filter(person=worker.person, source_key__startswith="honours.ModelWorkerTitle:")
    assert own.count() == 3


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"level": "TOWN"}, "invalid_level", "level"),
    ({"year": 1900}, "invalid_year", "year"),
    ({"title": "  "}, "required", "title"),
    ({"conferred_on": datetime.date(2023, 1, 1)}, "date_order", "conferred_on"),
    ({"conferred_on": datetime.date(2099, 1, 1), "year": 2099}, "date_in_future", "conferred_on"),
])
def test_a_title_entered_by_hand_rejects_bad_input_and_saves_nothing(tree, kw, code, field):
    person = tree.member(tree.union1).person
    with pytest.raises(DomainError) as exc:
        services.enter_title(**_args(tree, person, **kw))
    assert exc.value.code == code and exc.value.field == field
    assert not ModelWorker.objects.exists() and not HonourRecord.objects.exists()


def test_same_level_and_year_twice_refused(tree):
    worker = model_worker(tree)
    with pytest.raises(DomainError) as exc:
        _add(tree, worker.person, title="另一个")
    assert exc.value.code == "already_exists"
    assert worker.titles.count() == 1 and HonourRecord.objects.count() == 1


def test_an_entry_is_looked_after_by_a_grassroots_union(tree):
    person = tree.member(tree.union1).person
    with pytest.raises(DomainError) as exc:
        services.enter_title(**_args(tree, person, org=tree.town1))
    assert (exc.value.code, exc.value.field) == ("not_union", "org") and not ModelWorker.objects.exists()
    worker = model_worker(tree, person=person)
    with pytest.raises(DomainError) as exc:
        services.update_worker(actor=tree.district_staff, worker=worker, org=tree.town1)
    assert exc.value.code == "not_union"
    worker.refresh_from_db()
    assert worker.org == tree.union1
