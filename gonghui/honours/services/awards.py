"""Every write of honours: award types and quotas, nominations, reviews, the public notice (公示)
and objections, conferral, and the honour records every honour ends in.

`record_honour` is the one way any app adds to a person's or team's honour record.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError

from ..models.awards import HolderKind, HonourCategory, HonourLevel, HonourRecord

RECORD_FIELDS = ["holder_kind", "person", "team_name", "title", "category", "level", "year", "conferred_on",
                 "conferred_by", "source_key", "source_label", "note"]


def record_honour(*, actor, org, title: str, category: str, level: str, conferred_on: datetime.date,
                  person=None, team_name: str = "", conferred_by: str = "", source_key: str = "",
                  source_label: str = "", note: str = "") -> HonourRecord:
    """Add one honour to a person's (or a team's) record, audited as `honours.record_add`.

    The caller has already checked its own permission for the step that confers the honour (a
    contest's results published, an award conferred). Idempotent on `source_key`: a second call
    for the same source returns the record written by the first.
    """
    if (person is None) == (not (team_name or "").strip()):
        raise DomainError(_("An honour belongs to either one person or one team."), code="invalid_holder",
                          field="person")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("The name of the honour is required."), code="required", field="title")
    if category not in HonourCategory.values:
        raise DomainError(_("Choose a category of honour."), code="invalid_category", field="category")
    if level not in HonourLevel.values:
        raise DomainError(_("Choose a level of honour."), code="invalid_level", field="level")
    if source_key:
        existing = HonourRecord.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    record = HonourRecord(
        org=org, holder_kind=HolderKind.PERSON if person is not None else HolderKind.TEAM, person=person,
        team_name="" if person is not None else team_name.strip(), title=title, category=category, level=level,
        year=conferred_on.year, conferred_on=conferred_on, conferred_by=conferred_by, source_key=source_key,
        source_label=source_label, note=note, created_by=actor if getattr(actor, "pk", None) else None)
    record.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # A concurrent call for the same source won: its record is the one.
        return HonourRecord.objects.get(source_key=source_key)
    audit.record(actor=actor, action="honours.record_add", obj=record, org=org,
                 after=audit.snapshot(record, fields=RECORD_FIELDS))
    return record
