"""Every write of union committees (DOMAIN.md §4). Each function is atomic, checks the actor's
permission on the union, locks the union (so two seatings cannot both take the next term number
or both stay CURRENT), validates, and writes the audit trail (`grassroots.committee.*`).

- `seat_committee`: the committee elected at a founding meeting or by an approved election
  takes office: the current one (if any) is marked REPLACED, the new one gets the next term
  number, and the union's chair name in the tree follows. Called by the foundings and elections
  services (which check their own step first); it requires `grassroots.approve` itself too.
- `record_committee`: a union's committee entered from paper records (a union that was elected
  before this system, or whose election was not run through it), by the chair or a cadre above
  (`grassroots.change`). It becomes the current committee, replacing an older one on record.

Rules: exactly one chair; no name twice; at least the chair and at most `max_members` people;
a term of 3 or 5 years (rules); elected on a day not in the future and after the committee it
replaces was elected; the term ends the day before the anniversary (29 February → 28 February).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import Org, OrgLevel

from ..models.committees import Committee, CommitteeMember, CommitteePosition, CommitteeSource, CommitteeStatus
from ..policies.committees import APPROVE, CHANGE
from ..rules.committees import rules

EARLIEST_ELECTION = datetime.date(1950, 1, 1)
AUDIT_FIELDS = ["org", "term_number", "term_years", "elected_on", "term_ends_on", "status", "source", "election",
                "members_at_election", "note"]
NAME_MAX = 64


def today():
    return timezone.localdate()


def term_end(elected_on: datetime.date, years: int) -> datetime.date:
    """The last day of a term of `years` years: the day before the anniversary. A committee
    elected on 29 February has its anniversary on 1 March of a common year, so it ends on
    28 February."""
    year = elected_on.year + years
    try:
        anniversary = elected_on.replace(year=year)
    except ValueError:  # 29 February in a common year
        anniversary = datetime.date(year, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def _check_union(union):
    if union is None or union.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Committees are kept for grassroots unions only."), code="not_a_union", field="union")
    if not union.is_active:
        raise DomainError(_("This union is no longer active."), code="union_inactive", field="union")


def _check_dates(elected_on, term_years):
    allowed = rules().term_years
    if term_years not in allowed:
        raise DomainError(_("A committee's term is %(allowed)s years.")
                          % {"allowed": _(" or ").join(str(y) for y in allowed)},
                          code="term_years", field="term_years")
    if not isinstance(elected_on, datetime.date) or elected_on < EARLIEST_ELECTION:
        raise DomainError(_("Enter the date the committee was elected (on or after %(earliest)s).")
                          % {"earliest": EARLIEST_ELECTION.isoformat()}, code="date_range", field="elected_on")
    if elected_on > today():
        raise DomainError(_("The election date %(day)s is in the future; record the committee once it is elected.")
                          % {"day": elected_on.isoformat()}, code="date_in_future", field="elected_on")


def clean_members(members):
    """Normalised member rows (name stripped, position checked) or a DomainError naming the row."""
    if not members:
        raise DomainError(_("List the committee's members, the chair first."), code="no_members", field="members")
    limit = rules().max_members
    if len(members) > limit:
        raise DomainError(_("A committee has at most %(limit)s members; %(count)s were listed.")
                          % {"limit": limit, "count": len(members)}, code="too_many_members", field="members")
    cleaned, seen = [], {}
    positions = set(CommitteePosition.values)
    for index, row in enumerate(members, start=1):
        name = " ".join(str(row.get("name") or "").split())
        position = row.get("position") or CommitteePosition.MEMBER
        if not name:
            raise DomainError(_("Row %(row)s: enter the member's name.") % {"row": index},
                              code="member_name", field="members")
        if len(name) > NAME_MAX:
            raise DomainError(_("Row %(row)s: a name has at most %(max)s characters.")
                              % {"row": index, "max": NAME_MAX}, code="member_name", field="members")
        if position not in positions:
            raise DomainError(_("Row %(row)s: choose chair, vice-chair or committee member.") % {"row": index},
                              code="member_position", field="members")
        if name in seen:
            raise DomainError(_("Row %(row)s: %(name)s is already listed in row %(first)s.")
                              % {"row": index, "name": name, "first": seen[name]},
                              code="member_duplicate", field="members")
        seen[name] = index
        gender = row.get("gender") or ""
        if gender not in ("", "M", "F"):
            raise DomainError(_("Row %(row)s: the gender is not valid.") % {"row": index},
                              code="member_gender", field="members")
        cleaned.append({"name": name, "position": position, "person": row.get("person"), "gender": gender})
    chairs = [r for r in cleaned if r["position"] == CommitteePosition.CHAIR]
    if len(chairs) != 1:
        raise DomainError(_("A committee has exactly one chair; %(count)s were listed.") % {"count": len(chairs)},
                          code="one_chair", field="members")
    # The chair first, then vice-chairs, then members, each in the order given.
    rank = {CommitteePosition.CHAIR: 0, CommitteePosition.VICE_CHAIR: 1, CommitteePosition.MEMBER: 2}
    return sorted(cleaned, key=lambda r: rank[r["position"]])


def _live_members(union):
    from gonghui.members.models import LIVE_STATUSES, Membership

    return Membership.objects.filter(union=union, status__in=LIVE_STATUSES).count()


def _seat(*, actor, union, elected_on, term_years, members, source, election=None, members_at_election=None,
          note=""):
    union = lock_one(Org, union.pk)
    _check_union(union)
    _check_dates(elected_on, term_years)
    rows = clean_members(members)
    current = Committee.objects.select_for_update().filter(org=union, status=CommitteeStatus.CURRENT).first()
    if current is not None and elected_on <= current.elected_on:
        raise DomainError(
            _("The current committee (term %(number)s) was elected on %(day)s; a new committee must be elected "
              "after that day.") % {"number": current.term_number, "day": current.elected_on.isoformat()},
            code="elected_before_current", field="elected_on")
    last = Committee.objects.filter(org=union).order_by("-term_number").values_list("term_number", flat=True).first()
    if current is not None:
        before = audit.snapshot(current, ["status", "ended_on"])
        current.status = CommitteeStatus.REPLACED
        current.ended_on = elected_on
        current.save(update_fields=["status", "ended_on", "updated_at"])
        audit.record(actor=actor, action="grassroots.committee.replace", obj=current, org=union,
                     before=before, after=audit.snapshot(current, ["status", "ended_on"]))
    committee = Committee(
        org=union, term_number=(last or 0) + 1, term_years=term_years, elected_on=elected_on,
        term_ends_on=term_end(elected_on, term_years), status=CommitteeStatus.CURRENT, source=source, election=election,
        members_at_election=_live_members(union) if members_at_election is None else members_at_election,
        note=note or "",
    )
    committee.full_clean(exclude=["org", "election"])
    try:
        with transaction.atomic():
            committee.save()
            CommitteeMember.objects.bulk_create([
                CommitteeMember(committee=committee, name=r["name"], person=r["person"], position=r["position"],
                                gender=r["gender"], order=i) for i, r in enumerate(rows)])
    except IntegrityError as exc:  # a concurrent seating took the term number first
        raise DomainError(_("Another committee was recorded for this union at the same time; reload and try again."),
                          code="concurrent_seat") from exc
    chair = rows[0]["name"]
    if union.chair_name != chair:
        from gonghui.orgs.services import update_org

        update_org(actor=actor, org=union, chair_name=chair)
    positions = dict(CommitteePosition.choices)
    audit.record(actor=actor, obj=committee, org=union,
                 action="grassroots.committee.record" if source == CommitteeSource.RECORD
                 else "grassroots.committee.seat",
                 after={**audit.snapshot(committee, AUDIT_FIELDS),
                        "members": "; ".join(f"{r['name']}（{positions[r['position']]}）" for r in rows)})
    return committee


@transaction.atomic
def seat_committee(*, actor, union, elected_on, term_years, members, source, election=None,
                   members_at_election=None) -> Committee:
    """Seat the committee elected at a founding meeting (source FOUNDING) or by an approved
    election (ELECTION, with `election`). `members`: [{"name", "position", "person"}]."""
    require(actor, APPROVE, union)
    if source not in (CommitteeSource.FOUNDING, CommitteeSource.ELECTION):
        raise DomainError(_("A committee is seated by a founding meeting or an election."), code="source",
                          field="source")
    return _seat(actor=actor, union=union, elected_on=elected_on, term_years=term_years, members=members,
                 source=source, election=election, members_at_election=members_at_election)


@transaction.atomic
def record_committee(*, actor, union, elected_on, term_years, members, members_at_election=None,
                     note="") -> Committee:
    """Enter a union's committee from paper records; it becomes the union's current committee."""
    require(actor, CHANGE, union)
    if members_at_election is not None and members_at_election < 0:
        raise DomainError(_("The number of members cannot be negative."), code="members_at_election",
                          field="members_at_election")
    return _seat(actor=actor, union=union, elected_on=elected_on, term_years=term_years, members=members,
                 source=CommitteeSource.RECORD, members_at_election=members_at_election, note=note)


# --- term-expiry reminders ------------------------------------------------------------------------

def reminder_points():
    """[(code, months before the end)] from the most urgent: "EXPIRED" (0), then "MONTHS_1", …"""
    r = rules()
    points = [(f"MONTHS_{m}", m) for m in sorted(set(r.reminder_months))]
    return ([("EXPIRED", 0)] if r.remind_expired else []) + points


def due_point(committee, on):
    """The most urgent reminder point the committee has reached on `on`, or None."""
    from ..selectors.committees import add_months

    for code, months in reminder_points():
        if code == "EXPIRED":
            if committee.term_ends_on < on:
                return code
        elif committee.term_ends_on <= add_months(on, months):
            return code
    return None


def point_label(code):
    if code == "EXPIRED":
        return _("term expired")
    months = code.removeprefix("MONTHS_")
    return _("%(months)s months before the term ends") % {"months": months}


def remind_committee_terms(on=None) -> int:
    """Notify the union's chairs and its town's cadres when a current committee reaches a
    reminder point (by default 6, 3 and 1 month before its term ends, and once expired). Once per
    point per committee: a `CommitteeReminder` row records what was sent, so a second run, or
    the next day's, sends nothing new. A committee that is already past several points (e.g. it
    was entered two months before its end) gets only the most urgent one. Returns the number of
    notifications created."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from gonghui.accounts.selectors import chairs_and_town_cadres
    from gonghui.core.notifications import notify

    from ..models.committees import CommitteeReminder
    from ..selectors.committees import add_months

    on = on or today()
    furthest = max([m for _c, m in reminder_points()] or [0])
    candidates = list(Committee.objects.select_related("org")
                      .filter(status=CommitteeStatus.CURRENT, org__is_active=True,
                              term_ends_on__lte=add_months(on, furthest)).order_by("term_ends_on", "pk"))
    sent = set(CommitteeReminder.objects.filter(committee__in=[c.pk for c in candidates])
               .values_list("committee_id", "point"))
    due = [(c, point) for c in candidates if (point := due_point(c, on)) and (c.pk, point) not in sent]
    if not due:
        return 0
    recipients = chairs_and_town_cadres({c.org for c, _p in due})
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for c, point in due:
            with transaction.atomic():
                if point == "EXPIRED":
                    title = _("Term expired: the committee of %(union)s") % {"union": c.org.name}
                else:
                    title = _("Term ends on %(date)s: the committee of %(union)s") % {
                        "date": c.term_ends_on.isoformat(), "union": c.org.name}
                body = _("Term %(number)s, elected on %(elected)s for %(years)s years, ends on %(ends)s. "
                         "Plan the election of the next committee (换届选举) in time.") % {
                    "number": c.term_number, "elected": c.elected_on.isoformat(), "years": c.term_years,
                    "ends": c.term_ends_on.isoformat()}
                people = recipients.get(c.org_id, [])
                n = notify(recipients=people, org=c.org, title=title, body=body,
                           key=f"grassroots:committee:{c.pk}:{point}",
                           url=reverse("grassroots:committee_detail", args=[c.pk]))
                CommitteeReminder.objects.get_or_create(committee=c, point=point,
                                                        defaults={"sent_on": on, "recipients": n})
                created += n
    return created


# --- Excel export ---------------------------------------------------------------------------------

EXPORT_OBJECT_TYPE = "grassroots.CommitteeExport"


class _ExportRef:
    """What an export's audit row points at: the export itself (there is no model row)."""

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Committee export")


def export_committees(*, actor, filters):
    """(rewound temporary file, rows): the list page's unions (its filters) that the actor may
    export, one row per union with its current committee; audited once per top org covered."""
    import tempfile
    import uuid

    from gonghui.core.excel import XlsxStream

    from ..policies.committees import EXPORT
    from ..selectors.committees import filtered_unions, term_state, union_rows, unions

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    on = today()
    states = {"EXPIRED": _("Term expired"), "EXPIRING": _("Term expires soon"), "LATER": _("Term runs longer"),
              "NONE": _("No committee on record")}
    sources = dict(CommitteeSource.choices)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        listed = filtered_unions(actor, filters, on=on).values("pk")
        qs = unions(actor, EXPORT).filter(pk__in=listed).order_by("path")
        headers = [_("Union"), _("Town"), _("Chair"), _("Term number"), _("Elected on"), _("Term (years)"),
                   _("Term ends on"), _("Members at election"), _("Committee members"), _("Source"), _("Term")]
        rows = 0
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Union committees"), headers=headers,
                               widths=[32, 18, 10, 8, 12, 8, 12, 10, 10, 16, 14])
            batch = []

            def flush():
                nonlocal rows
                for r in union_rows(batch, on=on):
                    c = r.committee
                    sheet.append([r.union.name, r.town.name if r.town else "", (c.chair or "") if c else "",
                                  c.term_number if c else "", c.elected_on if c else "", c.term_years if c else "",
                                  c.term_ends_on if c else "", c.members_at_election if c else "",
                                  c.seats if c else "", str(sources[c.source]) if c else "",
                                  str(states[term_state(c, on)])])
                    rows += 1
                batch.clear()

            for org in qs.iterator(chunk_size=500):
                batch.append(org)
                if len(batch) >= 500:
                    flush()
            flush()
        ref = uuid.uuid4().hex
        if filters.org is not None:
            places = [filters.org]
        elif actor.is_superuser:
            places = list(Org.objects.filter(depth=1))
        else:
            places = list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))) or [None]
        details = {"q": filters.q, "org": filters.org.pk if filters.org else None, "expiry": filters.expiry,
                   "source": filters.source, "year": filters.year}
        for place in places:
            audit.record(actor=actor, action="grassroots.committee.export", obj=_ExportRef(ref),
                         object_type=EXPORT_OBJECT_TYPE, org=place, after={"filters": details, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows
