"""Every write of liaison points (联系基层工作点). Each function is atomic, checks
`grassroots.liaise` on the enterprise's town, locks what it changes, validates, and writes the
audit trail (`grassroots.liaison_*`).

- `assign_cadre`: one cadre to one or many enterprises (bulk assign), all or nothing;
- `end_assignment`: the cadre stops being the enterprise's liaison;
- `record_visit`: a visit with its topics (and optionally its first follow-up action);
- `add_follow_up` / `close_follow_up`: follow-up actions with an owner and a due date;
- `remind_follow_ups`: the daily reminder job's work (owners, or the town's cadres).
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import Enterprise

from ..models.liaison import (
    AssignmentStatus,
    FollowUpStatus,
    LiaisonAssignment,
    LiaisonFollowUp,
    LiaisonTopic,
    LiaisonVisit,
    LiaisonVisitTopic,
)
from ..policies.liaison import CADRE_ROLES, LIAISE
from ..rules.liaison import rules


def today():
    return timezone.localdate()


def _text(value, field, label, *, required=True, limit=None):
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if limit and len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _day(value, field, label):
    if value is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if not isinstance(value, datetime.date):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, code="invalid_date", field=field)
    return value


def _not_future(value, field, label):
    if value > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)


def user_name(user):
    return (getattr(user, "display_name", "") or user.get_username())[:64]


def is_cadre_for(user, town) -> bool:
    """A liaison cadre: an active account holding DISTRICT_STAFF or TOWN_CADRE on the town or
    above it (whose reach covers the enterprise's town)."""
    if user is None or not user.is_active or town is None:
        return False
    return any(role in CADRE_ROLES and town.path.startswith(path) for role, path in user._assignments())


def _check_cadre(cadre, town, enterprise, field="cadre"):
    if not is_cadre_for(cadre, town):
        raise DomainError(_("%(cadre)s is not a district or town cadre whose area covers %(enterprise)s.")
                          % {"cadre": user_name(cadre), "enterprise": enterprise.name},
                          code="not_a_cadre", field=field)


def _names(names, limit=10):
    """Enterprise names for a message: the first `limit`, then how many more."""
    shown = "、".join(names[:limit])
    if len(names) > limit:
        shown += _(" and %(n)s more") % {"n": len(names) - limit}
    return shown


def _town_of(enterprise):
    town = enterprise.town
    if town is None:
        raise DomainError(_("%(enterprise)s has no town.") % {"enterprise": enterprise.name}, code="no_town",
                          field="enterprise")
    return town


# --- assignments ------------------------------------------------------------------------------

@transaction.atomic
def assign_cadre(*, actor, cadre, enterprises, starts_on, ends_on=None, note="") -> list[LiaisonAssignment]:
    """Make `cadre` the liaison cadre of each enterprise (bulk assign: all or nothing)."""
    enterprises = list(dict.fromkeys(enterprises))
    if not enterprises:
        raise DomainError(_("Select at least one enterprise."), code="required", field="enterprises")
    require(actor, LIAISE)
    for enterprise in enterprises:
        require(actor, LIAISE, _town_of(enterprise))
    starts_on = _day(starts_on, "starts_on", _("The start date"))
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("The end date is before the start date."), code="date_order", field="ends_on")
    note = _text(note, "note", _("The note"), required=False, limit=200)
    if cadre is None:
        raise DomainError(_("Choose the cadre."), code="required", field="cadre")
    # every refused row is named at once, so one correction fixes the whole selection
    outside = [e.name for e in enterprises if not is_cadre_for(cadre, e.town)]
    if len(outside) == 1 and len(enterprises) == 1:
        _check_cadre(cadre, enterprises[0].town, enterprises[0])
    if outside:
        raise DomainError(_("%(cadre)s is not a district or town cadre whose area covers: %(names)s.")
                          % {"cadre": user_name(cadre), "names": _names(outside)}, code="not_a_cadre", field="cadre")
    # lock the cadre's live assignments of these enterprises: two bulk assigns at once cannot both win
    live = list(LiaisonAssignment.objects.select_for_update()
                .filter(cadre=cadre, enterprise__in=enterprises, status=AssignmentStatus.ACTIVE))
    # a live assignment whose period ended before the new one starts is over: it is ended here
    # (nothing else ends it), so the cadre can be assigned the enterprise again
    expired = [a for a in live if a.ends_on is not None and a.ends_on < starts_on]
    taken = {a.enterprise_id for a in live if a not in expired}
    clash = [e.name for e in enterprises if e.pk in taken]
    if clash:
        raise DomainError(_("%(cadre)s is already the liaison cadre of: %(names)s.")
                          % {"cadre": user_name(cadre), "names": _names(clash)},
                          code="already_open", field="enterprises")
    for old in expired:
        before = audit.snapshot(old)
        old.status = AssignmentStatus.ENDED
        old.save(update_fields=["status"])
        was, now = audit.changed(before, audit.snapshot(old))
        audit.record(actor=actor, action="grassroots.liaison_end", obj=old, org=old.town, before=was, after=now)
    created = []
    for enterprise in enterprises:
        assignment = LiaisonAssignment(town=enterprise.town, enterprise=enterprise, cadre=cadre,
                                       cadre_name=user_name(cadre), starts_on=starts_on, ends_on=ends_on, note=note)
        assignment.full_clean(validate_constraints=False)
        created.append(assignment)
    try:
        with transaction.atomic():
            LiaisonAssignment.objects.bulk_create(created)
    except IntegrityError as exc:  # a concurrent assign got there first
        raise DomainError(_("%(cadre)s was just assigned one of these enterprises by someone else; reload and "
                            "try again.") % {"cadre": user_name(cadre)}, code="already_open",
                          field="enterprises") from exc
    if any(a.pk is None for a in created):  # backends without RETURNING: read them back
        created = list(LiaisonAssignment.objects.filter(cadre=cadre, enterprise__in=enterprises,
                                                        status=AssignmentStatus.ACTIVE).select_related("enterprise"))
    for assignment in created:
        audit.record(actor=actor, action="grassroots.liaison_assign", obj=assignment, org=assignment.town,
                     after=audit.snapshot(assignment))
    return created


@transaction.atomic
def end_assignment(*, actor, assignment, ends_on=None, note="") -> LiaisonAssignment:
    """The cadre is no longer the enterprise's liaison (kept in the list as ended)."""
    require(actor, LIAISE, assignment.town)
    assignment = lock_one(LiaisonAssignment, assignment.pk)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise DomainError(_("This assignment has already ended."), code="wrong_stage")
    ends_on = _day(ends_on or today(), "ends_on", _("The end date"))
    # ENDED takes effect now: an end date still to come would leave a running period marked
    # ended (and let the same cadre be assigned the enterprise twice over the same days)
    _not_future(ends_on, "ends_on", _("The end date"))
    if ends_on < assignment.starts_on:
        raise DomainError(_("The end date is before the start date (%(date)s).")
                          % {"date": assignment.starts_on.isoformat()}, code="date_order", field="ends_on")
    before = audit.snapshot(assignment)
    assignment.ends_on = ends_on
    assignment.status = AssignmentStatus.ENDED
    if note:
        assignment.note = _text(note, "note", _("The note"), required=False, limit=200)
    assignment.full_clean()
    assignment.save()
    old, new = audit.changed(before, audit.snapshot(assignment))
    audit.record(actor=actor, action="grassroots.liaison_end", obj=assignment, org=assignment.town,
                 before=old, after=new)
    return assignment


# --- visits -------------------------------------------------------------------------------------

@dataclass
class FollowUpInput:
    action: str
    due_on: datetime.date | None
    owner: object = None          # a cadre's account, or None with owner_name
    owner_name: str = ""


@dataclass
class VisitInput:
    visited_on: datetime.date | None
    topics: list = field(default_factory=list)
    cadre: object = None          # the cadre's account (default: the actor when they are a cadre)
    cadre_name: str = ""          # or a cadre without an account (paper records)
    companions: str = ""
    topic_other: str = ""
    notes: str = ""
    problems: str = ""
    follow_ups: list = field(default_factory=list)


def _topics(values, other):
    codes = [str(v) for v in (values or [])]
    unknown = [c for c in codes if c not in LiaisonTopic.values]
    if unknown:
        raise DomainError(_("Unknown topic: %(topic)s.") % {"topic": unknown[0][:20]}, code="invalid_topic",
                          field="topics")
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise DomainError(_("Tick at least one topic of the visit."), code="required", field="topics")
    other = _text(other, "topic_other", _("The other topic"), required=False, limit=100)
    if LiaisonTopic.OTHER in codes and not other:
        raise DomainError(_("“Other” is ticked: say what the other topic was."), code="required", field="topic_other")
    if other and LiaisonTopic.OTHER not in codes:
        codes.append(LiaisonTopic.OTHER)
    return codes, other


def _follow_up(*, visit, data: FollowUpInput, prefix=""):
    label_field = f"{prefix}action" if prefix else "action"
    action = _text(data.action, label_field, _("The follow-up action"), limit=300)
    due_on = _day(data.due_on, f"{prefix}due_on", _("The due date"))
    if due_on < visit.visited_on:
        raise DomainError(_("The due date is before the visit (%(date)s).") % {"date": visit.visited_on.isoformat()},
                          code="date_order", field=f"{prefix}due_on")
    if data.owner is not None:
        _check_cadre(data.owner, visit.town, visit.enterprise, field=f"{prefix}owner")
        owner_name = user_name(data.owner)
    else:
        owner_name = _text(data.owner_name, f"{prefix}owner_name", _("The owner"), limit=64)
    follow_up = LiaisonFollowUp(visit=visit, town=visit.town, enterprise=visit.enterprise, action=action,
                                owner=data.owner, owner_name=owner_name, due_on=due_on)
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def record_visit(*, actor, enterprise, data: VisitInput) -> LiaisonVisit:
    """Log a visit to an enterprise: date, cadre(s), topics, notes, problems found, and the
    follow-up actions agreed (each with an owner and a due date)."""
    town = _town_of(enterprise)
    require(actor, LIAISE, town)
    visited_on = _day(data.visited_on, "visited_on", _("The visit date"))
    _not_future(visited_on, "visited_on", _("The visit date"))
    if visited_on < today() - datetime.timedelta(days=rules().backdate_days):
        raise DomainError(_("The visit date is more than %(n)s days ago.") % {"n": rules().backdate_days},
                          code="too_old", field="visited_on")
    codes, other = _topics(data.topics, data.topic_other)
    cadre = data.cadre
    if cadre is None and not (data.cadre_name or "").strip() and is_cadre_for(actor, town):
        cadre = actor
    if cadre is not None:
        _check_cadre(cadre, town, enterprise)
        cadre_name = user_name(cadre)
    else:
        cadre_name = _text(data.cadre_name, "cadre_name", _("The cadre's name"), limit=64)
    notes = _text(data.notes, "notes", _("What was discussed"), required=False, limit=5000)
    problems = _text(data.problems, "problems", _("The problems found"), required=False, limit=5000)
    if not notes and not problems:
        raise DomainError(_("Write what was discussed or the problems found."), code="required", field="notes")
    # a second submission of the same form (double click, resent page) is not a second visit:
    # the enterprise's row serialises two at once, the look-up refuses the later one
    lock_one(Enterprise, enterprise.pk)
    if LiaisonVisit.objects.filter(enterprise=enterprise, visited_on=visited_on, cadre_name=cadre_name, notes=notes,
                                   problems=problems).exists():
        raise DomainError(_("This visit is already recorded: the same enterprise, day, cadre and notes."),
                          code="duplicate", field="visited_on")
    visit = LiaisonVisit(town=town, enterprise=enterprise, visited_on=visited_on, cadre=cadre, cadre_name=cadre_name,
                         companions=_text(data.companions, "companions", _("The other cadres"), required=False,
                                          limit=200),
                         topic_other=other, notes=notes, problems=problems,
                         created_by=actor if getattr(actor, "pk", None) else None)
    visit.full_clean()
    visit.save()
    LiaisonVisitTopic.objects.bulk_create([LiaisonVisitTopic(visit=visit, topic=code) for code in codes])
    follow_ups = []
    for number, item in enumerate(data.follow_ups, 1):
        try:
            follow_ups.append(_follow_up(visit=visit, data=item, prefix="follow_up_"))
        except DomainError as exc:
            if len(data.follow_ups) == 1:  # the page's single follow-up: its fields say which
                raise
            # several (API): say which one, so the caller knows what to correct
            raise DomainError(_("Follow-up action %(n)s: %(error)s") % {"n": number, "error": exc.text},
                              code=exc.code, field=exc.field) from exc
    audit.record(actor=actor, action="grassroots.liaison_visit", obj=visit, org=town,
                 after={**audit.snapshot(visit), "topics": codes})
    for follow_up in follow_ups:
        audit.record(actor=actor, action="grassroots.liaison_follow_up", obj=follow_up, org=town,
                     after=audit.snapshot(follow_up))
    return visit


@transaction.atomic
def update_visit(*, actor, visit, data: VisitInput) -> LiaisonVisit:
    """Correct a visit: the same rules as when it was logged; its topics are replaced. The
    enterprise stays (a visit to another enterprise is another visit); follow-ups are separate."""
    require(actor, LIAISE, visit.town)
    visit = lock_one(LiaisonVisit, visit.pk)
    before = {**audit.snapshot(visit), "topics": sorted(visit.topic_codes)}
    visited_on = _day(data.visited_on, "visited_on", _("The visit date"))
    _not_future(visited_on, "visited_on", _("The visit date"))
    # a new date obeys the logging rule; an old visit corrected in other fields keeps its date
    if visited_on != visit.visited_on and visited_on < today() - datetime.timedelta(days=rules().backdate_days):
        raise DomainError(_("The visit date is more than %(n)s days ago.") % {"n": rules().backdate_days},
                          code="too_old", field="visited_on")
    if visit.follow_ups.filter(Q(due_on__lt=visited_on) | Q(closed_on__lt=visited_on)).exists():
        # a follow-up cannot be due, nor closed, before the visit that agreed it
        raise DomainError(_("A follow-up action of this visit is due or closed before %(date)s.")
                          % {"date": visited_on.isoformat()}, code="date_order", field="visited_on")
    codes, other = _topics(data.topics, data.topic_other)
    if data.cadre is not None:
        _check_cadre(data.cadre, visit.town, visit.enterprise)
        visit.cadre, visit.cadre_name = data.cadre, user_name(data.cadre)
    elif (data.cadre_name or "").strip():
        visit.cadre, visit.cadre_name = None, _text(data.cadre_name, "cadre_name", _("The cadre's name"), limit=64)
    visit.visited_on, visit.topic_other = visited_on, other
    visit.companions = _text(data.companions, "companions", _("The other cadres"), required=False, limit=200)
    visit.notes = _text(data.notes, "notes", _("What was discussed"), required=False, limit=5000)
    visit.problems = _text(data.problems, "problems", _("The problems found"), required=False, limit=5000)
    if not visit.notes and not visit.problems:
        raise DomainError(_("Write what was discussed or the problems found."), code="required", field="notes")
    visit.full_clean()
    visit.save()
    visit.topics.exclude(topic__in=codes).delete()
    have = set(visit.topics.values_list("topic", flat=True))
    LiaisonVisitTopic.objects.bulk_create([LiaisonVisitTopic(visit=visit, topic=c) for c in codes if c not in have])
    old, new = audit.changed(before, {**audit.snapshot(visit), "topics": sorted(codes)})
    if new:
        audit.record(actor=actor, action="grassroots.liaison_visit_edit", obj=visit, org=visit.town, before=old,
                     after=new)
    return visit


@transaction.atomic
def add_follow_up(*, actor, visit, data: FollowUpInput) -> LiaisonFollowUp:
    require(actor, LIAISE, visit.town)
    visit = lock_one(LiaisonVisit, visit.pk)
    follow_up = _follow_up(visit=visit, data=data)
    audit.record(actor=actor, action="grassroots.liaison_follow_up", obj=follow_up, org=visit.town,
                 after=audit.snapshot(follow_up))
    return follow_up


@transaction.atomic
def close_follow_up(*, actor, follow_up, closed_on=None, note="") -> LiaisonFollowUp:
    """Close a follow-up action with what was done and when."""
    require(actor, LIAISE, follow_up.town)
    follow_up = LiaisonFollowUp.objects.select_for_update().select_related("visit").get(pk=follow_up.pk)
    if follow_up.status != FollowUpStatus.OPEN:
        raise DomainError(_("This follow-up action is already closed."), code="wrong_stage")
    closed_on = _day(closed_on or today(), "closed_on", _("The closing date"))
    _not_future(closed_on, "closed_on", _("The closing date"))
    if closed_on < follow_up.visit.visited_on:
        raise DomainError(_("The closing date is before the visit (%(date)s).")
                          % {"date": follow_up.visit.visited_on.isoformat()}, code="date_order", field="closed_on")
    before = audit.snapshot(follow_up)
    follow_up.closure_note = _text(note, "note", _("What was done"), limit=500)
    follow_up.closed_on = closed_on
    follow_up.status = FollowUpStatus.CLOSED
    follow_up.full_clean()
    follow_up.save()
    old, new = audit.changed(before, audit.snapshot(follow_up))
    audit.record(actor=actor, action="grassroots.liaison_follow_up_close", obj=follow_up, org=follow_up.town,
                 before=old, after=new)
    return follow_up


# --- reminders ----------------------------------------------------------------------------------

def remind_follow_ups(on: datetime.date | None = None) -> int:
    """Notify the owner of every open follow-up due within `rules().remind_days` days or overdue
    (an owner without an account: the cadres of the enterprise's town). Idempotent: one
    notification per person, follow-up, due date and state (due soon, then overdue)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from gonghui.accounts.selectors import chairs_and_town_cadres
    from gonghui.core.notifications import notify

    on = on or today()
    limit = on + datetime.timedelta(days=rules().remind_days)
    due = list(LiaisonFollowUp.objects.select_related("town", "enterprise", "owner")
               .filter(status=FollowUpStatus.OPEN, due_on__lte=limit).order_by("due_on", "pk"))
    towns = {f.town for f in due if f.owner is None or not f.owner.is_active}
    cadres = chairs_and_town_cadres(towns) if towns else {}
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for follow_up in due:
            overdue = follow_up.due_on < on
            recipients = ([follow_up.owner] if follow_up.owner is not None and follow_up.owner.is_active
                          else cadres.get(follow_up.town_id, []))
            title = (_("Overdue follow-up at %(enterprise)s") if overdue
                     else _("Follow-up due soon at %(enterprise)s")) % {"enterprise": follow_up.enterprise.name}
            body = _("%(action)s — owner %(owner)s, due on %(date)s.") % {
                "action": follow_up.action, "owner": follow_up.owner_name, "date": follow_up.due_on.isoformat()}
            created += notify(recipients=recipients, org=follow_up.town, title=title, body=body,
                              key=f"grassroots:liaison_follow_up:{follow_up.pk}:{follow_up.due_on}:"
                                  f"{'overdue' if overdue else 'soon'}",
                              url=reverse("grassroots:liaison_visit_detail", args=[follow_up.visit_id]))
    return created


# --- Excel exports ------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref, label):
        self.pk, self.label = ref, label

    def __str__(self):
        return str(self.label)


def _export(*, actor, org, report, filters, write):
    """(rewound temporary file, rows) written by `write(book) -> rows`; one audit row."""
    import tempfile
    import uuid

    from gonghui.core.excel import XlsxStream

    from ..policies.liaison import EXPORT

    require(actor, EXPORT, org) if org is not None else require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        with XlsxStream(handle) as book:
            rows = write(book)
        audit.record(actor=actor, action="grassroots.liaison_export", obj=_ExportRef(uuid.uuid4().hex, report),
                     object_type="grassroots.LiaisonExport", org=org,
                     after={"report": report, "filters": filters, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


def export_visits(*, actor, filters):
    from ..models.liaison import LiaisonVisit
    from ..policies.liaison import EXPORT
    from ..selectors import liaison as selectors

    listed = selectors.filtered_visits(actor, filters).values("pk")
    qs = (LiaisonVisit.objects.filter(pk__in=listed).filter(pk__in=selectors.visits(actor, EXPORT).values("pk"))
          .select_related("town", "enterprise").prefetch_related("topics", "follow_ups").order_by("-visited_on", "-pk"))
    headers = [_("Visited on"), _("Town"), _("Enterprise"), _("Top-100"), _("Liaison cadre"),
               _("Other cadres on the visit"), _("Topics"), _("What was discussed"), _("Problems found"),
               _("Open follow-ups"), _("Overdue follow-ups")]

    def write(book):
        sheet = book.sheet(_("Liaison visits"), headers=headers, widths=[12, 16, 30, 8, 12, 16, 30, 40, 40, 8, 8])
        on, rows = today(), 0
        for visit in qs.iterator(chunk_size=500):
            ups = list(visit.follow_ups.all())
            topics = "、".join(str(label) for label in visit.topic_labels())
            if visit.topic_other:
                topics += f"（{visit.topic_other}）"
            sheet.append([visit.visited_on, visit.town.name, visit.enterprise.name,
                          _("Yes") if visit.enterprise.top100 else "", visit.cadre_name, visit.companions, topics,
                          visit.notes, visit.problems, sum(1 for f in ups if f.status == FollowUpStatus.OPEN),
                          sum(1 for f in ups if f.is_overdue(on))])
            rows += 1
        return rows

    return _export(actor=actor, org=filters.org, report="visits", write=write,
                   filters={"q": filters.q, "topic": filters.topic, "org": filters.org.pk if filters.org else None,
                            "date_from": str(filters.date_from or ""), "date_to": str(filters.date_to or "")})


def export_assignments(*, actor, filters):
    from ..policies.liaison import EXPORT
    from ..selectors import liaison as selectors

    listed = selectors.filtered_assignments(actor, filters).values("pk")
    qs = (selectors.assignment_rows().filter(pk__in=listed)
          .filter(pk__in=selectors.assignments(actor, EXPORT).values("pk")).order_by("town__path", "cadre_name", "pk"))
    headers = [_("Town"), _("Enterprise"), _("Top-100"), _("Headcount"), _("Liaison cadre"), _("Starts on"),
               _("Ends on"), _("Status"), _("Last visit"), _("Note")]

    def write(book):
        sheet = book.sheet(_("Liaison assignments"), headers=headers, widths=[16, 30, 8, 8, 12, 12, 12, 8, 12, 24])
        rows = 0
        for a in qs.iterator(chunk_size=500):
            sheet.append([a.town.name, a.enterprise.name, _("Yes") if a.enterprise.top100 else "",
                          a.enterprise.headcount, a.cadre_name, a.starts_on, a.ends_on, str(a.get_status_display()),
                          a.last_visit_on, a.note])
            rows += 1
        return rows

    return _export(actor=actor, org=filters.org, report="assignments", write=write,
                   filters={"q": filters.q, "status": filters.status, "org": filters.org.pk if filters.org else None})


def export_follow_ups(*, actor, filters):
    from ..policies.liaison import EXPORT
    from ..selectors import liaison as selectors

    listed = selectors.filtered_follow_ups(actor, filters).values("pk")
    qs = (selectors.follow_up_rows().filter(pk__in=listed)
          .filter(pk__in=selectors.follow_ups(actor, EXPORT).values("pk")).order_by("due_on", "pk"))
    headers = [_("Due on"), _("Town"), _("Enterprise"), _("Visited on"), _("Action to take"), _("Owner"), _("Status"),
               _("Closed on"), _("What was done")]

    def write(book):
        sheet = book.sheet(_("Follow-up actions"), headers=headers, widths=[12, 16, 30, 12, 40, 12, 10, 12, 30])
        on, rows = today(), 0
        for f in qs.iterator(chunk_size=500):
            status = _("Overdue") if f.is_overdue(on) else str(f.get_status_display())
            sheet.append([f.due_on, f.town.name, f.enterprise.name, f.visit.visited_on, f.action, f.owner_name, status,
                          f.closed_on, f.closure_note])
            rows += 1
        return rows

    return _export(actor=actor, org=filters.org, report="follow_ups", write=write,
                   filters={"q": filters.q, "due": filters.due, "mine": filters.mine,
                            "org": filters.org.pk if filters.org else None})


def export_coverage(*, actor, quarter, org=None):
    """The coverage report of a quarter: per town, per cadre, and the enterprises not visited."""
    from ..selectors import liaison as selectors

    report = selectors.coverage(actor, quarter, org)
    missing = selectors.uncovered_rows(quarter).filter(
        pk__in=selectors.uncovered(actor, quarter, org).values("pk")).order_by("town__path", "-headcount", "pk")

    def write(book):
        towns = book.sheet(_("Per town"), headers=[_("Town"), _("Enterprises to visit"), _("Visited"),
                                                     _("Not visited"), _("Coverage %")], widths=[20, 12, 10, 10, 10])
        for row in report.towns:
            towns.append([row.town.name, row.targets, row.visited, row.not_visited, row.percent])
        cadres = book.sheet(_("Per cadre"), headers=[_("Liaison cadre"), _("Town"), _("Assigned enterprises"),
                                                       _("Visited"), _("Not visited"), _("Coverage %")],
                            widths=[14, 20, 12, 10, 10, 10])
        for row in report.cadres:
            cadres.append([row.cadre_name, row.town_name, row.assigned, row.visited, row.not_visited, row.percent])
        sheet = book.sheet(_("Not visited"), headers=[_("Town"), _("Enterprise"), _("Top-100"), _("Headcount"),
                                                       _("Union"), _("Liaison cadre"), _("Last visit")],
                           widths=[16, 30, 8, 8, 24, 16, 12])
        rows = 0
        for e in missing.iterator(chunk_size=500):
            sheet.append([e.town.name, e.name, _("Yes") if e.top100 else "", e.headcount,
                          e.union.name if e.union_id else "", "、".join(a.cadre_name for a in e.quarter_assignments),
                          e.last_visit_on])
            rows += 1
        return rows

    return _export(actor=actor, org=org, report="coverage", write=write,
                   filters={"quarter": quarter.label, "org": org.pk if org else None})
