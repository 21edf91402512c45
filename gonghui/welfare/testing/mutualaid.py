"""Builders for the mutual aid tests (and other areas' tests): an open plan of this year, a paid
batch of union1's members, a claim with a document, moved along the workflow."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.welfare.models.mutualaid import MutualAidCoverage, MutualAidPlan
from gonghui.welfare.services import mutualaid as services

PDF = b"%PDF-1.4\n% test document\n"


def pdf(name="发票.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def plan(tree, *, year=None, open_=True, **overrides) -> MutualAidPlan:
    """This year's plan of the district (enrolment open today; coverage from 200 days ago to 100
    days ahead, so tests never meet the turn of the year), opened unless `open_` is False. With
    `year`: coverage is that calendar year."""
    today = services.today()
    span = ((today - datetime.timedelta(days=200), today + datetime.timedelta(days=100)) if year is None
            else (datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    year = year or today.year
    values = {"year": year, "name": f"{year}年度职工医疗互助保障", "premium": Decimal("30.00"),
              "enrol_from": today - datetime.timedelta(days=30), "enrol_until": today + datetime.timedelta(days=30),
              "coverage_starts": span[0], "coverage_ends": span[1],
              "hospital_deductible": Decimal("500.00"), "hospital_ratio": Decimal("0.50"),
              "hospital_cap": Decimal("20000.00"), "serious_sum": Decimal("10000.00"),
              "serious_cap": Decimal("10000.00"), "overall_cap": Decimal("25000.00"), "note": "", **overrides}
    p = services.create_plan(actor=tree.district_staff, org=tree.district, **values)
    if open_:
        p = services.open_plan(actor=tree.district_staff, plan=p)
    return p


def covered(tree, p, *, union=None, people=None, paid=True, paid_on=None):
    """A batch of `people` (default: one new member) of union1 (or `union`), paid by default (60
    days ago: covered from then). Returns the coverages in the order of `people`."""
    union = union or tree.union1
    if people is None:
        people = [tree.member(union=union).person]
    e = services.enrol(actor=tree.district_staff, plan=p, union=union, people=[x.pk for x in people])
    if paid:
        paid_on = paid_on or services.today() - datetime.timedelta(days=60)
        services.record_payment(actor=tree.district_staff, enrolment=e, paid_on=paid_on,
                                reference="BANK-001")
    by_person = {c.person_id: c for c in MutualAidCoverage.objects.filter(enrolment=e)}
    return [by_person[x.pk] for x in people]


def stay(days_ago=20, length=5):
    """(admitted_on, discharged_on) of a stay that ended `days_ago` days ago."""
    end = services.today() - datetime.timedelta(days=days_ago)
    return end - datetime.timedelta(days=length), end


def claim(tree, coverage, *, kind="HOSPITAL", invoices=None, eligible="8500.00", total="12000.00", when=None,
          actor=None, submit=False):
    actor = actor or tree.district_staff
    admitted, discharged = when or stay()
    claim.n = getattr(claim, "n", 0) + 1
    c = services.create_claim(actor=actor, coverage=coverage, kind=kind, hospital="萧山区第一人民医院",
                              admitted_on=admitted, discharged_on=discharged, diagnosis="急性阑尾炎",
                              invoice_numbers=invoices or f"INV{claim.n:06d}{coverage.pk}",
                              total_cost=Decimal(total), eligible_cost=Decimal(eligible))
    if submit:
        services.add_document(actor=actor, claim=c, upload=pdf())
        c = services.submit_claim(actor=actor, claim=c)
    return c


def reviewed(tree, c):
    services.add_document(actor=tree.district_staff, claim=c, upload=pdf())
    c = services.submit_claim(actor=tree.district_staff, claim=c)
    return services.review_claim(actor=tree.town1_cadre if c.union.path.startswith(tree.town1.path)
                                 else tree.district_staff, claim=c)
