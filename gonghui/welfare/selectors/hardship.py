"""Selectors of the `hardship` area of welfare. Shared with the other areas: `active_file_of`
and `active_files_by_person` (eligibility of campaigns), `help_records_of`. Every read that takes
a user is scoped (the file's union's subtree)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org, OrgLevel

from ..models.hardship import HardshipFile, HardshipReview, HardshipStatus, HelpRecord
from ..policies.hardship import CHANGE, REVIEW, VIEW
from ..rules.hardship import rules

DUE_OVERDUE, DUE_SOON = "overdue", "soon"


def active_file_of(person) -> HardshipFile | None:
    """The person's hardship file on record (ACTIVE), or None. Not scoped: callers show only what
    their own checks allow (a campaign's eligibility says "on file" / "not on file")."""
    return HardshipFile.objects.filter(person=person, status=HardshipStatus.ACTIVE).first()


def active_files_by_person(person_ids) -> dict[int, HardshipFile]:
    """{person id: ACTIVE file} for the given people (one query; bulk eligibility checks)."""
    files = HardshipFile.objects.filter(person_id__in=list(person_ids), status=HardshipStatus.ACTIVE)
    return {f.person_id: f for f in files}


def help_records_of(person):
    """Every help record of `person`, newest first (the file page; callers check scope)."""
    return HelpRecord.objects.filter(person=person).select_related("org").order_by("-given_on", "-id")


def today():
    return timezone.localdate()


def files(user, action=VIEW):
    return HardshipFile.objects.visible_to(user, action)


@dataclass(frozen=True)
class FileFilters:
    q: str = ""
    org: Org | None = None
    status: str = ""
    category: str = ""
    year: int | None = None  # accepted on file in that year
    due: str = ""  # overdue / soon (yearly review)


def filtered_files(user, f: FileFilters, *, on=None):
    qs = files(user)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.year:
        qs = qs.filter(accepted_on__year=f.year)
    day = on or today()
    if f.due == DUE_OVERDUE:
        qs = qs.filter(status=HardshipStatus.ACTIVE, review_due_on__lt=day)
    elif f.due == DUE_SOON:
        qs = qs.filter(status=HardshipStatus.ACTIVE, review_due_on__gte=day,
                       review_due_on__lte=day + datetime.timedelta(days=rules().due_soon_days))
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(person__name__startswith=q) | Q(number__istartswith=q) | Q(org__name__icontains=q))
    return qs


def file_rows():
    return HardshipFile.objects.select_related("org", "person")


def file_page(user, f: FileFilters, *, after=None, size=None):
    return keyset_page(filtered_files(user, f), after=after, size=size, load=file_rows())


def status_counts(user, f: FileFilters):
    rows = filtered_files(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


def reviews_of(f):
    return list(HardshipReview.objects.filter(file=f).select_related("reviewed_by").order_by("-reviewed_on", "-id"))


def union_choices(user, q="", limit=50):
    """Active grassroots unions where the user may open files, by name."""
    qs = Org.objects.visible_to(user, CHANGE).filter(is_active=True, level=OrgLevel.GRASSROOTS)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def member_choices(union, q=""):
    """Live members of a union without an open file, by name."""
    from gonghui.members.models import LIVE_STATUSES, Person

    from ..models.hardship import OPEN_FILE_STATUSES

    qs = (Person.objects.filter(memberships__union=union, memberships__status__in=LIVE_STATUSES)
          .exclude(hardship_files__status__in=OPEN_FILE_STATUSES))
    if q:
        qs = qs.filter(name__startswith=q.strip())
    return qs.order_by("name", "pk").distinct()


# --- overview and due soon ----------------------------------------------------------------------

def overview_card(user):
    """困难职工 on the welfare overview: files on record by category, awaiting review, reviews
    overdue, exits this year. One aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    day = today()
    active = Q(status=HardshipStatus.ACTIVE)
    c = files(user).order_by().aggregate(
        deep=Count("pk", filter=active & Q(category="DEEP")),
        relative=Count("pk", filter=active & Q(category="RELATIVE")),
        accident=Count("pk", filter=active & Q(category="ACCIDENT")),
        submitted=Count("pk", filter=Q(status=HardshipStatus.SUBMITTED)),
        overdue=Count("pk", filter=active & Q(review_due_on__lt=day)),
        exited=Count("pk", filter=Q(status=HardshipStatus.EXITED, exited_on__year=day.year)))
    url = reverse("welfare:file_list")
    return Card(title=_("Hardship files"), url=url, rows=[
        Row(_("Deep hardship on file"), c["deep"], url + "?status=ACTIVE&category=DEEP"),
        Row(_("Relative hardship on file"), c["relative"], url + "?status=ACTIVE&category=RELATIVE"),
        Row(_("Hardship from an accident on file"), c["accident"], url + "?status=ACTIVE&category=ACCIDENT"),
        Row(_("Awaiting the town's review"), c["submitted"], url + "?status=SUBMITTED", alert=bool(c["submitted"])),
        Row(_("Yearly reviews overdue"), c["overdue"], url + "?due=overdue", alert=bool(c["overdue"])),
        Row(_("Exited this year"), c["exited"], url + "?status=EXITED"),
    ])


def due_reviews_summary(user):
    """Dashboard line for the reviewers (`welfare.review`): yearly reviews overdue and due within
    `due_soon_days`. One aggregate query."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(REVIEW):
        return None
    day = today()
    soon = day + datetime.timedelta(days=rules().due_soon_days)
    c = (HardshipFile.objects.visible_to(user, REVIEW).filter(status=HardshipStatus.ACTIVE).order_by()
         .aggregate(overdue=Count("pk", filter=Q(review_due_on__lt=day)),
                    soon=Count("pk", filter=Q(review_due_on__gte=day, review_due_on__lte=soon))))
    return DueSummary(label=_("Hardship files: yearly reviews"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("welfare:file_list") + "?due=overdue")


# Due-soon sources this area registers with the dashboard (see core.overview). Each costs one
# query per dashboard view.
DUE_SOURCES = (due_reviews_summary,)
