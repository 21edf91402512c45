"""Metrics of welfare and assistance (DOMAIN.md §7): seasonal campaigns, medical mutual aid,
hardship files and the help recorded on them.

Definitions (docs/reports-metrics.md has the table); "in year Y" means from 1 January to the end
of the year or as_of, whichever comes first:
- *campaign spending* in Y, per campaign kind (group "welfare.campaign", one metric per
  `CampaignKind`) and in total: the money paid (`CampaignPayment.amount`, `paid_on` in Y) plus
  the value of goods handed out (`GoodsDistribution.value`, `given_on` in Y), in yuan. A payment
  is held by the applicant's union (`application.union`); goods by the applicant's union when
  they answer an application, else by the org that gave them (a town's 高温慰问 visit to a
  site). (The payment and goods lists filter by the campaign's year, which is the payment year
  for all but payments made after the campaign's year ended.)
- *beneficiaries*: the people who received campaign money or goods in Y, once per holding org
  (goods given to an enterprise or a site reach no named person and are not counted);
- *visits and other help* in Y: the amounts of help recorded by hand on hardship files
  (`HelpRecord` of kind VISIT or OTHER, `given_on` in Y), held by the giving org;
- *mutual aid paid* in Y: payouts of medical mutual-aid claims (`ClaimPayout.amount`, `paid_on` in
  Y), in yuan, and the number of claims paid, held by the claiming union;
- *mutual aid covered*: people covered by the year's plan (`MutualAidPlan.year` = Y) through a
  PAID enrolment batch paid on or before as_of, held by the union that enrolled them;
- *hardship files on record* at as_of: files accepted on or before as_of and not exited by then
  (status ACTIVE, or EXITED after as_of), held by the file's union.
"""

import datetime
from collections import Counter

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gonghui.welfare.models import (
    ApplicationStatus,
    CampaignKind,
    CampaignPayment,
    ClaimPayout,
    ClaimStatus,
    GoodsDistribution,
    HardshipFile,
    HardshipStatus,
    HelpKind,
    HelpRecord,
    MutualAidCoverage,
    PaymentStatus,
)

from . import Metric, register
from . import cents as _cents
from . import drill_list as _drill
from . import grouped_rows as _rows

SECTION = "welfare"
CAMPAIGN_GROUP = "welfare.campaign"


def _spend_metric(kind, label):
    return Metric(code=f"welfare.spend.{kind}", label=format_lazy(_("{campaign}: spending"), campaign=label),
                  section=SECTION, unit="yuan", group=CAMPAIGN_GROUP,
                  drill=_drill("welfare:application_list", kind=kind, status=ApplicationStatus.PAID),
                  help=format_lazy(_("Money paid and goods given in {campaign} campaigns in the year, in yuan."),
                                   campaign=label))


METRICS = [
    *[_spend_metric(kind, label) for kind, label in CampaignKind.choices],
    Metric(code="welfare.spend_total", label=_("Campaign spending"), section=SECTION, unit="yuan",
           drill=_drill("welfare:payment_list"),
           help=_("Money paid and goods given in every seasonal campaign in the year, in yuan, at the applicant's "
                  "union (goods not given on an application: at the giving org).")),
    Metric(code="welfare.beneficiaries", label=_("Campaign beneficiaries"), section=SECTION, unit="people",
           drill=_drill("welfare:payment_list"),
           help=_("People who received campaign money or goods in the year.")),
    Metric(code="welfare.visit_help", label=_("Visits and other help"), section=SECTION, unit="yuan",
           drill=_drill("welfare:file_list", year=False, status=HardshipStatus.ACTIVE),
           help=_("Money given on visits and other help recorded on hardship files in the year, in yuan.")),
    Metric(code="welfare.mutual_aid_paid", label=_("Mutual aid paid"), section=SECTION, unit="yuan",
           drill=_drill("welfare:claim_list", status=ClaimStatus.PAID),
           help=_("Medical mutual-aid payouts made in the year, in yuan, at the claiming union.")),
    Metric(code="welfare.mutual_aid_claims", label=_("Mutual aid claims paid"), section=SECTION,
           drill=_drill("welfare:claim_list", status=ClaimStatus.PAID),
           help=_("Medical mutual-aid claims paid in the year.")),
    Metric(code="welfare.mutual_aid_covered", label=_("People covered by mutual aid"), section=SECTION,
           unit="people", drill=_drill("welfare:enrolment_list", status=PaymentStatus.PAID),
           help=_("People covered by the year's medical mutual-aid plan through a paid enrolment.")),
    Metric(code="welfare.hardship_files", label=_("Hardship files on record"), section=SECTION,
           drill=_drill("welfare:file_list", year=False, status=HardshipStatus.ACTIVE),
           help=_("Hardship files on record at the end of the year (or today), at the worker's union.")),
]


def _campaigns(first, until):
    payments = (CampaignPayment.objects.filter(paid_on__gte=first, paid_on__lte=until)
                .annotate(holder=F("application__union_id"), kind=F("application__kind"),
                          who=F("application__person_id")))
    goods = (GoodsDistribution.objects.filter(given_on__gte=first, given_on__lte=until)
             .annotate(holder=Coalesce("application__union_id", "org_id"), kind=F("campaign__kind"),
                       who=F("person_id")))
    spend, total = Counter(), Counter()
    for qs, value in ((payments, "amount"), (goods, "value")):
        for org_id, kind, amount in qs.order_by().values("holder", "kind").annotate(v=Sum(value)).values_list(
                "holder", "kind", "v"):
            spend[org_id, kind] += _cents(amount)
            total[org_id] += _cents(amount)
    for (org_id, kind), amount in spend.items():
        if amount:
            yield org_id, f"welfare.spend.{kind}", amount
    for org_id, amount in total.items():
        if amount:
            yield org_id, "welfare.spend_total", amount
    people = (payments.order_by().values_list("holder", "who")
              .union(goods.filter(person__isnull=False).order_by().values_list("holder", "who")))  # UNION: no repeats
    for org_id, n in Counter(org_id for org_id, _who in people).items():
        yield org_id, "welfare.beneficiaries", n


def _mutual_aid(year, first, until, as_of):
    payouts = ClaimPayout.objects.filter(paid_on__gte=first, paid_on__lte=until)
    rows = payouts.order_by().values("claim__union_id").annotate(v=Sum("amount"), n=Count("pk"))
    for org_id, amount, n in rows.values_list("claim__union_id", "v", "n"):
        if amount:
            yield org_id, "welfare.mutual_aid_paid", _cents(amount)
        yield org_id, "welfare.mutual_aid_claims", n
    covered = MutualAidCoverage.objects.filter(plan__year=year, enrolment__status=PaymentStatus.PAID,
                                               enrolment__paid_on__lte=as_of)
    yield from _rows(covered, "union_id", "welfare.mutual_aid_covered", Count("pk"))


def on_record(as_of):
    """Hardship files on record at `as_of`."""
    return HardshipFile.objects.filter(
        Q(status=HardshipStatus.ACTIVE) | Q(status=HardshipStatus.EXITED, exited_on__gt=as_of),
        accepted_on__lte=as_of)


def provide(year: int, as_of: datetime.date):
    first, until = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)
    yield from _campaigns(first, until)
    yield from _rows(HelpRecord.objects.filter(kind__in=(HelpKind.VISIT, HelpKind.OTHER), given_on__gte=first,
                                               given_on__lte=until), "org_id", "welfare.visit_help", Sum("amount"))
    yield from _mutual_aid(year, first, until, as_of)
    yield from _rows(on_record(as_of), "org_id", "welfare.hardship_files", Count("pk"))


register(METRICS, provide)
