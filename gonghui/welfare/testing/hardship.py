"""Builders for the hardship tests (and other areas' tests): a file of union1 (or another union)
opened through the services, with a household, income and costs, submitted and accepted when
asked."""

from decimal import Decimal

from gonghui.welfare.models.hardship import HardshipFile
from gonghui.welfare.services import hardship as services


def draft(tree, *, union=None, person=None, persons=3, income="30000", rigid="6000", unexpected="0",
          actor=None) -> HardshipFile:
    """A DRAFT file of union1 (or `union`) for a new member (or `person`): `persons` in the household
    (the worker and relatives), one wage line of `income`, one medical line of `rigid`, one illness
    line of `unexpected` (lines of 0 are left out). The defaults make a deep-hardship household:
    (30000 − 6000) / 12 / 3 = 666.67 yuan per person per month."""
    union = union or tree.union1
    actor = actor or tree.district_staff
    if person is None:
        person = tree.member(union=union).person
    f = services.create_file(actor=actor, org=union, person=person, reason="患病失业，家庭收入锐减")
    for i in range(persons - 1):
        services.add_household_member(actor=actor, file=f, name=f"家属{i + 1}", relation="CHILD" if i else "SPOUSE",
                                       birth_year=1980 + 10 * i)
    if Decimal(income):
        services.add_income(actor=actor, file=f, kind="WAGES", annual_amount=Decimal(income))
    if Decimal(rigid):
        services.add_cost(actor=actor, file=f, kind="MEDICAL", annual_amount=Decimal(rigid))
    if Decimal(unexpected):
        services.add_cost(actor=actor, file=f, kind="ILLNESS", annual_amount=Decimal(unexpected))
    return HardshipFile.objects.get(pk=f.pk)


def submitted(tree, **kwargs) -> HardshipFile:
    f = draft(tree, **kwargs)
    services.submit_file(actor=kwargs.get("actor") or tree.district_staff, file=f)
    return HardshipFile.objects.get(pk=f.pk)


def active(tree, *, reviewed_on=None, **kwargs) -> HardshipFile:
    f = submitted(tree, **kwargs)
    services.review_file(actor=tree.district_staff, file=f, decision="ACCEPTED", reviewed_on=reviewed_on)
    return HardshipFile.objects.get(pk=f.pk)
