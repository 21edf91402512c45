"""Reads of on-the-job activities (岗位成才/建功/练兵); every read that takes a user is scoped."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.members.models import LIVE_STATUSES, Person
from gonghui.orgs.models import Org

from ..models.activities import ActivityKind, ActivityParticipant, JobActivity
from ..policies.activities import VIEW

DUE_SOURCES = ()


def today():
    return timezone.localdate()


def activities(user, action=VIEW):
    return JobActivity.objects.visible_to(user, action)


@dataclass
class ActivityFilters:
    q: str = ""
    org: Org | None = None
    kind: str = ""
    year: int | None = None


def filtered(user, filters: ActivityFilters):
    qs = activities(user)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        # A range, not `__year`: the (kind, held_on) index serves it.
        qs = qs.filter(held_on__gte=datetime.date(filters.year, 1, 1), held_on__lte=datetime.date(filters.year, 12, 31))
    q = (filters.q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q) | Q(place__icontains=q))
    return qs


def page_rows():
    return JobActivity.objects.select_related("org")


def activity_page(user, filters: ActivityFilters, *, after=None, size=None):
    return keyset_page(filtered(user, filters), after=after, size=size, load=page_rows())


def summary(user, filters: ActivityFilters):
    """(count, participants) per kind of the filtered list (one grouped query)."""
    rows = (filtered(user, filters).order_by().values("kind")
            .annotate(n=Count("pk"), people=Sum("participant_count")))
    return {r["kind"]: (r["n"], r["people"] or 0) for r in rows}


def participants_of(activity):
    return list(ActivityParticipant.objects.filter(activity=activity).select_related("person").order_by("id"))


def person_choices(activity, q="", limit=50):
    """People with a live membership in the organising org's subtree, by name, not yet listed."""
    qs = (Person.objects.filter(memberships__union__path__startswith=activity.org.path,
                                memberships__status__in=LIVE_STATUSES)
          .exclude(job_activities__activity=activity).distinct())
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("name", "id")[:limit])


def overview_card(user):
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    year = today().year
    counts = activities(user).filter(held_on__year=year).order_by().aggregate(
        n=Count("pk"), people=Sum("participant_count"),
        training=Count("pk", filter=Q(kind=ActivityKind.TRAINING)))
    url = reverse("competitions:activity_list")
    return Card(title=_("On-the-job activities"), url=url, rows=[
        Row(_("Activities this year"), counts["n"], f"{url}?year={year}"),
        Row(_("Participants this year"), counts["people"] or 0, f"{url}?year={year}"),
        Row(_("Skills training (岗位练兵) this year"), counts["training"], f"{url}?year={year}&kind=TRAINING"),
    ])
