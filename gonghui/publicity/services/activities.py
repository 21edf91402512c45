"""Every write of theme activities. Atomic, checked (`require` in the activity's org's subtree),
locked (`lock_one`), validated (DomainError naming the field) and audited (`publicity.activity_*`).

- log (`publicity.change`): a DRAFT for an active org in reach; `town` copied from the org;
- update (`publicity.change`) while DRAFT or RETURNED;
- submit (`publicity.submit`, or `publicity.review` for a town's own activity): DRAFT/RETURNED →
  SUBMITTED;
- confirm / return (`publicity.review` held above the organiser, `policies.can_review`): SUBMITTED →
  CONFIRMED, or RETURNED with a reason;
- photos (`publicity.change`, while editable): JPG/PNG by content, size and count limits;
- export of the list and of the yearly statistics (`publicity.export`), audited.
"""

import datetime
import tempfile
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.core.uploads import extension_of, validate_document
from gonghui.orgs.models import Org, OrgLevel

from ..models.activities import EDITABLE_STATUSES, ActivityPhoto, ActivityStatus, ThemeActivity
from ..policies.activities import CHANGE, EXPORT, REVIEW, SUBMIT, can, can_review
from ..rules.activities import rules, theme_label

FIELDS = ["theme", "title", "held_on", "place", "content", "participants", "organisers", "status",
          "return_reason"]
EARLIEST = datetime.date(2000, 1, 1)


def today():
    return timezone.localdate()


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _text(value, field, label, *, required=True, limit=120):
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _snapshot(a):
    """The audited values; the theme by its label (a configured code means nothing in the history)."""
    snap = audit.snapshot(a, fields=FIELDS)
    snap["theme"] = str(theme_label(a.theme))
    return snap


def _record(actor, action, a, before, **extra):
    b, after = audit.changed(before, _snapshot(a)) if before else ({}, _snapshot(a))
    audit.record(actor=actor, action=action, obj=a, org=a.org, before=b, after={**after, **extra})


def _wrong_stage(a):
    return DomainError(_("This step cannot be taken now: the activity is “%(status)s”.")
                       % {"status": a.get_status_display()}, code="wrong_stage")


def town_of(org):
    """The town (or platform) an org sits in, itself when it is one; None for the district."""
    if org.level == OrgLevel.DISTRICT:
        return None
    return org.town()


def clean_values(*, theme, title, held_on, place, content, participants, organisers=""):
    """The checked values of an activity (shared by log and update, pages and API)."""
    if theme not in dict(rules().themes):
        raise DomainError(_("Choose a theme from the list."), code="invalid_theme", field="theme")
    title = _text(title, "title", _("The title"), limit=120)
    place = _text(place, "place", _("The place"), limit=120)
    content = _text(content, "content", _("The content"), limit=4000)
    organisers = _text(organisers, "organisers", _("Organisers and partners"), required=False, limit=200)
    if held_on is None:
        raise DomainError(_("The date is required."), code="required", field="held_on")
    if isinstance(held_on, str):
        try:
            held_on = datetime.date.fromisoformat(held_on)
        except ValueError as exc:
            raise DomainError(_("Enter the date as YYYY-MM-DD."), code="invalid_date", field="held_on") from exc
    if held_on > today():
        raise DomainError(_("An activity is logged once it has been held: the date cannot be in the future."),
                          code="date_in_future", field="held_on")
    limit = rules().log_within_days
    if held_on < EARLIEST or (limit and held_on < today() - datetime.timedelta(days=limit)):
        raise DomainError(_("The date is too far in the past to log the activity now."), code="date_out_of_range",
                          field="held_on")
    try:
        participants = int(participants)
    except (TypeError, ValueError):
        participants = None
    if participants is None or participants < 1:
        raise DomainError(_("Enter the number of participants (at least 1)."), code="invalid_participants",
                          field="participants")
    if participants > rules().max_participants:
        raise DomainError(_("At most %(n)s participants: check the number.") % {"n": rules().max_participants},
                          code="too_many_participants", field="participants")
    return {"theme": theme, "title": title, "held_on": held_on, "place": place, "content": content,
            "participants": participants, "organisers": organisers}


@transaction.atomic
def log_activity(*, actor, org, **values) -> ThemeActivity:
    """A DRAFT activity of `org` (any active org in the actor's reach: a union, a town, the
    district)."""
    if org is None:
        raise DomainError(_("Choose the organiser."), code="required", field="org")
    require(actor, CHANGE, org)
    org = lock_one(Org, org.pk)
    if not org.is_active:
        raise DomainError(_("%(org)s is no longer active.") % {"org": org.name}, code="inactive_org", field="org")
    a = ThemeActivity(org=org, town=town_of(org), created_by=_actor(actor), **clean_values(**values))
    a.save()
    _record(actor, "publicity.activity_create", a, None, org=org.pk)
    return a


def _locked(actor, activity, action=CHANGE):
    require(actor, action, activity.org)
    return lock_one(ThemeActivity, activity.pk)


@transaction.atomic
def update_activity(*, actor, activity, **values) -> ThemeActivity:
    a = _locked(actor, activity)
    if a.status not in EDITABLE_STATUSES:
        raise _wrong_stage(a)
    before = _snapshot(a)
    for k, v in clean_values(**values).items():
        setattr(a, k, v)
    a.save()
    _record(actor, "publicity.activity_update", a, before)
    return a


@transaction.atomic
def submit_activity(*, actor, activity) -> ThemeActivity:
    """To the town for confirmation. Union chairs and staff hold `publicity.submit`; a town cadre
    sends the town's own activities with `publicity.review`."""
    if not can(actor, REVIEW, activity.org):
        require(actor, SUBMIT, activity.org)
    a = _locked(actor, activity)
    if a.status not in EDITABLE_STATUSES:
        raise _wrong_stage(a)
    before = _snapshot(a)
    a.status, a.submitted_at = ActivityStatus.SUBMITTED, timezone.now()
    a.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(actor, "publicity.activity_submit", a, before)
    return a


@transaction.atomic
def review_activity(*, actor, activity, decision: str, reason="") -> ThemeActivity:
    """The town's (or district's) decision on a submitted activity: CONFIRMED (it counts in the
    yearly report) or RETURNED with a reason (the organiser corrects it and submits again)."""
    a = _locked(actor, activity, REVIEW)
    if not can_review(actor, a.org):
        # In scope but the actor's own level (a town's own activity): the level above confirms.
        raise PermissionDenied(_("The activities of your own organisation are confirmed by the level above."))
    if a.status != ActivityStatus.SUBMITTED:
        raise _wrong_stage(a)
    if decision not in (ActivityStatus.CONFIRMED, ActivityStatus.RETURNED):
        raise DomainError(_("Choose the decision."), code="invalid_decision", field="decision")
    reason = _text(reason, "reason", _("The reason"), required=decision == ActivityStatus.RETURNED, limit=400)
    before = _snapshot(a)
    a.status, a.reviewed_at, a.reviewed_by = decision, timezone.now(), _actor(actor)
    a.return_reason = reason if decision == ActivityStatus.RETURNED else ""
    a.save(update_fields=["status", "reviewed_at", "reviewed_by", "return_reason", "updated_at"])
    _record(actor, "publicity.activity_confirm" if decision == ActivityStatus.CONFIRMED
            else "publicity.activity_return", a, before)
    return a


# --- photos ---------------------------------------------------------------------------------------

@transaction.atomic
def add_photo(*, actor, activity, upload, caption="") -> ActivityPhoto:
    """A JPG or PNG (by its content, at most `photo_max_bytes`) added while the activity is editable.
    The file is checked before anything is written."""
    a = _locked(actor, activity)
    if a.status not in EDITABLE_STATUSES:
        raise _wrong_stage(a)
    if upload is None:
        raise DomainError(_("Choose a photo to upload."), code="required", field="image")
    try:
        kind = validate_document(upload, max_bytes=rules().photo_max_bytes, kinds=("jpeg", "png"))
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code=exc.code or "invalid", field="image") from exc
    if ActivityPhoto.objects.filter(activity=a).count() >= rules().photos_per_activity:
        raise DomainError(_("An activity has at most %(n)s photos.") % {"n": rules().photos_per_activity},
                          code="too_many", field="image")
    caption = _text(caption, "caption", _("The caption"), required=False, limit=120)
    upload.name = f"{uuid.uuid4().hex}.{extension_of(kind)}"
    photo = ActivityPhoto.objects.create(activity=a, image=upload, kind=kind, caption=caption,
                                         uploaded_by=_actor(actor))
    audit.record(actor=actor, action="publicity.activity_photo_add", obj=a, org=a.org,
                 after={"photo": photo.pk, "caption": caption})
    return photo


@transaction.atomic
def delete_photo(*, actor, photo) -> None:
    a = _locked(actor, photo.activity)
    if a.status not in EDITABLE_STATUSES:
        raise _wrong_stage(a)
    pk, caption, image = photo.pk, photo.caption, photo.image
    photo.delete()
    # The stored file goes once the row is gone for good.
    transaction.on_commit(lambda: image.delete(save=False))
    audit.record(actor=actor, action="publicity.activity_photo_delete", obj=a, org=a.org,
                 before={"photo": pk, "caption": caption})


# --- exports --------------------------------------------------------------------------------------

def _audit_export(actor, org, kind, after):
    audit.record_export(actor=actor, action=f"publicity.activity_{kind}", object_type="publicity.ActivityExport",
                        org=org, reach_action=EXPORT, after=after)


def export_activities(*, actor, filters):
    """(rewound temporary file, rows): the filtered activities the actor may export."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.activities import filtered_activities

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = ThemeActivity.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_activities(actor, filters).filter(pk__in=exportable).order_by("-held_on", "-id")
          .values_list("held_on", "theme", "title", "org__name", "town__name", "place", "participants",
                       "organisers", "status", "content"))
    statuses = dict(ActivityStatus.choices)
    headers = [pgettext("theme activity", "Held on"), _("Theme"), _("Title"), _("Organiser"), _("Town"), _("Place"),
               _("Participants (person-times)"), _("Organisers and partners"), _("Status"), _("Content")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Theme activities"), headers=headers, widths=[12, 24, 30, 28, 16, 24, 10, 24, 12, 60])
        for v in qs.iterator(chunk_size=1000):
            sheet.append([v[0], str(theme_label(v[1])), v[2], v[3], v[4] or "", v[5], v[6], v[7],
                          str(statuses.get(v[8], v[8])), v[9]])
            rows += 1
    _audit_export(actor, filters.org, "export", {
        "filters": {"theme": filters.theme, "status": filters.status, "q": filters.q,
                    "date_from": filters.date_from.isoformat() if filters.date_from else "",
                    "date_to": filters.date_to.isoformat() if filters.date_to else ""}, "rows": rows})
    handle.seek(0)
    return handle, rows


def export_stats(*, actor, year):
    """(rewound temporary file, rows): the yearly statistics workbook — by town, by town and theme,
    the definitions. Audited."""
    from gonghui.core.excel import XlsxStream

    from ..selectors.activities import definitions, yearly_stats

    require(actor, EXPORT)
    stats = yearly_stats(actor, year)
    themes = stats.themes
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("By town"), headers=[_("Town"), _("Activities"), _("Participants (person-times)"),
                                                  _("Organisers"), _("Awaiting confirmation")],
                           widths=[28, 12, 16, 12, 14])
        for r in [*stats.rows, stats.total]:
            sheet.append([str(r.label), r.activities, r.participants, r.organisers, r.pending])
        headers = [_("Town")]
        for _code, label in themes:
            headers += [f"{label} · {_('Activities')}", f"{label} · {_('Person-times')}"]
        sheet = book.sheet(_("By town and theme"), headers=headers, widths=[28] + [14] * (2 * len(themes)))
        for r in [*stats.rows, stats.total]:
            values = [str(r.label)]
            for code, _label in themes:
                cell = r.by_theme.get(code)
                values += [cell.activities if cell else 0, cell.participants if cell else 0]
            sheet.append(values)
        sheet = book.sheet(_("Definitions"), headers=[_("Definition")], widths=[120])
        for line in definitions(year):
            sheet.append([str(line)])
    _audit_export(actor, None, "stats_export", {"year": year, "rows": len(stats.rows)})
    handle.seek(0)
    return handle, len(stats.rows)


__all__ = ["log_activity", "update_activity", "submit_activity", "review_activity", "add_photo", "delete_photo",
           "export_activities", "export_stats", "clean_values", "town_of", "today"]
