"""Reads of the audit trail."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .audit_labels import is_known_action
from .models import AuditEvent


def audit_events(user):
    """Audit rows the user may read: those of orgs in their audit scope."""
    return AuditEvent.objects.visible_to(user, "audit.view").select_related("org")


def history_for(user, obj, *, related=()):
    """The trail of one record (and optionally related records given as (label, pk) pairs),
    newest first, limited to what the user may read. Used by every detail page's history tab.

    A list of labelled events (see audit_display.describe_events): the tab shows words, not
    codes, and the ids in the snapshots are named with one query per model, not per row."""
    from .audit_display import describe_events

    cond = Q(object_type=obj._meta.label, object_id=str(obj.pk))
    for label, pk in related:
        cond |= Q(object_type=label, object_id=str(pk))
    return describe_events(audit_events(user).filter(cond).order_by("-at", "-id")[:200])


def reach_orgs(user, action):
    """The top orgs of the user's reach for `action` and their direct children, in tree order:
    a short list (a district has ~25) for filter menus, never the whole tree."""
    from gonghui.orgs.models import Org

    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        roots = list(Org.objects.filter(depth=1).order_by("path"))
    else:
        paths = user.scope_paths(action)
        roots = list(Org.objects.filter(path__in=paths).order_by("path")) if paths else []
    if not roots:
        return []
    children = Q()
    for root in roots:
        children |= Q(path__startswith=root.path, depth=root.depth + 1)
    return sorted(roots + list(Org.objects.filter(children, is_active=True)), key=lambda org: org.path)


@dataclass
class AuditFilters:
    action: str = ""  # a registered code (exact) or a prefix: "members." or "members.transfer"
    actor: str = ""  # prefix of the actor's username
    object_type: str = ""  # exact model label, e.g. "members.Membership"
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None  # inclusive
    org: object = None  # an Org the user may read the audit of: restrict to its subtree


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def search_audit_events(user, filters: AuditFilters):
    """Audit rows the user may read, filtered. Ranges instead of LIKE/date() so indexes work."""
    from .text import prefix_range

    qs = audit_events(user)
    if filters.org is not None:
        qs = qs.filter(org__path__startswith=filters.org.path)
    if filters.action:
        action = filters.action.strip()
        # A code picked from the menu means that action only ("members.export" must not also
        # bring "members.export_full"); anything else typed into the URL stays a prefix.
        match = {"action": action} if is_known_action(action) else prefix_range("action", action)
        qs = qs.filter(**match)
    if filters.actor:
        qs = qs.filter(**prefix_range("actor_name", filters.actor.strip()))
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    return qs
