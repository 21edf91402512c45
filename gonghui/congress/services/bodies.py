"""Every write of congress terms (届) and their delegate rolls. Each function is atomic, checks
the actor's `congress.change` on the enterprise union's subtree, locks the term (so two people
changing the roll at once cannot together break the managers' share), validates, and writes the
audit trail (`congress.<verb>`).

Rules (DOMAIN.md §3, numbers in `rules.py`):
- the form follows the headcount at constitution (≥100: congress, else all-staff meeting) and is
  never chosen by the user; the delegate quota is computed from it and stored;
- one current term per enterprise (also a DB constraint); the next term is numbered +1;
- managers are at most 20% of the current, non-substitute delegates of a congress, checked on
  every add, edit and promotion (an all-staff meeting has no elected delegates to balance);
- substitutes count neither in the quota nor in the share.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.members.models import Membership

from .. import rules as congress_rules
from ..deadlines import term_end
from ..models import BodyKind, BodyStatus, CongressBody, Delegate, DelegateCategory, SessionStatus
from ..policies import CHANGE

# A headcount beyond this is a typing error (and would overflow the quota arithmetic's column).
MAX_HEADCOUNT = 10_000_000
# Lines of one pasted delegate list.
MAX_BULK_LINES = 500


def today():
    return timezone.localdate()


def wrong_status(message):
    return DomainError(message, code="wrong_stage")


def _not_future(day, field, label):
    if day and day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)


def _locked(body):
    return lock_one(CongressBody, body.pk)


def _require_current(body):
    if body.status != BodyStatus.ACTIVE:
        raise wrong_status(_("This congress term has ended; the roll of an ended term cannot change."))


# --- terms ----------------------------------------------------------------------------------------

# Terms start no earlier than this, and at most `TERM_START_AHEAD` after today: a date beyond
# either is a typing error (and a start near year 9999 has no representable end date).
EARLIEST_TERM_START = datetime.date(1950, 1, 1)
TERM_START_AHEAD = datetime.timedelta(days=366)


def check_term_start(term_starts_on):
    latest = today() + TERM_START_AHEAD
    if term_starts_on is None or not EARLIEST_TERM_START <= term_starts_on <= latest:
        raise DomainError(_("A term starts between %(earliest)s and %(latest)s (at most a year ahead).")
                          % {"earliest": EARLIEST_TERM_START.isoformat(), "latest": latest.isoformat()},
                          code="date_range", field="term_starts_on")


def check_term(*, headcount, term_years):
    if headcount is None or headcount < 1:
        raise DomainError(_("Give the number of staff (at least 1)."), code="headcount_required", field="headcount")
    if headcount > MAX_HEADCOUNT:
        raise DomainError(_("%(n)s staff is not a plausible number.") % {"n": headcount}, code="headcount_range",
                          field="headcount")
    r = congress_rules.rules()
    if not r.term_years_min <= term_years <= r.term_years_max:
        raise DomainError(_("A term lasts %(min)s to %(max)s years; %(n)s years is not allowed.")
                          % {"min": r.term_years_min, "max": r.term_years_max, "n": term_years},
                          code="term_years", field="term_years")


def _already_current(enterprise):
    return DomainError(_("%(enterprise)s already has a congress in its current term; end that term first.")
                       % {"enterprise": enterprise.name}, code="already_open")


@transaction.atomic
def constitute_body(*, actor, enterprise, term_starts_on, term_years, headcount=None, kind=None) -> CongressBody:
    """Constitute a congress term for an enterprise of the actor's subtree. The form and the quota
    follow from the headcount; `kind`, when a caller sends it, must be that form."""
    org = enterprise.union
    if org is None:
        raise DomainError(_("%(enterprise)s has no union yet: a congress is constituted by the enterprise's "
                            "union.") % {"enterprise": enterprise.name}, code="no_union", field="enterprise")
    require(actor, CHANGE, org)
    headcount = enterprise.headcount if headcount is None else headcount
    check_term(headcount=headcount, term_years=term_years)
    check_term_start(term_starts_on)
    expected = congress_rules.body_kind_for(headcount)
    if kind and kind != expected:
        raise DomainError(_("With %(n)s staff the form is “%(form)s” (a workers' congress from %(min)s staff).")
                          % {"n": headcount, "form": BodyKind(expected).label,
                             "min": congress_rules.rules().congress_min_headcount}, code="wrong_form", field="kind")
    previous = (CongressBody.objects.select_for_update().filter(enterprise=enterprise)
                .order_by("-term_number").first())
    if previous is not None and previous.status == BodyStatus.ACTIVE:
        raise _already_current(enterprise)
    if previous is not None and term_starts_on <= previous.term_starts_on:
        raise DomainError(_("Term %(n)s started on %(date)s; the next term must start after it.")
                          % {"n": previous.term_number, "date": previous.term_starts_on.isoformat()},
                          code="date_order", field="term_starts_on")
    body = CongressBody(
        org=org, enterprise=enterprise, kind=expected, term_number=(previous.term_number + 1) if previous else 1,
        term_years=term_years, term_starts_on=term_starts_on, term_ends_on=term_end(term_starts_on, term_years),
        headcount=headcount, delegate_quota=congress_rules.delegate_quota(headcount), status=BodyStatus.ACTIVE)
    body.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            body.save()
    except IntegrityError as exc:  # a concurrent constitution won the race
        raise _already_current(enterprise) from exc
    audit.record(actor=actor, action="congress.constitute", obj=body, org=org,
                 after={k: v for k, v in audit.snapshot(body).items() if v not in (None, "")})
    return body


@transaction.atomic
def end_term(*, actor, body, reason="") -> CongressBody:
    """End the current term (re-election due, enterprise closed…). A session still planned must
    be held or cancelled first: it belongs to this term."""
    require(actor, CHANGE, body.org)
    body = _locked(body)
    if body.status != BodyStatus.ACTIVE:
        raise wrong_status(_("This term has already ended."))
    planned = body.sessions.filter(status=SessionStatus.PLANNED).order_by("number").first()
    if planned is not None:
        raise wrong_status(_("Session %(n)s (%(title)s) is still planned: record it as held or cancel it first.")
                           % {"n": planned.number, "title": planned.title})
    body.status = BodyStatus.ENDED
    body.save(update_fields=["status", "updated_at"])
    after = {"status": body.status}
    if reason.strip():
        after["reason"] = reason.strip()
    audit.record(actor=actor, action="congress.end_term", obj=body, org=body.org,
                 before={"status": BodyStatus.ACTIVE}, after=after)
    return body


@transaction.atomic
def constitute_next_term(*, actor, body, term_starts_on, term_years, headcount=None) -> CongressBody:
    """End `body` when it is still current, and constitute the enterprise's next term (+1)."""
    require(actor, CHANGE, body.org)
    body = _locked(body)
    if body.status == BodyStatus.ACTIVE:
        end_term(actor=actor, body=body, reason=_("Next term constituted"))
    enterprise = body.enterprise
    if enterprise.union_id != body.org_id:
        raise DomainError(_("%(enterprise)s now belongs to another union; that union constitutes its next term.")
                          % {"enterprise": enterprise.name}, code="union_changed", field="enterprise")
    return constitute_body(actor=actor, enterprise=enterprise, term_starts_on=term_starts_on,
                           term_years=term_years, headcount=headcount)


# --- the delegate roll ----------------------------------------------------------------------------

def current_delegates(body, on=None):
    """Delegates (not substitutes) of the term on the roll on `on` (today's roll when None)."""
    qs = body.delegates.filter(is_substitute=False)
    if on is None:
        return qs.filter(ended_on__isnull=True)
    from django.db.models import Q

    return qs.filter(elected_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def seated_managers(body) -> int:
    """Managers among the current non-substitute delegates (taken before a change of the roll)."""
    return current_delegates(body).filter(category=DelegateCategory.MANAGER).count()


def check_manager_share(body, *, managers_before, field="category"):
    """Managers ≤ 20% of the current non-substitute delegates of a congress (after the change).

    Only a change that seats more managers is refused: a roll pushed over the share by departures
    (never refused) must still take front-line workers one by one, name corrections and the like,
    or it could never be brought back under the limit through the pages."""
    if body.kind != BodyKind.CONGRESS:
        return
    roll = current_delegates(body)
    total = roll.count()
    managers = roll.filter(category=DelegateCategory.MANAGER).count()
    allowed = congress_rules.managers_allowed(total)
    if managers > allowed and managers > managers_before:
        raise DomainError(
            _("Managers would be %(managers)s of %(total)s delegates; at most %(allowed)s (%(pct)s%%) are allowed. "
              "Add front-line workers or technicians first, or record this delegate in another category.")
            % {"managers": managers, "total": total, "allowed": allowed,
               "pct": round(congress_rules.rules().manager_share_max * 100)},
            code="manager_share", field=field)


def _check_person(body, person):
    if person is None:
        return
    live = Membership.objects.live().filter(union=body.org, person=person).exists()
    if not live:
        raise DomainError(_("%(name)s is not a current member of %(union)s.") % {"name": person.name,
                                                                                 "union": body.org.name},
                          code="not_member", field="person")


def _check_delegate_dates(body, elected_on, field="elected_on"):
    _not_future(elected_on, field, _("The election date"))
    if elected_on < body.term_starts_on or elected_on > body.term_ends_on:
        raise DomainError(_("The election date must fall within the term (%(start)s – %(end)s).")
                          % {"start": body.term_starts_on.isoformat(), "end": body.term_ends_on.isoformat()},
                          code="date_order", field=field)


def _save_delegate(delegate):
    delegate.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            delegate.save()
    except IntegrityError as exc:
        raise DomainError(_("This member is already a delegate of this congress."), code="already_delegate",
                          field="person") from exc


@dataclass(frozen=True)
class DelegateInput:
    name: str
    category: str
    elected_on: datetime.date
    group: str = ""
    is_substitute: bool = False
    person: object = None


def _new_delegate(body, data: DelegateInput, *, field_prefix=""):
    _check_person(body, data.person)
    name = (data.name or "").strip() or (data.person.name if data.person is not None else "")
    if not name:
        raise DomainError(_("Give the delegate's name or choose a member."), code="name_required",
                          field=field_prefix + "name")
    if data.category not in DelegateCategory.values:
        raise DomainError(_("Choose a category."), code="category", field=field_prefix + "category")
    _check_delegate_dates(body, data.elected_on, field_prefix + "elected_on")
    delegate = Delegate(org=body.org, body=body, person=data.person, name=name[:64], group=data.group.strip()[:60],
                        category=data.category, is_substitute=data.is_substitute, elected_on=data.elected_on)
    _save_delegate(delegate)
    return delegate


@transaction.atomic
def add_delegate(*, actor, body, data: DelegateInput) -> Delegate:
    require(actor, CHANGE, body.org)
    body = _locked(body)
    _require_current(body)
    managers_before = seated_managers(body)
    delegate = _new_delegate(body, data)
    check_manager_share(body, managers_before=managers_before)
    audit.record(actor=actor, action="congress.delegate_add", obj=delegate, org=body.org,
                 after={k: v for k, v in audit.snapshot(delegate).items() if v not in (None, "", False)})
    return delegate


@transaction.atomic
def update_delegate(*, actor, delegate, name, category, group, elected_on) -> Delegate:
    require(actor, CHANGE, delegate.org)
    body = _locked(delegate.body)
    _require_current(body)
    delegate = lock_one(Delegate, delegate.pk)
    if delegate.ended_on is not None:
        raise wrong_status(_("This delegate has left the roll; an ended entry is not edited."))
    before = audit.snapshot(delegate)
    managers_before = seated_managers(body)
    if not (name or "").strip():
        raise DomainError(_("Give the delegate's name."), code="name_required", field="name")
    _check_delegate_dates(body, elected_on)
    delegate.name, delegate.category, delegate.group = name.strip()[:64], category, (group or "").strip()[:60]
    delegate.elected_on = elected_on
    _save_delegate(delegate)
    check_manager_share(body, managers_before=managers_before)
    old, new = audit.changed(before, audit.snapshot(delegate))
    if new:
        audit.record(actor=actor, action="congress.delegate_edit", obj=delegate, org=delegate.org, before=old,
                     after=new)
    return delegate


@transaction.atomic
def end_delegate(*, actor, delegate, ended_on, reason) -> Delegate:
    """A delegate leaves the roll (left the enterprise, recalled, resigned). Never refused for the
    share: the page flags a roll whose managers' share is now over the limit."""
    require(actor, CHANGE, delegate.org)
    body = _locked(delegate.body)
    _require_current(body)
    delegate = lock_one(Delegate, delegate.pk)
    if delegate.ended_on is not None:
        raise wrong_status(_("This delegate already left the roll on %(date)s.")
                           % {"date": delegate.ended_on.isoformat()})
    if not (reason or "").strip():
        raise DomainError(pgettext("congress delegate", "Give the reason for leaving."), code="reason_required",
                          field="reason")
    _not_future(ended_on, "ended_on", _("The date of leaving"))
    if ended_on < delegate.elected_on:
        raise DomainError(_("The date of leaving is before the election (%(date)s).")
                          % {"date": delegate.elected_on.isoformat()}, code="date_order", field="ended_on")
    delegate.ended_on, delegate.end_reason = ended_on, reason.strip()[:200]
    delegate.save(update_fields=["ended_on", "end_reason"])
    audit.record(actor=actor, action="congress.delegate_end", obj=delegate, org=delegate.org,
                 before={"ended_on": None}, after={"ended_on": ended_on.isoformat(), "end_reason": delegate.end_reason})
    return delegate


@transaction.atomic
def promote_substitute(*, actor, delegate) -> Delegate:
    """A substitute takes a seat on the roll (usually when a delegate leaves)."""
    require(actor, CHANGE, delegate.org)
    body = _locked(delegate.body)
    _require_current(body)
    delegate = lock_one(Delegate, delegate.pk)
    if not delegate.is_substitute or delegate.ended_on is not None:
        raise wrong_status(_("Only a current substitute can be promoted."))
    managers_before = seated_managers(body)
    delegate.is_substitute = False
    delegate.save(update_fields=["is_substitute"])
    check_manager_share(body, managers_before=managers_before)
    audit.record(actor=actor, action="congress.delegate_promote", obj=delegate, org=delegate.org,
                 before={"is_substitute": True}, after={"is_substitute": False})
    return delegate


# --- pasted lists ---------------------------------------------------------------------------------

CATEGORY_WORDS = {
    # What people type in a pasted list: the code, the English word or the Chinese term.
    "FRONT_LINE": DelegateCategory.FRONT_LINE, "一线": DelegateCategory.FRONT_LINE,
    "一线职工": DelegateCategory.FRONT_LINE, "工人": DelegateCategory.FRONT_LINE,
    "TECHNICIAN": DelegateCategory.TECHNICIAN, "技术": DelegateCategory.TECHNICIAN,
    "技术人员": DelegateCategory.TECHNICIAN, "专业技术人员": DelegateCategory.TECHNICIAN,
    "MANAGER": DelegateCategory.MANAGER, "管理": DelegateCategory.MANAGER, "管理人员": DelegateCategory.MANAGER,
    "中层以上管理人员": DelegateCategory.MANAGER, "领导": DelegateCategory.MANAGER,
    "OTHER": DelegateCategory.OTHER, "其他": DelegateCategory.OTHER,
}
SUBSTITUTE_WORDS = {"候补", "替补", "SUBSTITUTE", "是", "Y", "YES"}


def parse_delegate_lines(text, *, elected_on) -> list[DelegateInput]:
    """One delegate per line: name, category, delegation[, 候补]; separated by commas (，or ,),
    tabs (pasted from Excel) or several spaces. Errors name the line."""
    import re

    rows = []
    lines = [line for line in (text or "").splitlines()]
    if sum(1 for line in lines if line.strip()) > MAX_BULK_LINES:
        raise DomainError(_("At most %(n)s lines at once.") % {"n": MAX_BULK_LINES}, code="too_many", field="lines")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in re.split(r"[,，\t]|\s{2,}", line.strip())]
        name = parts[0]
        category_word = parts[1] if len(parts) > 1 else ""
        category = CATEGORY_WORDS.get(category_word.upper()) or CATEGORY_WORDS.get(category_word)
        where = _("Line %(n)s (%(name)s): ") % {"n": number, "name": name or "—"}
        if not name:
            raise DomainError(where + _("the name is missing."), code="name_required", field="lines")
        if len(name) > 64:
            raise DomainError(where + _("the name is longer than 64 characters."), code="name_length", field="lines")
        if category is None:
            raise DomainError(where + _("“%(word)s” is not a category; write 一线职工, 技术人员, 管理人员 or 其他.")
                              % {"word": category_word}, code="category", field="lines")
        group = parts[2] if len(parts) > 2 else ""
        substitute = len(parts) > 3 and parts[3].upper() in SUBSTITUTE_WORDS
        rows.append(DelegateInput(name=name, category=category, group=group[:60], elected_on=elected_on,
                                  is_substitute=substitute))
    if not rows:
        raise DomainError(_("Paste at least one line."), code="empty", field="lines")
    return rows


def _check_no_repeats(body, rows):
    """A name already on the current roll in the same delegation, or twice in the list, is a list
    pasted twice (or a double submit), which would silently double the roll against the quota.
    Namesakes in different delegations pass; a true namesake in the same one is added singly."""
    on_roll = set(body.delegates.filter(ended_on__isnull=True).values_list("name", "group"))
    seen = set()
    for row in rows:
        key = (row.name, row.group)
        if key in on_roll or key in seen:
            raise DomainError(_("%(name)s (%(group)s) is already on the roll or twice in the list; nothing was added. "
                                "Add a namesake in the same delegation on its own.")
                              % {"name": row.name, "group": row.group or "—"}, code="duplicate", field="lines")
        seen.add(key)


@transaction.atomic
def add_delegates(*, actor, body, rows: list[DelegateInput]) -> list[Delegate]:
    """Several delegates at once (a pasted list): all or none. The managers' share is checked on
    the roll they make together, so a list may start with its managers."""
    require(actor, CHANGE, body.org)
    body = _locked(body)
    _require_current(body)
    _check_no_repeats(body, rows)
    managers_before = seated_managers(body)
    created = [_new_delegate(body, row) for row in rows]
    check_manager_share(body, managers_before=managers_before, field="lines")
    audit.record(actor=actor, action="congress.delegate_bulk_add", obj=body, org=body.org,
                 after={"delegates": "; ".join(d.name for d in created), "count": len(created)})
    return created


# --- Excel exports --------------------------------------------------------------------------------

class _ExportRef:
    """What an export's audit row points at: the export itself (there is no model row)."""

    def __init__(self, ref, label):
        self.pk, self.label = ref, label

    def __str__(self):
        return str(self.label)


def _audit_export(*, actor, report, org, details):
    import uuid

    from gonghui.orgs.models import Org

    from ..policies import EXPORT

    ref = uuid.uuid4().hex
    if org is not None:
        places = [org]
    elif actor.is_superuser:
        places = list(Org.objects.filter(depth=1))
    else:
        places = list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))) or [None]
    for place in places:
        audit.record(actor=actor, action="congress.export", obj=_ExportRef(ref, _("Congress export")),
                     object_type="congress.Export", org=place, after={"report": report, **details})


def _export(*, actor, filters, report, write):
    import tempfile

    from ..policies import EXPORT

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        rows = write(handle)
        details = {k: (v.pk if hasattr(v, "pk") else v) for k, v in vars(filters).items() if v not in ("", None)}
        _audit_export(actor=actor, report=report, org=filters.org, details={"filters": details, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


def export_bodies(*, actor, filters):
    """(rewound temporary file, rows): the filtered congress terms the actor may export."""
    from gonghui.core.excel import XlsxStream

    from ..policies import EXPORT
    from ..selectors.bodies import body_rows, filtered_bodies

    def write(handle):
        listed = filtered_bodies(actor, filters).values("pk")
        exportable = CongressBody.objects.visible_to(actor, EXPORT).values("pk")
        qs = body_rows().filter(pk__in=listed).filter(pk__in=exportable).order_by("enterprise__name", "term_number")
        kinds, statuses = dict(BodyKind.choices), dict(BodyStatus.choices)
        headers = [_("Enterprise"), _("Town"), _("Union"), _("Form"), _("Term number"), _("Term starts on"),
                   _("Term ends on"), pgettext("congress", "Term (years)"), _("Staff at constitution"),
                   _("Delegate quota"),
                   _("Delegates on the roll"), _("Managers"), _("Status")]
        rows = 0
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Workers' congresses"), headers=headers,
                               widths=[32, 18, 24, 14, 8, 12, 12, 8, 10, 10, 10, 10, 12])
            for b in qs.iterator(chunk_size=1000):
                sheet.append([b.enterprise.name, b.enterprise.town.name if b.enterprise.town_id else "", b.org.name,
                              str(kinds[b.kind]), b.term_number, b.term_starts_on, b.term_ends_on, b.term_years,
                              b.headcount, b.delegate_quota, b.seated, b.managers, str(statuses[b.status])])
                rows += 1
        return rows

    return _export(actor=actor, filters=filters, report="congress_bodies", write=write)


def export_sessions(*, actor, filters):
    from gonghui.core.excel import XlsxStream

    from ..models import Session
    from ..policies import EXPORT
    from ..selectors.bodies import filtered_sessions, session_rows

    def write(handle):
        listed = filtered_sessions(actor, filters).values("pk")
        exportable = Session.objects.visible_to(actor, EXPORT).values("pk")
        qs = session_rows().filter(pk__in=listed).filter(pk__in=exportable).order_by("-planned_on", "-id")
        statuses = dict(SessionStatus.choices)
        headers = [_("Enterprise"), _("Union"), _("Term number"), _("Session number"),
                   pgettext("congress session", "Title"), _("Status"),
                   _("Planned for"), _("Papers sent on"), _("Held on"), _("Entitled to attend"), _("Present"),
                   _("Report due on"), _("Reported on"), _("Reason the papers were late"), _("Reason for cancelling")]
        rows = 0
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Congress sessions"), headers=headers,
                               widths=[32, 24, 8, 8, 36, 16, 12, 12, 12, 10, 10, 12, 12, 30, 30])
            for s in qs.iterator(chunk_size=1000):
                sheet.append([s.body.enterprise.name, s.org.name, s.body.term_number, s.number, s.title,
                              str(statuses[s.status]), s.planned_on, s.papers_sent_on, s.held_on, s.entitled,
                              s.present, s.report_due_on, s.reported_on, s.papers_late_reason, s.cancel_reason])
                rows += 1
        return rows

    return _export(actor=actor, filters=filters, report="congress_sessions", write=write)
