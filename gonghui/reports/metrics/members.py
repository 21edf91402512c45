"""Metrics of the union organisation and its members (DOMAIN.md §1; sections `organisation` and
`members`).

Definitions (docs/reports-rollups.md has them with the drill lists):
- `orgs.unions`: grassroots unions active now (`Org.is_active`; the tree keeps no history of
  deactivation) and founded on or before as_of (or with no founding date), held by the union;
  `orgs.joint_unions` those of kind JOINT (联合基层工会);
- `orgs.enterprises`, `orgs.enterprises_unionised`, `orgs.headcount`: the enterprise register as it
  stands (enterprises carry no dates, so every year reads today's register), held by the
  enterprise's union, else its town; industry is the enterprise's own;
- `members.live`: membership periods live on as_of (joined on or before it and not ended by it:
  `ended_on` empty or after as_of), so a past year is counted as it was, whatever happened since;
  held by the period's union; industry that of the period's employer when recorded, else the
  union's. `members.migrants`: of which the person is a migrant worker;
- `members.joined`: periods started in the year by joining or rejoining (a transfer in is not a
  new member); `members.left`: periods ended in the year by leaving (status LEFT);
- `members.transfers`: transfers accepted with an effective date in the year, held by the
  receiving union.
Ratios: `members.rate` = live members ÷ enterprise headcount (%); `members.migrant_share` =
migrants ÷ live members (%).
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.members.models import JoinKind, Membership, MembershipStatus, Transfer, TransferStatus
from gonghui.orgs.models import Enterprise, Org, OrgLevel, UnionKind

from . import Metric, Ratio, register

TOWN_LEVELS = (OrgLevel.TOWN, OrgLevel.PLATFORM)


def list_url(url_name, **params) -> str:
    """The URL of a list page with the given GET parameters (empty ones left out)."""
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


def year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# --- drill-down lists ---------------------------------------------------------------------------


def _members_drill(**fixed):
    """The member list of the org's subtree, current members: the list shows today's members and
    cannot filter by year."""
    def url(org, year):
        return list_url("members:list", org=org.pk, **fixed)
    return url


def _enterprises_drill(**fixed):
    """The enterprise register filtered to a town (it filters by town only): the district's is the
    whole list; a union's enterprises are on the union's page."""
    def url(org, year):
        if org.level == OrgLevel.GRASSROOTS or org.level == OrgLevel.GROUP:
            return reverse("orgs:detail", args=[org.pk])
        return list_url("orgs:enterprise_list", town=org.pk if org.level in TOWN_LEVELS else "", **fixed)
    return url


def _org_drill(org, year):
    """The org's page lists its child orgs (the tree page has no filters)."""
    return reverse("orgs:detail", args=[org.pk])


def _transfers_drill(org, year):
    """The transfer list (incoming and outgoing tabs, the user's scope; no org or year filter)."""
    return list_url("members:transfer_list", tab="incoming")


SECTION_ORGS, SECTION_MEMBERS = "organisation", "members"

METRICS = [
    Metric(code="orgs.unions", label=_("Grassroots unions"), section=SECTION_ORGS, drill=_org_drill,
           help=_("Grassroots unions active now and founded by the end of the year (or today in the current "
                  "year).")),
    Metric(code="orgs.joint_unions", label=_("of which joint unions"), section=SECTION_ORGS, drill=_org_drill,
           help=_("Active joint grassroots unions (联合基层工会) among them.")),
    Metric(code="orgs.enterprises", label=_("Enterprises"), section=SECTION_ORGS, drill=_enterprises_drill(),
           help=_("Enterprises on the register, counted at their union, else at their town.")),
    Metric(code="orgs.enterprises_unionised", label=_("Enterprises with a union"), section=SECTION_ORGS,
           drill=_enterprises_drill(has_union="yes"), help=_("Enterprises on the register that have a union.")),
    Metric(code="orgs.headcount", label=_("Workers in enterprises"), section=SECTION_ORGS, unit="people",
           drill=_enterprises_drill(), help=_("Sum of the headcount of the enterprises on the register.")),
    Metric(code="members.live", label=_("Members"), section=SECTION_MEMBERS, unit="people",
           drill=_members_drill(status="live"),
           help=_("Membership periods live at the end of the year (today in the current year).")),
    Metric(code="members.migrants", label=_("of which migrant workers"), section=SECTION_MEMBERS, unit="people",
           drill=_members_drill(status="live", migrant="yes"),
           help=_("Live members whose record says they are migrant workers.")),
    Metric(code="members.joined", label=_("New members"), section=SECTION_MEMBERS, unit="people",
           drill=_members_drill(status="live"),
           help=_("Memberships started in the year by joining or rejoining (transfers in excluded).")),
    Metric(code="members.left", label=_("Members who left"), section=SECTION_MEMBERS, unit="people",
           drill=_members_drill(status=MembershipStatus.LEFT),
           help=_("Memberships ended in the year by leaving the union.")),
    Metric(code="members.transfers", label=_("Transfers completed"), section=SECTION_MEMBERS,
           drill=_transfers_drill,
           help=_("Transfers accepted with an effective date in the year, counted at the receiving union.")),
]

RATIOS = [
    Ratio(code="members.rate", label=_("Membership rate"), section=SECTION_MEMBERS, numerator="members.live",
          denominator="orgs.headcount", help=_("Members ÷ workers in enterprises.")),
    Ratio(code="members.migrant_share", label=_("Migrant share"), section=SECTION_MEMBERS,
          numerator="members.migrants", denominator="members.live",
          help=_("Migrant members ÷ members.")),
]


# --- the provider -------------------------------------------------------------------------------


def _unions(as_of):
    rows = (Org.objects.filter(level=OrgLevel.GRASSROOTS, is_active=True)
            .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=as_of))
            .order_by().values_list("id", "union_kind"))
    for org_id, kind in rows:
        yield org_id, "orgs.unions", 1
        if kind == UnionKind.JOINT:
            yield org_id, "orgs.joint_unions", 1


def _enterprises():
    rows = (Enterprise.objects.order_by()
            .values_list(Coalesce("union_id", "town_id"), "industry")
            .annotate(n=Count("id"), unionised=Count("id", filter=Q(union__isnull=False)),
                      headcount=Sum("headcount")))
    for holder, industry, n, unionised, headcount in rows:
        yield holder, "orgs.enterprises", n, industry
        yield holder, "orgs.enterprises_unionised", unionised, industry
        yield holder, "orgs.headcount", headcount or 0, industry


def _live(as_of):
    rows = (Membership.objects.filter(joined_on__lte=as_of).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
            .order_by().values_list("union_id", "enterprise__industry")
            .annotate(n=Count("id"), migrants=Count("id", filter=Q(person__is_migrant=True))))
    for union_id, industry, n, migrants in rows:
        yield union_id, "members.live", n, industry or None
        yield union_id, "members.migrants", migrants, industry or None


def _flows(year):
    start, end = year_range(year)
    joined = (Membership.objects.filter(joined_on__gte=start, joined_on__lte=end,
                                        join_kind__in=(JoinKind.NEW, JoinKind.REJOIN))
              .order_by().values_list("union_id", "enterprise__industry").annotate(n=Count("id")))
    for union_id, industry, n in joined:
        yield union_id, "members.joined", n, industry or None
    left = (Membership.objects.filter(status=MembershipStatus.LEFT, ended_on__gte=start, ended_on__lte=end)
            .order_by().values_list("union_id", "enterprise__industry").annotate(n=Count("id")))
    for union_id, industry, n in left:
        yield union_id, "members.left", n, industry or None
    transfers = (Transfer.objects.filter(status=TransferStatus.ACCEPTED, effective_on__gte=start, effective_on__lte=end)
                 .order_by().values_list("to_union_id").annotate(n=Count("id")))
    for union_id, n in transfers:
        yield union_id, "members.transfers", n


def provide(year, as_of):
    yield from _unions(as_of)
    yield from _enterprises()
    yield from _live(as_of)
    yield from _flows(year)


register(METRICS, provide, ratios=RATIOS)
