"""Every write of 高技能人才培训奖励 (skill training rewards). Atomic, checked (`require` on the
claim's union), locked (`select_for_update`: two reviewers at once cannot both win), validated
against the status and the dates, and audited (`honours.reward_*`).

The union prepares a claim for one of its live members' certificates (`create_claim`,
`update_claim`, `attach_scan`) and submits it (`submit_claim`): the amount is the level's reward
in `HONOURS_REWARDS_RULES` on that day and stays on the claim. The town reviews it
(`town_review`: pass to the district, return to the union, refuse), the district approves it
(`district_review`: approve, return, refuse), and the finance office pays approved claims in a
batch (`pay_claims`). A certificate number is claimed once (also a DB constraint).
"""

import datetime
import os
import re
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, workdays
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock
from gonghui.core.policies import require
from gonghui.core.uploads import extension_of, validate_document
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org, OrgLevel

from ..models.rewards import REWARD_LEVEL_CHOICES, RewardClaimStatus, SkillRewardBatch, SkillRewardClaim
from ..policies.rewards import APPROVE, EXPORT, PAY, REVIEW, SUBMIT
from ..rules.rewards import amount_for, rules

CERTIFICATE_NO = re.compile(r"^[0-9A-Z][0-9A-Z\-/]{3,39}$")
PASS, RETURN, REJECT, APPROVE_DECISION = "pass", "return", "reject", "approve"


def today():
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------

def _day(day, field, label, *, not_before=None, not_before_label=""):
    if day is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if not isinstance(day, datetime.date):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, code="invalid_date", field=field)
    if day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    if not_before and day < not_before:
        raise DomainError(_("%(label)s cannot be before %(other)s (%(day)s).")
                          % {"label": label, "other": not_before_label, "day": not_before.isoformat()},
                          code="date_order", field=field)
    return day


def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _wrong_stage(claim):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": claim.get_status_display()}, code="wrong_stage")


def _require_status(claim, *statuses):
    if claim.status not in statuses:
        raise _wrong_stage(claim)


def _lock(claim):
    """The claim locked FOR UPDATE and read afresh: a stale copy cannot record a step twice."""
    return SkillRewardClaim.objects.select_for_update().select_related("org", "person").get(pk=claim.pk)


SNAPSHOT = ["status", "level", "trade", "certificate_no", "certificate_on", "issuer", "amount", "year",
            "submitted_on", "review_due_on", "town_reviewed_on", "decided_on", "return_reason", "reject_reason",
            "withdrawn_on", "paid_on", "batch", "note"]


def _snapshot(c):
    return audit.snapshot(c, fields=SNAPSHOT)


def _name(actor):
    return (actor.get_full_name() or actor.get_username())[:64]


def normalise_certificate_no(value) -> str:
    """Upper case, without spaces: "3301 0012 ab" and "33010012AB" are the same certificate."""
    return re.sub(r"\s+", "", str(value or "")).upper()


def _certificate_no(value, *, exclude_pk=None):
    number = normalise_certificate_no(value)
    if not number:
        raise DomainError(_("The certificate number is required."), code="required", field="certificate_no")
    if not CERTIFICATE_NO.match(number):
        raise DomainError(_("The certificate number must be 4 to 40 letters, digits, “-” or “/”, as printed on "
                            "the certificate."), code="invalid_certificate_no", field="certificate_no")
    taken = SkillRewardClaim.objects.filter(certificate_no=number).exclude(status=RewardClaimStatus.WITHDRAWN)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise _duplicate(number)
    return number


def _duplicate(number):
    return DomainError(_("Certificate %(no)s has already been claimed: a certificate is rewarded once.")
                       % {"no": number}, code="duplicate_certificate", field="certificate_no")


def _level(level):
    if level not in dict(REWARD_LEVEL_CHOICES):
        raise DomainError(_("Choose the level on the certificate."), code="invalid_level", field="level")
    if amount_for(level) <= 0:
        raise DomainError(_("Certificates of the level “%(level)s” are not rewarded.")
                          % {"level": dict(REWARD_LEVEL_CHOICES)[level]}, code="level_not_rewarded", field="level")
    return level


def _certificate_on(day):
    day = _day(day, "certificate_on", _("Certificate issued on"))
    window = rules().claim_within_days
    if day < today() - datetime.timedelta(days=window):
        raise DomainError(_("The certificate was issued more than %(days)s days ago: it can no longer be claimed.")
                          % {"days": window}, code="certificate_too_old", field="certificate_on")
    return day


def _member(org, person):
    if person is None:
        raise DomainError(_("Choose the worker."), code="required", field="person")
    if not Membership.objects.filter(person=person, union=org, status__in=LIVE_STATUSES).exists():
        raise DomainError(_("%(name)s is not a member of %(union)s: a union claims for its own members.")
                          % {"name": person.name, "union": org.name}, code="not_a_member", field="person")
    return person


def _save(claim):
    """Save, turning a lost race on the certificate number into the same refusal."""
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:
        raise _duplicate(claim.certificate_no) from exc


# --- the union's steps ------------------------------------------------------------------------

@transaction.atomic
def create_claim(*, actor, org, person, level, trade, certificate_no, certificate_on, issuer="",
                 note="") -> SkillRewardClaim:
    """A draft claim of `org` (a grassroots union) for a certificate of one of its live members."""
    require(actor, SUBMIT, org)
    if org is None or org.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Claims are made by a grassroots union."), code="not_a_union", field="org")
    claim = SkillRewardClaim(
        org=org, town=org.town(), person=_member(org, person), person_name=person.name, level=_level(level),
        trade=_text(trade, "trade", _("Trade"), limit=60), certificate_no=_certificate_no(certificate_no),
        certificate_on=_certificate_on(certificate_on), issuer=_text(issuer, "issuer", _("Issued by"),
                                                                     required=False, limit=120),
        note=_text(note, "note", _("Note"), required=False), year=today().year, amount=amount_for(level))
    _save(claim)
    audit.record(actor=actor, action="honours.reward_create", obj=claim, org=org,
                 after={**_snapshot(claim), "person": person.pk})
    return claim


@transaction.atomic
def update_claim(*, actor, claim, level, trade, certificate_no, certificate_on, issuer="",
                 note="") -> SkillRewardClaim:
    """Correct a claim while the union prepares it (a draft, or returned by a reviewer)."""
    c = _lock(claim)
    require(actor, SUBMIT, c.org)
    _require_status(c, RewardClaimStatus.DRAFT, RewardClaimStatus.RETURNED)
    before = _snapshot(c)
    c.level = _level(level)
    c.amount = amount_for(level)
    c.trade = _text(trade, "trade", _("Trade"), limit=60)
    c.certificate_no = _certificate_no(certificate_no, exclude_pk=c.pk)
    c.certificate_on = _certificate_on(certificate_on)
    c.issuer = _text(issuer, "issuer", _("Issued by"), required=False, limit=120)
    c.note = _text(note, "note", _("Note"), required=False)
    _save(c)
    b, after = audit.changed(before, _snapshot(c))
    if after:
        audit.record(actor=actor, action="honours.reward_edit", obj=c, org=c.org, before=b, after=after)
    return c


@transaction.atomic
def attach_scan(*, actor, claim, upload) -> SkillRewardClaim:
    """The scan of the certificate (PDF, JPG or PNG), replacing any earlier one, while the union
    prepares the claim."""
    c = _lock(claim)
    require(actor, SUBMIT, c.org)
    _require_status(c, RewardClaimStatus.DRAFT, RewardClaimStatus.RETURNED)
    if upload is None:
        raise DomainError(_("Choose a file to upload."), code="required", field="file")
    try:
        kind = validate_document(upload)
    except ValidationError as exc:  # from core.uploads: keep its message, name the field
        raise DomainError(" ".join(exc.messages), code=exc.code or "invalid_file", field="file") from exc
    original = os.path.basename(getattr(upload, "name", "") or "")[:200] or "file"
    old = c.scan.name if c.scan else ""
    before = {"file": c.scan_name} if old else None
    upload.name = f"{uuid.uuid4().hex}.{extension_of(kind)}"
    c.scan, c.scan_name, c.scan_kind, c.scan_size = upload, original, kind, upload.size
    c.save()
    if old:
        storage = c.scan.storage
        transaction.on_commit(lambda: storage.delete(old))
    audit.record(actor=actor, action="honours.reward_scan", obj=c, org=c.org, before=before,
                 after={"file": original, "size": c.scan_size})
    return c


@transaction.atomic
def submit_claim(*, actor, claim, submitted_on=None) -> SkillRewardClaim:
    """The union sends the claim to the town. The amount is the level's reward on that day."""
    c = _lock(claim)
    require(actor, SUBMIT, c.org)
    _require_status(c, RewardClaimStatus.DRAFT, RewardClaimStatus.RETURNED)
    before = _snapshot(c)
    if not c.scan:
        raise DomainError(_("Upload the scan of the certificate before submitting the claim."),
                          code="scan_missing", field="file")
    _member(c.org, c.person)
    _level(c.level)
    c.submitted_on = _day(submitted_on or today(), "submitted_on", _("Submitted on"),
                          not_before=c.returned_on or c.certificate_on, not_before_label=_("the last step"))
    c.amount = amount_for(c.level)
    c.year = c.submitted_on.year
    c.status = RewardClaimStatus.SUBMITTED
    c.review_due_on = workdays.add_working_days(c.submitted_on, rules().review_working_days)
    c.save()
    b, after = audit.changed(before, _snapshot(c))
    audit.record(actor=actor, action="honours.reward_submit", obj=c, org=c.org, before=b, after=after)
    return c


@transaction.atomic
def withdraw_claim(*, actor, claim, withdrawn_on=None, reason="") -> SkillRewardClaim:
    """The union withdraws it until the town has passed it on; the certificate may be claimed again."""
    c = _lock(claim)
    require(actor, SUBMIT, c.org)
    _require_status(c, RewardClaimStatus.DRAFT, RewardClaimStatus.RETURNED, RewardClaimStatus.SUBMITTED)
    before = _snapshot(c)
    last = max(d for d in (c.certificate_on, c.submitted_on, c.returned_on) if d is not None)
    c.withdrawn_on = _day(withdrawn_on or today(), "withdrawn_on", _("Withdrawn on"), not_before=last,
                          not_before_label=_("the last step"))
    c.status = RewardClaimStatus.WITHDRAWN
    c.review_due_on = None
    c.save()
    b, after = audit.changed(before, _snapshot(c))
    audit.record(actor=actor, action="honours.reward_withdraw", obj=c, org=c.org, before=b,
                 after={**after, "reason": _text(reason, "reason", _("Reason"), required=False)})
    return c


# --- reviews --------------------------------------------------------------------------------------

def _return_or_reject(c, decision, day, reason):
    if decision == RETURN:
        c.return_reason = _text(reason, "reason", _("Reason for returning"))
        c.returned_on = day
        c.status = RewardClaimStatus.RETURNED
        return "honours.reward_return"
    c.reject_reason = _text(reason, "reason", _("Reason for refusing"))
    c.status = RewardClaimStatus.REJECTED
    c.decided_on = day
    return "honours.reward_reject"


@transaction.atomic
def town_review(*, actor, claim, decision, reviewed_on=None, reason="") -> SkillRewardClaim:
    """The town checks the certificate and the scan: passes the claim on to the district, returns
    it to the union to correct, or refuses it (with the reason)."""
    c = _lock(claim)
    require(actor, REVIEW, c.org)
    _require_status(c, RewardClaimStatus.SUBMITTED)
    if decision not in (PASS, RETURN, REJECT):
        raise DomainError(_("Choose whether to pass the claim on, return it or refuse it."),
                          code="invalid_decision", field="decision")
    before = _snapshot(c)
    day = _day(reviewed_on or today(), "reviewed_on", _("Reviewed on"), not_before=c.submitted_on,
               not_before_label=_("the submission"))
    c.town_reviewed_on = day
    c.town_reviewer = _name(actor)
    if decision == PASS:
        c.status = RewardClaimStatus.TOWN_PASSED
        c.review_due_on = workdays.add_working_days(day, rules().review_working_days)
        action = "honours.reward_town_pass"
    else:
        c.review_due_on = None
        action = _return_or_reject(c, decision, day, reason)
    c.save()
    b, after = audit.changed(before, _snapshot(c))
    audit.record(actor=actor, action=action, obj=c, org=c.org, before=b, after=after)
    return c


@transaction.atomic
def district_review(*, actor, claim, decision, decided_on=None, reason="") -> SkillRewardClaim:
    """The district approves the claim for payment (at the amount fixed at submission), returns
    it to the union, or refuses it."""
    c = _lock(claim)
    require(actor, APPROVE, c.org)
    _require_status(c, RewardClaimStatus.TOWN_PASSED)
    if decision not in (APPROVE_DECISION, RETURN, REJECT):
        raise DomainError(_("Choose whether to approve the claim, return it or refuse it."),
                          code="invalid_decision", field="decision")
    before = _snapshot(c)
    day = _day(decided_on or today(), "decided_on", _("Decided on"), not_before=c.town_reviewed_on,
               not_before_label=_("the town's review"))
    c.review_due_on = None
    c.decided_by = _name(actor)
    if decision == APPROVE_DECISION:
        if c.amount <= 0:
            raise DomainError(_("The claim has no amount to approve."), code="no_amount", field="decision")
        c.status = RewardClaimStatus.APPROVED
        c.decided_on = day
        action = "honours.reward_approve"
    else:
        action = _return_or_reject(c, decision, day, reason)
    c.save()
    b, after = audit.changed(before, _snapshot(c))
    audit.record(actor=actor, action=action, obj=c, org=c.org, before=b, after=after)
    return c


# --- payment ----------------------------------------------------------------------------------------

@transaction.atomic
def pay_claims(*, actor, claim_ids, paid_on, reference, note="") -> SkillRewardBatch:
    """One payment batch of approved claims, all or nothing: each claim becomes PAID with the
    batch and the day. A claim already paid (by another batch at the same moment, say), not
    approved or out of the actor's reach refuses the whole batch."""
    require(actor, PAY)
    ids = sorted({int(i) for i in claim_ids or []})
    if not ids:
        raise DomainError(_("Choose the approved claims to pay."), code="required", field="claims")
    claims = lock(SkillRewardClaim.objects.visible_to(actor, PAY).filter(pk__in=ids).select_related("org"))
    if len(claims) != len(ids):
        raise DomainError(_("Some of the chosen claims were not found; reload the page."),
                          code="unknown_reference", field="claims")
    for c in claims:
        require(actor, PAY, c.org)
    unpaid = [c for c in claims if c.status != RewardClaimStatus.APPROVED]
    if unpaid:
        raise DomainError(_("Only approved claims can be paid: %(list)s.") % {"list": ", ".join(
            f"{c.certificate_no} ({c.get_status_display()})" for c in unpaid[:5])}, code="wrong_stage",
            field="claims")
    latest = max(c.decided_on for c in claims)
    day = _day(paid_on, "paid_on", _("Paid on"), not_before=latest, not_before_label=_("the latest approval"))
    reference = _text(reference, "reference", _("Payment reference"), limit=64)
    payer = Org.objects.get(path=claims[0].org.path[:Org.steplen])
    if SkillRewardBatch.objects.filter(org=payer, reference=reference).exists():
        raise DomainError(_("Payment reference %(ref)s is already used by another batch.") % {"ref": reference},
                          code="reference_taken", field="reference")
    total = sum((c.amount for c in claims), Decimal("0"))
    batch = SkillRewardBatch(org=payer, reference=reference, paid_on=day, claims_count=len(claims), total=total,
                             note=_text(note, "note", _("Note"), required=False), created_by=actor)
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError as exc:
        raise DomainError(_("Payment reference %(ref)s is already used by another batch.") % {"ref": reference},
                          code="reference_taken", field="reference") from exc
    SkillRewardClaim.objects.filter(pk__in=ids).update(status=RewardClaimStatus.PAID, batch=batch, paid_on=day,
                                                         updated_at=timezone.now())
    audit.record(actor=actor, action="honours.reward_batch_pay", obj=batch, org=payer,
                 after={"reference": reference, "paid_on": day.isoformat(), "claims": ids, "total": str(total)})
    for c in claims:
        audit.record(actor=actor, action="honours.reward_pay", obj=c, org=c.org,
                     before={"status": RewardClaimStatus.APPROVED},
                     after={"status": RewardClaimStatus.PAID, "paid_on": day.isoformat(), "batch": batch.pk})
    return batch


# --- export ------------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Skill training rewards export")


def export_claims(*, actor, filters):
    """(rewound temporary file, rows): the filtered claims the actor may export — the ledger for
    the finance office when filtered to paid claims or one batch — with a second sheet of totals
    by town and level. Audited once per top org of the export (object `honours.RewardExport`)."""
    import tempfile

    from gonghui.core.excel import XlsxStream

    from ..selectors.rewards import filtered, totals_of

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    listed = filtered(actor, filters).values("pk")
    exportable = SkillRewardClaim.objects.visible_to(actor, EXPORT).values("pk")
    qs = (SkillRewardClaim.objects.filter(pk__in=listed).filter(pk__in=exportable).order_by("town__path", "org__name",
                                                                                          "id")
          .values_list("pk", "town__name", "org__name", "person_name", "person__id_number_masked", "level", "trade",
                       "certificate_no", "certificate_on", "year", "amount", "status", "submitted_on", "decided_on",
                       "batch__reference", "paid_on"))
    levels, statuses = dict(REWARD_LEVEL_CHOICES), dict(RewardClaimStatus.choices)
    headers = [_("No."), _("Town"), _("Union"), _("Worker"), _("ID card number"), _("Level"), _("Trade"),
               _("Certificate number"), _("Certificate issued on"), _("Year"), _("Amount (yuan)"), _("Status"),
               _("Submitted on"), _("Decided on"), _("Payment reference"), _("Paid on")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    total = Decimal("0")
    try:
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Skill training rewards"), headers=headers,
                               widths=[8, 20, 30, 10, 20, 18, 14, 22, 12, 6, 12, 18, 12, 12, 16, 12],
                               text_columns=(4, 7))
            for values in qs.iterator(chunk_size=1000):
                row = list(values)
                row[5], row[11] = str(levels.get(row[5], row[5])), str(statuses.get(row[11], row[11]))
                total += row[10] or 0
                sheet.append(row)
                rows += 1
            sheet.append(["", "", "", "", "", "", "", "", "", _("Total"), total])
            summary = book.sheet(_("Totals"), headers=[_("Year"), _("Town"), _("Level"), _("Claims"),
                                                        _("Amount (yuan)")], widths=[6, 24, 24, 8, 14])
            ids = SkillRewardClaim.objects.filter(pk__in=listed).filter(pk__in=exportable)
            for t in totals_of(ids):
                summary.append([t["year"], t["town"], str(levels.get(t["level"], t["level"])), t["claims"],
                                t["amount"]])
        ref = uuid.uuid4().hex
        places = [filters.org] if filters.org is not None else (
            list(Org.objects.filter(depth=1)) if actor.is_superuser
            else list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
        for place in places or [None]:
            audit.record(actor=actor, action="honours.reward_export", obj=_ExportRef(ref),
                         object_type="honours.RewardExport", org=place,
                         after={"filters": filters.as_dict(), "rows": rows, "total": str(total)})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows
