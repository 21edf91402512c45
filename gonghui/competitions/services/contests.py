"""Every write of skills contests (技能比武). Atomic, checked (`require`), locked, validated and
audited (`competitions.contest_*`).

- The organiser (`competitions.change` on its org: the district, a town, an enterprise union)
  creates a contest of a trade, edits it while it is being prepared or open, opens and closes
  registration, records the scores and may cancel it.
- A union registers its workers (`competitions.submit` on the union) while registration is
  open: the person must hold a live membership of a union inside the organiser's subtree, meet
  the contest's eligibility rules (age on the contest day, minimum skill grade), and there must
  be a free place (capacity). Each entry gets the contest's next exam number (`<prefix>-NNN`),
  unique in the contest (DB constraint) and never reused, even after a withdrawal.
  `register_entrant(..., self_service=True)` is the call the member portal will make: the
  actor is then the member themself, allowed only for their own person.
- Scores: theory and practical, 0–100 with two decimals, or absent. The weighted total is
  `theory × theory_weight% + practical × practical_weight%`, rounded half up to 0.01.
- Publishing ranks every competitor (absent and withdrawn entries are not ranked) by
  **(1) the weighted total, higher first; (2) the practical score, higher first; (3) the earlier
  registration; (4) the lower entry id** — so every rank is distinct. The first
  `contest.winners` ranks enter the honours registry (`honours.services.awards.record_honour`,
  category CONTEST; idempotent on the entry). Publishing district- and town-level results needs
  `competitions.approve` on the organiser; an enterprise-level contest is published by its own
  union (`competitions.change`), since union chairs hold no approve.
"""

import datetime
import tempfile
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.excel import XlsxStream
from gonghui.core.locking import lock_one
from gonghui.core.pdf import render_pdf
from gonghui.core.policies import require
from gonghui.members.models import Membership, SkillLevel
from gonghui.orgs.models import OrgLevel

from ..models.contests import (
    ContestEntry,
    ContestEntryStatus,
    ContestLevel,
    ContestStatus,
    ContestTrade,
    SkillContest,
)
from ..policies.contests import CHANGE, CONFIGURE, EXPORT, SUBMIT, VIEW, publish_action
from ..rules.contests import rules
from ..selectors.contests import contest_rows, eligibility_problems

MIN_YEAR, MAX_YEAR = 2000, 2100
TWO = Decimal("0.01")


def today():
    return timezone.localdate()


# --- helpers ---------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=120):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _int(value, field, label, low, high):
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise DomainError(_("%(label)s must be a whole number from %(low)s to %(high)s.")
                          % {"label": label, "low": low, "high": high}, code="invalid_number", field=field)
    return value


def _wrong_stage(contest):
    return DomainError(_("This step cannot be taken now: the contest is “%(status)s”.")
                       % {"status": contest.get_status_display()}, code="wrong_stage")


def _require_status(contest, *statuses):
    if contest.status not in statuses:
        raise _wrong_stage(contest)


def _lock(contest):
    return SkillContest.objects.select_for_update().select_related("org", "trade").get(pk=contest.pk)


CONTEST_FIELDS = ["name", "trade", "level", "year", "held_on", "registration_closes_on", "venue", "capacity",
                  "min_age", "max_age", "min_skill_level", "theory_weight", "practical_weight", "winners",
                  "status", "published_on", "cancel_reason"]


def _snapshot(contest):
    return audit.snapshot(contest, fields=CONTEST_FIELDS)


def level_for(org) -> str:
    if org.level == OrgLevel.DISTRICT:
        return ContestLevel.DISTRICT
    if org.level in (OrgLevel.TOWN, OrgLevel.PLATFORM):
        return ContestLevel.TOWN
    if org.level == OrgLevel.GRASSROOTS:
        return ContestLevel.ENTERPRISE
    raise DomainError(_("A contest is organised by the district federation, a town federation or an enterprise "
                        "union."), code="wrong_organiser", field="org")


def weighted_total(theory, practical, contest) -> Decimal:
    total = (Decimal(theory) * contest.theory_weight + Decimal(practical) * contest.practical_weight) / 100
    return total.quantize(TWO, rounding=ROUND_HALF_UP)


# --- trades (district configuration) ------------------------------------------------------------

@transaction.atomic
def save_trade(*, actor, code, name, is_regular=False, is_active=True, trade=None) -> ContestTrade:
    require(actor, CONFIGURE)
    code = _text(code, "code", _("Code"), limit=16).upper()
    if not code.isascii() or not all(ch.isalnum() or ch in "_-" for ch in code):
        raise DomainError(_("The code may hold only letters, digits, “_” and “-” (e.g. WELD)."),
                          code="invalid_code", field="code")
    name = _text(name, "name", _("Trade"), limit=60)
    others = ContestTrade.objects.exclude(pk=trade.pk) if trade is not None else ContestTrade.objects.all()
    if others.filter(code=code).exists():
        raise DomainError(_("The code %(code)s is already used.") % {"code": code}, code="code_taken", field="code")
    if others.filter(name=name).exists():
        raise DomainError(_("The trade %(name)s is already in the catalogue.") % {"name": name},
                          code="name_taken", field="name")
    before = None
    if trade is None:
        trade = ContestTrade()
        action = "competitions.contest_trade_add"
    else:
        trade = lock_one(ContestTrade, trade.pk)
        before = audit.snapshot(trade)
        action = "competitions.contest_trade_edit"
    trade.code, trade.name, trade.is_regular, trade.is_active = code, name, bool(is_regular), bool(is_active)
    trade.full_clean()
    trade.save()
    b, a = audit.changed(before, audit.snapshot(trade))
    audit.record(actor=actor, action=action, obj=trade, before=b, after=a)
    return trade


@transaction.atomic
def ensure_default_trades(*, actor) -> int:
    """Add the built-in regular trades (`rules().trades`) missing from the catalogue."""
    require(actor, CONFIGURE)
    made = 0
    for code, name in rules().trades:
        if not ContestTrade.objects.filter(code=code).exists() and not ContestTrade.objects.filter(name=name).exists():
            save_trade(actor=actor, code=code, name=name, is_regular=True)
            made += 1
    return made


# --- contests --------------------------------------------------------------------------------------

@dataclass
class ContestInput:
    name: str
    trade: ContestTrade
    held_on: datetime.date
    registration_closes_on: datetime.date
    capacity: int
    theory_weight: int
    practical_weight: int
    min_age: int = 18
    max_age: int = 60
    min_skill_level: str = SkillLevel.NONE
    winners: int = 3
    venue: str = ""


def _apply(contest, data: ContestInput):
    contest.name = _text(data.name, "name", _("Contest"), limit=120)
    if data.trade is None or not isinstance(data.trade, ContestTrade):
        raise DomainError(_("Choose a trade."), code="required", field="trade")
    if not data.trade.is_active:
        raise DomainError(_("The trade %(name)s is no longer in use.") % {"name": data.trade.name},
                          code="inactive_trade", field="trade")
    contest.trade = data.trade
    if data.held_on is None:
        raise DomainError(_("The contest day is required."), code="required", field="held_on")
    if data.registration_closes_on is None:
        raise DomainError(_("The registration closing day is required."), code="required",
                          field="registration_closes_on")
    if data.registration_closes_on > data.held_on:
        raise DomainError(_("Registration must close on or before the contest day."), code="date_order",
                          field="registration_closes_on")
    contest.held_on, contest.registration_closes_on = data.held_on, data.registration_closes_on
    contest.year = _int(data.held_on.year, "held_on", _("Year"), MIN_YEAR, MAX_YEAR)
    contest.capacity = _int(data.capacity, "capacity", _("Capacity"), 1, 10000)
    tw = _int(data.theory_weight, "theory_weight", _("Theory weight"), 0, 100)
    pw = _int(data.practical_weight, "practical_weight", _("Practical weight"), 0, 100)
    if tw + pw != 100:
        raise DomainError(_("The theory and practical weights must add up to 100%% (now %(sum)s%%).")
                          % {"sum": tw + pw}, code="weights_not_100", field="practical_weight")
    contest.theory_weight, contest.practical_weight = tw, pw
    contest.min_age = _int(data.min_age, "min_age", _("Minimum age"), 16, 70)
    contest.max_age = _int(data.max_age, "max_age", _("Maximum age"), 16, 70)
    if contest.min_age > contest.max_age:
        raise DomainError(_("The minimum age cannot be above the maximum age."), code="age_range", field="max_age")
    if data.min_skill_level not in SkillLevel.values:
        raise DomainError(_("Choose a skill grade."), code="invalid_skill_level", field="min_skill_level")
    contest.min_skill_level = data.min_skill_level
    contest.winners = _int(data.winners, "winners", _("Ranks honoured"), 0, 100)
    contest.venue = _text(data.venue, "venue", _("Contest venue"), required=False, limit=120)


@transaction.atomic
def create_contest(*, actor, org, data: ContestInput) -> SkillContest:
    """A contest organised by `org` (district, town or enterprise union), being prepared."""
    require(actor, CHANGE, org)
    if not org.is_active:
        raise DomainError(_("%(org)s is not active.") % {"org": org.name}, code="inactive_org", field="org")
    contest = SkillContest(org=org, level=level_for(org), status=ContestStatus.DRAFT,
                           exam_prefix=uuid.uuid4().hex[:16])
    _apply(contest, data)
    if contest.held_on < today():
        raise DomainError(_("The contest day is in the past."), code="date_in_past", field="held_on")
    contest.full_clean(exclude=["org", "trade"])
    contest.save()
    # The exam-number prefix: year and the contest's id (unique by construction and by constraint).
    contest.exam_prefix = f"{contest.year}{contest.pk:05d}"
    contest.save(update_fields=["exam_prefix"])
    audit.record(actor=actor, action="competitions.contest_create", obj=contest, org=org, after=_snapshot(contest))
    return contest


@transaction.atomic
def update_contest(*, actor, contest, data: ContestInput) -> SkillContest:
    contest = _lock(contest)
    require(actor, CHANGE, contest.org)
    _require_status(contest, ContestStatus.DRAFT, ContestStatus.OPEN)
    before = _snapshot(contest)
    held_before = contest.held_on
    _apply(contest, data)
    # a past contest day may stay as it is (a correction of other fields), but not be moved to
    if contest.held_on != held_before and contest.held_on < today():
        raise DomainError(_("The contest day is in the past."), code="date_in_past", field="held_on")
    registered = contest.entries.filter(status=ContestEntryStatus.REGISTERED).count()
    if contest.capacity < registered:
        raise DomainError(_("%(n)s workers are already registered; the capacity cannot be lower.")
                          % {"n": registered}, code="capacity_below_registered", field="capacity")
    contest.full_clean(exclude=["org", "trade"])
    contest.save()
    b, a = audit.changed(before, _snapshot(contest))
    audit.record(actor=actor, action="competitions.contest_edit", obj=contest, org=contest.org, before=b, after=a)
    return contest


def _step(actor, contest, action, *, allowed, status, audit_code, **changes):
    contest = _lock(contest)
    require(actor, action, contest.org)
    _require_status(contest, *allowed)
    before = _snapshot(contest)
    contest.status = status
    for key, value in changes.items():
        setattr(contest, key, value)
    contest.save()
    b, a = audit.changed(before, _snapshot(contest))
    audit.record(actor=actor, action=audit_code, obj=contest, org=contest.org, before=b, after=a)
    return contest


@transaction.atomic
def open_registration(*, actor, contest) -> SkillContest:
    c = _lock(contest)
    if c.status == ContestStatus.DRAFT and c.registration_closes_on < today():
        require(actor, CHANGE, c.org)
        raise DomainError(_("The registration closing day has passed; change it before opening."),
                          code="registration_closed", field="registration_closes_on")
    return _step(actor, c, CHANGE, allowed=(ContestStatus.DRAFT,), status=ContestStatus.OPEN,
                 audit_code="competitions.contest_open")


@transaction.atomic
def close_registration(*, actor, contest) -> SkillContest:
    return _step(actor, contest, CHANGE, allowed=(ContestStatus.OPEN,), status=ContestStatus.CLOSED,
                 audit_code="competitions.contest_close")


@transaction.atomic
def cancel_contest(*, actor, contest, reason) -> SkillContest:
    reason = _text(reason, "reason", _("Reason for cancelling"), limit=400)
    return _step(actor, contest, CHANGE, allowed=(ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.CLOSED),
                 status=ContestStatus.CANCELLED, audit_code="competitions.contest_cancel", cancel_reason=reason)


# --- registration ------------------------------------------------------------------------------------

ENTRY_FIELDS = ["exam_no", "person_name", "union", "status", "self_registered", "withdrawn_on", "absent",
                "theory_score", "practical_score", "total_score", "rank"]


@transaction.atomic
def register_entrant(*, actor, contest, person, self_service=False) -> ContestEntry:
    """Register `person` for `contest` through their live membership's union.

    By the union (`self_service=False`): the actor needs `competitions.submit` on that union.
    By the member from the portal (`self_service=True`): the actor must be the member themself
    (`actor.person_id == person.pk`); the eligibility, capacity and exam number are the same."""
    contest = _lock(contest)  # serialises registrations: capacity and exam numbers hold under concurrency
    membership = (Membership.objects.live().filter(person=person).select_related("union").first())
    union = membership.union if membership is not None else None
    if self_service:
        if getattr(actor, "person_id", None) != person.pk:
            raise PermissionDenied(_("You may only register yourself."))
    elif union is not None:
        require(actor, SUBMIT, union)
    else:  # no live membership: refused below as not eligible, to whoever may register anyone
        require(actor, SUBMIT)
    _require_status(contest, ContestStatus.OPEN)
    if today() > contest.registration_closes_on:
        raise DomainError(_("Registration closed on %(day)s.") % {"day": contest.registration_closes_on.isoformat()},
                          code="registration_closed")
    problems = eligibility_problems(contest, person, membership)
    if problems:
        raise DomainError(_("%(name)s cannot enter: %(reasons)s") % {"name": person.name, "reasons": "；".join(
            problems)}, code="not_eligible", field="person")
    if contest.entries.filter(person=person, status=ContestEntryStatus.REGISTERED).exists():
        raise DomainError(_("%(name)s is already registered (exam number %(no)s).") % {
            "name": person.name, "no": contest.entries.get(person=person, status="REGISTERED").exam_no},
            code="already_registered", field="person")
    taken = contest.entries.filter(status=ContestEntryStatus.REGISTERED).count()
    if taken >= contest.capacity:
        raise DomainError(_("The contest is full: all %(n)s places are taken.") % {"n": contest.capacity},
                          code="full")
    seq = contest.next_exam_seq
    entry = ContestEntry(contest=contest, person=person, union=union, person_name=person.name,
                         exam_no=f"{contest.exam_prefix}-{seq:03d}", self_registered=bool(self_service),
                         registered_at=timezone.now(), registered_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise DomainError(_("This worker was registered at the same moment by someone else; reload the page."),
                          code="already_registered", field="person") from exc
    contest.next_exam_seq = seq + 1
    contest.save(update_fields=["next_exam_seq", "updated_at"])
    audit.record(actor=actor, action="competitions.contest_register", obj=entry, org=union,
                 after=audit.snapshot(entry, fields=ENTRY_FIELDS))
    return entry


@transaction.atomic
def withdraw_entry(*, actor, entry, reason="") -> ContestEntry:
    entry = ContestEntry.objects.select_for_update().select_related("contest", "union").get(pk=entry.pk)
    require(actor, SUBMIT, entry.union)
    contest = entry.contest
    if contest.status not in (ContestStatus.OPEN, ContestStatus.CLOSED) or entry.status != "REGISTERED":
        raise DomainError(_("This entry cannot be withdrawn now."), code="wrong_stage")
    reason = _text(reason, "reason", _("Reason"), required=False, limit=400)
    entry.status, entry.withdrawn_on = ContestEntryStatus.WITHDRAWN, today()
    entry.theory_score = entry.practical_score = entry.total_score = None
    entry.save()
    audit.record(actor=actor, action="competitions.contest_withdraw", obj=entry, org=entry.union,
                 after={"status": entry.status, "withdrawn_on": entry.withdrawn_on.isoformat(), "reason": reason})
    return entry


# --- scores, ranking, results -----------------------------------------------------------------------

@dataclass
class ScoreInput:
    theory: object = None
    practical: object = None
    absent: bool = False


def _score(value, exam_no, label):
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("%(no)s: the %(what)s score is not a number.") % {"no": exam_no, "what": label},
                          code="invalid_score", field="scores") from exc
    if not d.is_finite() or d < 0 or d > 100 or d != d.quantize(TWO):
        raise DomainError(_("%(no)s: the %(what)s score must be from 0 to 100 with at most two decimals.")
                          % {"no": exam_no, "what": label}, code="invalid_score", field="scores")
    return d


@transaction.atomic
def record_scores(*, actor, contest, scores: dict) -> SkillContest:
    """Scores by entry id: {entry_id: ScoreInput}. Entries not named keep theirs. All or nothing."""
    contest = _lock(contest)
    require(actor, CHANGE, contest.org)
    _require_status(contest, ContestStatus.CLOSED)
    if not scores:
        raise DomainError(_("Give the scores of at least one entry."), code="required", field="scores")
    entries = {e.pk: e for e in contest.entries.select_for_update().filter(status=ContestEntryStatus.REGISTERED)}
    changed, before, after = [], {}, {}
    for key, s in (scores or {}).items():
        entry = entries.get(key)
        if entry is None:
            raise DomainError(_("There is no registered entry %(id)s in this contest.") % {"id": key},
                              code="unknown_entry", field="scores")
        s = s if isinstance(s, ScoreInput) else ScoreInput(**s)
        before[entry.exam_no] = [str(entry.theory_score), str(entry.practical_score), entry.absent]
        entry.absent = bool(s.absent)
        if entry.absent:
            entry.theory_score = entry.practical_score = entry.total_score = None
        else:
            entry.theory_score = _score(s.theory, entry.exam_no, _("theory"))
            entry.practical_score = _score(s.practical, entry.exam_no, _("practical"))
            entry.total_score = (weighted_total(entry.theory_score, entry.practical_score, contest)
                                 if entry.theory_score is not None and entry.practical_score is not None else None)
        after[entry.exam_no] = [str(entry.theory_score), str(entry.practical_score), entry.absent]
        changed.append(entry)
    ContestEntry.objects.bulk_update(changed, ["absent", "theory_score", "practical_score", "total_score"])
    audit.record(actor=actor, action="competitions.contest_scores", obj=contest, org=contest.org,
                 before={"scores": before}, after={"scores": after})
    return contest


def ranking_key(entry):
    """The documented order: total ↓, practical ↓, earlier registration, lower id."""
    return (-entry.total_score, -entry.practical_score, entry.registered_at, entry.pk)


def rank_entries(entries) -> list:
    """Give competitors (registered, present, both scores) ranks 1..n in `ranking_key` order."""
    ranked = sorted((e for e in entries if e.status == ContestEntryStatus.REGISTERED and not e.absent
                     and e.total_score is not None), key=ranking_key)
    for n, e in enumerate(ranked, start=1):
        e.rank = n
    return ranked


HONOUR_LEVEL = {ContestLevel.DISTRICT: "DISTRICT", ContestLevel.TOWN: "TOWN", ContestLevel.ENTERPRISE: "ENTERPRISE"}


@transaction.atomic
def publish_results(*, actor, contest, published_on=None) -> SkillContest:
    """Rank the competitors, publish, and record the first `winners` ranks as honours."""
    from gonghui.honours.services.awards import record_honour

    contest = _lock(contest)
    require(actor, publish_action(contest), contest.org)
    _require_status(contest, ContestStatus.CLOSED)
    published_on = published_on or today()
    if published_on > today():
        raise DomainError(_("The publication day is in the future."), code="date_in_future", field="published_on")
    if published_on < contest.held_on:
        raise DomainError(_("Results cannot be published before the contest day (%(day)s).")
                          % {"day": contest.held_on.isoformat()}, code="date_order", field="published_on")
    entries = list(contest.entries.select_for_update().select_related("person", "union")
                   .filter(status=ContestEntryStatus.REGISTERED))
    missing = [e.exam_no for e in entries if not e.absent and e.total_score is None]
    if missing:
        raise DomainError(_("Record both scores (or mark absent) for: %(list)s.") % {"list": "、".join(missing[:20])},
                          code="scores_missing", field="scores")
    ranked = rank_entries(entries)
    ContestEntry.objects.bulk_update(ranked, ["rank"])
    before = _snapshot(contest)
    contest.status, contest.published_on = ContestStatus.PUBLISHED, published_on
    contest.save()
    b, a = audit.changed(before, _snapshot(contest))
    audit.record(actor=actor, action="competitions.contest_publish", obj=contest, org=contest.org, before=b,
                 after={**a, "ranked": len(ranked), "winners": [e.exam_no for e in ranked[:contest.winners]]})
    for e in ranked[:contest.winners]:
        record_honour(actor=actor, org=e.union, person=e.person, category="CONTEST",
                      level=HONOUR_LEVEL[contest.level], conferred_on=published_on,
                      title=(_("%(contest)s: rank %(rank)s") % {"contest": contest.name, "rank": e.rank})[:200],
                      conferred_by=contest.org.name[:120], source_key=f"competitions.ContestEntry:{e.pk}",
                      source_label=contest.name[:200])
    return contest


# --- certificates and export --------------------------------------------------------------------------

def render_certificate(*, actor, entry) -> bytes:
    """The PDF certificate of a ranked entry of a published contest (Chinese, contest and rank)."""
    contest = entry.contest
    # whoever sees the entry: its union's subtree or the organiser's
    if not (actor.can(VIEW, entry.union) or actor.can(VIEW, contest.org)):
        raise PermissionDenied(_("You may not see this entry."))
    if contest.status != ContestStatus.PUBLISHED or entry.rank is None:
        raise DomainError(_("A certificate is issued once the results are published, for ranked entries."),
                          code="no_certificate")
    data = render_pdf("competitions/contests/certificate.pdf.html", {"contest": contest, "entry": entry})
    audit.record(actor=actor, action="competitions.contest_certificate", obj=entry, org=entry.union,
                 after={"exam_no": entry.exam_no, "rank": entry.rank})
    return data


def export_contests(*, actor, filters):
    """The filtered contests as a workbook (TemporaryFile, rewound by the response); audited."""
    require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    n = 0
    with XlsxStream(handle) as book:
        headers = [_("Contest"), _("Trade"), _("Level"), _("Organiser"), _("Year"), _("Contest day"),
                   _("Registration closes on"), _("Capacity"), _("Entrants"), _("Status"), _("Results published on")]
        sheet = book.sheet(_("Skills contests"), headers=headers, widths=[30, 12, 8, 24, 6, 12, 12, 8, 8, 14, 12])
        for c in contest_rows(actor, filters).iterator(chunk_size=500):
            sheet.append([c.name, c.trade.name, c.get_level_display(), c.org.name, c.year, c.held_on,
                          c.registration_closes_on, c.capacity, c.registered, c.get_status_display(), c.published_on])
            n += 1
    # one event per place exported (the filter's org, else the top of the actor's reach), so each
    # place's audit trail shows who exported its contests
    from gonghui.orgs.models import Org

    places = [filters.org] if filters.org is not None else (
        list(Org.objects.filter(depth=1)) if actor.is_superuser
        else list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
    ref = _ExportRef(uuid.uuid4().hex)
    for place in places or [None]:
        audit.record(actor=actor, action="competitions.contest_export", obj=ref, org=place,
                     object_type="competitions.ContestExport", after={"rows": n, "filters": filters.as_dict()})
    return handle, n


class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Skills contest export")
