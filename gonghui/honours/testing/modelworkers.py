"""Builders for the model-worker tests: a registry entry with titles and care records, written
through the services."""

import datetime
from decimal import Decimal

from gonghui.honours.models.modelworkers import ModelWorker, ModelWorkerCareKind
from gonghui.honours.services import modelworkers as services

YEAR = 2025


def model_worker(tree, *, union=None, level="DISTRICT", year=YEAR, title=None, source_key="",
                 person=None) -> ModelWorker:
    """A member of `union` (default union1) registered with one title, entered by district staff."""
    union = union or tree.union1
    if person is None:
        person = tree.member(union).person
    services.add_title(actor=tree.district_staff, person=person, org=union, level=level, year=year,
                       title=title or f"{year}年度区劳动模范", conferred_on=datetime.date(year, 4, 28),
                       conferred_by="区委、区政府", source_key=source_key)
    return ModelWorker.objects.select_related("person", "org").get(person=person)


def care(tree, worker, kind=ModelWorkerCareKind.HEALTH_CHECK, *, on=None, amount=None, actor=None):
    if kind == ModelWorkerCareKind.SUBSIDY and amount is None:
        amount = Decimal("500.00")
    return services.add_care(actor=actor or tree.district_staff, worker=worker, kind=kind,
                             happened_on=on or services.today(), amount=amount,
                             description="走访慰问" if kind == ModelWorkerCareKind.VISIT else "")
