"""厂务公开 (open management): recording and deleting the disclosures of an enterprise's yearly
checklist (`rules.disclosure_items`). Keyword-only, atomic, audited; a refusal is a DomainError
naming the form field, and nothing is saved.

Audit rows (object type `congress.Disclosure`, org = the enterprise's union):
`congress.disclosure_record` with the new row, `congress.disclosure_delete` with the deleted
row as `before`. The checklist page shows them as its history (`selectors.disclosures.history`),
deleted rows included. Each snapshot also keeps the item's words (`item_label`): the item code
has no model choices (a deployment may configure its own checklist).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.policies import require

from ..models import Disclosure, DisclosureChannel
from ..policies import CHANGE
from ..rules import disclosure_items, disclosure_label

RECORD = "congress.disclosure_record"
DELETE = "congress.disclosure_delete"
SUMMARY_MAX = 200


def _snapshot(disclosure):
    data = audit.snapshot(disclosure)
    data["item_label"] = str(disclosure_label(disclosure.item))
    return data


def check_disclosure(*, year: int, item: str, disclosed_on: datetime.date | None, channel: str, summary: str,
                     today: datetime.date) -> None:
    """The rules of one disclosure, each refusal on its field."""
    if item not in dict(disclosure_items()):
        raise DomainError(_("Choose an item of the disclosure checklist."), code="unknown_item", field="item")
    if disclosed_on is None:
        raise DomainError(_("Enter the day the item was disclosed."), code="required", field="disclosed_on")
    if disclosed_on.year != year:
        raise DomainError(
            _("The disclosure is dated %(day)s, outside %(year)s: record it in the checklist of %(other)s.")
            % {"day": disclosed_on.isoformat(), "year": year, "other": disclosed_on.year},
            code="outside_year", field="disclosed_on")
    if disclosed_on > today:
        raise DomainError(_("The disclosure date %(day)s is in the future; record a disclosure once it is made.")
                          % {"day": disclosed_on.isoformat()}, code="future", field="disclosed_on")
    if channel not in DisclosureChannel.values:
        raise DomainError(_("Choose how the item was disclosed."), code="unknown_channel", field="channel")
    if len(summary) > SUMMARY_MAX:
        raise DomainError(_("Keep the summary within %(n)s characters.") % {"n": SUMMARY_MAX},
                          code="too_long", field="summary")


@transaction.atomic
def record_disclosure(*, actor, enterprise, year: int, item: str, disclosed_on: datetime.date | None,
                      channel: str, summary: str = "", today: datetime.date | None = None) -> Disclosure:
    """Record that `item` of `enterprise`'s checklist of `year` was disclosed on a day."""
    org = enterprise.union
    if org is None:
        raise DomainError(_("This enterprise has no union, so it has no open-management checklist here."),
                          code="no_union")
    require(actor, CHANGE, org)
    summary = (summary or "").strip()
    check_disclosure(year=year, item=item, disclosed_on=disclosed_on, channel=channel, summary=summary,
                     today=today or timezone.localdate())
    disclosure = Disclosure.objects.create(org=org, enterprise=enterprise, year=year, item=item,
                                           disclosed_on=disclosed_on, channel=channel, summary=summary)
    audit.record(actor=actor, action=RECORD, obj=disclosure, org=org, after=_snapshot(disclosure))
    return disclosure


@transaction.atomic
def delete_disclosure(*, actor, disclosure: Disclosure) -> None:
    """Delete a disclosure recorded by mistake; the trail keeps what it said."""
    require(actor, CHANGE, disclosure.org)
    locked = Disclosure.objects.select_for_update().filter(pk=disclosure.pk).first()
    if locked is None:
        raise DomainError(_("This disclosure was already deleted."), code="gone")
    before = _snapshot(locked)
    pk = locked.pk
    locked.delete()
    locked.pk = pk  # the audit row names the deleted row by its id
    audit.record(actor=actor, action=DELETE, obj=locked, org=disclosure.org, before=before)
