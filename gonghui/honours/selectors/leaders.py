"""Reads of skill leaders and the allowance ledger; every read that takes a user is scoped
(`SkillLeader` and `LeaderAllowance` through the union's subtree)."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.core.scoping import user_scope
from gonghui.orgs.models import Industry, Org, OrgLevel

from ..models.leaders import LeaderAllowance, LeaderAllowanceRun, LeaderStatus, SkillLeader
from ..policies.leaders import PAY, SELECT, SUBMIT, VIEW


def today():
    return timezone.localdate()


def _yuan(value):
    return Decimal(value or 0).quantize(Decimal("0.01"))


def leaders(user):
    return SkillLeader.objects.visible_to(user, VIEW)


def allowances(user):
    return LeaderAllowance.objects.visible_to(user, VIEW)


# --- leaders list -------------------------------------------------------------------------------

@dataclass(frozen=True)
class LeaderFilters:
    q: str = ""
    org: Org | None = None
    year: int | None = None
    status: str = ""
    industry: str = ""
    trade: str = ""
    holding: bool = False  # only titles held today


def filtered_leaders(user, f: LeaderFilters, *, on=None):
    qs = leaders(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.industry:
        qs = qs.filter(industry=f.industry)
    if f.trade:
        qs = qs.filter(trade=f.trade)
    if f.holding:
        day = on or today()
        qs = qs.filter(status__in=(LeaderStatus.SELECTED, LeaderStatus.ENDED), starts_on__lte=day, ends_on__gte=day)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__startswith=q) | Q(trade__icontains=q) | Q(org__name__icontains=q))
    return qs


def leader_rows():
    return SkillLeader.objects.select_related("org", "town", "person")


def leader_page(user, f: LeaderFilters, *, after=None, size=None):
    return keyset_page(filtered_leaders(user, f), after=after, size=size, load=leader_rows())


def status_counts(user, f: LeaderFilters):
    rows = filtered_leaders(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def selection_counts(user, year, *, org=None):
    """The year's selection by town, trade and industry: nominations and selected titles in the
    user's subtree. {"town": [(name, nominated, selected)], "trade": [...], "industry": [...]}.
    Three grouped queries."""
    qs = leaders(user).filter(year=year).exclude(status=LeaderStatus.WITHDRAWN)
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    selected = Count("pk", filter=Q(status__in=(LeaderStatus.SELECTED, LeaderStatus.ENDED)))
    industries = dict(Industry.choices)
    out = {}
    for key, field in (("town", "town__name"), ("trade", "trade"), ("industry", "industry")):
        rows = qs.order_by().values(field).annotate(nominated=Count("pk"), selected=selected).order_by(field)
        out[key] = [((str(industries.get(r[field], r[field])) if key == "industry" else (r[field] or "—")),
                     r["nominated"], r["selected"]) for r in rows]
    return out


def trade_choices(user):
    return list(leaders(user).order_by("trade").values_list("trade", flat=True).distinct()[:200])


def leader_detail(leader):
    return leader_rows().get(pk=leader.pk)


def leader_allowances(leader):
    return list(leader.allowances.order_by("-month"))


def union_choices(user, q="", limit=50):
    """Active grassroots unions where the user may nominate, by name."""
    qs = Org.objects.visible_to(user, SUBMIT).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def member_choices(union, q="", limit=200):
    """Live members of a union (people), by name: whom it may nominate."""
    from gonghui.members.models import LIVE_STATUSES, Person

    qs = Person.objects.filter(memberships__union=union, memberships__status__in=LIVE_STATUSES)
    if q:
        qs = qs.filter(name__startswith=q.strip())
    return qs.order_by("name", "pk").distinct()


# --- allowances ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AllowanceFilters:
    q: str = ""
    org: Org | None = None
    year: int | None = None
    month: datetime.date | None = None
    leader: int | None = None


def filtered_allowances(user, f: AllowanceFilters):
    qs = allowances(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.month:
        qs = qs.filter(month=f.month.replace(day=1))
    elif f.year:
        qs = qs.filter(year=f.year)
    if f.leader:
        qs = qs.filter(leader_id=f.leader)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(leader__person__name__startswith=q) | Q(org__name__icontains=q))
    return qs


def allowance_rows():
    return LeaderAllowance.objects.select_related("org", "town", "leader__person")


def allowance_page(user, f: AllowanceFilters, *, after=None, size=None):
    return keyset_page(filtered_allowances(user, f), after=after, size=size, load=allowance_rows())


def totals_by_town(user, f: AllowanceFilters):
    """[{town, leaders, months, amount}] of the filtered payments, by town (one grouped query)."""
    rows = (filtered_allowances(user, f).order_by().values("town__name", "town__path")
            .annotate(leaders=Count("leader", distinct=True), months=Count("pk"), amount=Sum("amount"))
            .order_by("town__path"))
    return [{"town": r["town__name"] or "—", "leaders": r["leaders"], "months": r["months"],
             "amount": _yuan(r["amount"])} for r in rows]


def _by_year_and_town(user, f: AllowanceFilters):
    """The payments of every year (year and month filters ignored) grouped by (year, town): one
    query that gives both tables of the ledger page."""
    f = AllowanceFilters(q=f.q, org=f.org, leader=f.leader)
    rows = (filtered_allowances(user, f).order_by().values("year", "town__name", "town__path")
            .annotate(leaders=Count("leader", distinct=True), months=Count("pk"), amount=Sum("amount"))
            .order_by("-year", "town__path"))
    return [{"year": r["year"], "town": r["town__name"] or "—", "leaders": r["leaders"], "months": r["months"],
             "amount": _yuan(r["amount"])} for r in rows]


def _ledger_version():
    """Changes whenever a payment is written: payments are only written by runs, and every run
    moves its month's `last_run_at` and `paid_count` (a demo reseed writes new runs). One query on
    the runs table (one row per month)."""
    v = LeaderAllowanceRun.objects.aggregate(n=Count("pk"), at=Max("last_run_at"), paid=Sum("paid_count"))
    return f"{v['n']}:{v['at'].timestamp() if v['at'] else 0}:{v['paid'] or 0}"


def _totals_key(user, f: AllowanceFilters):
    from gonghui.members.figures import TREE_VERSION_KEY

    everything, paths = user_scope(user, VIEW)
    parts = [_ledger_version(), cache.get(TREE_VERSION_KEY, 0), everything, *sorted(paths),
             f.org.path if f.org else "", f.q, f.leader or ""]
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return f"honours:leaders:totals:v1:{digest}"


def ledger_totals(user, f: AllowanceFilters, year: int):
    """(by town for `year` — or for `f.month` when a month is chosen —, by year) of the filtered
    payments. Totals by year of a district's whole ledger are cached for FIGURES_CACHE_SECONDS
    under the user's scope, the filters and the ledger's version (so a run shows at once);
    a miss costs one grouped query. Leaders are counted per (year, town) and summed by year:
    exact, because a leader's payments all carry the town copied at the nomination."""
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 300)
    key = _totals_key(user, f) if seconds > 0 else None
    rows = cache.get(key) if key else None
    if rows is None:
        rows = _by_year_and_town(user, f)
        if key:
            cache.set(key, rows, seconds)
    by_year = {}
    for r in rows:
        t = by_year.setdefault(r["year"], {"year": r["year"], "leaders": 0, "months": 0, "amount": Decimal("0.00")})
        t["leaders"] += r["leaders"]
        t["months"] += r["months"]
        t["amount"] += r["amount"]
    if f.month:
        by_town = totals_by_town(user, AllowanceFilters(q=f.q, org=f.org, month=f.month, leader=f.leader))
    else:
        by_town = [{k: r[k] for k in ("town", "leaders", "months", "amount")} for r in rows if r["year"] == year]
    return by_town, list(by_year.values())


def recent_runs(limit=12):
    return list(LeaderAllowanceRun.objects.order_by("-month")[:limit])


# --- overview and due soon ----------------------------------------------------------------------

def overview_card(user):
    """Skill leaders on the module overview: titles held now, nominations waiting, this year's
    allowance paid. Two aggregate scoped queries."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    day = today()
    counts = leaders(user).order_by().aggregate(
        holding=Count("pk", filter=Q(status__in=(LeaderStatus.SELECTED, LeaderStatus.ENDED), starts_on__lte=day,
                                     ends_on__gte=day)),
        waiting=Count("pk", filter=Q(status=LeaderStatus.NOMINATED)))
    paid = allowances(user).filter(year=day.year).order_by().aggregate(
        total=Sum("amount"))["total"]
    paid = _yuan(paid)
    leaders_url, allowances_url = reverse("honours:leader_list"), reverse("honours:allowance_list")
    return Card(title=_("Skill leaders"), url=leaders_url, rows=[
        Row(_("Titles held now"), counts["holding"], leaders_url + "?holding=1"),
        Row(_("Nominations waiting for the district"), counts["waiting"], leaders_url + "?status=NOMINATED"),
        Row(_("Allowance paid this year (yuan)"), paid, allowances_url + f"?year={day.year}"),
    ])


def due_selections_summary(user):
    """Dashboard line for the district (`honours.select`): nominations waiting for selection;
    those of an earlier year are overdue. One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(SELECT):
        return None
    year = today().year
    counts = (SkillLeader.objects.visible_to(user, SELECT).filter(status=LeaderStatus.NOMINATED).order_by()
              .aggregate(overdue=Count("pk", filter=Q(year__lt=year)), soon=Count("pk", filter=Q(year__gte=year))))
    return DueSummary(label=_("Skill leader nominations to select"), overdue=counts["overdue"], soon=counts["soon"],
                      url=reverse("honours:leader_list") + "?status=NOMINATED")


def due_allowance_run_summary(user):
    """Dashboard line for whoever pays (`honours.pay`): this month's allowance not run yet while
    titles are held on its first day (overdue from the day after the scheduled run day)."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    from ..rules.leaders import rules

    if not user.is_authenticated or not user.can(PAY):
        return None
    day = today()
    month = day.replace(day=1)
    # One query (the dashboard asks every source on every view): titles held on the 1st, and no
    # run of the month yet.
    from django.db.models import Exists

    unpaid = (SkillLeader.objects.filter(status__in=(LeaderStatus.SELECTED, LeaderStatus.ENDED),
                                         starts_on__lte=month, ends_on__gte=month)
              .filter(~Exists(LeaderAllowanceRun.objects.filter(month=month))).exists())
    if not unpaid:
        return None
    late = day.day > rules().run_day
    return DueSummary(label=_("Skill leader allowance of this month not paid yet"), overdue=1 if late else 0,
                      soon=0 if late else 1, url=reverse("honours:allowance_list"))


DUE_SOURCES = (due_selections_summary, due_allowance_run_summary)
