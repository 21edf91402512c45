"""Every write of suggestions and technical projects. Each function is atomic, checks the
actor's right on the record's union (or its enterprise's town), locks the record (two people
recording the same step at once cannot both win), validates the step against the status and
the dates, and writes the audit trail (`innovation.<verb>`).

Submitting is open to every member. Today cadres and union staff record a member's suggestion
on the member's behalf (`innovation.change`); the phone portal will call the same
`submit_suggestion(actor=<the member's user>, submitter_person=<their Person>)`: `_may_submit`
already lets an actor through whose user account is linked to the submitting person
(`actor.person_id`, which the portal's accounts will carry) — no other change is needed.
`withdraw_suggestion` follows the same rule.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.policies import require
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import OrgLevel

from .models import (
    ADOPTED_STATUSES,
    OPEN_PROJECT_STATUSES,
    Milestone,
    ProjectStatus,
    Suggestion,
    SuggestionKind,
    SuggestionScore,
    SuggestionStatus,
    TeamMember,
    TechProject,
    split_names,
)
from .policies import CHANGE
from .rules import rules

MAX_YUAN = Decimal("999999999999.99")  # what the column holds (14 digits, 2 decimals)
CENT = Decimal("0.01")


# --- helpers ----------------------------------------------------------------------------------

def today():
    return timezone.localdate()


def _not_future(day, field, label):
    if day is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)


def _not_before(day, earlier, field, message):
    if day and earlier and day < earlier:
        raise DomainError(message, code="date_order", field=field)


def _text(value, field, label, *, required=True, limit=None):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if limit and len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def yuan(value, field, label, *, positive=False):
    """A sum of money in yuan with at most two decimals, not negative (or > 0)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise DomainError(_("%(label)s must be a number of yuan.") % {"label": label}, code="invalid_amount",
                          field=field) from exc
    if not amount.is_finite():
        raise DomainError(_("%(label)s must be a number of yuan.") % {"label": label}, code="invalid_amount",
                          field=field)
    if amount != amount.quantize(CENT):
        raise DomainError(_("%(label)s has more than two decimals (fen).") % {"label": label},
                          code="invalid_amount", field=field)
    if amount < 0:
        raise DomainError(_("%(label)s cannot be negative.") % {"label": label}, code="negative_amount", field=field)
    if positive and amount == 0:
        raise DomainError(_("%(label)s must be more than 0.") % {"label": label}, code="zero_amount", field=field)
    if amount > MAX_YUAN:
        raise DomainError(_("%(label)s is not a plausible amount.") % {"label": label}, code="invalid_amount",
                          field=field)
    return amount.quantize(CENT)


def _wrong_stage(record):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": record.get_status_display()}, code="wrong_stage")


def _require_status(record, *statuses):
    if record.status not in statuses:
        raise _wrong_stage(record)


def _require_change(actor, record):
    require(actor, CHANGE, *record.scope_orgs())


def _check_place(org, enterprise):
    """The union must be a grassroots union and the enterprise one of its own."""
    if org.level != OrgLevel.GRASSROOTS or not org.is_active:
        raise DomainError(_("%(org)s is not an active grassroots union.") % {"org": org}, code="wrong_union",
                          field="org")
    if enterprise.union_id != org.pk:
        raise DomainError(_("%(enterprise)s is not an enterprise of %(org)s.") % {"enterprise": enterprise,
                                                                                   "org": org},
                          code="enterprise_not_of_union", field="enterprise")


def _check_member(person, org, field):
    if person is None:
        return
    if not Membership.objects.filter(person=person, union=org, status__in=LIVE_STATUSES).exists():
        raise DomainError(_("%(name)s is not a current member of %(org)s.") % {"name": person.name, "org": org},
                          code="not_a_member", field=field)


def _names(values, field, label, *, limit=400):
    names = values if isinstance(values, list | tuple) else split_names(values or "")
    names = [str(n).strip() for n in names if str(n).strip()]
    for name in names:
        if len(name) > 64:
            raise DomainError(_("%(label)s: “%(name)s…” is too long for a name.") % {"label": label, "name": name[:20]},
                              code="too_long", field=field)
    joined = "、".join(names)
    if len(joined) > limit:
        raise DomainError(_("%(label)s: too many names.") % {"label": label}, code="too_long", field=field)
    return names, joined


def _saved(*, actor, record, before, action, extra=None, extra_before=None):
    record.full_clean()
    record.save()
    old, new = audit.changed(before, audit.snapshot(record))
    if extra:
        new = {**new, **extra}
    if extra_before:
        old = {**old, **extra_before}
    audit.record(actor=actor, action=action, obj=record, org=record.org, before=old, after=new)
    return record


# --- suggestions ------------------------------------------------------------------------------

def _may_submit(actor, places, submitter_person):
    """Staff of the union's (or the enterprise's town's) subtree on a member's behalf, or the
    member themself (portal)."""
    if actor is not None and actor.is_authenticated and actor.can_any(CHANGE, places):
        return
    own = getattr(actor, "person_id", None)
    if own is not None and submitter_person is not None and own == submitter_person.pk:
        return
    raise PermissionDenied(_("You are not allowed to do this here."))


@dataclass
class SuggestionInput:
    kind: str
    title: str
    problem: str
    proposal: str
    submitted_on: datetime.date
    expected_benefit: str = ""
    submitter_name: str = ""
    co_authors: list | str = ""


@transaction.atomic
def submit_suggestion(*, actor, org, enterprise, data: SuggestionInput, submitter_person=None) -> Suggestion:
    """Record a suggestion (合理化建议 or one of the five smalls). The submitter is a current
    member of the union (`submitter_person`, whose name is used) or, without one, a name."""
    _may_submit(actor, [org, enterprise.town], submitter_person)
    _check_place(org, enterprise)
    if data.kind not in SuggestionKind.values:
        raise DomainError(_("Choose the kind of suggestion."), code="invalid_kind", field="kind")
    _check_member(submitter_person, org, "submitter_person")
    name = submitter_person.name if submitter_person is not None else _text(
        data.submitter_name, "submitter_name", _("The submitter's name"), limit=64)
    _co, co_authors = _names(data.co_authors, "co_authors", _("Co-authors"))
    _not_future(data.submitted_on, "submitted_on", _("The submission date"))
    suggestion = Suggestion(
        org=org, enterprise=enterprise, kind=data.kind,
        title=_text(data.title, "title", _("The title"), limit=120),
        problem=_text(data.problem, "problem", _("The current problem"), limit=5000),
        proposal=_text(data.proposal, "proposal", pgettext("suggestion", "The proposal"), limit=5000),
        expected_benefit=_text(data.expected_benefit, "expected_benefit", _("The expected benefit"),
                               required=False, limit=5000),
        submitter_person=submitter_person, submitter_name=name, co_authors=co_authors,
        submitted_on=data.submitted_on, status=SuggestionStatus.SUBMITTED)
    suggestion.full_clean()
    suggestion.save()
    recorded = {k: v for k, v in audit.snapshot(suggestion).items() if v not in (None, "")}
    audit.record(actor=actor, action="innovation.submit", obj=suggestion, org=org, after=recorded)
    return suggestion


def _locked(suggestion):
    return (Suggestion.objects.select_related("org", "enterprise__town").select_for_update(of=("self",))
            .get(pk=suggestion.pk))


def check_scores(scores: dict) -> list[SuggestionScore]:
    """Points for every criterion of the scoring form, each a whole number 0..max; unknown
    criteria are refused (the form is the rules', not the caller's)."""
    form = rules().criteria
    unknown = sorted(set(scores) - {c.code for c in form})
    if unknown:
        raise DomainError(_("“%(code)s” is not a criterion of the scoring form.") % {"code": unknown[0]},
                          code="unknown_criterion", field=f"scores.{unknown[0]}")
    rows = []
    for criterion in form:
        value = scores.get(criterion.code)
        field = f"scores.{criterion.code}"
        if value is None or value == "":
            raise DomainError(_("Give the points for “%(label)s”.") % {"label": criterion.label},
                              code="score_missing", field=field)
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdecimal():
            raise DomainError(_("“%(label)s”: points are a whole number from 0 to %(max)s.")
                              % {"label": criterion.label, "max": criterion.max_points}, code="score_range",
                              field=field)
        points = int(value)
        if not 0 <= points <= criterion.max_points:
            raise DomainError(_("“%(label)s”: %(points)s points is outside 0 to %(max)s.")
                              % {"label": criterion.label, "points": points, "max": criterion.max_points},
                              code="score_range", field=field)
        rows.append(SuggestionScore(criterion=criterion.code, label=str(criterion.label)[:64],
                                    max_points=criterion.max_points, points=points))
    return rows


@transaction.atomic
def evaluate_suggestion(*, actor, suggestion, scores: dict, evaluated_on, evaluators, comments="") -> Suggestion:
    """Score the suggestion on the scoring form; the total (out of 100) gives the grade. A
    suggestion evaluated but not yet decided may be evaluated again (the new scores replace)."""
    _require_change(actor, suggestion)
    suggestion = _locked(suggestion)
    _require_status(suggestion, SuggestionStatus.SUBMITTED, SuggestionStatus.EVALUATED)
    rows = check_scores(scores)
    _not_future(evaluated_on, "evaluated_on", _("The evaluation date"))
    _not_before(evaluated_on, suggestion.submitted_on, "evaluated_on",
                _("The evaluation is before the suggestion was submitted (%(date)s).")
                % {"date": suggestion.submitted_on})
    _names_list, evaluator_names = _names(evaluators, "evaluators", _("Evaluators"), limit=200)
    if not _names_list:
        raise DomainError(_("Name the evaluators."), code="required", field="evaluators")
    before = audit.snapshot(suggestion)
    # A re-evaluation deletes the scores it replaces: the trail keeps them.
    replaced = _scores_text(suggestion.scores.all())
    total = sum(r.points for r in rows)
    suggestion.scores.all().delete()
    for row in rows:
        row.suggestion = suggestion
    SuggestionScore.objects.bulk_create(rows)
    suggestion.total_score, suggestion.grade = total, rules().grade_for(total)
    suggestion.evaluated_on, suggestion.evaluators = evaluated_on, evaluator_names
    suggestion.evaluation_comments = _text(comments, "comments", _("The comments"), required=False, limit=5000)
    suggestion.status = SuggestionStatus.EVALUATED
    return _saved(actor=actor, record=suggestion, before=before, action="innovation.evaluate",
                  extra={"scores": _scores_text(rows)}, extra_before={"scores": replaced} if replaced else None)


def _scores_text(rows):
    return "; ".join(f"{r.label} {r.points}/{r.max_points}" for r in rows)


@transaction.atomic
def adopt_suggestion(*, actor, suggestion, decided_on) -> Suggestion:
    """Adopt an evaluated suggestion (its total must reach `adopt_min_score`, when set)."""
    _require_change(actor, suggestion)
    suggestion = _locked(suggestion)
    if suggestion.status == SuggestionStatus.SUBMITTED:
        raise DomainError(_("Evaluate the suggestion with the scoring form before adopting it."),
                          code="wrong_stage")
    _require_status(suggestion, SuggestionStatus.EVALUATED)
    minimum = rules().adopt_min_score
    if minimum is not None and suggestion.total_score < minimum:
        raise DomainError(_("The total of %(total)s points is below the %(min)s needed for adoption.")
                          % {"total": suggestion.total_score, "min": minimum}, code="score_too_low")
    _not_future(decided_on, "decided_on", _("The decision date"))
    _not_before(decided_on, suggestion.evaluated_on, "decided_on",
                _("The decision is before the evaluation (%(date)s).") % {"date": suggestion.evaluated_on})
    before = audit.snapshot(suggestion)
    suggestion.status, suggestion.decided_on = SuggestionStatus.ADOPTED, decided_on
    return _saved(actor=actor, record=suggestion, before=before, action="innovation.adopt")


@transaction.atomic
def decline_suggestion(*, actor, suggestion, decided_on, reason) -> Suggestion:
    _require_change(actor, suggestion)
    suggestion = _locked(suggestion)
    _require_status(suggestion, SuggestionStatus.SUBMITTED, SuggestionStatus.EVALUATED)
    reason = _text(reason, "reason", _("The reason for not adopting"), limit=400)
    _not_future(decided_on, "decided_on", _("The decision date"))
    _not_before(decided_on, suggestion.evaluated_on or suggestion.submitted_on, "decided_on",
                _("The decision is before the suggestion was submitted or evaluated."))
    before = audit.snapshot(suggestion)
    suggestion.status, suggestion.decided_on, suggestion.decline_reason = (
        SuggestionStatus.NOT_ADOPTED, decided_on, reason)
    return _saved(actor=actor, record=suggestion, before=before, action="innovation.decline")


@transaction.atomic
def implement_suggestion(*, actor, suggestion, implemented_on, benefit_yuan, measured_on, note="") -> Suggestion:
    """The adopted suggestion is in use; its benefit was measured (yuan, ≥ 0)."""
    _require_change(actor, suggestion)
    suggestion = _locked(suggestion)
    _require_status(suggestion, SuggestionStatus.ADOPTED)
    amount = yuan(benefit_yuan, "benefit_yuan", _("The measured benefit"))
    _not_future(implemented_on, "implemented_on", _("The implementation date"))
    _not_before(implemented_on, suggestion.decided_on, "implemented_on",
                _("The implementation is before the adoption (%(date)s).") % {"date": suggestion.decided_on})
    _not_future(measured_on, "measured_on", _("The date the benefit was measured"))
    _not_before(measured_on, implemented_on, "measured_on", _("The benefit is measured after the implementation."))
    before = audit.snapshot(suggestion)
    suggestion.status, suggestion.implemented_on = SuggestionStatus.IMPLEMENTED, implemented_on
    suggestion.benefit_yuan, suggestion.benefit_measured_on = amount, measured_on
    suggestion.benefit_note = _text(note, "note", _("The note"), required=False, limit=5000)
    return _saved(actor=actor, record=suggestion, before=before, action="innovation.implement")


@transaction.atomic
def pay_reward(*, actor, suggestion, amount, paid_on, recipients=None) -> Suggestion:
    """The reward paid for an adopted (or implemented) suggestion, once. Recipients default to
    the submitter and co-authors."""
    _require_change(actor, suggestion)
    suggestion = _locked(suggestion)
    if suggestion.status not in ADOPTED_STATUSES:
        raise DomainError(_("A reward is paid only for an adopted suggestion; this one is “%(status)s”.")
                          % {"status": suggestion.get_status_display()}, code="wrong_stage")
    if suggestion.reward_paid_on is not None:
        raise DomainError(_("The reward was already paid on %(date)s.") % {"date": suggestion.reward_paid_on},
                          code="wrong_stage")
    money = yuan(amount, "amount", _("The reward"), positive=True)
    _not_future(paid_on, "paid_on", _("The payment date"))
    _not_before(paid_on, suggestion.decided_on, "paid_on",
                _("The reward is paid after the adoption (%(date)s).") % {"date": suggestion.decided_on})
    names, joined = _names(recipients if recipients else suggestion.team(), "recipients", _("Recipients"))
    if not names:
        raise DomainError(_("Name who received the reward."), code="required", field="recipients")
    before = audit.snapshot(suggestion)
    suggestion.reward_yuan, suggestion.reward_paid_on, suggestion.reward_recipients = money, paid_on, joined
    return _saved(actor=actor, record=suggestion, before=before, action="innovation.reward")


@transaction.atomic
def withdraw_suggestion(*, actor, suggestion, withdrawn_on, reason="") -> Suggestion:
    """The submitter takes the suggestion back before it is evaluated (recorded by staff on
    their behalf, or by the member themself through the portal)."""
    if not _can_change(actor, suggestion):
        _may_submit(actor, suggestion.scope_orgs(), suggestion.submitter_person)
    suggestion = _locked(suggestion)
    _require_status(suggestion, SuggestionStatus.SUBMITTED)
    _not_future(withdrawn_on, "withdrawn_on", _("The withdrawal date"))
    _not_before(withdrawn_on, suggestion.submitted_on, "withdrawn_on",
                _("The withdrawal is before the submission."))
    before = audit.snapshot(suggestion)
    suggestion.status, suggestion.withdrawn_on = SuggestionStatus.WITHDRAWN, withdrawn_on
    suggestion.withdraw_reason = _text(reason, "reason", _("The reason"), required=False, limit=400)
    return _saved(actor=actor, record=suggestion, before=before, action="innovation.withdraw")


def _can_change(actor, record):
    return actor is not None and actor.is_authenticated and actor.can_any(CHANGE, record.scope_orgs())


# --- technical projects -------------------------------------------------------------------------

@dataclass(frozen=True)
class TeamInput:
    name: str
    person: object = None  # a members.Person of the union, optional
    role: str = ""
    is_leader: bool = False


@dataclass
class ProjectInput:
    title: str
    goal: str
    planned_end_on: datetime.date
    team: list
    started_on: datetime.date | None = None


def _check_team(org, team):
    if not team:
        raise DomainError(_("Name the team: at least the leader."), code="team_required", field="team")
    leaders = [m for m in team if m.is_leader]
    if len(leaders) != 1:
        raise DomainError(_("Mark exactly one team member as the leader."), code="one_leader", field="team")
    seen = set()
    members = []
    for number, m in enumerate(team, start=1):
        name = (m.person.name if m.person is not None else (m.name or "")).strip()
        where = _("Team member %(n)s: ") % {"n": number}
        if not name:
            raise DomainError(where + _("give a name."), code="required", field="team")
        if len(name) > 64 or len(m.role or "") > 64:
            raise DomainError(where + _("the name or role is too long."), code="too_long", field="team")
        if name in seen:
            raise DomainError(where + _("%(name)s is listed twice.") % {"name": name}, code="team_twice", field="team")
        seen.add(name)
        _check_member(m.person, org, "team")
        members.append(TeamMember(name=name, person=m.person, role=(m.role or "").strip(), is_leader=m.is_leader))
    return members


@transaction.atomic
def create_project(*, actor, org, enterprise, data: ProjectInput) -> TechProject:
    """A 技术攻关 project: planned, or in progress from `started_on` when that is given."""
    require(actor, CHANGE, org, enterprise.town)
    _check_place(org, enterprise)
    members = _check_team(org, data.team)
    if data.started_on is not None:
        _not_future(data.started_on, "started_on", _("The start date"))
    if data.planned_end_on is None:
        raise DomainError(_("The planned end is required."), code="required", field="planned_end_on")
    _not_before(data.planned_end_on, data.started_on or today(), "planned_end_on",
                _("The planned end is before the start."))
    project = TechProject(
        org=org, enterprise=enterprise, title=_text(data.title, "title", _("The title"), limit=120),
        goal=_text(data.goal, "goal", _("The goal"), limit=5000), planned_end_on=data.planned_end_on,
        started_on=data.started_on,
        status=ProjectStatus.IN_PROGRESS if data.started_on else ProjectStatus.PLANNED)
    project.full_clean()
    project.save()
    for member in members:
        member.project = project
    TeamMember.objects.bulk_create(members)
    recorded = {k: v for k, v in audit.snapshot(project).items() if v not in (None, "")}
    audit.record(actor=actor, action="innovation.project_create", obj=project, org=org,
                 after={**recorded, "team": _team_text(members)})
    return project


def _team_text(members):
    return "; ".join(f"{m.name}{'*' if m.is_leader else ''}{' ' + m.role if m.role else ''}" for m in members)


def _locked_project(project):
    return (TechProject.objects.select_related("org", "enterprise__town").select_for_update(of=("self",))
            .get(pk=project.pk))


@transaction.atomic
def start_project(*, actor, project, started_on) -> TechProject:
    _require_change(actor, project)
    project = _locked_project(project)
    _require_status(project, ProjectStatus.PLANNED)
    _not_future(started_on, "started_on", _("The start date"))
    _not_before(project.planned_end_on, started_on, "started_on", _("The start is after the planned end."))
    first_due = project.milestones.order_by("due_on").values_list("due_on", flat=True).first()
    _not_before(first_due, started_on, "started_on",
                _("The start is after the first milestone's due date (%(date)s).") % {"date": first_due})
    before = audit.snapshot(project)
    project.status, project.started_on = ProjectStatus.IN_PROGRESS, started_on
    return _saved(actor=actor, record=project, before=before, action="innovation.project_start")


@transaction.atomic
def add_milestone(*, actor, project, title, due_on, note="") -> Milestone:
    """A milestone falls between the start (or today, for a planned project) and the planned end."""
    _require_change(actor, project)
    project = _locked_project(project)
    _require_status(project, *OPEN_PROJECT_STATUSES)
    if due_on is None:
        raise DomainError(_("The due date is required."), code="required", field="due_on")
    # created_at is stored in UTC: its local date, or a project created before 08:00 in Shanghai
    # would accept a milestone due the day before it was recorded.
    _not_before(due_on, project.started_on or timezone.localdate(project.created_at), "due_on",
                _("The milestone is due before the project started."))
    if due_on > project.planned_end_on:
        raise DomainError(_("The milestone is due after the project's planned end (%(date)s).")
                          % {"date": project.planned_end_on}, code="date_order", field="due_on")
    milestone = Milestone(project=project, title=_text(title, "title", _("The title"), limit=120), due_on=due_on,
                          note=_text(note, "note", _("The note"), required=False, limit=400))
    milestone.full_clean()
    milestone.save()
    audit.record(actor=actor, action="innovation.milestone_add", obj=project, org=project.org,
                 after={"milestone": milestone.title, "due_on": due_on.isoformat()})
    return milestone


@transaction.atomic
def complete_milestone(*, actor, project, milestone_id, done_on, note=None) -> Milestone:
    _require_change(actor, project)
    project = _locked_project(project)
    _require_status(project, ProjectStatus.IN_PROGRESS)
    milestone = project.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise DomainError(_("This project has no such milestone."), code="unknown_milestone", field="milestone")
    if milestone.done_on is not None:
        raise DomainError(_("The milestone was already done on %(date)s.") % {"date": milestone.done_on},
                          code="wrong_stage")
    _not_future(done_on, "done_on", _("The date it was done"))
    _not_before(done_on, project.started_on, "done_on",
                _("The milestone is done before the project started (%(date)s).") % {"date": project.started_on})
    before = {"milestone": milestone.title, "done_on": None, "note": milestone.note}
    milestone.done_on = done_on
    if note is not None:
        milestone.note = _text(note, "note", _("The note"), required=False, limit=400)
    milestone.save(update_fields=["done_on", "note"])
    audit.record(actor=actor, action="innovation.milestone_done", obj=project, org=project.org, before=before,
                 after={"milestone": milestone.title, "done_on": done_on.isoformat(), "note": milestone.note,
                        "late": done_on > milestone.due_on})
    return milestone


@transaction.atomic
def complete_project(*, actor, project, completed_on, result, benefit_yuan) -> TechProject:
    """The project reached its result; every milestone must be done first."""
    _require_change(actor, project)
    project = _locked_project(project)
    _require_status(project, ProjectStatus.IN_PROGRESS)
    open_milestone = project.milestones.filter(done_on__isnull=True).order_by("due_on").first()
    if open_milestone is not None:
        raise DomainError(_("The milestone “%(title)s” is not done yet.") % {"title": open_milestone.title},
                          code="milestones_open")
    amount = yuan(benefit_yuan, "benefit_yuan", _("The benefit"))
    _not_future(completed_on, "completed_on", _("The completion date"))
    _not_before(completed_on, project.started_on, "completed_on",
                _("The completion is before the start (%(date)s).") % {"date": project.started_on})
    last_done = project.milestones.order_by("-done_on").values_list("done_on", flat=True).first()
    _not_before(completed_on, last_done, "completed_on",
                _("The completion is before the last milestone was done (%(date)s).") % {"date": last_done})
    before = audit.snapshot(project)
    project.status, project.completed_on, project.benefit_yuan = ProjectStatus.COMPLETED, completed_on, amount
    project.result = _text(result, "result", _("The result"), limit=5000)
    return _saved(actor=actor, record=project, before=before, action="innovation.project_complete")


@transaction.atomic
def abandon_project(*, actor, project, abandoned_on, reason) -> TechProject:
    _require_change(actor, project)
    project = _locked_project(project)
    _require_status(project, *OPEN_PROJECT_STATUSES)
    reason = _text(reason, "reason", _("The reason for abandoning"), limit=400)
    _not_future(abandoned_on, "abandoned_on", _("The date"))
    _not_before(abandoned_on, project.started_on, "abandoned_on", _("The project is abandoned before it started."))
    before = audit.snapshot(project)
    project.status, project.abandoned_on, project.abandon_reason = ProjectStatus.ABANDONED, abandoned_on, reason
    return _saved(actor=actor, record=project, before=before, action="innovation.project_abandon")
