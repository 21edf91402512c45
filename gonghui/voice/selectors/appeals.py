"""Reads of the `appeals` area, scoped to the user (the holding org's subtree): the list's filters
(shared with the export, the API and the statistics' links), an appeal's history, the overview card
and the dashboard's due source."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import workdays
from gonghui.core.pagination import keyset_page
from gonghui.members.figures import kept_figures, user_figures_key
from gonghui.orgs.models import Org, OrgLevel

from ..models.appeals import OPEN_STATUSES, Appeal, AppealAttachment, AppealEvent, AppealStatus
from ..policies.appeals import CHANGE, VIEW
from ..rules.appeals import rules


def today():
    return timezone.localdate()


def appeals(user, action=VIEW):
    return Appeal.objects.visible_to(user, action)


def soon_limit(on):
    """The last day that counts as "due soon": `due_soon_days` working days ahead."""
    return workdays.add_working_days(on, rules().due_soon_days)


def own_org_ids(user):
    """The orgs where the user holds a cadre role ("my org only", "escalated to me")."""
    from gonghui.accounts.models import RoleAssignment
    from gonghui.accounts.roles import Role

    return list(RoleAssignment.objects.filter(user_id=user.pk).exclude(role=Role.MEMBER)
                .values_list("org_id", flat=True))


@dataclass(frozen=True)
class AppealFilters:
    q: str = ""
    org: Org | None = None  # the holding org's subtree
    holder: Org | None = None  # held by exactly this org (not its subtree): the statistics' org rows
    town: Org | None = None
    status: str = ""
    category: str = ""
    channel: str = ""
    overdue: bool = False  # open and past the due date
    due_soon: bool = False  # open, due today … within `due_soon_days` working days
    escalated: str = ""  # "any" (escalated at all) / "me" (escalated to one of my orgs)
    mine: bool = False  # held by one of my own orgs, not by orgs below
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    year: int | None = None  # received in
    month: int | None = None  # with year
    closed_on_time: str = ""  # "yes" / "no"

    def as_params(self):
        return {"q": self.q, "org": self.org.pk if self.org else "",
                "holder": self.holder.pk if self.holder else "", "town": self.town.pk if self.town else "",
                "status": self.status, "category": self.category, "channel": self.channel,
                "overdue": "1" if self.overdue else "", "due_soon": "1" if self.due_soon else "",
                "escalated": self.escalated, "mine": "1" if self.mine else "",
                "received_from": self.received_from.isoformat() if self.received_from else "",
                "received_to": self.received_to.isoformat() if self.received_to else "",
                "year": self.year or "", "month": self.month or "", "closed_on_time": self.closed_on_time}


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_appeals(user, f: AppealFilters, *, on=None):
    qs = appeals(user)
    day = on or today()
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.holder is not None:
        qs = qs.filter(org=f.holder)
    if f.town is not None:
        qs = qs.filter(town=f.town)
    for name in ("status", "category", "channel"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    if f.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__lt=day)
    if f.due_soon:
        qs = qs.filter(status__in=OPEN_STATUSES, due_on__gte=day, due_on__lte=soon_limit(day))
    if f.escalated == "any":
        qs = qs.filter(escalation_level__gt=0)
    elif f.escalated == "me":
        qs = qs.filter(escalation_level__gt=0, escalated_to_id__in=own_org_ids(user))
    if f.mine:
        qs = qs.filter(org_id__in=own_org_ids(user))
    if f.received_from:
        qs = qs.filter(received_at__gte=_day_start(f.received_from))
    if f.received_to:
        qs = qs.filter(received_at__lt=_day_start(f.received_to + datetime.timedelta(days=1)))
    if f.year:
        start = datetime.date(f.year, f.month or 1, 1)
        end = (datetime.date(f.year + (f.month == 12), f.month % 12 + 1, 1) if f.month
               else datetime.date(f.year + 1, 1, 1))
        qs = qs.filter(received_at__gte=_day_start(start), received_at__lt=_day_start(end))
    if f.closed_on_time in ("yes", "no"):
        qs = qs.filter(status=AppealStatus.CLOSED, closed_on_time=f.closed_on_time == "yes")
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(title__icontains=q) | Q(contact_name__startswith=q)
                       | Q(person__name__startswith=q))
    return qs


def appeal_rows():
    return Appeal.objects.select_related("org", "town", "person", "escalated_to", "enterprise")


def appeal_page(user, f: AppealFilters, *, after=None, size=None):
    return keyset_page(filtered_appeals(user, f), after=after, size=size, load=appeal_rows())


def status_counts(user, f: AppealFilters):
    rows = filtered_appeals(user, f).order_by().values("status").annotate(n=Count("pk"))
    return {r["status"]: r["n"] for r in rows}


@dataclass
class StatusCounts:
    counts: dict
    counted_at: datetime.datetime
    cached: bool = False  # set by kept_figures when the figures are kept


def list_status_counts(user, f: AppealFilters, *, large: bool):
    """(counts by status, counted_at) for the list's badges. A set of more than LIST_COUNT_CAP
    appeals (`large`: the list's capped count says so) is counted once per FIGURES_CACHE_SECONDS
    for this user and filter: grouping a district's year of appeals (~20,000, joined to their
    orgs for the scope) is ~25 ms of SQL, a third of the page, and one appeal more or less does
    not change what the badges tell. A smaller set is counted on every request (counted_at None)."""
    if not large:
        return status_counts(user, f), None
    figures = kept_figures(
        lambda: user_figures_key("voice:appeal-status-counts", user, sorted(f.as_params().items())),
        lambda: StatusCounts(status_counts(user, f), timezone.now()))
    return figures.counts, (figures.counted_at if figures.cached else None)


def by_hidden_worker(appeal, actor_id) -> bool:
    """An anonymous appeal keeps the member's login (`submitted_by`) so the member can follow it;
    staff never learn who: a line or audit row acted by that login is shown without the login."""
    return bool(appeal.anonymous and appeal.submitted_by_id and actor_id == appeal.submitted_by_id)


def events_of(appeal, *, public_only=False):
    """The handling history, oldest first. On an anonymous appeal the worker's own lines (submitted,
    rated, re-opened, withdrawn) lose their actor (in memory only: never saved)."""
    qs = AppealEvent.objects.filter(appeal=appeal).select_related("actor", "actor_org", "from_org", "to_org")
    if public_only:
        qs = qs.filter(public=True)
    events = list(qs.prefetch_related("attachments").order_by("created_at", "id"))
    for e in events:
        if by_hidden_worker(appeal, e.actor_id):
            e.actor = None
    return events


def history_of(user, appeal):
    """The audit history of the appeal's page; rows written by an anonymous appeal's worker read
    "anonymous worker" without the login or IP."""
    from gonghui.core.selectors import history_for

    rows = history_for(user, appeal)
    for row in rows:
        if by_hidden_worker(appeal, row.actor_id):
            row.actor_name, row.ip = _("Anonymous worker"), None
    return rows


def attachments_of(appeal):
    return list(AppealAttachment.objects.filter(appeal=appeal).order_by("id"))


def town_choices(user):
    return [o for o in Org.objects.visible_to(user, VIEW).filter(level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM))
            .order_by("path")]


def targets_below(user, appeal, q="", limit=50):
    """Active orgs strictly below the appeal's holder where the user may act, by name (the dispatch
    and transfer-down picker); without a search, the holder's direct children."""
    qs = (Org.objects.visible_to(user, CHANGE).filter(is_active=True, path__startswith=appeal.org.path)
          .exclude(pk=appeal.org_id))
    q = (q or "").strip()
    qs = qs.filter(name__icontains=q) if q else qs.filter(depth=appeal.org.depth + 1)
    return list(qs.order_by("path")[:limit])


# --- overview and due soon ----------------------------------------------------------------------

def overview_card(user):
    """诉求 on the voice overview: received (new), being handled, overdue, due soon, escalated,
    closed this month and on time. One aggregate scoped query."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    day = today()
    open_ = Q(status__in=OPEN_STATUSES)
    month = _day_start(day.replace(day=1))
    closed = Q(status=AppealStatus.CLOSED, closed_at__gte=month)
    c = appeals(user).order_by().aggregate(
        new=Count("pk", filter=Q(status=AppealStatus.NEW)),
        handling=Count("pk", filter=Q(status=AppealStatus.HANDLING)),
        overdue=Count("pk", filter=open_ & Q(due_on__lt=day)),
        soon=Count("pk", filter=open_ & Q(due_on__gte=day, due_on__lte=soon_limit(day))),
        escalated=Count("pk", filter=open_ & Q(escalation_level__gt=0)),
        closed=Count("pk", filter=closed),
        on_time=Count("pk", filter=closed & Q(closed_on_time=True)))
    url = reverse("voice:appeal_list")
    return Card(title=_("Appeals"), url=url, rows=[
        Row(_("Received, awaiting acceptance"), c["new"], url + "?status=NEW", alert=bool(c["new"])),
        Row(_("Being handled"), c["handling"], url + "?status=HANDLING"),
        Row(_("Overdue"), c["overdue"], url + "?overdue=1", alert=bool(c["overdue"])),
        Row(_("Due soon"), c["soon"], url + "?due_soon=1"),
        Row(_("Escalated (open)"), c["escalated"], url + "?escalated=any&status="),
        Row(_("Closed this month"), c["closed"], url + f"?status=CLOSED&year={day.year}&month={day.month}"),
        Row(_("Closed this month on time"), c["on_time"],
            url + f"?closed_on_time=yes&year={day.year}&month={day.month}"),
    ])


def due_appeals_summary(user):
    """Dashboard line for handlers (`voice.change`): open appeals overdue and due soon."""
    from django.urls import reverse

    from gonghui.core.dashboard import DueSummary

    if not user.is_authenticated or not user.can(CHANGE):
        return None
    day = today()
    c = (appeals(user, CHANGE).filter(status__in=OPEN_STATUSES).order_by()
         .aggregate(overdue=Count("pk", filter=Q(due_on__lt=day)),
                    soon=Count("pk", filter=Q(due_on__gte=day, due_on__lte=soon_limit(day)))))
    return DueSummary(label=_("Appeals: time limits"), overdue=c["overdue"], soon=c["soon"],
                      url=reverse("voice:appeal_list") + "?overdue=1")


DUE_SOURCES = (due_appeals_summary,)
