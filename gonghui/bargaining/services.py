"""Every write of collective wage negotiation. Each function is atomic, checks the actor's
right on the union party's subtree, locks the negotiation (so two people recording the same
step at once cannot both win), validates the step against the stage and the statutory rules,
writes the audit trail, and refreshes the next deadline (`next_due_on`)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.selectors import chairs_and_town_cadres
from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import Enterprise, OrgLevel

from . import timeline
from .models import (
    CONCLUDED_STAGES,
    IN_FORCE_STAGES,
    OPEN_STAGES,
    AgreementKind,
    Coverage,
    Representative,
    Side,
    StaffRequest,
    Stage,
    TalkRound,
    Vote,
    VotingBody,
    WageAgreement,
)
from .rules import rules

CHANGE = "bargaining.change"
# Workers covered at one enterprise beyond this are a typing error (and would overflow the column).
MAX_WORKERS = 10_000_000
# An agreement binds from its signing or later, but not years later: a start date this far after
# the signing is a typing error (9999-… would overflow the end-of-term arithmetic).
MAX_START_AFTER_SIGNING = datetime.timedelta(days=366)

# The agreed terms a negotiation may change until the agreement is signed.
TERMS_FIELDS = (
    "term_years", "wage_system", "avg_wage", "avg_increase_pct", "min_wage", "min_increase_pct",
    "payment_terms", "allowances", "piece_rates", "overtime_pay", "leave_pay", "special_groups",
    "skilled_worker_clause", "skilled_worker_terms",
)

# Which org levels may be the union party of each kind.
PARTY_LEVELS = {
    AgreementKind.SINGLE: (OrgLevel.GRASSROOTS,),
    AgreementKind.AREA: (OrgLevel.TOWN, OrgLevel.PLATFORM, OrgLevel.GRASSROOTS),
    AgreementKind.INDUSTRY: (OrgLevel.INDUSTRY, OrgLevel.TOWN, OrgLevel.PLATFORM, OrgLevel.DISTRICT),
}


@dataclass(frozen=True)
class CoveredEnterprise:
    enterprise: Enterprise
    workers: int


@dataclass
class Offer:
    """What a new negotiation starts with: the parties, the written offer and who it binds."""

    kind: str
    title: str
    employer_party: str
    offered_by: str
    offered_on: datetime.date
    offer_received_on: datetime.date
    coverage: list[CoveredEnterprise] = field(default_factory=list)
    offer_points: str = ""
    proposed_talks_on: datetime.date | None = None
    industry: str = ""
    term_years: int = 1


@dataclass(frozen=True)
class RepresentativeInput:
    side: str
    name: str
    position: str = ""
    is_chief: bool = False


@dataclass(frozen=True)
class VoteInput:
    body: str
    held_on: datetime.date
    eligible: int
    present: int
    yes: int
    no: int
    abstain: int


# --- helpers ----------------------------------------------------------------------------------

def _today():
    return timezone.localdate()


def _not_future(day, field_name, label):
    if day and day > _today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field_name)


def _not_before(day, earlier, field_name, message):
    if day and earlier and day < earlier:
        raise DomainError(message, code="date_order", field=field_name)


def _require_stage(agreement, *stages):
    if agreement.stage not in stages:
        raise DomainError(
            _("This step cannot be recorded now: the negotiation is at “%(stage)s”.")
            % {"stage": agreement.get_stage_display()}, code="wrong_stage")


def _locked(agreement):
    return lock_one(WageAgreement, agreement.pk)


def _refresh_due(agreement):
    agreement.next_step, agreement.next_due_on = timeline.next_due(agreement)
    agreement.save(update_fields=["next_step", "next_due_on", "updated_at"])


def _save_with_audit(*, actor, agreement, before, action, extra=None):
    # The step's related rows (rounds, votes) are written first, so the deadline is known now.
    agreement.next_step, agreement.next_due_on = timeline.next_due(agreement)
    agreement.full_clean(exclude=["signed_file"])
    agreement.save()
    old, new = audit.changed(before, audit.snapshot(agreement))
    if extra:
        new = {**new, **extra}
    audit.record(actor=actor, action=action, obj=agreement, org=agreement.org, before=old, after=new)
    return agreement


def _check_party(org, kind):
    if org.level not in PARTY_LEVELS[kind] or not org.is_active:
        raise DomainError(
            _("%(org)s cannot be the union party of an agreement of this kind.") % {"org": org},
            code="wrong_party", field="org")


def _enterprise_under(enterprise, org):
    places = (enterprise.union, enterprise.town)
    return any(place is not None and place.path.startswith(org.path) for place in places)


def check_coverage(*, org, kind, industry, coverage: list[CoveredEnterprise]):
    """The enterprises bound and their workers: one enterprise of the union's own for a single
    agreement; enterprises in the party's subtree (and, for industry, of that industry) for the
    others; each once, with 1..headcount workers."""
    if not coverage:
        raise DomainError(_("List at least one enterprise the agreement covers."),
                          code="no_coverage", field="coverage")
    if kind == AgreementKind.SINGLE and len(coverage) != 1:
        raise DomainError(_("A single-enterprise agreement covers exactly one enterprise."),
                          code="single_one_enterprise", field="coverage")
    seen = set()
    for number, item in enumerate(coverage, start=1):
        enterprise = item.enterprise
        where = _("Enterprise %(n)s (%(name)s): ") % {"n": number, "name": enterprise.name}
        if enterprise.pk in seen:
            raise DomainError(where + _("listed twice."), code="coverage_twice", field="coverage")
        seen.add(enterprise.pk)
        if kind == AgreementKind.SINGLE and enterprise.union_id != org.pk:
            raise DomainError(where + _("it is not the enterprise of %(org)s.") % {"org": org},
                              code="coverage_not_own", field="coverage")
        if kind != AgreementKind.SINGLE and not _enterprise_under(enterprise, org):
            raise DomainError(where + _("it is not in the area of %(org)s.") % {"org": org},
                              code="coverage_outside", field="coverage")
        if kind == AgreementKind.INDUSTRY and industry and enterprise.industry != industry:
            raise DomainError(where + _("its industry is not the agreement's industry."),
                              code="coverage_industry", field="coverage")
        if item.workers > MAX_WORKERS:
            raise DomainError(where + _("%(workers)s workers is not a plausible number.") % {"workers": item.workers},
                              code="coverage_workers", field="coverage")
        if item.workers < 1:
            raise DomainError(where + _("the number of workers covered must be at least 1."),
                              code="coverage_workers", field="coverage")
        if enterprise.headcount and item.workers > enterprise.headcount:
            raise DomainError(where + _("%(workers)s workers covered is more than its headcount of %(headcount)s.")
                              % {"workers": item.workers, "headcount": enterprise.headcount},
                              code="coverage_over_headcount", field="coverage")


def _write_coverage(agreement, coverage):
    agreement.coverages.all().delete()
    Coverage.objects.bulk_create(
        [Coverage(agreement=agreement, enterprise=item.enterprise, workers=item.workers) for item in coverage])


def _coverage_snapshot(coverage):
    """The enterprises covered as a reader of the trail wants them: names and workers."""
    return "; ".join(f"{item.enterprise.name} {item.workers}" for item in coverage)


# --- offer and reply --------------------------------------------------------------------------

@transaction.atomic
def start_negotiation(*, actor, org, offer: Offer, renewal_of=None) -> WageAgreement:
    """Record the written offer (要约书) that opens a negotiation."""
    require(actor, CHANGE, org)
    _check_party(org, offer.kind)
    if offer.kind == AgreementKind.INDUSTRY and not offer.industry:
        raise DomainError(_("Choose the industry of an industry agreement."), code="industry_required",
                          field="industry")
    _not_future(offer.offered_on, "offered_on", _("The offer date"))
    _not_future(offer.offer_received_on, "offer_received_on", _("The date the offer was received"))
    _not_before(offer.offer_received_on, offer.offered_on, "offer_received_on",
                _("The offer cannot be received before it was sent."))
    _not_before(offer.proposed_talks_on, offer.offered_on, "proposed_talks_on",
                _("The proposed date of talks is before the offer."))
    check_coverage(org=org, kind=offer.kind, industry=offer.industry, coverage=offer.coverage)
    agreement = WageAgreement(
        org=org, kind=offer.kind, title=offer.title.strip(), employer_party=offer.employer_party.strip(),
        industry=offer.industry if offer.kind == AgreementKind.INDUSTRY else "",
        offered_by=offer.offered_by, offered_on=offer.offered_on, offer_received_on=offer.offer_received_on,
        offer_points=offer.offer_points, proposed_talks_on=offer.proposed_talks_on,
        term_years=offer.term_years, renewal_of=renewal_of, stage=Stage.OFFERED,
    )
    agreement.full_clean(exclude=["signed_file"], validate_constraints=False)
    if WageAgreement.objects.filter(org=org, kind=offer.kind, stage__in=OPEN_STAGES).exists():
        raise _already_open(org)
    if WageAgreement.objects.filter(org=org, kind=offer.kind, stage__in=(Stage.SIGNED, Stage.FILED)).exists():
        # The labour bureau may still object to it, which reopens its talks: one at a time.
        raise DomainError(_("%(org)s has an agreement of this kind awaiting filing or the end of the objection "
                            "period; record its outcome first.") % {"org": org}, code="previous_pending")
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError as exc:  # a concurrent offer won the race
        raise _already_open(org) from exc
    _write_coverage(agreement, offer.coverage)
    _refresh_due(agreement)
    _answer_staff_requests(agreement, [item.enterprise for item in offer.coverage])
    recorded = {k: v for k, v in audit.snapshot(agreement).items() if v not in (None, "", False)}
    audit.record(actor=actor, action="bargaining.offer", obj=agreement, org=org,
                 after={**recorded, "coverage": _coverage_snapshot(offer.coverage)})
    return agreement


def _answer_staff_requests(agreement, enterprises):
    """An offer of a union covering an enterprise answers that union's open staff requests for
    it (received on or before the offer)."""
    StaffRequest.objects.filter(
        org=agreement.org, enterprise__in=enterprises, agreement__isnull=True,
        received_on__lte=agreement.offered_on,
    ).update(agreement=agreement)


@transaction.atomic
def record_staff_request(*, actor, org, enterprise, received_on, signatures, headcount=None,
                         note="") -> StaffRequest:
    """At least a fifth of the enterprise's staff asked for wage negotiation: the union must send
    the offer within `rules().staff_request_offer_days` days."""
    require(actor, CHANGE, org)
    _check_party(org, AgreementKind.SINGLE if org.level == OrgLevel.GRASSROOTS else AgreementKind.AREA)
    if not _enterprise_under(enterprise, org):
        raise DomainError(_("%(enterprise)s is not in the area of %(org)s.") % {"enterprise": enterprise, "org": org},
                          code="coverage_outside", field="enterprise")
    _not_future(received_on, "received_on", _("The date the request was received"))
    headcount = headcount if headcount is not None else enterprise.headcount
    if not headcount:
        raise DomainError(_("Give the number of staff of the enterprise."), code="headcount_required",
                          field="headcount")
    if signatures < 1 or signatures * 5 < headcount:
        raise DomainError(
            _("%(signatures)s of %(headcount)s staff is less than one fifth (at least %(needed)s must ask): "
              "the union is not bound to send an offer.")
            % {"signatures": signatures, "headcount": headcount, "needed": -(-headcount // 5)},
            code="below_one_fifth", field="signatures")
    if signatures > headcount:
        raise DomainError(_("More staff signed (%(signatures)s) than the enterprise has (%(headcount)s).")
                          % {"signatures": signatures, "headcount": headcount}, code="signatures_over_headcount",
                          field="signatures")
    request = StaffRequest(org=org, enterprise=enterprise, received_on=received_on, signatures=signatures,
                           headcount=headcount, note=note.strip(),
                           offer_due_on=timeline.workdays.add_days(received_on, rules().staff_request_offer_days))
    # Talks already under way for this enterprise answer the request: no second offer is owed.
    request.agreement = (WageAgreement.objects.filter(org=org, stage__in=OPEN_STAGES, coverages__enterprise=enterprise)
                         .order_by("-offered_on").first())
    request.full_clean()
    request.save()
    audit.record(actor=actor, action="bargaining.staff_request", obj=request, org=org,
                 after=audit.snapshot(request))
    return request


def _already_open(org):
    return DomainError(_("%(org)s already has an open negotiation of this kind; continue that one.")
                       % {"org": org}, code="already_open")


@transaction.atomic
def start_renewal(*, actor, agreement, offered_by, offered_on, offer_received_on, offer_points="",
                  proposed_talks_on=None) -> WageAgreement:
    """The renewal offer for an agreement in force: a new negotiation with the same parties and
    enterprises (their current headcount caps the workers covered)."""
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)  # two renewal offers at once: the second waits, then is refused
    if agreement.stage not in IN_FORCE_STAGES:
        raise DomainError(_("Only an agreement in effect can be renewed."), code="wrong_stage")
    if agreement.renewals.exclude(stage=Stage.CANCELLED).exists():
        raise DomainError(_("This agreement already has a renewal offer; continue that one."),
                          code="already_renewed")
    _not_before(offered_on, agreement.signed_on, "offered_on",
                _("The renewal offer is before the agreement was signed."))
    coverage = [CoveredEnterprise(c.enterprise, min(c.workers, c.enterprise.headcount or c.workers))
                for c in agreement.coverages.select_related("enterprise", "enterprise__union", "enterprise__town")]
    offer = Offer(kind=agreement.kind, title=_("%(title)s (renewal)") % {"title": agreement.title},
                  employer_party=agreement.employer_party, offered_by=offered_by, offered_on=offered_on,
                  offer_received_on=offer_received_on, coverage=coverage, offer_points=offer_points,
                  proposed_talks_on=proposed_talks_on, industry=agreement.industry,
                  term_years=agreement.term_years)
    renewal = start_negotiation(actor=actor, org=agreement.org, offer=offer, renewal_of=agreement)
    previous = _locked(agreement)
    _refresh_due(previous)  # its renewal step is now done
    return renewal


@transaction.atomic
def update_offer(*, actor, agreement, title, employer_party, offer_points, proposed_talks_on,
                 coverage: list[CoveredEnterprise]) -> WageAgreement:
    """Correct the parties, the offer's points and the enterprises covered while talks are open."""
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    # Once the congress approved the draft, who it binds can no longer change without a new vote.
    _require_stage(agreement, Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS)
    check_coverage(org=agreement.org, kind=agreement.kind, industry=agreement.industry, coverage=coverage)
    _not_before(proposed_talks_on, agreement.offered_on, "proposed_talks_on",
                _("The proposed date of talks is before the offer."))
    before = audit.snapshot(agreement)
    before_coverage = _coverage_snapshot(agreement.coverages.select_related("enterprise").order_by("enterprise__name"))
    agreement.title, agreement.employer_party = title.strip(), employer_party.strip()
    agreement.offer_points, agreement.proposed_talks_on = offer_points, proposed_talks_on
    _write_coverage(agreement, coverage)
    after_coverage = _coverage_snapshot(sorted(coverage, key=lambda c: c.enterprise.name))
    extra = {"coverage": after_coverage} if after_coverage != before_coverage else None
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.update_offer",
                            extra=extra)


@transaction.atomic
def record_reply(*, actor, agreement, replied_on, reply_note="", first_meeting_on=None) -> WageAgreement:
    """The other side's written reply (due within 20 days of receiving the offer)."""
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.OFFERED)
    _not_future(replied_on, "replied_on", _("The reply date"))
    _not_before(replied_on, agreement.offer_received_on, "replied_on",
                _("The reply date is before the offer was received."))
    _not_before(first_meeting_on, replied_on, "first_meeting_on", _("The first meeting is before the reply."))
    before = audit.snapshot(agreement)
    agreement.replied_on, agreement.reply_note = replied_on, reply_note
    agreement.first_meeting_on = first_meeting_on
    agreement.stage = Stage.REPLIED
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.reply")


@transaction.atomic
def schedule_first_meeting(*, actor, agreement, first_meeting_on) -> WageAgreement:
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.REPLIED)
    _not_before(first_meeting_on, agreement.replied_on, "first_meeting_on",
                _("The first meeting is before the reply."))
    before = audit.snapshot(agreement)
    agreement.first_meeting_on = first_meeting_on
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.schedule")


@transaction.atomic
def record_data_exchange(*, actor, agreement, provided_on) -> WageAgreement:
    """The enterprise handed over wage totals, costs, finances, social insurance and training
    spending (due 5 working days before the first meeting)."""
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.REPLIED, Stage.IN_TALKS)
    _not_future(provided_on, "provided_on", _("The date the data was provided"))
    _not_before(provided_on, agreement.offered_on, "provided_on", _("The data date is before the offer."))
    before = audit.snapshot(agreement)
    agreement.data_provided_on = provided_on
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.data")


# --- representatives and talks ----------------------------------------------------------------

def check_representatives(agreement, reps: list[RepresentativeInput], recorder_name: str):
    """3–10 per side, equal numbers, one chief each, names given, a recorder named; the workers'
    chief is the union chair."""
    limits = rules()
    sides = {Side.UNION: [], Side.EMPLOYER: []}
    for number, rep in enumerate(reps, start=1):
        if not rep.name.strip():
            raise DomainError(_("Representative %(n)s: give the name.") % {"n": number},
                              code="rep_name", field="representatives")
        if rep.side not in sides:
            raise DomainError(_("Representative %(n)s: choose the workers' or the employer side.") % {"n": number},
                              code="rep_side", field="representatives")
        sides[rep.side].append(rep)
    for side, members in sides.items():
        label = Side(side).label
        if not limits.representatives_min <= len(members) <= limits.representatives_max:
            raise DomainError(
                _("%(side)s has %(count)s representatives; each side needs %(min)s to %(max)s.")
                % {"side": label, "count": len(members), "min": limits.representatives_min,
                   "max": limits.representatives_max}, code="rep_count", field="representatives")
        chiefs = [rep for rep in members if rep.is_chief]
        if len(chiefs) != 1:
            raise DomainError(_("%(side)s needs exactly one chief representative (now %(count)s).")
                              % {"side": label, "count": len(chiefs)}, code="rep_chief", field="representatives")
        names = [rep.name.strip() for rep in members]
        if len(set(names)) != len(names):
            raise DomainError(_("%(side)s lists the same person twice.") % {"side": label},
                              code="rep_twice", field="representatives")
    if len(sides[Side.UNION]) != len(sides[Side.EMPLOYER]):
        raise DomainError(
            _("The two sides must have equal numbers of representatives (workers' side %(union)s, "
              "employer side %(employer)s).")
            % {"union": len(sides[Side.UNION]), "employer": len(sides[Side.EMPLOYER])},
            code="rep_unequal", field="representatives")
    chair = agreement.org.chair_name.strip()
    union_chief = next(rep for rep in sides[Side.UNION] if rep.is_chief)
    if chair and union_chief.name.strip() != chair:
        raise DomainError(
            _("The workers' chief representative is the union chair (%(chair)s), not %(name)s.")
            % {"chair": chair, "name": union_chief.name}, code="rep_chief_not_chair", field="representatives")
    if not recorder_name.strip():
        raise DomainError(_("Name the recorder of the talks."), code="recorder_required", field="recorder_name")


@transaction.atomic
def set_representatives(*, actor, agreement, representatives: list[RepresentativeInput],
                        recorder_name: str) -> WageAgreement:
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS)
    check_representatives(agreement, representatives, recorder_name)
    before = _representatives_snapshot(agreement.recorder_name, agreement.representatives.order_by("-is_chief", "id"))
    agreement.representatives.all().delete()
    Representative.objects.bulk_create([
        Representative(agreement=agreement, side=rep.side, name=rep.name.strip(), position=rep.position.strip(),
                       is_chief=rep.is_chief) for rep in representatives])
    agreement.recorder_name = recorder_name.strip()
    agreement.save()
    after = _representatives_snapshot(agreement.recorder_name, representatives)
    audit.record(actor=actor, action="bargaining.representatives", obj=agreement, org=agreement.org,
                 before=before, after=after)
    return agreement


def _representatives_snapshot(recorder_name, reps):
    """Each side as "chief (position), next, …" for the trail: readable, and a change shows."""
    def names(side):
        return ", ".join(f"{r.name.strip()} ({r.position.strip()})" if r.position.strip() else r.name.strip()
                         for r in sorted((r for r in reps if r.side == side), key=lambda r: not r.is_chief))
    return {"recorder_name": recorder_name, "union_side": names(Side.UNION), "employer_side": names(Side.EMPLOYER)}


def expected_chair(agreement, rounds_so_far: int) -> str:
    """Meetings are chaired in turn by the chief representatives, the first by the side that
    made the offer."""
    other = Side.EMPLOYER if agreement.offered_by == Side.UNION else Side.UNION
    return agreement.offered_by if rounds_so_far % 2 == 0 else other


@transaction.atomic
def record_round(*, actor, agreement, held_on, minutes: str) -> TalkRound:
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.REPLIED, Stage.IN_TALKS)
    if not agreement.representatives.exists():
        raise DomainError(_("Name the representatives of both sides before recording talks."),
                          code="reps_missing")
    _not_future(held_on, "held_on", _("The meeting date"))
    _not_before(held_on, agreement.replied_on, "held_on", _("The meeting is before the reply."))
    last = agreement.rounds.order_by("-number").first()
    _not_before(held_on, last.held_on if last else None, "held_on",
                _("The meeting is before the previous round."))
    if not minutes.strip():
        raise DomainError(_("Write the minutes of the meeting."), code="minutes_required", field="minutes")
    number = (last.number if last else 0) + 1
    talk = TalkRound(agreement=agreement, number=number, held_on=held_on,
                     chaired_by=expected_chair(agreement, number - 1), minutes=minutes.strip())
    talk.full_clean()
    talk.save()
    before = audit.snapshot(agreement)
    agreement.stage = Stage.IN_TALKS
    _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.round",
                     extra={"round": number, "held_on": held_on.isoformat(),
                            "chaired_by": str(Side(talk.chaired_by).label)})
    return talk


@transaction.atomic
def update_terms(*, actor, agreement, **terms) -> WageAgreement:
    """The agreed contents, until the agreement is signed."""
    require(actor, CHANGE, agreement.org)
    unknown = set(terms) - set(TERMS_FIELDS)
    if unknown:
        raise DomainError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                          code="unknown_fields")
    agreement = _locked(agreement)
    if agreement.stage == Stage.APPROVED:
        # The congress approved this draft: changing it afterwards would need a new vote.
        raise DomainError(_("The draft has been approved; its terms can no longer change."),
                          code="approved_terms_locked")
    _require_stage(agreement, Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS)
    before = audit.snapshot(agreement)
    for name, value in terms.items():
        setattr(agreement, name, value)
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.terms")


def check_terms_complete(agreement):
    """What a draft must state before it goes to the vote (and is signed)."""
    if agreement.avg_increase_pct is None and agreement.kind == AgreementKind.SINGLE:
        raise DomainError(_("State the average wage increase before the vote."), code="terms_incomplete",
                          field="avg_increase_pct")
    if agreement.needs_minimum_terms and (agreement.min_wage is None or agreement.min_increase_pct is None):
        raise DomainError(_("An area or industry agreement must state the minimum wage and the minimum "
                            "increase rate."), code="terms_incomplete", field="min_wage")
    if not agreement.wage_system.strip():
        raise DomainError(_("Describe the wage system before the vote."), code="terms_incomplete",
                          field="wage_system")


# --- the vote ---------------------------------------------------------------------------------

def vote_passes(eligible: int, present: int, yes: int) -> bool:
    """At least two thirds present, and more than half of ALL delegates (or staff) in favour —
    not half of those present."""
    return eligible > 0 and present * 3 >= eligible * 2 and yes * 2 > eligible


def check_vote(data: VoteInput):
    if data.eligible < 1:
        raise DomainError(_("Give the number of delegates (or staff) entitled to vote."),
                          code="vote_eligible", field="eligible")
    if data.present > data.eligible:
        raise DomainError(_("%(present)s present is more than the %(eligible)s entitled to vote.")
                          % {"present": data.present, "eligible": data.eligible}, code="vote_present",
                          field="present")
    if data.yes + data.no + data.abstain > data.present:
        raise DomainError(
            _("In favour, against and abstaining add up to %(total)s, more than the %(present)s present.")
            % {"total": data.yes + data.no + data.abstain, "present": data.present},
            code="vote_ballots", field="yes")


def _vote_summary(vote):
    return _("%(body)s on %(day)s: %(eligible)s entitled, %(present)s present, %(yes)s in favour, %(no)s against, "
             "%(abstain)s abstaining — %(result)s") % {
        "body": vote.get_body_display(), "day": vote.held_on.isoformat(), "eligible": vote.eligible,
        "present": vote.present, "yes": vote.yes, "no": vote.no, "abstain": vote.abstain,
        "result": _("passed") if vote.passed else _("not passed")}


@transaction.atomic
def record_vote(*, actor, agreement, data: VoteInput) -> Vote:
    """Put the draft to the workers' congress (or all staff). Passed → awaiting signature;
    failed → back to the table."""
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.IN_TALKS)
    check_terms_complete(agreement)
    check_vote(data)
    _not_future(data.held_on, "held_on", _("The vote date"))
    last_round = agreement.rounds.order_by("-number").first()
    _not_before(data.held_on, last_round.held_on if last_round else None, "held_on",
                _("The vote is before the last round of talks."))
    # After a bureau objection only a new vote counts (timeline.approved_on).
    _not_before(data.held_on, agreement.objection_on, "held_on", _("The vote is before the bureau's objection."))
    if data.body not in VotingBody.values:
        raise DomainError(_("Choose the voting body."), code="vote_body", field="body")
    passed = vote_passes(data.eligible, data.present, data.yes)
    vote = Vote(agreement=agreement, body=data.body, held_on=data.held_on, eligible=data.eligible,
                present=data.present, yes=data.yes, no=data.no, abstain=data.abstain, passed=passed)
    vote.full_clean()
    vote.save()
    before = audit.snapshot(agreement)
    if passed:
        agreement.stage = Stage.APPROVED
    _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.vote",
                     extra={"vote": _vote_summary(vote)})
    return vote


# --- conclusion -------------------------------------------------------------------------------

def end_of_term(starts_on: datetime.date, years: int) -> datetime.date:
    """The last day of a term of whole years (29 February starts end on 28 February)."""
    try:
        end = starts_on.replace(year=starts_on.year + years)
    except ValueError:
        end = starts_on.replace(year=starts_on.year + years, day=28) + datetime.timedelta(days=1)
    return end - datetime.timedelta(days=1)


@transaction.atomic
def sign_agreement(*, actor, agreement, signed_on, starts_on, signed_file=None) -> WageAgreement:
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.APPROVED)
    _not_future(signed_on, "signed_on", _("The signing date"))
    approved_on = timeline.approved_on(agreement)
    _not_before(signed_on, approved_on, "signed_on", _("The signing date is before the draft was approved."))
    _not_before(starts_on, signed_on, "starts_on", _("The agreement cannot bind before it is signed."))
    if starts_on > signed_on + MAX_START_AFTER_SIGNING:
        raise DomainError(_("The agreement should bind within a year of signing; check the start date."),
                          code="start_too_late", field="starts_on")
    before = audit.snapshot(agreement)
    agreement.signed_on, agreement.starts_on = signed_on, starts_on
    agreement.ends_on = end_of_term(starts_on, agreement.term_years)
    if signed_file is not None:
        agreement.signed_file = signed_file
    agreement.stage = Stage.SIGNED
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.sign")


@transaction.atomic
def attach_signed_file(*, actor, agreement, signed_file) -> WageAgreement:
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, *CONCLUDED_STAGES)
    before = audit.snapshot(agreement)
    agreement.signed_file = signed_file
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.attach")


@transaction.atomic
def file_agreement(*, actor, agreement, filed_on, bureau_ref="") -> WageAgreement:
    """Filed with the labour bureau (due within 10 days of signing)."""
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.SIGNED)
    _not_future(filed_on, "filed_on", _("The filing date"))
    _not_before(filed_on, agreement.signed_on, "filed_on", _("The filing date is before the signing."))
    before = audit.snapshot(agreement)
    agreement.filed_on, agreement.bureau_ref = filed_on, bureau_ref.strip()
    agreement.stage = Stage.FILED
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.file")


@transaction.atomic
def record_objection(*, actor, agreement, objection_on, note) -> WageAgreement:
    """The bureau objected within its 15 days: the agreement does not take effect and goes back
    to the table."""
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.FILED)
    _not_future(objection_on, "objection_on", _("The objection date"))
    _not_before(objection_on, agreement.filed_on, "objection_on", _("The objection is before the filing."))
    limit = timeline.workdays.add_days(agreement.filed_on, rules().objection_days)
    if objection_on > limit:
        raise DomainError(_("The objection period ended on %(date)s; the agreement is already in effect.")
                          % {"date": limit.isoformat()}, code="objection_late", field="objection_on")
    if not note.strip():
        raise DomainError(_("Say what the bureau objected to."), code="note_required", field="note")
    before = audit.snapshot(agreement)
    agreement.objection_on, agreement.objection_note = objection_on, note.strip()
    agreement.stage = Stage.IN_TALKS
    agreement.signed_on = agreement.starts_on = agreement.ends_on = agreement.filed_on = None
    # The approved draft is void: only a vote after the objection counts (timeline.approved_on).
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.objection")


@transaction.atomic
def confirm_effective(*, actor, agreement, on=None) -> WageAgreement | None:
    """Record that the objection period ended without objection. Done by the daily job (actor
    None); idempotent: a row already past this stage is returned unchanged."""
    agreement = _locked(agreement)
    if agreement.stage != Stage.FILED:
        return None
    on = on or _today()
    effective_on = timeline.effective_date(agreement.filed_on)
    if on < effective_on:
        return None
    before = audit.snapshot(agreement)
    agreement.effective_on = effective_on
    agreement.stage = Stage.EFFECTIVE
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.effective")


def confirm_effective_agreements(on=None) -> int:
    """The daily job: every filed agreement whose objection period has ended takes effect."""
    on = on or _today()
    cutoff = timeline.workdays.add_days(on, -(rules().objection_days + 1))
    count = 0
    for pk in WageAgreement.objects.filter(stage=Stage.FILED, filed_on__lte=cutoff).values_list("pk", flat=True):
        if confirm_effective(actor=None, agreement=WageAgreement(pk=pk), on=on):
            count += 1
    return count


def refresh_deadlines() -> int:
    """Recompute the copied next deadline of every open negotiation (after the working-day
    calendar changed: talks and data-exchange dates count working days). Returns how many moved."""
    changed = []
    negotiations = (WageAgreement.objects.filter(stage__in=OPEN_STAGES)
                    .prefetch_related("rounds", "votes").order_by("pk"))
    for agreement in negotiations.iterator(chunk_size=500):
        due = timeline.next_due(agreement, rounds=list(agreement.rounds.all()), votes=list(agreement.votes.all()),
                                renewal_offered_on=timeline.NO_RENEWAL)
        if due != (agreement.next_step, agreement.next_due_on):
            agreement.next_step, agreement.next_due_on = due
            changed.append(agreement)
    WageAgreement.objects.bulk_update(changed, ["next_step", "next_due_on"], batch_size=500)
    return len(changed)


def close_expired_renewals(on=None) -> int:
    """The daily job: an agreement that ended without a renewal offer no longer has a renewal
    deadline (it is simply not in force any more); clear the copied one so the due page and the
    reminders drop it. Nothing else in `next_due` depends on the day."""
    on = on or _today()
    return (WageAgreement.objects.filter(next_step=timeline.StepCode.RENEWAL, ends_on__lt=on)
            .update(next_step="", next_due_on=None))


@transaction.atomic
def publish_agreement(*, actor, agreement, published_on, method) -> WageAgreement:
    """Made known to all staff (due within 5 days of taking effect)."""
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, Stage.EFFECTIVE)
    _not_future(published_on, "published_on", _("The publication date"))
    _not_before(published_on, agreement.effective_on, "published_on",
                _("The agreement is published once in effect (from %(date)s).") % {"date": agreement.effective_on})
    if not method.strip():
        raise DomainError(_("Say how the agreement was published (notice board, staff meeting, intranet…)."),
                          code="method_required", field="method")
    before = audit.snapshot(agreement)
    agreement.published_on, agreement.publish_method = published_on, method.strip()
    agreement.stage = Stage.PUBLISHED
    return _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.publish")


@transaction.atomic
def cancel_negotiation(*, actor, agreement, reason) -> WageAgreement:
    require(actor, CHANGE, agreement.org)
    agreement = _locked(agreement)
    _require_stage(agreement, *OPEN_STAGES)
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."), code="reason_required", field="reason")
    before = audit.snapshot(agreement)
    agreement.stage, agreement.cancelled_reason = Stage.CANCELLED, reason.strip()[:200]
    _save_with_audit(actor=actor, agreement=agreement, before=before, action="bargaining.cancel")
    if agreement.renewal_of_id:  # the renewal offer is owed again
        _refresh_due(_locked(agreement.renewal_of))
    return agreement


def percent(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


# --- reminders (the daily job) -----------------------------------------------------------------



def remind_due_steps(on=None) -> int:
    """Notify the union chair and the town cadre of every step overdue or due within
    `rules().remind_working_days` working days, and of agreements in force ending within the
    renewal window with no renewal offer. Idempotent: one notification per person, step, due
    date and state (due soon, then overdue), however often the job runs."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from gonghui.core.notifications import notify

    on = on or _today()
    limit = timeline.workdays.add_working_days(on, rules().remind_working_days)
    due = list(WageAgreement.objects.select_related("org").exclude(stage=Stage.CANCELLED)
               .filter(next_due_on__isnull=False, next_due_on__lte=limit))
    expiring = list(WageAgreement.objects.select_related("org").in_force_on(on)
                    .filter(ends_on__lte=on + datetime.timedelta(days=rules().renewal_days_before))
                    .exclude(renewals__stage__in=[s for s in Stage.values if s != Stage.CANCELLED]))
    requests = list(StaffRequest.objects.select_related("org", "enterprise")
                    .filter(agreement__isnull=True, offer_due_on__lte=limit))
    recipients = chairs_and_town_cadres({a.org for a in due + expiring} | {r.org for r in requests})
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for agreement in due:
            overdue = agreement.next_due_on < on
            step = timeline.STEP_LABELS.get(agreement.next_step, agreement.next_step)
            title = (_("Overdue: %(step)s — %(title)s") if overdue else _("Due soon: %(step)s — %(title)s")) % {
                "step": step, "title": agreement.title}
            body = _("%(org)s: “%(step)s” is due on %(date)s.") % {
                "org": agreement.org.name, "step": step, "date": agreement.next_due_on.isoformat()}
            created += notify(
                recipients=recipients[agreement.org_id], org=agreement.org, title=title, body=body,
                key=f"bargaining:{agreement.pk}:{agreement.next_step}:{agreement.next_due_on}:"
                    f"{'overdue' if overdue else 'soon'}",
                url=reverse("bargaining:detail", args=[agreement.pk]))
        for agreement in expiring:
            title = _("Expiring without a renewal offer: %(title)s") % {"title": agreement.title}
            body = _("%(org)s: the agreement ends on %(date)s and no renewal offer has been recorded.") % {
                "org": agreement.org.name, "date": agreement.ends_on.isoformat()}
            created += notify(recipients=recipients[agreement.org_id], org=agreement.org, title=title, body=body,
                              key=f"bargaining:{agreement.pk}:expiring:{agreement.ends_on}",
                              url=reverse("bargaining:detail", args=[agreement.pk]))
        for request in requests:
            overdue = request.offer_due_on < on
            title = (_("Overdue: the offer staff asked for — %(enterprise)s") if overdue
                     else _("Due soon: the offer staff asked for — %(enterprise)s")) % {
                "enterprise": request.enterprise.name}
            body = _("%(signatures)s of %(headcount)s staff asked for wage negotiation on %(received)s; the "
                     "offer is due on %(date)s.") % {
                "signatures": request.signatures, "headcount": request.headcount,
                "received": request.received_on.isoformat(), "date": request.offer_due_on.isoformat()}
            created += notify(recipients=recipients[request.org_id], org=request.org, title=title, body=body,
                              key=f"bargaining:request:{request.pk}:{'overdue' if overdue else 'soon'}",
                              url=reverse("bargaining:due"))
    return created
