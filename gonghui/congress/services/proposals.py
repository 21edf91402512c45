"""Every write of the proposal system (提案制), from the delegate's draft to the archive.

Each step is one keyword-only function `verb_noun(*, actor, proposal, ...)`: atomic, checks
`congress.change` on the proposal's union, locks the proposal row, refuses a step its status
does not allow (`wrong_stage`, a 409 in the API), validates the input with a message naming the
field, saves, and writes the audit trail (`congress.proposal_<verb>`, before/after).

Decisions (docs/congress-proposals.md):
- The union records the proposal for the delegate (the proposer does not sign in); the
  proposer and the co-signers are current, seated delegates of the same term: a substitute
  (列席/候补) has no vote in the congress and neither proposes nor co-signs.
- The proposal number (e.g. 2026-007) is the year of acceptance and a per-term sequence, given
  under a lock on the congress-term row so two reviewers cannot take the same number.
- An extension belongs to one assignment: a proposal reopened after an unsatisfied rating is
  assigned afresh (two months from the rating) and that assignment may be extended once too.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.selectors import chairs_and_town_cadres
from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require

from .. import deadlines
from ..models import (
    ADOPTED_OUTCOMES,
    BodyStatus,
    CongressBody,
    Delegate,
    Proposal,
    ProposalCategory,
    ProposalStatus,
    ReplyOutcome,
    Satisfaction,
    SessionStatus,
)
from ..policies import CHANGE
from ..rules import rules

# Sessions a proposal may be tabled for: one still to come, or one held and not yet reported.
PROPOSAL_SESSION_STATUSES = (SessionStatus.PLANNED, SessionStatus.HELD)
MAX_BENEFIT = Decimal("999999999999.99")  # the column's 14 digits, 2 after the point
# The co-signers' names in the audit trail (not the m2m field's name: the history would read the
# names as record ids).
COSIGNER_KEY = "cosigner_names"
TEXT_LIMITS = {"title": 120, "reasons": 5000, "suggestions": 5000, "review_reason": 2000, "reply": 5000,
               "department": 80, "extension_reason": 200}


@dataclass
class ProposalInput:
    """What a draft holds: who proposes, who co-signs, and the one issue it raises."""

    title: str
    category: str
    reasons: str
    suggestions: str
    proposer: Delegate
    cosigners: list[Delegate] = field(default_factory=list)
    session: object = None


# --- helpers ------------------------------------------------------------------------------------

def today():
    return timezone.localdate()


def _locked(proposal):
    return lock_one(Proposal, proposal.pk)


def _require_status(proposal, *statuses):
    if proposal.status not in statuses:
        raise DomainError(
            _("This step cannot be recorded now: the proposal is at “%(status)s”.")
            % {"status": proposal.get_status_display()}, code="wrong_stage")


def _required_text(value, field_name, message):
    text = (value or "").strip()
    if not text:
        raise DomainError(message, code="required", field=field_name)
    limit = TEXT_LIMITS.get(field_name)
    if limit and len(text) > limit:
        raise DomainError(_("Shorten this to at most %(n)s characters (now %(len)s).")
                          % {"n": limit, "len": len(text)}, code="too_long", field=field_name)
    return text


def _date_given(day, field_name, label):
    if day is None:
        raise DomainError(_("Give %(label)s.") % {"label": label}, code="required", field=field_name)


def _not_future(day, field_name, label):
    if day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field_name)


def _not_before(day, earlier, field_name, message):
    if earlier and day < earlier:
        raise DomainError(message, code="date_order", field=field_name)


def _money(value, field_name):
    """None, or a yuan amount ≥ 0 with at most two decimal places."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError) as exc:
        raise DomainError(_("Enter the amount in yuan as a number, e.g. 12000.50."), code="invalid",
                          field=field_name) from exc
    if not amount.is_finite() or amount < 0:
        raise DomainError(_("The amount in yuan cannot be negative."), code="negative", field=field_name)
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Give the amount in yuan with at most two decimal places (fen)."), code="precision",
                          field=field_name)
    if amount > MAX_BENEFIT:
        raise DomainError(_("%(amount)s yuan is not a plausible amount; check the figure.") % {"amount": amount},
                          code="too_large", field=field_name)
    return amount.quantize(Decimal("0.01"))


def _names(delegates):
    return "; ".join(sorted(d.name for d in delegates))


def _save_with_audit(*, actor, proposal, before, action, extra_before=None, extra_after=None):
    proposal.full_clean(validate_constraints=False)
    proposal.save()
    old, new = audit.changed(before, audit.snapshot(proposal))
    if extra_before or extra_after:
        old, new = {**old, **(extra_before or {})}, {**new, **(extra_after or {})}
    audit.record(actor=actor, action=action, obj=proposal, org=proposal.org, before=old, after=new)
    return proposal


# --- who may propose and co-sign ----------------------------------------------------------------

def _check_body(body):
    if body.status != BodyStatus.ACTIVE:
        raise DomainError(_("%(body)s has ended its term; proposals go to the current congress.") % {"body": body},
                          code="body_ended", field="body")


def _seated(delegate, body, field_name, who):
    """A current, seated delegate of `body` (not a substitute, not ended)."""
    if delegate.body_id != body.pk:
        raise DomainError(_("%(who)s %(name)s is not a delegate of this congress.")
                          % {"who": who, "name": delegate.name}, code="other_body", field=field_name)
    if delegate.ended_on is not None:
        raise DomainError(_("%(who)s %(name)s stopped being a delegate on %(date)s.")
                          % {"who": who, "name": delegate.name, "date": delegate.ended_on.isoformat()},
                          code="delegate_ended", field=field_name)
    if delegate.is_substitute:
        raise DomainError(_("%(who)s %(name)s is a substitute delegate; only seated delegates may propose or "
                            "co-sign.") % {"who": who, "name": delegate.name},
                          code="substitute", field=field_name)


def check_signatories(body, proposer, cosigners):
    """The proposer and the co-signers: seated delegates of the body, each once, the proposer not
    among the co-signers. The minimum number is checked on submission (a draft collects them)."""
    _seated(proposer, body, "proposer", _("The proposer"))
    seen = set()
    for delegate in cosigners:
        if delegate.pk == proposer.pk:
            raise DomainError(_("%(name)s is the proposer and cannot also co-sign.") % {"name": delegate.name},
                              code="proposer_cosigns", field="cosigners")
        if delegate.pk in seen:
            raise DomainError(_("%(name)s is listed twice as a co-signer.") % {"name": delegate.name},
                              code="cosigner_twice", field="cosigners")
        seen.add(delegate.pk)
        _seated(delegate, body, "cosigners", _("Co-signer"))


def _signatories(proposer, cosigners):
    return [("proposer", _("The proposer"), proposer)] + [("cosigners", _("Co-signer"), d) for d in cosigners]


def _elected_by(day, proposer, cosigners):
    """Nobody signs a proposal before being elected a delegate."""
    for field_name, who, delegate in _signatories(proposer, cosigners):
        if delegate.elected_on and delegate.elected_on > day:
            raise DomainError(_("%(who)s %(name)s became a delegate on %(date)s, after the submission date.")
                              % {"who": who, "name": delegate.name, "date": delegate.elected_on.isoformat()},
                              code="date_order", field=field_name)


def check_signed_when_submitted(proposal):
    """On review: the proposer and the co-signers were delegates on the day it was submitted. A
    leaving date entered after the submission but falling before it voids that signature (the
    committee then converts or rejects the proposal, or it is never numbered)."""
    cosigners = list(proposal.cosigners.all())
    valid = 0
    for field_name, who, delegate in _signatories(proposal.proposer, cosigners):
        if delegate.ended_on is not None and delegate.ended_on <= proposal.submitted_on:
            if field_name == "proposer":
                raise DomainError(
                    _("%(who)s %(name)s stopped being a delegate on %(date)s, before the proposal was submitted; "
                      "it cannot be accepted.") % {"who": who, "name": delegate.name,
                                                   "date": delegate.ended_on.isoformat()},
                    code="delegate_ended", field=field_name)
            continue
        valid += field_name == "cosigners"
    needed = rules().cosigners_min
    if valid < needed:
        ended = sorted(d.name for d in cosigners if d.ended_on is not None and d.ended_on <= proposal.submitted_on)
        raise DomainError(
            _("A proposal needs at least %(needed)s co-signing delegates; on the submission date only %(count)s "
              "were delegates (%(names)s had left). Convert or reject it with that reason.")
            % {"needed": needed, "count": valid, "names": "; ".join(ended)},
            code="cosigners_missing", field="cosigners")


def _check_session(session, body):
    if session is None:
        return
    if session.body_id != body.pk:
        raise DomainError(_("The session “%(session)s” belongs to another congress.") % {"session": session},
                          code="other_body", field="session")
    if session.status not in PROPOSAL_SESSION_STATUSES:
        raise DomainError(_("The session “%(session)s” is %(status)s; table the proposal for a planned or held "
                            "session, or for none.") % {"session": session, "status": session.get_status_display()},
                          code="session_closed", field="session")


def _check_content(data: ProposalInput):
    title = _required_text(data.title, "title", _("Give the proposal's subject."))
    if data.category not in ProposalCategory.values:
        raise DomainError(_("Choose the category."), code="required", field="category")
    reasons = _required_text(data.reasons, "reasons", _("Say why: the situation and the problem it causes."))
    suggestions = _required_text(data.suggestions, "suggestions", _("Say what is proposed to solve it."))
    return title, reasons, suggestions


def _apply(proposal, data: ProposalInput):
    title, reasons, suggestions = _check_content(data)
    check_signatories(proposal.body, data.proposer, data.cosigners)
    _check_session(data.session, proposal.body)
    proposal.title, proposal.category, proposal.reasons, proposal.suggestions = (
        title, data.category, reasons, suggestions)
    proposal.proposer, proposal.session = data.proposer, data.session


# --- draft ---------------------------------------------------------------------------------------

@transaction.atomic
def draft_proposal(*, actor, body: CongressBody, data: ProposalInput) -> Proposal:
    """A delegate's proposal recorded by the union, for the current term of its congress."""
    require(actor, CHANGE, body.org)
    _check_body(body)
    proposal = Proposal(org=body.org, body=body, status=ProposalStatus.DRAFT)
    _apply(proposal, data)
    proposal.full_clean(validate_constraints=False)
    proposal.save()
    proposal.cosigners.set(data.cosigners)
    recorded = {k: v for k, v in audit.snapshot(proposal).items() if v not in (None, "", False, 0)}
    audit.record(actor=actor, action="congress.proposal_draft", obj=proposal, org=proposal.org,
                 after={**recorded, COSIGNER_KEY: _names(data.cosigners)})
    return proposal


@transaction.atomic
def update_proposal(*, actor, proposal, data: ProposalInput) -> Proposal:
    """Correct a draft: its text, session, proposer and co-signers."""
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.DRAFT)
    before = audit.snapshot(proposal)
    before_cosigners = _names(proposal.cosigners.all())
    _apply(proposal, data)
    proposal.cosigners.set(data.cosigners)
    after_cosigners = _names(data.cosigners)
    changed = after_cosigners != before_cosigners
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action="congress.proposal_update",
                            extra_before={COSIGNER_KEY: before_cosigners} if changed else None,
                            extra_after={COSIGNER_KEY: after_cosigners} if changed else None)


# --- submission and review ----------------------------------------------------------------------

@transaction.atomic
def submit_proposal(*, actor, proposal, submitted_on: datetime.date, one_issue: bool) -> Proposal:
    """Hand the draft to the proposal committee: at least `rules().cosigners_min` co-signers, all
    still seated, and the proposer's confirmation that it raises one issue (a person judges that;
    the reviewer enforces it by converting or rejecting)."""
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.DRAFT)
    _date_given(submitted_on, "submitted_on", _("the date it was submitted"))
    _not_future(submitted_on, "submitted_on", _("The submission date"))
    if not one_issue:
        raise DomainError(_("Confirm that the proposal raises one issue only; split it into several proposals "
                            "otherwise."), code="one_issue", field="one_issue")
    _check_body(proposal.body)
    _not_before(submitted_on, proposal.body.term_starts_on, "submitted_on",
                _("The submission date is before this congress term began (%(date)s).")
                % {"date": proposal.body.term_starts_on.isoformat()})
    cosigners = list(proposal.cosigners.all())
    check_signatories(proposal.body, proposal.proposer, cosigners)
    _elected_by(submitted_on, proposal.proposer, cosigners)
    needed = rules().cosigners_min
    if len(cosigners) < needed:
        raise DomainError(
            _("A proposal needs at least %(needed)s co-signing delegates; it has %(count)s, so %(missing)s more "
              "must co-sign.") % {"needed": needed, "count": len(cosigners), "missing": needed - len(cosigners)},
            code="cosigners_missing", field="cosigners")
    before = audit.snapshot(proposal)
    proposal.submitted_on, proposal.status = submitted_on, ProposalStatus.SUBMITTED
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action="congress.proposal_submit",
                            extra_after={COSIGNER_KEY: _names(cosigners)})


def _check_review_date(proposal, reviewed_on):
    _date_given(reviewed_on, "reviewed_on", _("the review date"))
    _not_future(reviewed_on, "reviewed_on", _("The review date"))
    _not_before(reviewed_on, proposal.submitted_on, "reviewed_on",
                _("The review date is before the proposal was submitted (%(date)s).")
                % {"date": proposal.submitted_on.isoformat()})


def next_number(body, year: int) -> str:
    """The next free number of `body` in `year` ("2026-007"). Call with the body row locked."""
    prefix = f"{year}-"
    taken = Proposal.objects.filter(body=body, number__startswith=prefix).values_list("number", flat=True)
    sequence = max((int(n[len(prefix):]) for n in taken if n[len(prefix):].isdigit()), default=0) + 1
    return f"{prefix}{sequence:03d}"


@transaction.atomic
def accept_proposal(*, actor, proposal, reviewed_on: datetime.date) -> Proposal:
    """The committee accepts it as a proposal (立案) and numbers it."""
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.SUBMITTED)
    _check_review_date(proposal, reviewed_on)
    check_signed_when_submitted(proposal)
    body = lock_one(CongressBody, proposal.body_id)  # numbers are given one at a time per term
    before = audit.snapshot(proposal)
    proposal.number = next_number(body, reviewed_on.year)
    proposal.reviewed_on, proposal.review_reason = reviewed_on, ""
    proposal.status = ProposalStatus.ACCEPTED
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action="congress.proposal_accept")


def _decline(*, actor, proposal, reviewed_on, reason, status, action):
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.SUBMITTED)
    _check_review_date(proposal, reviewed_on)
    reason = _required_text(reason, "review_reason",
                            _("Give the reason, for the proposer (e.g. it raises several issues, or it is a "
                              "personal matter)."))
    before = audit.snapshot(proposal)
    proposal.reviewed_on, proposal.review_reason, proposal.status = reviewed_on, reason, status
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action=action)


@transaction.atomic
def convert_proposal(*, actor, proposal, reviewed_on: datetime.date, review_reason: str) -> Proposal:
    """Not a proposal, but worth answering: handled as an ordinary suggestion, with the reason."""
    return _decline(actor=actor, proposal=proposal, reviewed_on=reviewed_on, reason=review_reason,
                    status=ProposalStatus.CONVERTED, action="congress.proposal_convert")


@transaction.atomic
def reject_proposal(*, actor, proposal, reviewed_on: datetime.date, review_reason: str) -> Proposal:
    """Not accepted, with the reason the proposer is told."""
    return _decline(actor=actor, proposal=proposal, reviewed_on=reviewed_on, reason=review_reason,
                    status=ProposalStatus.REJECTED, action="congress.proposal_reject")


# --- assignment, extension, reply ---------------------------------------------------------------

@transaction.atomic
def assign_proposal(*, actor, proposal, department: str, assigned_on: datetime.date) -> Proposal:
    """Hand it to the responsible department: the reply is due two months later (next working day)."""
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.ACCEPTED)
    department = _required_text(department, "department", _("Name the responsible department."))
    _date_given(assigned_on, "assigned_on", _("the date it was assigned"))
    _not_future(assigned_on, "assigned_on", _("The assignment date"))
    _not_before(assigned_on, proposal.reviewed_on, "assigned_on",
                _("The assignment date is before the proposal was accepted (%(date)s).")
                % {"date": proposal.reviewed_on.isoformat()})
    before = audit.snapshot(proposal)
    proposal.department, proposal.assigned_on = department, assigned_on
    proposal.due_on = deadlines.reply_due(assigned_on)
    proposal.status = ProposalStatus.ASSIGNED
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action="congress.proposal_assign")


@transaction.atomic
def extend_proposal(*, actor, proposal, extension_reason: str) -> Proposal:
    """One more month for the reply, once per assignment, with the department's reason."""
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.ASSIGNED)
    if proposal.extended:
        raise DomainError(_("The reply was already extended once (to %(date)s); it cannot be extended again.")
                          % {"date": proposal.due_on.isoformat()}, code="wrong_stage")
    reason = _required_text(extension_reason, "extension_reason", _("Give the department's reason for the "
                                                                     "extension."))
    before = audit.snapshot(proposal)
    proposal.extended, proposal.extension_reason = True, reason
    proposal.due_on = deadlines.reply_due(proposal.assigned_on, extended=True)
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action="congress.proposal_extend")


@transaction.atomic
def reply_proposal(*, actor, proposal, outcome: str, reply: str, replied_on: datetime.date,
                   benefit_estimated=None) -> Proposal:
    """The department's written reply: A solved, B put in the plan, C cannot be solved for now (the
    reply then says why). A late reply is recorded all the same; the pages show it late."""
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.ASSIGNED)
    if outcome not in ReplyOutcome.values:
        raise DomainError(_("Choose the outcome: A, B or C."), code="required", field="outcome")
    if outcome == ReplyOutcome.NOT_NOW:
        text = _required_text(reply, "reply", _("Outcome C needs the reason it cannot be solved for now in the "
                                                "reply."))
    else:
        text = _required_text(reply, "reply", _("Give the text of the department's reply."))
    _date_given(replied_on, "replied_on", _("the reply date"))
    _not_future(replied_on, "replied_on", _("The reply date"))
    _not_before(replied_on, proposal.assigned_on, "replied_on",
                _("The reply date is before the proposal was assigned (%(date)s).")
                % {"date": proposal.assigned_on.isoformat()})
    estimated = _money(benefit_estimated, "benefit_estimated")
    if estimated is not None and outcome not in ADOPTED_OUTCOMES:
        raise DomainError(_("Only an adopted proposal (outcome A or B) has an economic benefit."),
                          code="not_adopted", field="benefit_estimated")
    before = audit.snapshot(proposal)
    proposal.outcome, proposal.reply, proposal.replied_on = outcome, text, replied_on
    if estimated is not None:
        proposal.benefit_estimated = estimated
    if outcome not in ADOPTED_OUTCOMES:
        # A reopened proposal may carry the benefit of the reply it had (A/B); answered C now, it
        # brings none (the statistics sum these columns). The old figures stay in the trail.
        proposal.benefit_estimated = proposal.benefit_verified = None
    proposal.status = ProposalStatus.REPLIED
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action="congress.proposal_reply")


# --- the proposer's rating, re-opening, archive -----------------------------------------------

REPLY_FIELDS = ("outcome", "reply", "replied_on")


@transaction.atomic
def rate_proposal(*, actor, proposal, satisfaction: str, rated_on: datetime.date) -> Proposal:
    """The proposer's satisfaction with the reply, recorded by the union. Satisfied or basically
    satisfied: archived. Not satisfied: reopened (assigned again, the reply due two months from
    the rating, the previous reply kept in the history) up to `rules().reopen_max` times, then
    archived as unsatisfied."""
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.REPLIED)
    if satisfaction not in Satisfaction.values:
        raise DomainError(_("Choose the proposer's rating."), code="required", field="satisfaction")
    _date_given(rated_on, "rated_on", _("the date of the rating"))
    _not_future(rated_on, "rated_on", _("The rating date"))
    _not_before(rated_on, proposal.replied_on, "rated_on",
                _("The rating date is before the reply (%(date)s).") % {"date": proposal.replied_on.isoformat()})
    before = audit.snapshot(proposal)
    proposal.satisfaction, proposal.rated_on = satisfaction, rated_on
    if satisfaction == Satisfaction.UNSATISFIED and proposal.reopen_count < rules().reopen_max:
        _reopen(proposal, rated_on)
        action_after = {"reopened": True}
    else:
        proposal.status, proposal.archived_on = ProposalStatus.ARCHIVED, rated_on
        action_after = None
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action="congress.proposal_rate",
                            extra_after=action_after)


def _reopen(proposal, on):
    """Back to the department for a new reply; the rating and the old reply stay in the trail."""
    proposal.reopen_count += 1
    proposal.status = ProposalStatus.ASSIGNED
    proposal.assigned_on, proposal.due_on = on, deadlines.reply_due(on)
    proposal.extended, proposal.extension_reason = False, ""
    proposal.outcome, proposal.reply, proposal.replied_on = "", "", None
    proposal.satisfaction, proposal.rated_on = "", None


@transaction.atomic
def record_benefit(*, actor, proposal, benefit_verified, benefit_estimated=None) -> Proposal:
    """The economic benefit of an adopted proposal (outcome A or B) in yuan, once verified (and
    the estimate, when it is corrected at the same time)."""
    require(actor, CHANGE, proposal.org)
    proposal = _locked(proposal)
    _require_status(proposal, ProposalStatus.REPLIED, ProposalStatus.ARCHIVED)
    if proposal.outcome not in ADOPTED_OUTCOMES:
        raise DomainError(_("Only an adopted proposal (outcome A or B) has an economic benefit; this one was "
                            "answered “%(outcome)s”.") % {"outcome": proposal.get_outcome_display()},
                          code="not_adopted", field="benefit_verified")
    verified = _money(benefit_verified, "benefit_verified")
    if verified is None:
        raise DomainError(_("Give the verified benefit in yuan."), code="required", field="benefit_verified")
    estimated = _money(benefit_estimated, "benefit_estimated")
    before = audit.snapshot(proposal)
    proposal.benefit_verified = verified
    if estimated is not None:
        proposal.benefit_estimated = estimated
    return _save_with_audit(actor=actor, proposal=proposal, before=before, action="congress.proposal_benefit")


def refresh_reply_deadlines() -> int:
    """Recompute the stored reply deadline of every assigned proposal (after the working-day
    calendar changed: a deadline is rolled to the next working day). Returns how many moved."""
    changed = []
    for proposal in Proposal.objects.filter(status=ProposalStatus.ASSIGNED).only(
            "pk", "assigned_on", "extended", "due_on").order_by("pk").iterator(chunk_size=500):
        due = deadlines.reply_due(proposal.assigned_on, extended=proposal.extended)
        if due != proposal.due_on:
            proposal.due_on = due
            changed.append(proposal)
    Proposal.objects.bulk_update(changed, ["due_on"], batch_size=500)
    return len(changed)


# --- Excel export of the list ---------------------------------------------------------------------

class _ExportRef:
    """What an export's audit row points at: the export itself (there is no model row)."""

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Proposal export")


EXPORT_WIDTHS = [10, 40, 14, 24, 24, 14, 16, 22, 12, 12, 20, 12, 12, 12, 8, 12, 12, 12, 14, 14]


def _export_headers():
    from django.utils.text import capfirst

    def label(name):
        return capfirst(Proposal._meta.get_field(name).verbose_name)

    return [label("number"), label("title"), label("category"), _("Enterprise"), label("org"), _("Town"),
            label("proposer"), label("status"), label("submitted_on"), label("reviewed_on"), label("department"),
            label("assigned_on"), label("due_on"), label("replied_on"), label("outcome"), _("Replied late"),
            label("satisfaction"), label("archived_on"), label("benefit_estimated"),
            label("benefit_verified")]


def write_proposals(target, qs) -> int:
    """The proposals of `qs` as an .xlsx at `target` (core.excel: formula-safe, constant memory)."""
    from gonghui.core.excel import XlsxStream
    from gonghui.orgs.models import Org, OrgLevel

    towns = dict(Org.objects.filter(level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM)).values_list("path", "name"))

    def town_of(path):
        return next((name for p, name in towns.items() if path.startswith(p)), "")

    statuses, categories = dict(ProposalStatus.choices), dict(ProposalCategory.choices)
    outcomes, ratings = dict(ReplyOutcome.choices), dict(Satisfaction.choices)
    yes, no = _("Yes"), _("No")
    columns = ("number", "title", "category", "body__enterprise__name", "org__name", "org__path", "proposer__name",
               "status", "submitted_on", "reviewed_on", "department", "assigned_on", "due_on", "replied_on",
               "outcome", "satisfaction", "archived_on", "benefit_estimated", "benefit_verified")
    rows = 0
    with XlsxStream(target) as book:
        sheet = book.sheet(_("Proposals"), headers=_export_headers(), widths=EXPORT_WIDTHS)
        for values in qs.values_list(*columns).iterator(chunk_size=1000):
            row = dict(zip(columns, values, strict=True))
            late = bool(row["replied_on"] and row["due_on"] and row["replied_on"] > row["due_on"])
            sheet.append([
                row["number"], row["title"], str(categories.get(row["category"], row["category"])),
                row["body__enterprise__name"], row["org__name"], town_of(row["org__path"]), row["proposer__name"],
                str(statuses.get(row["status"], row["status"])), row["submitted_on"], row["reviewed_on"],
                row["department"], row["assigned_on"], row["due_on"], row["replied_on"],
                str(outcomes.get(row["outcome"], "")), (yes if late else no) if row["replied_on"] else "",
                str(ratings.get(row["satisfaction"], "")), row["archived_on"],
                float(row["benefit_estimated"]) if row["benefit_estimated"] is not None else None,
                float(row["benefit_verified"]) if row["benefit_verified"] is not None else None,
            ])
            rows += 1
    return rows


def _export_reach(actor):
    from gonghui.orgs.models import Org

    from ..policies import EXPORT

    if actor.is_superuser:
        return list(Org.objects.filter(depth=1).order_by("path"))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)).order_by("path"))


def export_proposals(*, actor, filters):
    """(rewound temporary file, rows): the filtered list, narrowed to the actor's export reach,
    audited once per export (object type `congress.ProposalExport`)."""
    import tempfile
    import uuid

    from ..policies import EXPORT
    from ..selectors.proposals import filtered

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Proposal.objects.visible_to(actor, EXPORT).values("pk")
    qs = (Proposal.objects.filter(pk__in=filtered(actor, filters).values("pk")).filter(pk__in=exportable)
          .order_by("-id"))
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        rows = write_proposals(handle, qs)
        described = {"q": filters.q, "status": filters.status, "due": filters.due, "department": filters.department,
                     "org": filters.org.pk if filters.org else None, "body": filters.body.pk if filters.body else None,
                     "session": filters.session.pk if filters.session else None, "year": filters.year}
        ref = _ExportRef(uuid.uuid4().hex)
        # One row per top org covered, so the auditors of that subtree see the export.
        for place in [filters.org] if filters.org is not None else (_export_reach(actor) or [None]):
            audit.record(actor=actor, action="congress.proposal_export", obj=ref,
                         object_type="congress.ProposalExport", org=place,
                         after={"rows": rows, "filters": described})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


# --- reminders (the daily job) -------------------------------------------------------------------



def remind_proposal_replies(on=None) -> int:
    """Notify the union chair and the town cadre of every assigned proposal whose reply is
    overdue or due within `rules().remind_days` days. Idempotent: one notification per person,
    proposal, due date and state (due soon, then overdue), however often the job runs."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from gonghui.core.notifications import notify

    on = on or today()
    limit = on + datetime.timedelta(days=rules().remind_days)
    due = list(Proposal.objects.select_related("org", "body__enterprise")
               .filter(status=ProposalStatus.ASSIGNED, due_on__lte=limit).order_by("due_on", "pk"))
    recipients = chairs_and_town_cadres({p.org for p in due})
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for proposal in due:
            overdue = proposal.due_on < on
            label = proposal.number or proposal.title
            title = (_("Overdue: the reply to proposal %(label)s") if overdue
                     else _("Due soon: the reply to proposal %(label)s")) % {"label": label}
            body = _("%(enterprise)s: “%(title)s”, assigned to %(department)s, is to be answered by %(date)s.") % {
                "enterprise": proposal.body.enterprise.name, "title": proposal.title,
                "department": proposal.department, "date": proposal.due_on.isoformat()}
            created += notify(
                recipients=recipients[proposal.org_id], org=proposal.org, title=title, body=body,
                key=f"congress:proposal:{proposal.pk}:{proposal.due_on}:{'overdue' if overdue else 'soon'}",
                url=reverse("congress:proposal_detail", args=[proposal.pk]))
    return created
