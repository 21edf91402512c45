"""Services of the `hardship` area of welfare: hardship files (owned by the hardship area) and
`record_help`, the one way every welfare area writes a person's help record."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError

from ..models.hardship import HardshipFile, HardshipStatus, HelpKind, HelpRecord

HELP_FIELDS = ("person", "file", "org", "kind", "source_label", "amount", "goods", "given_on")


def record_help(*, actor, person, org, kind: str, source_key: str, source_label: str, given_on: datetime.date,
                amount: Decimal = Decimal("0"), goods: str = "") -> HelpRecord:
    """Write one line of help `person` received from `org`, audited as `welfare.help_record`.

    The caller has already checked its permission for the step that gives the help (a payment
    made, goods handed out, a payout approved) and runs inside its own transaction. Idempotent on
    `source_key` ("welfare.CampaignPayment:42"): a second call returns the first call's record.
    The person's file on record at the time (ACTIVE) is attached, so the file's page shows it.
    """
    if kind not in HelpKind.values:
        raise DomainError(_("Choose a kind of help."), code="invalid_kind", field="kind")
    source_key, source_label, goods = (source_key or "").strip(), (source_label or "").strip(), (goods or "").strip()
    if not source_key or not source_label:
        raise DomainError(_("A help record names where it comes from."), code="required", field="source_label")
    amount = Decimal(amount or 0)
    if amount < 0:
        raise DomainError(_("The amount cannot be negative."), code="negative_amount", field="amount")
    if amount == 0 and not goods:
        raise DomainError(_("A help record gives money or goods."), code="empty_help", field="amount")
    existing = HelpRecord.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    file = HardshipFile.objects.filter(person=person, status=HardshipStatus.ACTIVE).first()
    record = HelpRecord(person=person, file=file, org=org, kind=kind, source_key=source_key[:80],
                        source_label=source_label[:120], amount=amount, goods=goods[:200], given_on=given_on,
                        created_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        existing = HelpRecord.objects.filter(source_key=source_key).first()
        if existing is None:
            raise
        return existing
    audit.record(actor=actor, action="welfare.help_record", obj=record, org=org,
                 after=audit.snapshot(record, fields=HELP_FIELDS))
    return record
