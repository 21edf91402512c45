"""Reads of the model-worker registry; every read that takes a user is scoped.

Yearly care: a model worker is "missing care" in a year while they have no health check or no
visit recorded in that calendar year. From `rules().care_due_month` on, those are due soon on the
dashboard; from `rules().care_overdue_month` on, overdue (the year is nearly over).
"""

from dataclasses import dataclass

from django.db.models import Count, DecimalField, Exists, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org

from ..models.modelworkers import ModelWorker, ModelWorkerCare, ModelWorkerCareKind, ModelWorkerTitle
from ..policies.modelworkers import VIEW
from ..rules.modelworkers import rules


def today():
    return timezone.localdate()


def workers(user, action=VIEW):
    return ModelWorker.objects.visible_to(user, action)


@dataclass
class WorkerFilters:
    q: str = ""
    org: Org | None = None
    level: str = ""
    year: int | None = None   # the year of the highest title
    care: str = ""            # "missing", "missing_check", "missing_visit": this calendar year
    story: str = ""           # "published", "draft" (a story written, not published), "none"


CARE_CHOICES = (
    ("missing", gettext_lazy("Health check or visit missing this year")),
    ("missing_check", gettext_lazy("No health check this year")),
    ("missing_visit", gettext_lazy("No visit this year")),
)

STORY_CHOICES = (
    ("published", gettext_lazy("Story published")),
    ("draft", gettext_lazy("Story written, not published")),
    ("none", gettext_lazy("No story yet")),
)


def _care_in(kind, year):
    return ModelWorkerCare.objects.filter(worker=OuterRef("pk"), kind=kind, happened_on__year=year)


def missing_care(qs, year, which="missing"):
    """Entries without a health check (`missing_check`), without a visit (`missing_visit`) or
    without either (`missing`) in `year`."""
    check = Exists(_care_in(ModelWorkerCareKind.HEALTH_CHECK, year))
    visit = Exists(_care_in(ModelWorkerCareKind.VISIT, year))
    if which == "missing_check":
        return qs.filter(~check)
    if which == "missing_visit":
        return qs.filter(~visit)
    return qs.filter(~check | ~visit)


def filtered(user, filters: WorkerFilters, *, on=None):
    qs = workers(user)
    on = on or today()
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.year:
        qs = qs.filter(year=filters.year)
    q = (filters.q or "").strip()
    if q:
        titled = ModelWorkerTitle.objects.filter(worker=OuterRef("pk"), title__icontains=q)
        qs = qs.filter(Q(person__name__icontains=q) | Q(person__name_initials__icontains=q.lower())
                       | Exists(titled))
    if filters.care in dict(CARE_CHOICES):
        qs = missing_care(qs, on.year, filters.care)
    if filters.story == "published":
        qs = qs.filter(story_published=True)
    elif filters.story == "draft":
        qs = qs.filter(story_published=False).exclude(story="")
    elif filters.story == "none":
        qs = qs.filter(story="")
    return qs


def with_care_years(qs, year):
    """Annotate the number of titles, the last health check and visit (ever), and the subsidies
    paid in `year` — as subqueries, so no join multiplies the rows."""
    def last(kind):
        return Subquery(ModelWorkerCare.objects.filter(worker=OuterRef("pk"), kind=kind).order_by()
                        .values("worker").annotate(m=Max("happened_on")).values("m")[:1])

    titles = Subquery(ModelWorkerTitle.objects.filter(worker=OuterRef("pk")).order_by().values("worker")
                      .annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField())
    subsidies = Subquery(ModelWorkerCare.objects.filter(worker=OuterRef("pk"), kind=ModelWorkerCareKind.SUBSIDY,
                                                        happened_on__year=year).order_by().values("worker")
                         .annotate(s=Sum("amount")).values("s")[:1],
                         output_field=DecimalField(max_digits=14, decimal_places=2))
    return qs.annotate(title_count=Coalesce(titles, Value(0)), last_health_check=last("HEALTH_CHECK"),
                       last_visit=last("VISIT"), subsidy_total=subsidies)


def page_rows(year):
    return with_care_years(ModelWorker.objects.select_related("person", "org"), year)


def worker_page(user, filters: WorkerFilters, *, after=None, size=None, on=None):
    on = on or today()
    return keyset_page(filtered(user, filters, on=on), after=after, size=size, load=page_rows(on.year))


def summary(user, filters: WorkerFilters, *, on=None):
    """Counts per level of the filtered list (one grouped query)."""
    rows = filtered(user, filters, on=on).order_by().values("level").annotate(n=Count("pk", distinct=True))
    return {r["level"]: r["n"] for r in rows}


def worker_detail(worker):
    """The entry with its titles (newest first) and care records (newest first)."""
    from django.db.models import Prefetch

    return (ModelWorker.objects.filter(pk=worker.pk).select_related("person", "org")
            .prefetch_related(Prefetch("titles", queryset=ModelWorkerTitle.objects.order_by("-year", "-id")),
                              Prefetch("care_records", queryset=ModelWorkerCare.objects.order_by("-happened_on",
                                                                                                 "-id")))
            .get())


def care_totals(worker):
    """{year: {"checks": n, "visits": n, "subsidies": yuan}} of one entry (one grouped query)."""
    from django.db.models.functions import ExtractYear

    rows = (ModelWorkerCare.objects.filter(worker=worker).order_by().annotate(y=ExtractYear("happened_on"))
            .values("y").annotate(checks=Count("pk", filter=Q(kind="HEALTH_CHECK")),
                                  visits=Count("pk", filter=Q(kind="VISIT")),
                                  subsidies=Sum("amount", filter=Q(kind="SUBSIDY"))))
    return {r["y"]: r for r in sorted(rows, key=lambda r: -r["y"])}


def published_story(pk):
    """A published story, for the read-only story page (any signed-in user of the platform)."""
    return (ModelWorker.objects.select_related("person", "org").filter(pk=pk, story_published=True)
            .prefetch_related("titles").first())


def published_stories(limit=50):
    """Published stories, newest first: what the publicity module will list."""
    return list(ModelWorker.objects.select_related("person", "org").filter(story_published=True)
                .order_by("-story_published_on", "-id")[:limit])


def register_unions(user, q="", limit=50):
    """Grassroots unions where the user may register a model worker, by name (the register page)."""
    from gonghui.orgs.models import OrgLevel

    from ..policies.modelworkers import REGISTER

    qs = Org.objects.visible_to(user, REGISTER).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q)
    return list(qs.order_by("path")[:limit])


def edit_orgs(user, worker):
    """The unions an entry may be moved to: where the person has a live membership and the user
    may register, and the entry's own union."""
    from gonghui.members.models import Membership

    from ..policies.modelworkers import REGISTER

    ids = set(Membership.objects.filter(person=worker.person_id, ended_on__isnull=True)
              .values_list("union_id", flat=True))
    ids.add(worker.org_id)
    return list(Org.objects.visible_to(user, REGISTER).filter(pk__in=ids).order_by("path")) or [worker.org]


def person_choices(user, org, q="", limit=30):
    """Live members of `org`'s subtree not yet in the registry, by name (to enter a title)."""
    from gonghui.members.models import Membership

    qs = (Membership.objects.visible_to(user).filter(union__path__startswith=org.path, ended_on__isnull=True)
          .exclude(person__model_worker__isnull=False).select_related("person", "union"))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(person_name__icontains=q) | Q(person_initials__icontains=q.lower()))
    return list(qs.order_by("person_name", "pk")[:limit])


# --- overview and due soon ------------------------------------------------------------------------

def care_stage(on):
    """"" before the care is due, "SOON" from `care_due_month`, "OVERDUE" from `care_overdue_month`."""
    r = rules()
    if on.month >= r.care_overdue_month:
        return "OVERDUE"
    if on.month >= r.care_due_month:
        return "SOON"
    return ""


def overview_card(user):
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    check = Exists(_care_in(ModelWorkerCareKind.HEALTH_CHECK, on.year))
    visit = Exists(_care_in(ModelWorkerCareKind.VISIT, on.year))
    counts = workers(user).order_by().aggregate(
        total=Count("pk"), national=Count("pk", filter=Q(level__in=["PROVINCE", "NATIONAL"])),
        missing=Count("pk", filter=~check | ~visit), published=Count("pk", filter=Q(story_published=True)))
    url = reverse("honours:modelworker_list")
    return Card(title=_("Model workers"), url=url, rows=[
        Row(_("In the registry"), counts["total"], url),
        Row(_("Provincial or national"), counts["national"]),
        Row(_("Health check or visit missing this year"), counts["missing"], f"{url}?care=missing",
            alert=bool(counts["missing"]) and bool(care_stage(on))),
        Row(_("Stories published"), counts["published"], f"{url}?story=published"),
    ])


def due_care_summary(user):
    """Dashboard line: model workers without this year's health check or visit, from
    `care_due_month` (due soon) and `care_overdue_month` (overdue). One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(VIEW):
        return None
    on = today()
    stage = care_stage(on)
    if not stage:
        return None
    n = missing_care(workers(user), on.year).order_by().aggregate(n=Count("pk"))["n"]
    return DueSummary(label=_("Model workers' yearly care"), overdue=n if stage == "OVERDUE" else 0,
                      soon=n if stage == "SOON" else 0,
                      url=reverse("honours:modelworker_list") + "?care=missing")


DUE_SOURCES = (due_care_summary,)


def care_to_remind(on):
    """{org: [entries]} of the whole district missing this year's care: what the reminder sends."""
    rows = missing_care(ModelWorker.objects.select_related("org", "person"), on.year).order_by("org_id", "id")
    grouped = {}
    for worker in rows:
        grouped.setdefault(worker.org, []).append(worker)
    return grouped

