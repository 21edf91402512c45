"""Reads of the audit trail."""

from django.db.models import Q

from .models import AuditEvent


def audit_events(user):
    """Audit rows the user may read: those of orgs in their audit scope."""
    return AuditEvent.objects.visible_to(user, "audit.view").select_related("org")


def history_for(user, obj, *, related=()):
    """The trail of one record (and optionally related records given as (label, pk) pairs),
    newest first, limited to what the user may read. Used by every detail page's history tab."""
    cond = Q(object_type=obj._meta.label, object_id=str(obj.pk))
    for label, pk in related:
        cond |= Q(object_type=label, object_id=str(pk))
    return audit_events(user).filter(cond).order_by("-at", "-id")[:200]
