"""Every write of on-the-job activities (岗位成才/建功/练兵): record, edit, delete an activity and
add or remove its participants. Atomic, checked (`competitions.change` on the organising org),
validated and audited (`competitions.activity_*`). Participants are live members of the
organising org's subtree, once each."""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.members.models import LIVE_STATUSES
from gonghui.orgs.models import Org

from ..models.activities import ActivityKind, ActivityParticipant, JobActivity
from ..policies.activities import CHANGE, EXPORT
from ..rules.activities import rules

FIELDS = ["kind", "title", "held_on", "ends_on", "place", "description"]


def today():
    return timezone.localdate()


def _text(value, field, label, *, required=True, limit=120):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _clean(a, *, kind, title, held_on, ends_on, place, description):
    if kind not in ActivityKind.values:
        raise DomainError(_("Choose the kind of activity."), code="invalid_kind", field="kind")
    if held_on is None:
        raise DomainError(_("%(label)s is required.") % {"label": _("The date held")}, code="required",
                          field="held_on")
    # A year ahead at most, counted in days: `replace(year=…)` fails on 29 February.
    if held_on.year < 2000 or held_on > today() + datetime.timedelta(days=366):
        raise DomainError(_("The date held is out of range."), code="invalid_date", field="held_on")
    if ends_on is not None and ends_on < held_on:
        raise DomainError(_("The end date cannot be before the start date."), code="date_order", field="ends_on")
    a.kind, a.held_on, a.ends_on = kind, held_on, ends_on
    a.title = _text(title, "title", _("The title"))
    a.place = _text(place, "place", _("The place"), required=False)
    a.description = _text(description, "description", _("Description"), required=False, limit=4000)
    return a


@transaction.atomic
def create_activity(*, actor, org, kind, title, held_on, ends_on=None, place="", description="") -> JobActivity:
    if org is None or not org.is_active:
        raise DomainError(_("Choose the organising union."), code="required", field="org")
    require(actor, CHANGE, org)
    a = _clean(JobActivity(org=org), kind=kind, title=title, held_on=held_on, ends_on=ends_on, place=place,
               description=description)
    # A second click on the page (the API has its Idempotency-Key) must not record it twice.
    if JobActivity.objects.filter(org=org, kind=a.kind, title=a.title, held_on=a.held_on).exists():
        raise DomainError(_("%(org)s already recorded “%(title)s” on %(day)s.")
                          % {"org": org.name, "title": a.title, "day": a.held_on.isoformat()},
                          code="already_exists", field="title")
    a.save()
    audit.record(actor=actor, action="competitions.activity_create", obj=a, org=org,
                 after=audit.snapshot(a, fields=FIELDS))
    return a


@transaction.atomic
def update_activity(*, actor, activity, kind, title, held_on, ends_on=None, place="", description="") \
        -> JobActivity:
    a = lock_one(JobActivity, activity.pk)
    require(actor, CHANGE, a.org)
    before = audit.snapshot(a, fields=FIELDS)
    _clean(a, kind=kind, title=title, held_on=held_on, ends_on=ends_on, place=place, description=description)
    a.save()
    audit.record(actor=actor, action="competitions.activity_edit", obj=a, org=a.org, before=before,
                 after=audit.snapshot(a, fields=FIELDS))
    return a


@transaction.atomic
def delete_activity(*, actor, activity) -> None:
    a = lock_one(JobActivity, activity.pk)
    require(actor, CHANGE, a.org)
    before = {**audit.snapshot(a, fields=FIELDS), "participants": a.participant_count}
    org = a.org
    audit.record(actor=actor, action="competitions.activity_delete", obj=a, org=org, before=before)
    a.delete()


@transaction.atomic
def add_participant(*, actor, activity, person, result="", note="") -> ActivityParticipant:
    a = lock_one(JobActivity, activity.pk)
    require(actor, CHANGE, a.org)
    if person is None:
        raise DomainError(_("Choose the participant."), code="required", field="person")
    if not person.memberships.filter(union__path__startswith=a.org.path, status__in=LIVE_STATUSES).exists():
        raise DomainError(_("%(name)s is not a member of %(org)s.") % {"name": person.name, "org": a.org.name},
                          code="not_a_member", field="person")
    if a.participant_count >= rules().max_participants:
        raise DomainError(_("An activity records at most %(n)s participants.") % {"n": rules().max_participants},
                          code="too_many", field="person")
    if a.participants.filter(person=person).exists():
        raise DomainError(_("%(name)s is already a participant.") % {"name": person.name}, code="already_exists",
                          field="person")
    p = ActivityParticipant(activity=a, person=person, result=_text(result, "result", _("The result"),
                                                                     required=False),
                            note=_text(note, "note", _("Note"), required=False, limit=200))
    try:
        with transaction.atomic():
            p.save()
    except IntegrityError as exc:
        raise DomainError(_("%(name)s is already a participant.") % {"name": person.name}, code="already_exists",
                          field="person") from exc
    a.participant_count += 1
    a.save(update_fields=["participant_count", "updated_at"])
    audit.record(actor=actor, action="competitions.activity_participant_add", obj=a, org=a.org,
                 after={"person": person.pk, "result": p.result})
    return p


@transaction.atomic
def remove_participant(*, actor, participant) -> None:
    a = lock_one(JobActivity, participant.activity_id)
    require(actor, CHANGE, a.org)
    person_id = participant.person_id
    deleted, _n = ActivityParticipant.objects.filter(pk=participant.pk, activity=a).delete()
    if not deleted:  # a second click: already removed, nothing to count or audit
        return
    a.participant_count = max(0, a.participant_count - 1)
    a.save(update_fields=["participant_count", "updated_at"])
    audit.record(actor=actor, action="competitions.activity_participant_remove", obj=a, org=a.org,
                 before={"person": person_id})


class _ExportRef:
    class _meta:  # noqa: N801 — what audit.record reads
        label = "competitions.ActivityExport"

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("On-the-job activities export")


def export_activities(*, actor, filters):
    """(rewound temporary file, rows) of the filtered list, audited once per top org exported."""
    import tempfile

    from gonghui.core.excel import XlsxStream

    from ..selectors.activities import filtered

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    listed = filtered(actor, filters).values("pk")
    exportable = JobActivity.objects.visible_to(actor, EXPORT).values("pk")
    qs = (JobActivity.objects.filter(pk__in=listed).filter(pk__in=exportable).order_by("-held_on", "-id")
          .values_list("title", "kind", "org__name", "held_on", "ends_on", "place", "participant_count"))
    kinds = dict(ActivityKind.choices)
    headers = [_("Activity"), _("Kind"), _("Organiser"), _("Held on"), _("Ends on"), _("Place"), _("Participants")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    try:
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("On-the-job activities"), headers=headers, widths=[36, 24, 28, 12, 12, 20, 8])
            for values in qs.iterator(chunk_size=1000):
                row = list(values)
                row[1] = str(kinds.get(row[1], row[1]))
                sheet.append(row)
                rows += 1
        ref = uuid.uuid4().hex
        places = [filters.org] if filters.org is not None else (
            list(Org.objects.filter(depth=1)) if actor.is_superuser
            else list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
        for place in places or [None]:
            audit.record(actor=actor, action="competitions.activity_export", obj=_ExportRef(ref),
                         object_type="competitions.ActivityExport", org=place,
                         after={"filters": {"kind": filters.kind, "year": filters.year, "q": filters.q},
                                "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows
