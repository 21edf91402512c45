"""Builders for the campaign tests (other areas' tests may import them): an OPEN campaign of the
district (or `org`) with budgets, written with the ORM; hardship files written with the ORM (the
hardship area's services are not needed); applications through the services."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from gonghui.welfare.models.campaigns import BenefitKind, Campaign, CampaignBudget, CampaignKind, CampaignStatus
from gonghui.welfare.models.hardship import HardshipFile, HardshipStatus
from gonghui.welfare.services import campaigns as services

_n = itertools.count(1)

SCHOOL = {"HIGH_SCHOOL": "3000.00", "COLLEGE": "4000.00", "UNDERGRADUATE": "5000.00"}
CHILD = {"child_name": "小明", "child_school": "萧山中学", "school_level": "UNDERGRADUATE"}


def campaign(tree, *, org=None, kind=CampaignKind.GOLDEN_AUTUMN, budgets=None, status=CampaignStatus.OPEN,
             **extra) -> Campaign:
    """An OPEN campaign of the district (or `org`), window around today, with `budgets`
    ({org: amount}; default: town1 20000, town2 20000)."""
    org = org or tree.district
    day = timezone.localdate()
    title = extra.pop("title", None) or f"{day.year}年活动{next(_n)}"
    defaults = {"benefit": BenefitKind.BY_SCHOOL_LEVEL if kind == CampaignKind.GOLDEN_AUTUMN else BenefitKind.FIXED,
                "school_amounts": SCHOOL if kind == CampaignKind.GOLDEN_AUTUMN else {},
                "fixed_amount": Decimal("500.00") if kind != CampaignKind.GOLDEN_AUTUMN else Decimal("0"),
                "unions_apply": True, "members_apply": True, "member_required": True}
    defaults.update(extra)
    c = Campaign.objects.create(kind=kind, year=day.year, title=title,
                                org=org, opens_on=day - datetime.timedelta(days=10),
                                closes_on=day + datetime.timedelta(days=20), status=status, **defaults)
    if budgets is None:
        budgets = {tree.town1: "20000", tree.town2: "20000"}
    for o, amount in budgets.items():
        CampaignBudget.objects.create(campaign=c, org=o, allocated=Decimal(amount))
    return c


def hardship_file(person, union, category="DEEP"):
    return HardshipFile.objects.create(number=f"KN{next(_n):06d}", person=person, org=union,
                                       status=HardshipStatus.ACTIVE, category=category,
                                       accepted_on=timezone.localdate())


def applied(tree, c, person=None, *, union=None, details=None, actor=None):
    """A SUBMITTED application of `person` (default: a new union1 member) by the union's chair."""
    union = union or tree.union1
    person = person or tree.member(union=union).person
    details = CHILD if details is None and c.benefit == BenefitKind.BY_SCHOOL_LEVEL else (details or {})
    actor = actor or (tree.union1_chair if union == tree.union1 else tree.district_staff)
    return services.apply_for_member(actor=actor, campaign=c, union=union, person=person, data=dict(details))


def reviewed(tree, c, person=None, **kw):
    x = applied(tree, c, person, **kw)
    reviewer = tree.town1_cadre if x.town_id == tree.town1.pk else tree.district_staff
    return services.review_application(actor=reviewer, application=x)


def approved(tree, c, person=None, **kw):
    x = reviewed(tree, c, person, **kw)
    return services.approve_application(actor=tree.district_staff, application=x)
