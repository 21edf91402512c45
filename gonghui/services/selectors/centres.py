"""Reads of service centres, the catalogue, orders and projects; every read that takes a user is
scoped (`visible_to`): centres, items and projects through their org; orders through the ordering
union and the centre's org."""

from dataclasses import dataclass

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.centres import (
    OrderStatus,
    ProjectDelivery,
    ProjectRating,
    ProjectStatus,
    ServiceCentre,
    ServiceItem,
    ServiceOrder,
    ServiceProject,
)
from ..policies.centres import CHANGE, SUBMIT, VIEW


def today():
    return timezone.localdate()


def _readable(model, user):
    """Rows of the user's subtree and of the orgs above it: the centres and the catalogue of a
    union's town and of the district are read (to order from them) by every user below them;
    writes still need services.change on the row's org."""
    from gonghui.core.scoping import scope_q, user_scope

    everything, paths = user_scope(user, VIEW)
    if everything:
        return model.objects.all()
    cond = scope_q(("org",), paths)
    if cond is None:
        return model.objects.none()
    above = sorted({p[:i] for p in paths for i in range(Org.steplen, len(p), Org.steplen)})
    if above:
        cond |= Q(org__path__in=above)
    return model.objects.filter(cond)


def centres(user):
    """Centres of the user's subtree and those above it (their town's, the district's)."""
    return _readable(ServiceCentre, user)


def items(user):
    """Catalogue items of the user's subtree and those above it."""
    return _readable(ServiceItem, user)


def orders(user):
    return ServiceOrder.objects.visible_to(user, VIEW)


def projects(user):
    return ServiceProject.objects.visible_to(user, VIEW)


def readable_projects(user):
    """What a project page may show: the projects of the user's subtree, and those that served a
    union of it (the union reads and rates them; every write still needs the centre's rights)."""
    from django.db.models import Exists

    from gonghui.core.scoping import scope_q, user_scope

    everything, paths = user_scope(user, VIEW)
    if everything:
        return ServiceProject.objects.all()
    cond = scope_q(("org",), paths)
    if cond is None:
        return ServiceProject.objects.none()
    served = ProjectDelivery.objects.filter(project=OuterRef("pk")).filter(scope_q(("union",), paths))
    return ServiceProject.objects.filter(cond | Q(Exists(served)))


def _in_org(qs, org, *lookups):
    if org is None:
        return qs
    cond = Q()
    for lookup in lookups:
        cond |= Q(**{f"{lookup}__path__startswith": org.path})
    return qs.filter(cond)


# --- centres and items -------------------------------------------------------------------------

@dataclass(frozen=True)
class CentreFilters:
    q: str = ""
    org: Org | None = None
    active: str = ""  # "", "yes", "no"

    def as_dict(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "active": self.active}


def filtered_centres(user, f: CentreFilters):
    qs = _in_org(centres(user), f.org, "org")
    if f.active:
        qs = qs.filter(is_active=f.active == "yes")
    if f.q.strip():
        q = f.q.strip()
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(org__name__icontains=q))
    return qs


def annotate_centres(qs):
    own = (ServiceItem.objects.filter(centre=OuterRef("pk"), is_active=True).order_by().values("centre")
           .annotate(n=Count("pk")).values("n"))
    open_orders = (ServiceOrder.objects.filter(centre=OuterRef("pk"), status__in=(OrderStatus.SUBMITTED,
                                                                                 OrderStatus.ACCEPTED))
                   .order_by().values("centre").annotate(n=Count("pk")).values("n"))
    return qs.annotate(item_count=Coalesce(Subquery(own, output_field=IntegerField()), Value(0)),
                       open_orders=Coalesce(Subquery(open_orders, output_field=IntegerField()), Value(0)))


def centre_page(user, f, *, after=None):
    return keyset_page(filtered_centres(user, f), after=after,
                       load=annotate_centres(ServiceCentre.objects.select_related("org")))


@dataclass(frozen=True)
class ItemFilters:
    q: str = ""
    org: Org | None = None
    category: str = ""
    delivery: str = ""
    active: str = ""

    def as_dict(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "category": self.category,
                "delivery": self.delivery, "active": self.active}


def filtered_items(user, f: ItemFilters):
    qs = _in_org(items(user), f.org, "org")
    if f.category:
        qs = qs.filter(category=f.category)
    if f.delivery:
        qs = qs.filter(delivery=f.delivery)
    if f.active:
        qs = qs.filter(is_active=f.active == "yes")
    if f.q.strip():
        qs = qs.filter(Q(name__icontains=f.q.strip()) | Q(description__icontains=f.q.strip()))
    return qs


def item_page(user, f, *, after=None):
    return keyset_page(filtered_items(user, f), after=after,
                       load=ServiceItem.objects.select_related("org", "centre"))


# --- orders ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    centre: int | None = None
    category: str = ""
    year: int | None = None
    overdue: bool = False

    def as_dict(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "status": self.status, "centre": self.centre,
                "category": self.category, "year": self.year, "overdue": self.overdue}


def filtered_orders(user, f: OrderFilters):
    qs = _in_org(orders(user), f.org, "org")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.centre:
        qs = qs.filter(centre_id=f.centre)
    if f.category:
        qs = qs.filter(item__category=f.category)
    if f.year:
        qs = qs.filter(submitted_on__year=f.year)
    if f.overdue:
        qs = qs.filter(status=OrderStatus.SUBMITTED, accept_due_on__lt=today())
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(org__name__icontains=q) | Q(item__name__icontains=q)
                       | Q(place__icontains=q))
    return qs


def order_rows():
    return ServiceOrder.objects.select_related("org", "centre", "centre__org", "item", "enterprise")


def order_page(user, f, *, after=None):
    return keyset_page(filtered_orders(user, f), after=after, load=order_rows())


def order_status_counts(user, f):
    rows = filtered_orders(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def union_choices(user, q="", limit=50):
    """Active unions anywhere in the user's subtree where they may order or request
    (services.submit), by name (`q`: name contains), at most `limit`, in tree order."""
    from ..services.centres import UNION_LEVELS

    if user is None or not user.is_authenticated:
        return []
    qs = Org.objects.visible_to(user, SUBMIT).filter(is_active=True, level__in=UNION_LEVELS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def centre_org_choices(user):
    """Towns / the district where the user may run centres, projects and the catalogue."""
    from gonghui.core.selectors import reach_orgs

    from ..services.centres import CENTRE_LEVELS

    return [o for o in reach_orgs(user, CHANGE) if o.is_active and o.level in CENTRE_LEVELS]


# --- projects ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    centre: int | None = None
    year: int | None = None

    def as_dict(self):
        return {"q": self.q, "org": self.org.pk if self.org else None, "status": self.status, "centre": self.centre,
                "year": self.year}


def filtered_projects(user, f: ProjectFilters):
    qs = _in_org(projects(user), f.org, "org")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.centre:
        qs = qs.filter(centre_id=f.centre)
    if f.year:
        qs = qs.filter(starts_on__year__lte=f.year, ends_on__year__gte=f.year)
    if f.q.strip():
        q = f.q.strip()
        qs = qs.filter(Q(title__icontains=q) | Q(item__name__icontains=q) | Q(targets__icontains=q))
    return qs


def annotate_projects(qs):
    served = (ProjectDelivery.objects.filter(project=OuterRef("pk")).order_by().values("project")
              .annotate(n=Sum("people_served")).values("n"))
    deliveries = (ProjectDelivery.objects.filter(project=OuterRef("pk")).order_by().values("project")
                  .annotate(n=Count("pk")).values("n"))
    rating = (ProjectRating.objects.filter(project=OuterRef("pk")).order_by().values("project")
              .annotate(a=Avg("rating")).values("a"))
    return qs.annotate(served=Coalesce(Subquery(served, output_field=IntegerField()), Value(0)),
                       delivery_count=Coalesce(Subquery(deliveries, output_field=IntegerField()), Value(0)),
                       avg_rating=Subquery(rating))


def project_rows():
    return annotate_projects(ServiceProject.objects.select_related("org", "centre", "item"))


def project_page(user, f, *, after=None):
    return keyset_page(filtered_projects(user, f), after=after, load=project_rows())


def project_detail(project):
    return project_rows().get(pk=project.pk)


def project_deliveries(project):
    return list(project.deliveries.select_related("union", "enterprise").order_by("-delivered_on", "-id"))


def project_ratings(project):
    return list(project.ratings.select_related("union").order_by("-id"))


# --- overview and due --------------------------------------------------------------------------

def overview_card(user):
    """Orders and projects on the services overview: one aggregate each, scoped."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    o = orders(user).order_by().aggregate(
        submitted=Count("pk", filter=Q(status=OrderStatus.SUBMITTED)),
        overdue=Count("pk", filter=Q(status=OrderStatus.SUBMITTED, accept_due_on__lt=today())),
        accepted=Count("pk", filter=Q(status=OrderStatus.ACCEPTED)),
        done=Count("pk", filter=Q(status__in=(OrderStatus.DELIVERED, OrderStatus.RATED), delivered_on__year=year)),
        rating=Avg("rating", filter=Q(status=OrderStatus.RATED)))
    running = projects(user).filter(status=ProjectStatus.RUNNING).count()
    url = reverse("services:order_list")
    rating = f"{o['rating']:.1f}" if o["rating"] else "—"
    return Card(title=_("Service orders and projects"), url=url, rows=[
        Row(_("Orders awaiting acceptance"), o["submitted"], url + "?status=SUBMITTED"),
        Row(_("Acceptance overdue"), o["overdue"], url + "?overdue=1", alert=bool(o["overdue"])),
        Row(_("Accepted, to deliver"), o["accepted"], url + "?status=ACCEPTED"),
        Row(_("Delivered this year"), o["done"], url + f"?year={year}"),
        Row(_("Average satisfaction"), rating, url + "?status=RATED"),
        Row(_("Projects running"), running, reverse("services:project_list") + "?status=RUNNING"),
    ])


def due_orders_summary(user):
    """Orders the user's centres must accept or decline: overdue (past the due date) and due
    soon (today or tomorrow). One aggregate query on the centres the user runs."""
    import datetime

    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    from gonghui.core.scoping import scope_q, user_scope

    everything, paths = user_scope(user, CHANGE)
    qs = ServiceOrder.objects.filter(status=OrderStatus.SUBMITTED)
    if not everything:
        cond = scope_q(("centre__org",), paths)
        if cond is None:
            return None
        qs = qs.filter(cond)
    now = today()
    figures = qs.order_by().aggregate(
        overdue=Count("pk", filter=Q(accept_due_on__lt=now)),
        soon=Count("pk", filter=Q(accept_due_on__gte=now, accept_due_on__lte=now + datetime.timedelta(days=1))))
    if not figures["overdue"] and not figures["soon"]:
        return None
    return DueSummary(label=_("Service orders to accept"), overdue=figures["overdue"], soon=figures["soon"],
                      url=reverse("services:order_list") + "?status=SUBMITTED")


DUE_SOURCES = (due_orders_summary,)
