"""Reads of the `intake` area: the worker's own appeals and what the worker may see of them.

A worker sees an appeal through one of two doors, never through an org's scope:
- the member's login: appeals where they are the registry `person` or the login that submitted
  it (`own_appeals`); any other id is a 404;
- the public tracking page/API: the number or tracking code plus the last 4 digits of the mobile
  (`tracked_appeal`); an anonymous appeal only by its tracking code (the number is sequential,
  so it proves nothing).

What the worker sees of an appeal is its PUBLIC history (`public_events`): never internal notes,
never a cadre's name — only the acting org's name.
"""

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import pii

from ..models.appeals import Appeal, AppealAttachment, AppealChannel, AppealEvent


def own_filter(user, person) -> Q:
    """The member's own appeals: as the registry person, or submitted from this login."""
    cond = Q(submitted_by=user) if getattr(user, "pk", None) else Q(pk__in=[])
    if person is not None:
        cond |= Q(person=person)
    return cond


def own_appeals(user, person):
    return (Appeal.objects.filter(own_filter(user, person)).select_related("org", "enterprise")
            .order_by("-received_at", "-id"))


def own_appeal(user, person, pk) -> Appeal | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return own_appeals(user, person).filter(pk=pk).first()


def tracked_appeal(identifier: str, phone4: str = "") -> Appeal | None:
    """The appeal a worker without a login names: a tracking code (anonymous: alone; otherwise
    with the mobile's last 4 digits), or a number with those digits. None when nothing matches —
    the caller shows one message whatever was wrong."""
    identifier = (identifier or "").strip().upper()
    phone4 = (phone4 or "").strip()
    if not identifier or len(identifier) > 20:
        return None
    appeal = Appeal.objects.select_related("org").filter(Q(tracking_code=identifier) | Q(number=identifier)).first()
    if appeal is None:
        return None
    if appeal.anonymous or not appeal.contact_phone_masked:
        return appeal if appeal.tracking_code == identifier else None
    if len(phone4) == 4 and phone4.isdigit() and pii.decrypt(appeal.contact_phone_enc)[-4:] == phone4:
        return appeal
    return None


def public_events(appeal) -> list[AppealEvent]:
    """The history the worker sees: public events, oldest first, with the acting org only."""
    return list(appeal.events.filter(public=True).select_related("actor_org", "to_org", "from_org")
                .prefetch_related("attachments").order_by("created_at", "id"))


def public_attachments(appeal):
    """Files the worker may download: public ones not hanging on an internal event."""
    return (AppealAttachment.objects.filter(appeal=appeal, public=True)
            .filter(Q(event__isnull=True) | Q(event__public=True)).order_by("id"))


def event_org_name(event) -> str:
    org = event.actor_org or event.to_org
    return org.name if org is not None else ""


def overview_card(user):
    """How appeals arrived in the last 30 days in the user's subtree, by channel."""
    from django.urls import NoReverseMatch, reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can("voice.view"):
        return None
    since = timezone.now() - datetime.timedelta(days=30)
    counts = dict(Appeal.objects.visible_to(user, "voice.view").filter(received_at__gte=since).order_by()
                  .values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    try:
        url = reverse("voice:appeal_list")
    except NoReverseMatch:
        url = ""
    rows = [Row(label, counts.get(code, 0), f"{url}?channel={code}" if url else "")
            for code, label in AppealChannel.choices]
    return Card(title=_("Appeals received in the last 30 days"), url=url, rows=rows,
                note=_("By the channel they came in by."))


DUE_SOURCES = ()
