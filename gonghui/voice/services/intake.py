"""The write layer of the `intake` area: how an appeal arrives, and the worker's own steps.

- `submit`: the one way an appeal is created — from the member portal (`submit_as_member`), the
  public web form or API (`submit_public`), or by staff from a phone call or visit
  (`create_by_staff`). Input is checked first (category, text, anonymity by category, contact,
  every attachment by content and size), then in ONE transaction: the number (the year's counter
  locked), a tracking code, the handling org (`appeals.route`: the enterprise's union, else its
  town, else the member's union, else the district root), the town, the clock, the row, the
  attachments, the SUBMITTED and ROUTED events (both public), the audit row and a notification
  to the handling org's staff. A bad file saves nothing.
- the worker's steps on their own appeal (`withdraw`, `rate`, `reopen`): who the worker is (the
  member's login, or the tracking code + phone on the public page) is checked by the caller
  (views and API through `selectors.intake`); each step locks the row, checks the status and the
  windows of `rules.appeals`, writes a public event and an audit row.
"""

import datetime
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, pii, workdays
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.notifications import notify
from gonghui.core.policies import require
from gonghui.core.uploads import extension_of, validate_document
from gonghui.core.validators import validate_mobile
from gonghui.orgs.models import Enterprise, Org, OrgLevel

from ..models.appeals import (
    OPEN_STATUSES,
    Appeal,
    AppealAttachment,
    AppealCategory,
    AppealChannel,
    AppealEventKind,
    AppealStatus,
)
from ..rules.appeals import category_rule
from ..rules.appeals import rules as appeal_rules
from ..rules.intake import rules
from . import appeals as shared

# What the audit trail keeps of an appeal (never the phone: it is stored encrypted).
AUDIT_FIELDS = ("number", "category", "channel", "title", "anonymous", "person", "enterprise", "enterprise_name",
                "org", "town", "status", "due_on", "satisfaction", "reopen_count")
# Letters and digits a worker can read back on the phone without mistakes (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
STAFF_CHANNELS = (AppealChannel.PHONE, AppealChannel.VISIT)
TITLE_MAX, CONTENT_MAX, NAME_MAX, ENTERPRISE_MAX = 120, 5000, 64, 200


def today() -> datetime.date:
    return timezone.localdate()


def now() -> datetime.datetime:
    return timezone.now()


# --- lookups used by routing ---------------------------------------------------------------------

def district_root() -> Org:
    """Who gets an appeal nobody else can be found for: the district federation (it dispatches)."""
    root = Org.objects.filter(depth=1, level=OrgLevel.DISTRICT).order_by("pk").first()
    return root or Org.objects.filter(depth=1).order_by("pk").first()


def find_enterprise(text: str) -> Enterprise | None:
    """A registered enterprise named by its exact USCC or its exact name (one match only: two
    enterprises of the same name route nowhere rather than to the wrong union)."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) == 18:
        found = Enterprise.objects.filter(uscc=text.upper()).select_related("union", "town").first()
        if found is not None:
            return found
    matches = list(Enterprise.objects.filter(name=text).select_related("union", "town")[:2])
    return matches[0] if len(matches) == 1 else None


def new_tracking_code() -> str:
    length = rules().tracking_code_length
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))
        if not Appeal.objects.filter(tracking_code=code).exists():
            return code


def staff_recipients(org: Org):
    """The org's staff (every role but MEMBER) — who hear of an appeal arriving."""
    from gonghui.accounts.models import User
    from gonghui.accounts.roles import Role

    return list(User.objects.filter(is_active=True, role_assignments__org=org)
                .exclude(role_assignments__role=Role.MEMBER, role_assignments__org=org).distinct())


# --- checks --------------------------------------------------------------------------------------

def _text(value, field, limit, *, required=True):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("This field is required."), code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("Enter at most %(n)s characters.") % {"n": limit}, code="too_long", field=field)
    return value


def check_files(files) -> list[tuple[object, str]]:
    """Every attachment checked before anything is written: count, size, real JPG/PNG/PDF.
    Returns [(upload, kind)]."""
    files = [f for f in (files or []) if f]
    r = rules()
    if len(files) > r.max_attachments:
        raise DomainError(_("Attach at most %(n)s files.") % {"n": r.max_attachments}, code="too_many_files",
                          field="attachments")
    checked = []
    for upload in files:
        try:
            kind = validate_document(upload, max_bytes=r.attachment_max_bytes, kinds=("jpeg", "png", "pdf"))
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code=exc.code or "bad_file", field="attachments") from exc
        checked.append((upload, kind))
    return checked


def _check_category(category, anonymous):
    if category not in AppealCategory.values:
        raise DomainError(_("Choose a category."), code="invalid_category", field="category")
    if anonymous and not category_rule(category).anonymous_allowed:
        raise DomainError(_("Appeals of the category “%(category)s” cannot be anonymous: the union needs to "
                            "reach you. Give your name and mobile, or choose another category.")
                          % {"category": AppealCategory(category).label}, code="anonymous_not_allowed",
                          field="anonymous")


def _check_contact(name, phone):
    name = _text(name, "contact_name", NAME_MAX)
    try:
        phone = validate_mobile(phone or "")
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="phone_format", field="contact_phone") from exc
    return name, phone


# --- submission ----------------------------------------------------------------------------------

def submit(*, actor, channel, category, title, content, anonymous=False, person=None, contact_name="",
           contact_phone="", enterprise=None, enterprise_name="", files=(), handle_org=None) -> Appeal:
    """Create, route and time one appeal (see the module's docstring). `handle_org`: staff chose
    "我单位受理" — the entering org keeps it and accepts it at once."""
    _check_category(category, anonymous)
    title = _text(title, "title", TITLE_MAX)
    content = _text(content, "content", CONTENT_MAX)
    enterprise_name = _text(enterprise_name, "enterprise_name", ENTERPRISE_MAX, required=False)
    if anonymous:
        person, contact_name, contact_phone = None, "", ""
    elif person is not None:
        contact_name = person.name
        contact_phone = contact_phone or person.phone()
    else:
        contact_name, contact_phone = _check_contact(contact_name, contact_phone)
    checked = check_files(files)
    if enterprise is None and enterprise_name:
        enterprise = find_enterprise(enterprise_name)
    with transaction.atomic():
        received = now()
        day = timezone.localdate(received)
        appeal = Appeal(number=shared.next_number(day.year), category=category, channel=channel, title=title,
                        content=content, anonymous=anonymous, person=person,
                        submitted_by=actor if getattr(actor, "pk", None) else None,
                        contact_name=contact_name, enterprise=enterprise,
                        enterprise_name=enterprise_name or (enterprise.name if enterprise else ""),
                        tracking_code=new_tracking_code(), received_at=received)
        if contact_phone:
            appeal.contact_phone_enc = pii.encrypt(contact_phone)
            appeal.contact_phone_hash = pii.lookup_hash(contact_phone)
            appeal.contact_phone_masked = pii.mask_phone(contact_phone)
        if channel in STAFF_CHANNELS:
            appeal.created_by = actor
            appeal.submitted_by = None  # the login that typed it is staff, not the worker
        org = handle_org or shared.route(enterprise=enterprise, person=person, fallback=district_root())
        appeal.org, appeal.town = org, shared.town_of(org)
        shared.start_clock(appeal, day)
        if handle_org is not None:
            appeal.status, appeal.accepted_at, appeal.handler = AppealStatus.HANDLING, received, actor
        appeal.save()
        submitted = shared.add_event(appeal, AppealEventKind.SUBMITTED, public=True, actor=appeal.submitted_by,
                                     text=AppealChannel(channel).label)
        _save_files(appeal, submitted, checked, actor)
        shared.add_event(appeal, AppealEventKind.ROUTED, public=True, to_org=org, actor_org=org,
                         text=_("Passed to %(org)s to handle.") % {"org": org.name})
        if handle_org is not None:
            shared.add_event(appeal, AppealEventKind.ACCEPTED, public=True, actor=actor, actor_org=org)
        audit.record(actor=actor, action="voice.appeal_submit", obj=appeal, org=org,
                     after=audit.snapshot(appeal, fields=AUDIT_FIELDS), conceal_actor=_worker_unnamed(appeal))
        _notify_arrival(appeal)
    return appeal


def _save_files(appeal, event, checked, actor):
    for upload, kind in checked:
        original = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200] or f"file.{extension_of(kind)}"
        attachment = AppealAttachment(appeal=appeal, event=event, name=original, size=upload.size,
                                      content_type={"jpeg": "image/jpeg", "png": "image/png",
                                                    "pdf": "application/pdf"}[kind],
                                      public=True, uploaded_by=actor if getattr(actor, "pk", None) else None)
        upload.seek(0)
        # Stored under a random name: the worker's file name is kept only as the label.
        attachment.file.save(f"{uuid.uuid4().hex}.{extension_of(kind)}", upload, save=False)
        attachment.save()


def _notify_arrival(appeal):
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("voice:appeal_detail", args=[appeal.pk])
    except NoReverseMatch:  # the handling pages belong to the `appeals` area
        url = ""
    notify(recipients=staff_recipients(appeal.org), key=f"voice:appeal:{appeal.pk}:arrived:{appeal.org_id}",
           title=_("New appeal %(number)s: %(title)s") % {"number": appeal.number, "title": appeal.title},
           body=_("Due on %(day)s.") % {"day": appeal.due_on.isoformat()}, url=url, org=appeal.org)


def member_enterprise(person):
    """The enterprise of the member's live membership (the form's default), or None."""
    from gonghui.members.models import LIVE_STATUSES, Membership

    m = (Membership.objects.filter(person=person, status__in=LIVE_STATUSES).select_related("enterprise")
         .order_by("-joined_on", "-id").first())
    return m.enterprise if m is not None else None


def submit_as_member(*, user, person, category, title, content, anonymous=False, enterprise=None,
                     enterprise_name="", files=(), channel=AppealChannel.PORTAL) -> Appeal:
    """A member's own appeal from the portal (or the API). Anonymous: the name is not kept, but the
    login is (`submitted_by`), so the member still follows it on the phone; staff never see who."""
    if enterprise is None and not enterprise_name:
        enterprise = member_enterprise(person)
    return submit(actor=user, channel=channel, category=category, title=title, content=content,
                  anonymous=anonymous, person=None if anonymous else person, enterprise=enterprise,
                  enterprise_name=enterprise_name, files=files)


def submit_public(*, category, title, content, anonymous=False, contact_name="", contact_phone="",
                  enterprise_name="", files=(), channel=AppealChannel.WEB) -> Appeal:
    """A worker without a login (the public form or POST /public/appeals)."""
    return submit(actor=None, channel=channel, category=category, title=title, content=content,
                  anonymous=anonymous, contact_name=contact_name, contact_phone=contact_phone,
                  enterprise_name=enterprise_name, files=files)


def acting_orgs(user):
    """Orgs the user may enter an appeal for (their own role orgs where they hold voice.change)."""
    from gonghui.accounts.roles import Role

    ids = user.role_assignments.exclude(role=Role.MEMBER).values_list("org_id", flat=True)
    return [o for o in Org.objects.filter(pk__in=ids).order_by("path") if user.can("voice.change", o)]


def create_by_staff(*, actor, entering_org, channel, category, title, content, anonymous=False, person=None,
                    contact_name="", contact_phone="", enterprise_name="", handle_here=False, files=()) -> Appeal:
    """A call or visit typed in by union staff: routed like any other, or kept and accepted by the
    entering org ("我单位受理")."""
    require(actor, "voice.change", entering_org)
    if channel not in STAFF_CHANNELS:
        raise DomainError(_("Choose phone call or visit."), code="invalid_channel", field="channel")
    enterprise = find_enterprise(enterprise_name)
    return submit(actor=actor, channel=channel, category=category, title=title, content=content,
                  anonymous=anonymous, person=person, contact_name=contact_name, contact_phone=contact_phone,
                  enterprise=enterprise, enterprise_name=enterprise_name, files=files,
                  handle_org=entering_org if handle_here else None)


# --- the worker's steps --------------------------------------------------------------------------

def _closed_day(appeal) -> datetime.date | None:
    return timezone.localdate(appeal.closed_at) if appeal.closed_at else None


def can_withdraw(appeal) -> bool:
    return appeal.status in OPEN_STATUSES


def can_rate(appeal, on=None) -> bool:
    closed = _closed_day(appeal)
    return (appeal.status == AppealStatus.CLOSED and appeal.satisfaction is None and closed is not None
            and ((on or today()) - closed).days <= appeal_rules().rate_within_days)


def can_reopen(appeal, on=None) -> bool:
    closed = _closed_day(appeal)
    return (appeal.status == AppealStatus.CLOSED and appeal.reopen_count < 1 and closed is not None
            and ((on or today()) - closed).days <= appeal_rules().reopen_within_days)


def _locked(appeal) -> Appeal:
    return lock_one(Appeal, appeal.pk)


def _worker_unnamed(appeal) -> bool:
    """The worker's own steps on an anonymous appeal: the audit trail must not name their login
    or keep their IP address (cadres with `audit.view` read the trail of their subtree). Staff
    typing in an anonymous call are not the worker, and are recorded as usual."""
    return appeal.anonymous and appeal.channel not in STAFF_CHANNELS


def _record(actor, action, appeal, before):
    after = audit.snapshot(appeal, fields=AUDIT_FIELDS)
    b, a = audit.changed(before, after)
    audit.record(actor=actor, action=action, obj=appeal, org=appeal.org, before=b, after=a,
                 conceal_actor=_worker_unnamed(appeal))


def _tell_org(appeal, what, title):
    notify(recipients=staff_recipients(appeal.org), key=f"voice:appeal:{appeal.pk}:{what}:{now():%Y%m%d%H%M%S}",
           title=title, url="", org=appeal.org)


def withdraw(*, actor, appeal, reason="") -> Appeal:
    """The worker withdraws an open appeal (a public WITHDRAWN event with the reason)."""
    reason = _text(reason, "reason", 400, required=False)
    with transaction.atomic():
        appeal = _locked(appeal)
        if not can_withdraw(appeal):
            raise DomainError(_("Only an open appeal can be withdrawn."), code="wrong_stage", field="reason")
        before = audit.snapshot(appeal, fields=AUDIT_FIELDS)
        appeal.status = AppealStatus.WITHDRAWN
        appeal.save(update_fields=["status", "updated_at"])
        shared.add_event(appeal, AppealEventKind.WITHDRAWN, public=True, text=reason,
                         actor=actor if getattr(actor, "pk", None) else None)
        _record(actor, "voice.appeal_withdraw", appeal, before)
        _tell_org(appeal, "withdrawn", _("Appeal %(number)s was withdrawn by the worker") % {"number": appeal.number})
    return appeal


def rate(*, actor, appeal, score, comment="") -> Appeal:
    """Satisfaction 1–5 with an optional comment, once, within `rate_within_days` of closing."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise DomainError(_("Choose a score from 1 to 5."), code="invalid_score", field="score")
    comment = _text(comment, "comment", 400, required=False)
    with transaction.atomic():
        appeal = _locked(appeal)
        if appeal.status != AppealStatus.CLOSED:
            raise DomainError(_("An appeal can be rated once it is closed."), code="wrong_stage", field="score")
        if appeal.satisfaction is not None:
            raise DomainError(_("You have already rated this appeal."), code="already_rated", field="score")
        if not can_rate(appeal):
            raise DomainError(_("Ratings are taken within %(n)s days of closing.")
                              % {"n": appeal_rules().rate_within_days}, code="too_late", field="score")
        before = audit.snapshot(appeal, fields=AUDIT_FIELDS)
        appeal.satisfaction, appeal.satisfaction_comment, appeal.rated_at = score, comment, now()
        appeal.save(update_fields=["satisfaction", "satisfaction_comment", "rated_at", "updated_at"])
        shared.add_event(appeal, AppealEventKind.RATED, public=True, text=f"{score}/5 {comment}".strip(),
                         actor=actor if getattr(actor, "pk", None) else None)
        _record(actor, "voice.appeal_rate", appeal, before)
    return appeal


def reopen(*, actor, appeal, reason) -> Appeal:
    """Once, within `reopen_within_days` of closing, with a reason: back to HANDLING at the same
    org, a new clock from today, the closing's result cleared (the history keeps it), escalation
    reset (the new clock has not run out)."""
    reason = _text(reason, "reason", 1000)
    with transaction.atomic():
        appeal = _locked(appeal)
        if appeal.status != AppealStatus.CLOSED:
            raise DomainError(_("Only a closed appeal can be re-opened."), code="wrong_stage", field="reason")
        if appeal.reopen_count >= 1:
            raise DomainError(_("An appeal can be re-opened once."), code="already_reopened", field="reason")
        if not can_reopen(appeal):
            raise DomainError(_("An appeal can be re-opened within %(n)s days of closing.")
                              % {"n": appeal_rules().reopen_within_days}, code="too_late", field="reason")
        before = audit.snapshot(appeal, fields=AUDIT_FIELDS)
        day = today()
        appeal.status = AppealStatus.HANDLING
        appeal.reopen_count += 1
        appeal.reopened_at = now()
        shared.start_clock(appeal, day)
        appeal.closed_at = appeal.closed_on_time = None
        appeal.result, appeal.result_text = "", ""
        appeal.escalation_level, appeal.escalated_to, appeal.escalated_at = 0, None, None
        appeal.save()
        shared.add_event(appeal, AppealEventKind.REOPENED, public=True, text=reason,
                         actor=actor if getattr(actor, "pk", None) else None, actor_org=None)
        _record(actor, "voice.appeal_reopen", appeal, before)
        _tell_org(appeal, "reopened", _("Appeal %(number)s was re-opened by the worker") % {"number": appeal.number})
    return appeal


def working_days_left(appeal, on=None) -> int | None:
    """Working days to the due date (negative: overdue) for an open appeal; None otherwise."""
    if appeal.status not in OPEN_STATUSES:
        return None
    on = on or today()
    if on <= appeal.due_on:
        return workdays.working_days_between(on, appeal.due_on)
    return -workdays.working_days_between(appeal.due_on, on)

