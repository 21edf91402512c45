"""Reads of member benefits; every read that takes a user is scoped. Merchants and offers are
readable in the user's subtree and above it (a union sees its town's and the district's partner
merchants); they are managed only in the subtree. Redemptions are read where the merchant was
signed (the signing org's subtree)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.benefits import Merchant, MerchantStatus, Offer, OfferStatus, Redemption
from ..policies.benefits import CHANGE, VIEW
from ..rules.benefits import rules


def today():
    return timezone.localdate()


def _ancestor_paths(path, steplen=Org.steplen):
    return [path[:i] for i in range(steplen, len(path), steplen)]


def _readable(model, user, lookup):
    from gonghui.core.scoping import scope_q, user_scope

    everything, paths = user_scope(user, VIEW)
    if everything:
        return model.objects.all()
    cond = scope_q((lookup,), paths)
    if cond is None:
        return model.objects.none()
    above = sorted({a for p in paths for a in _ancestor_paths(p)})
    if above:
        cond |= Q(**{f"{lookup}__path__in": above})
    return model.objects.filter(cond)


def merchants(user, action=VIEW):
    return Merchant.objects.visible_to(user, action)


def readable_merchants(user):
    return _readable(Merchant, user, "org")


def readable_offers(user):
    return _readable(Offer, user, "merchant__org")


def redemptions(user, action=VIEW):
    return Redemption.objects.visible_to(user, action)


def signing_org_choices(user, action=CHANGE):
    from ..services.benefits import SIGNING_LEVELS

    return list(Org.objects.visible_to(user, action).filter(level__in=SIGNING_LEVELS, is_active=True)
                .order_by("path")[:100])


# --- merchants ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MerchantFilters:
    q: str = ""
    org: Org | None = None
    category: str = ""
    status: str = ""


def filtered_merchants(user, f: MerchantFilters):
    qs = readable_merchants(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.status:
        qs = qs.filter(status=f.status)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(code__iexact=q))
    return qs


def merchant_rows():
    return Merchant.objects.select_related("org")


def merchant_page(user, f, *, after=None, size=None):
    return keyset_page(filtered_merchants(user, f), after=after, size=size, load=merchant_rows())


def merchant_status_counts(user, f):
    rows = filtered_merchants(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def merchant_offers(merchant):
    return list(merchant.offers.order_by("-status", "-valid_to", "id"))


def merchant_month_counts(merchant, year):
    """[count of redemptions per month 1..12] at the merchant in `year` (one query)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
    rows = (Redemption.objects.filter(merchant=merchant, redeemed_at__gte=start, redeemed_at__lt=end)
            .annotate(m=ExtractMonth("redeemed_at", tzinfo=tz)).values("m").annotate(n=Count("pk")).order_by())
    counts = [0] * 12
    for r in rows:
        counts[r["m"] - 1] = r["n"]
    return counts


# --- offers -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OfferFilters:
    q: str = ""
    org: Org | None = None
    category: str = ""
    status: str = ""
    valid: str = ""  # "1": valid today (active, in dates, merchant active)


def valid_now_q(on=None, prefix=""):
    on = on or today()
    return Q(**{f"{prefix}status": OfferStatus.ACTIVE, f"{prefix}valid_from__lte": on, f"{prefix}valid_to__gte": on,
                f"{prefix}merchant__status": MerchantStatus.ACTIVE, f"{prefix}merchant__agreement_end__gte": on})


def filtered_offers(user, f: OfferFilters):
    qs = readable_offers(user)
    if f.org is not None:
        qs = qs.filter(merchant__org__path__startswith=f.org.path)
    if f.category:
        qs = qs.filter(merchant__category=f.category)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.valid == "1":
        qs = qs.filter(valid_now_q())
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(discount__icontains=q) | Q(merchant__name__icontains=q))
    return qs


def offer_rows():
    return Offer.objects.select_related("merchant", "merchant__org")


def offer_page(user, f, *, after=None, size=None):
    return keyset_page(filtered_offers(user, f).order_by("-id"), after=after, size=size, load=offer_rows())


def offer_status_counts(user, f):
    rows = filtered_offers(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def offer_stats(offer):
    return Redemption.objects.filter(offer=offer).order_by().aggregate(
        total=Count("pk"), people=Count("person", distinct=True))


def merchant_choices(user):
    return list(readable_merchants(user).order_by("name", "id").only("pk", "name", "code")[:500])


# --- redemptions --------------------------------------------------------------------------------

@dataclass(frozen=True)
class RedemptionFilters:
    q: str = ""
    org: Org | None = None
    merchant: Merchant | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _day_start(d):
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time.min))


def filtered_redemptions(user, f: RedemptionFilters):
    qs = redemptions(user)
    if f.org is not None:
        qs = qs.filter(Q(org__path__startswith=f.org.path) | Q(union__path__startswith=f.org.path))
    if f.merchant is not None:
        qs = qs.filter(merchant=f.merchant)
    if f.date_from:
        qs = qs.filter(redeemed_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(redeemed_at__lt=_day_start(f.date_to + datetime.timedelta(days=1)))
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__startswith=q) | Q(offer__title__icontains=q) | Q(merchant__name__icontains=q))
    return qs


def redemption_rows():
    return Redemption.objects.select_related("merchant", "offer", "person", "union").defer(
        "person__id_number_enc", "person__phone_enc")


def redemption_page(user, f, *, after=None, size=None):
    return keyset_page(filtered_redemptions(user, f).order_by("-id"), after=after, size=size,
                       load=redemption_rows())


def redemption_total(user, f):
    return filtered_redemptions(user, f).order_by().count()


def monthly_by_merchant(user, year, org=None, limit=200):
    """Redemptions per merchant per month of `year` in the user's reach: [(merchant name, code,
    id, [12 counts], total)], biggest first. One grouped query."""
    tz = timezone.get_current_timezone()
    qs = redemptions(user).filter(redeemed_at__gte=datetime.datetime(year, 1, 1, tzinfo=tz),
                                  redeemed_at__lt=datetime.datetime(year + 1, 1, 1, tzinfo=tz))
    if org is not None:
        qs = qs.filter(org__path__startswith=org.path)
    rows = (qs.annotate(m=ExtractMonth("redeemed_at", tzinfo=tz))
            .values("merchant_id", "merchant__name", "merchant__code", "m").annotate(n=Count("pk")).order_by())
    table = {}
    for r in rows:
        key = r["merchant_id"]
        entry = table.setdefault(key, [r["merchant__name"], r["merchant__code"], key, [0] * 12, 0])
        entry[3][r["m"] - 1] += r["n"]
        entry[4] += r["n"]
    out = sorted(table.values(), key=lambda e: (-e[4], e[0]))[:limit]
    months = [sum(e[3][i] for e in out) for i in range(12)]
    return out, months


# --- the member ---------------------------------------------------------------------------------

def offers_open_to_person(person, membership):
    """Offers valid today at active merchants signed by the member's union's town or the district
    (any org above or at the union)."""
    if membership is None:
        return []
    union = membership.union
    paths = _ancestor_paths(union.path) + [union.path]
    return list(Offer.objects.filter(valid_now_q(), merchant__org__path__in=paths)
                .select_related("merchant").order_by("merchant__category", "merchant__name", "id")[:200])


def my_redemptions(person, limit=20):
    return list(Redemption.objects.filter(person=person).select_related("merchant", "offer")
                .order_by("-redeemed_at", "-id")[:limit])


# --- overview and due -----------------------------------------------------------------------------

def overview_card(user):
    """Partner merchants and offers on the services overview: active merchants, offers valid
    today, redemptions this month. Three aggregate scoped queries."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    m = readable_merchants(user).order_by().aggregate(active=Count("pk", filter=Q(status=MerchantStatus.ACTIVE)))
    o = readable_offers(user).order_by().aggregate(valid=Count("pk", filter=valid_now_q(on)))
    first = _day_start(on.replace(day=1))
    r = redemptions(user).filter(redeemed_at__gte=first).order_by().count()
    offers_url, merchants_url = reverse("services:offer_list"), reverse("services:merchant_list")
    return Card(title=_("Member benefits"), url=offers_url, rows=[
        Row(_("Active partner merchants"), m["active"], merchants_url + "?status=ACTIVE"),
        Row(_("Offers valid today"), o["valid"], offers_url + "?valid=1"),
        Row(_("Redemptions this month"), r, reverse("services:redemption_list")
            + f"?date_from={first.date():%Y-%m-%d}"),
    ])


def due_agreements_summary(user):
    """Dashboard line for the signing cadres (`services.change`): agreements of active or
    suspended merchants already ended (overdue: expire or extend) or ending within
    `expiring_days` (soon). One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    on = today()
    soon_end = on + datetime.timedelta(days=rules().expiring_days)
    figures = (Merchant.objects.visible_to(user, CHANGE)
               .filter(status__in=(MerchantStatus.ACTIVE, MerchantStatus.SUSPENDED), agreement_end__lte=soon_end)
               .order_by().aggregate(overdue=Count("pk", filter=Q(agreement_end__lt=on)),
                                     soon=Count("pk", filter=Q(agreement_end__gte=on))))
    if not figures["overdue"] and not figures["soon"]:
        return None
    return DueSummary(label=_("Merchant agreements ending"), overdue=figures["overdue"], soon=figures["soon"],
                      url=reverse("services:merchant_list") + "?status=ACTIVE")


DUE_SOURCES = (due_agreements_summary,)
