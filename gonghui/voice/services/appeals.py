"""The write layer of the `appeals` area: how an appeal is numbered, routed and timed (shared
with `intake`, which creates appeals), and every handling step (dispatch, transfer, accept, note,
reply, a file on its own, escalate, close). Each step runs in one transaction, locks the appeal row, writes an
`AppealEvent` and an audit row.

The first functions (`next_number`, `start_clock`, `route`, `add_event`) are the contract the
`intake` area builds on: keep their signatures.
"""

import datetime
import os
import tempfile
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit, numbering, workdays
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import Org, OrgLevel

from ..models.appeals import (
    OPEN_STATUSES,
    Appeal,
    AppealAttachment,
    AppealCounter,
    AppealEvent,
    AppealEventKind,
    AppealResult,
    AppealStatus,
)
from ..policies.appeals import CHANGE, EXPORT, REVEAL, TRANSFER
from ..rules.appeals import category_rule, rules


def today() -> datetime.date:
    return timezone.localdate()


def next_number(year: int) -> str:
    """SQ2026-000001…: the year's counter row locked FOR UPDATE (call inside a transaction)."""
    return numbering.next_number(AppealCounter, Appeal, rules().number_prefix, year, width=6)


def due_on_for(category: str, start: datetime.date) -> datetime.date:
    """The due date: `time_limit_days` working days after `start` (core.workdays: weekends,
    holidays and 调休 working days of the override table)."""
    return workdays.add_working_days(start, category_rule(category).time_limit_days)


def start_clock(appeal: Appeal, start: datetime.date) -> None:
    """Set (or restart) the clock on an unsaved or locked appeal; the caller saves."""
    appeal.clock_started_on = start
    appeal.due_on = due_on_for(appeal.category, start)


def town_of(org: Org) -> Org | None:
    """The town or platform the org sits in (itself when it is one); None above town level."""
    if org.level in (OrgLevel.DISTRICT,):
        return None
    return org.town()


def route(*, enterprise=None, person=None, fallback: Org) -> Org:
    """Who handles a new appeal: the union of the worker's enterprise; when that enterprise has
    no union, its town (the town's joint union work is the town's); a member without an
    enterprise named goes to their current union; else `fallback` (the district, which
    dispatches by hand)."""
    if enterprise is not None:
        if enterprise.union_id and enterprise.union.is_active:
            return enterprise.union
        return enterprise.town
    if person is not None:
        from gonghui.members.models import Membership, MembershipStatus

        membership = (Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE)
                      .select_related("union").order_by("-joined_on").first())
        if membership is not None:
            return membership.union
    return fallback


def add_event(appeal: Appeal, kind: str, *, public: bool, text: str = "", actor=None, actor_org=None,
              from_org=None, to_org=None) -> AppealEvent:
    """One line of the appeal's history (the worker sees it when `public`)."""
    return AppealEvent.objects.create(appeal=appeal, kind=kind, public=public, text=text, actor=actor,
                                      actor_org=actor_org, from_org=from_org, to_org=to_org)


# --- handling steps -----------------------------------------------------------------------------
# Every step: `require` on the appeal's org (the caller fetched it through the scope, so a hidden
# appeal was already a 404), the row locked, the status re-checked on the locked row (two cadres
# accepting at once: one wins, the other gets `wrong_stage`), one event, one audit row.

APPEAL_FIELDS = ["org", "town", "status", "handler", "clock_started_on", "due_on", "escalation_level",
                 "escalated_to", "closed_on_time", "result"]
HOLDING_LEVELS = (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM)
ATTACHMENT_KINDS = ("pdf", "jpeg", "png")


def _text(value, field, label, *, required=True, limit=2000):
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


def _check_upload(upload, *, field="attachment"):
    """Validate an attachment BEFORE anything is written (nothing partial on a bad file): real PDF,
    JPG or PNG by its content, within UPLOAD_MAX_BYTES. The kind found is kept on the upload as
    `document_kind`."""
    if not upload:
        return None
    from gonghui.core.uploads import validate_document

    try:
        upload.document_kind = validate_document(upload, kinds=ATTACHMENT_KINDS)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code=exc.code or "invalid_file", field=field) from exc
    return upload


def _attach(appeal, event, upload, *, public, actor):
    """Store a checked upload under a random name (the sender's file name is kept only as the label),
    its content type the one its content showed."""
    if not upload:
        return None
    from gonghui.core.uploads import extension_of

    kind = getattr(upload, "document_kind", None)
    declared = (getattr(upload, "content_type", "") or "")[:100]
    attachment = AppealAttachment(
        appeal=appeal, event=event, name=os.path.basename(upload.name or "file")[:200] or "file",
        content_type=CONTENT_TYPES.get(kind, declared), size=upload.size, public=public, uploaded_by=_actor(actor))
    upload.seek(0)
    stored = f"{uuid.uuid4().hex}.{extension_of(kind)}" if kind else os.path.basename(upload.name or "file")
    attachment.file.save(stored, upload, save=False)
    attachment.save()
    return attachment


def parent_of(org):
    """The org directly above `org`, or None at the root."""
    if org.depth <= 1:
        return None
    return Org.objects.filter(path=org.path[:-Org.steplen]).first()


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _wrong_stage(appeal):
    return DomainError(_("This step cannot be taken now: the appeal is “%(status)s”.")
                       % {"status": appeal.get_status_display()}, code="wrong_stage")


def _locked_open(appeal):
    a = lock_one(Appeal, appeal.pk)
    if a.status not in OPEN_STATUSES:
        raise _wrong_stage(a)
    return a


def _snapshot(a):
    return audit.snapshot(a, fields=APPEAL_FIELDS)


def _record(actor, action, a, before, **extra):
    b, after = audit.changed(before, _snapshot(a))
    audit.record(actor=actor, action=action, obj=a, org=a.org, before=b, after={**after, **extra})


def acting_org(actor, appeal):
    """The org the actor acts for on this appeal (what the worker sees, never a cadre's name): the
    nearest org above or at the appeal's org where the actor holds a role; else the appeal's org."""
    from gonghui.accounts.models import RoleAssignment

    paths = RoleAssignment.objects.filter(user_id=getattr(actor, "pk", None)).values_list("org__path", flat=True)
    mine = [p for p in paths if appeal.org.path.startswith(p)]
    if not mine:
        return appeal.org
    return Org.objects.get(path=max(mine, key=len))


def org_staff(org):
    """The users holding a cadre role on `org` (who a dispatched, transferred or escalated appeal is
    announced to)."""
    from gonghui.accounts.models import RoleAssignment
    from gonghui.accounts.roles import Role

    return [r.user for r in RoleAssignment.objects.filter(org=org).exclude(role=Role.MEMBER).select_related("user")]


def _announce(appeal, org, kind, title):
    from django.urls import reverse

    from gonghui.core.notifications import notify

    notify(recipients=org_staff(org), key=f"voice.appeal_{kind}:{appeal.pk}:{org.pk}:{uuid.uuid4().hex[:8]}",
           title=title, body=appeal.title, url=reverse("voice:appeal_detail", args=[appeal.pk]), org=org)


def worker_login(appeal):
    """The worker's login, if any: who submitted it, else the linked member's portal account."""
    if appeal.anonymous:
        return appeal.submitted_by
    if appeal.submitted_by_id:
        return appeal.submitted_by
    if appeal.person_id and appeal.person.account_id:
        return appeal.person.account
    return None


def _tell_worker(appeal, kind, title):
    from gonghui.core.notifications import notify

    user = worker_login(appeal)
    if user is None:
        return
    try:
        from django.urls import reverse

        url = reverse("voice:my_appeal_detail", args=[appeal.pk])
    except Exception:  # noqa: BLE001 — the member pages are the intake area's; link home until they exist
        url = "/"
    notify(recipients=[user], key=f"voice.appeal_{kind}:{appeal.pk}:{uuid.uuid4().hex[:8]}", title=title,
           body=appeal.title, url=url)


def _move(a, to_org):
    """Hand the appeal to `to_org`: it must be accepted there again (NEW, no handler). An escalation
    stays only while its supervising org is still above the new holder."""
    a.org = to_org
    a.town = town_of(to_org)
    a.status = AppealStatus.NEW
    a.handler = None
    a.accepted_at = None
    if a.escalated_to_id and not (to_org.path.startswith(a.escalated_to.path) and to_org.pk != a.escalated_to_id):
        a.escalated_to, a.escalation_level, a.escalated_at = None, 0, None


def _target(actor, a, to_org, *, field="to_org"):
    if to_org is None or not to_org.is_active:
        raise DomainError(_("Choose an active organisation."), code="required", field=field)
    return to_org


@transaction.atomic
def dispatch(*, actor, appeal, to_org, note="", attachment=None) -> Appeal:
    """The district or a town hands an appeal it holds to an org in its subtree (交办). The clock is
    not restarted: the worker has waited since the appeal arrived."""
    require(actor, CHANGE, appeal.org)
    note = _text(note, "note", _("The instructions"), required=False)
    _check_upload(attachment)
    a = _locked_open(appeal)
    if a.org.level not in HOLDING_LEVELS:
        raise DomainError(_("Only an appeal held by the district or a town is dispatched; transfer it instead."),
                          code="not_dispatchable")
    to_org = _target(actor, a, to_org)
    if not (to_org.path.startswith(a.org.path) and to_org.pk != a.org_id) or not actor.can(CHANGE, to_org):
        raise DomainError(_("Dispatch to an organisation below the one holding the appeal."), code="not_below",
                          field="to_org")
    before, from_org = _snapshot(a), a.org
    _move(a, to_org)
    a.save()
    event = add_event(a, AppealEventKind.DISPATCHED, public=True, actor=_actor(actor), actor_org=from_org,
                      from_org=from_org, to_org=to_org)
    event.reason = note
    event.save(update_fields=["reason"])
    _attach(a, event, attachment, public=False, actor=actor)
    _record(actor, "voice.appeal_dispatch", a, before, note=note)
    _announce(a, to_org, "dispatch", _("Appeal dispatched to you: %(number)s") % {"number": a.number})
    return a


@transaction.atomic
def transfer(*, actor, appeal, to_org, reason, attachment=None) -> Appeal:
    """Up to the parent of the holding org, or down to an org below it, with a required reason
    (kept internal). The clock restarts only when `rules().transfer_resets_clock`."""
    require(actor, TRANSFER, appeal.org)
    reason = _text(reason, "reason", _("The reason for the transfer"))
    _check_upload(attachment)
    a = _locked_open(appeal)
    to_org = _target(actor, a, to_org)
    parent = parent_of(a.org)
    up = parent is not None and to_org.pk == parent.pk
    down = to_org.path.startswith(a.org.path) and to_org.pk != a.org_id
    if not (up or down):
        raise DomainError(_("Transfer up to the organisation above, or down to one below the one holding the "
                            "appeal."), code="not_up_or_down", field="to_org")
    before, from_org = _snapshot(a), a.org
    _move(a, to_org)
    if rules().transfer_resets_clock:
        start_clock(a, today())
    a.save()
    event = add_event(a, AppealEventKind.TRANSFERRED, public=True, actor=_actor(actor),
                      actor_org=acting_org(actor, appeal), from_org=from_org, to_org=to_org)
    event.reason = reason
    event.save(update_fields=["reason"])
    _attach(a, event, attachment, public=False, actor=actor)
    _record(actor, "voice.appeal_transfer", a, before, reason=reason, direction="up" if up else "down")
    _announce(a, to_org, "transfer", _("Appeal transferred to you: %(number)s") % {"number": a.number})
    return a


@transaction.atomic
def accept(*, actor, appeal) -> Appeal:
    """NEW → HANDLING by the holding org; the actor becomes the handler."""
    require(actor, CHANGE, appeal.org)
    a = lock_one(Appeal, appeal.pk)
    if a.status != AppealStatus.NEW:
        raise _wrong_stage(a)
    before = _snapshot(a)
    a.status, a.handler, a.accepted_at = AppealStatus.HANDLING, _actor(actor), timezone.now()
    a.save()
    add_event(a, AppealEventKind.ACCEPTED, public=True, actor=_actor(actor), actor_org=acting_org(actor, a))
    _record(actor, "voice.appeal_accept", a, before)
    return a


@transaction.atomic
def add_note(*, actor, appeal, text, attachment=None):
    """An internal note (never shown to the worker), in any status."""
    require(actor, CHANGE, appeal.org)
    text = _text(text, "text", _("The note"))
    _check_upload(attachment)
    a = lock_one(Appeal, appeal.pk)
    event = add_event(a, AppealEventKind.NOTE, public=False, text=text, actor=_actor(actor),
                      actor_org=acting_org(actor, a))
    _attach(a, event, attachment, public=False, actor=actor)
    audit.record(actor=actor, action="voice.appeal_note", obj=a, org=a.org, after={"event": event.pk})
    return event


@transaction.atomic
def add_attachment(*, actor, appeal, upload, public=False, note=""):
    """A file added to an open appeal on its own (the API's upload): a PDF, JPG or PNG by its content
    within UPLOAD_MAX_BYTES, checked before anything is written. Internal by default, with an
    internal NOTE line; `public` makes it a REPLY line the worker sees (and is told about), the file
    shown to the worker. `note` is the line's text (else it names the file). Returns the attachment."""
    require(actor, CHANGE, appeal.org)
    if not upload:
        raise DomainError(_("Choose a file to upload."), code="required", field="file")
    note = _text(note, "note", _("The note"), required=False)
    _check_upload(upload, field="file")
    a = _locked_open(appeal)
    name = os.path.basename(upload.name or "")[:200] or "file"
    text = note or _("Added the file “%(name)s”.") % {"name": name}
    kind = AppealEventKind.REPLY if public else AppealEventKind.NOTE
    event = add_event(a, kind, public=bool(public), text=text, actor=_actor(actor), actor_org=acting_org(actor, a))
    attachment = _attach(a, event, upload, public=bool(public), actor=actor)
    audit.record(actor=actor, action="voice.appeal_attachment_add", obj=a, org=a.org,
                 after={"event": event.pk, "attachment": attachment.pk, "name": attachment.name,
                        "size": attachment.size, "content_type": attachment.content_type, "public": bool(public)})
    if public:
        _tell_worker(a, "reply", _("Your appeal %(number)s has a reply") % {"number": a.number})
    return attachment


@transaction.atomic
def reply(*, actor, appeal, text, attachment=None):
    """A reply the worker sees (and is told about when they have a login)."""
    require(actor, CHANGE, appeal.org)
    text = _text(text, "text", _("The reply"))
    _check_upload(attachment)
    a = _locked_open(appeal)
    event = add_event(a, AppealEventKind.REPLY, public=True, text=text, actor=_actor(actor),
                      actor_org=acting_org(actor, a))
    _attach(a, event, attachment, public=True, actor=actor)
    audit.record(actor=actor, action="voice.appeal_reply", obj=a, org=a.org, after={"event": event.pk})
    _tell_worker(a, "reply", _("Your appeal %(number)s has a reply") % {"number": a.number})
    return event


@transaction.atomic
def close(*, actor, appeal, result, result_text, attachment=None) -> Appeal:
    """Closed with a result told to the worker; on time when closed on or before the due date."""
    require(actor, CHANGE, appeal.org)
    if result not in AppealResult.values:
        raise DomainError(_("Choose the result."), code="invalid_result", field="result")
    result_text = _text(result_text, "result_text", _("The result told to the worker"))
    _check_upload(attachment)
    a = _locked_open(appeal)
    before, day = _snapshot(a), today()
    a.status, a.result, a.result_text = AppealStatus.CLOSED, result, result_text
    a.closed_at, a.closed_on_time = timezone.now(), day <= a.due_on
    if a.handler_id is None:
        a.handler = _actor(actor)
    a.save()
    event = add_event(a, AppealEventKind.CLOSED, public=True, text=result_text, actor=_actor(actor),
                      actor_org=acting_org(actor, a))
    _attach(a, event, attachment, public=True, actor=actor)
    _record(actor, "voice.appeal_close", a, before)
    _tell_worker(a, "close", _("Your appeal %(number)s was closed") % {"number": a.number})
    return a


def working_days_left(appeal, on=None) -> int:
    """Working days until the due date (negative: overdue by that many)."""
    on = on or today()
    if on <= appeal.due_on:
        return workdays.working_days_between(on, appeal.due_on)
    return -workdays.working_days_between(appeal.due_on, on)


def escalation_due(appeal, on) -> bool:
    """Overdue by more than `escalate_after_days` + level × the category's time limit working days
    (level 0 → 1 the first day past the grace; each next level after another full time limit), below
    the cap, and not yet supervised by the district."""
    r = rules()
    if appeal.status not in OPEN_STATUSES or appeal.due_on >= on or appeal.escalation_level >= r.max_escalation_level:
        return False
    top = appeal.escalated_to or appeal.org
    if top.depth <= 1:
        return False
    limit = category_rule(appeal.category).time_limit_days
    threshold = r.escalate_after_days + appeal.escalation_level * limit
    return workdays.working_days_between(appeal.due_on, on) > threshold


def escalate_overdue(on=None) -> int:
    """The daily job: escalate each appeal that is due one level up (idempotent: the level a day
    reaches is computed from the level already reached). One transaction per appeal."""
    on = on or today()
    ids = list(Appeal.objects.filter(status__in=OPEN_STATUSES, due_on__lt=on).order_by("pk")
               .values_list("pk", flat=True))
    done = 0
    for pk in ids:
        done += _escalate_one(pk, on)
    return done


@transaction.atomic
def _escalate_one(pk, on) -> int:
    a = Appeal.objects.select_for_update(of=("self",)).select_related("org", "escalated_to").get(pk=pk)
    if not escalation_due(a, on):
        return 0
    before = _snapshot(a)
    to_org = parent_of(a.escalated_to or a.org)
    a.escalated_to, a.escalation_level, a.escalated_at = to_org, a.escalation_level + 1, timezone.now()
    a.save()
    overdue = workdays.working_days_between(a.due_on, on)
    add_event(a, AppealEventKind.ESCALATED, public=False, from_org=a.org, to_org=to_org,
              text=_("Overdue by %(days)s working days: escalated to %(org)s (level %(level)s).")
              % {"days": overdue, "org": to_org.name, "level": a.escalation_level})
    _record(None, "voice.appeal_escalate", a, before, overdue_days=overdue)
    _announce(a, to_org, "escalate", _("Overdue appeal escalated to you: %(number)s") % {"number": a.number})
    _announce(a, a.org, "escalate", _("Your overdue appeal was escalated: %(number)s") % {"number": a.number})
    return 1


def reveal_phone(*, actor, appeal) -> str:
    """The worker's full mobile for a user with `members.reveal_pii` on the appeal's org; audited."""
    from gonghui.core import pii

    require(actor, REVEAL, appeal.org)
    phone = pii.decrypt(appeal.contact_phone_enc) if appeal.contact_phone_enc else ""
    if not phone and appeal.person_id:
        phone = appeal.person.phone
    audit.record(actor=actor, action="voice.appeal_reveal_phone", obj=appeal, org=appeal.org,
                 after={"fields": ["contact_phone"]})
    return phone


def export_appeals(*, actor, filters):
    """(rewound temporary file, rows): the filtered appeals in the actor's export scope, phones
    masked; audited once per place exported."""
    from gonghui.core.excel import XlsxStream

    from ..models.appeals import AppealCategory, AppealChannel
    from ..selectors.appeals import filtered_appeals

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Appeal.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_appeals(actor, filters).filter(pk__in=exportable).order_by("-id")
          .values_list("number", "received_at", "category", "channel", "title", "anonymous", "contact_name",
                       "contact_phone_masked", "person__name", "person__phone_masked", "enterprise__name",
                       "enterprise_name", "org__name", "town__name", "status", "due_on", "escalation_level",
                       "closed_at", "closed_on_time", "result", "satisfaction", "reopen_count"))
    cats, chans = dict(AppealCategory.choices), dict(AppealChannel.choices)
    statuses, results = dict(AppealStatus.choices), dict(AppealResult.choices)
    headers = [_("Appeal number"), _("Received at"), _("Category"), pgettext("appeal", "Channel"), _("Title"),
               _("Worker"), _("Mobile (masked)"), _("Enterprise"), pgettext("appeal", "Handled by"), _("Town"),
               _("Status"), _("Due on"), _("Escalation level"), _("Closed at"), _("Closed on time"), _("Result"),
               pgettext("appeal", "Satisfaction"), _("Times re-opened")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    tz = timezone.get_current_timezone()
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Appeals"), headers=headers,
                           widths=[16, 18, 12, 14, 40, 10, 14, 30, 30, 16, 10, 12, 8, 18, 8, 16, 8, 8])
        for (number, received, cat, chan, title, anon, cname, cphone, pname, pphone, ent, ent_name, org, town,
             status, due, level, closed, on_time, result, sat, reopens) in qs.iterator(chunk_size=1000):
            sheet.append([number, received.astimezone(tz).strftime("%Y-%m-%d %H:%M"), str(cats.get(cat, cat)),
                          str(chans.get(chan, chan)), title,
                          _("Anonymous") if anon else (pname or cname), "" if anon else (pphone or cphone),
                          ent or ent_name, org, town or "", str(statuses.get(status, status)), due, level,
                          closed.astimezone(tz).strftime("%Y-%m-%d %H:%M") if closed else "",
                          "" if on_time is None else (_("Yes") if on_time else _("No")),
                          str(results.get(result, "")) if result else "", sat or "", reopens])
            rows += 1
    audit.record_export(actor=actor, action="voice.appeal_export", object_type="voice.AppealExport",
                        org=filters.org, reach_action=EXPORT, label=_("Appeals export"),
                        after={"filters": filters.as_params(), "rows": rows})
    handle.seek(0)
    return handle, rows

