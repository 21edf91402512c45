"""Pages of committee elections (换届选举): the list, the plan, and a page per step. Thin: fetch
through the scope (404 for hidden and missing alike), check the action, call one service, render.
Written for part-time union chairs: every page says what the step is, what the law asks and what
comes next."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org, OrgLevel

from ..forms import elections as forms
from ..models.elections import CandidatePosition, Election, ElectionStatus, Electorate
from ..policies import elections as policies
from ..rules import elections as election_rules
from ..selectors import elections as selectors
from ..services import elections as services


def _search_text(value, limit=60):
    return (value or "").replace("\x00", "").strip()[:limit]


def size_table(members=None):
    """The legal committee-size table as rows for the page, the union's own row marked."""
    rows, low_bound = [], 0
    for upto, low, high in election_rules.rules().size_table:
        rows.append({"from": low_bound + 1 if low_bound else 0, "to": upto, "low": low, "high": high,
                     "mine": members is not None and (members > low_bound or low_bound == 0)
                     and (upto is None or members <= upto)})
        low_bound = upto or low_bound
    return rows


def _guide(members):
    low, high = election_rules.seat_range(members)
    return {"members": members, "low": low, "high": high, "table": size_table(members),
            "min_candidates": {s: election_rules.min_candidates(s) for s in range(low, high + 1)},
            "margin": election_rules.rules().candidate_margin_percent}


# --- list ---------------------------------------------------------------------------------------

@login_required
@require_GET
def election_list(request):
    require(request.user, policies.VIEW)
    form = forms.ElectionFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.election_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "grassroots/elections/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "elections",
        "can_change": policies.can_change(request.user), "can_export": policies.can_export(request.user),
    })


@login_required
@require_GET
def election_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ElectionFilterForm(request.GET, user=request.user),
                       list_url="grassroots:election_list", export=services.export_elections,
                       filename=lambda: f"elections-{selectors.today():%Y%m%d}.xlsx")


# --- the plan -----------------------------------------------------------------------------------

def _plan_kwargs(data):
    return {"electorate": data["electorate"], "seats": data["seats"], "term_years": data["term_years"],
            "planned_meeting_on": data["planned_meeting_on"], "note": data["note"],
            "entitled_voters": data.get("entitled_voters") if data["electorate"] == Electorate.DELEGATES else None}


@login_required
@require_http_methods(["GET", "POST"])
def election_create(request):
    """Step 1: choose the union (by name, among those the user may act for), then the plan."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    union_q = _search_text(data.get("union_q"))
    union = None
    if data.get("union"):
        union = (Org.objects.visible_to(request.user, policies.CHANGE)
                 .filter(level=OrgLevel.GRASSROOTS, pk=parse_after(data.get("union"))).first())
        if union is None:
            raise Http404(_("Not found."))
    context = {"union": union, "union_q": union_q,
               "unions": [] if union else selectors.union_choices(request.user, union_q)}
    if union is not None:
        existing = services.open_election_of(union)
        members = services.live_members(union)
        if request.method == "POST":
            form = forms.PlanForm(request.POST)
            if form.is_valid():
                election = run_service(form, services.plan_election, actor=request.user, union=union,
                                       **_plan_kwargs(form.cleaned_data))
                if election is not None:
                    messages.success(request, _("The plan was started. Now add the candidates."))
                    return redirect("grassroots:election_candidates", pk=election.pk)
        else:
            low, high = election_rules.seat_range(members)
            form = forms.PlanForm(initial={"seats": low if low == high else None, "term_years": 5})
        context.update({"form": form, "existing": existing, "guide": _guide(members),
                        "committee": selectors.current_committee(union)})
    return render(request, "grassroots/elections/plan_form.html", context)


def _election(request, pk):
    return get_visible_or_404(Election.objects.select_related("org"), request.user, pk)


@login_required
@require_GET
def election_detail(request, pk):
    election = selectors.with_steps(_election(request, pk))
    actions = policies.election_actions(request.user, election)
    candidates = list(election.candidates.all())
    rounds = list(election.rounds.all())
    meetings = list(election.meetings.all())
    valid_meeting = next((m for m in meetings if m.valid), None)
    entitled = valid_meeting.entitled if valid_meeting else election.entitled_voters
    committee = None
    if election.status == ElectionStatus.APPROVED:
        from ..models import Committee

        committee = Committee.objects.filter(election_id=election.pk).first()
    return render(request, "grassroots/elections/detail.html", {
        "election": election, "actions": actions, "candidates": candidates, "rounds": rounds, "meetings": meetings,
        "elected": [c for c in candidates if c.elected],
        "problems": services.plan_problems(election) if election.status == ElectionStatus.DRAFT else [],
        "guide": _guide(election.members_count), "min_candidates": election_rules.min_candidates(election.seats),
        "quorum_needed": election_rules.quorum_needed(entitled), "majority_needed": election_rules.majority_needed(
            entitled), "committee": committee, "approval_cutoff": selectors.approval_cutoff(),
        "history": history_for(request.user, election),
    })


@login_required
@require_http_methods(["GET", "POST"])
def election_edit(request, pk):
    election = _election(request, pk)
    require(request.user, policies.CHANGE, election.org)
    if not policies.election_actions(request.user, election).edit_plan:
        return _refuse(request, election)
    if request.method == "POST":
        form = forms.PlanForm(request.POST)
        if form.is_valid() and run_service(form, services.update_plan, actor=request.user, election=election,
                                           **_plan_kwargs(form.cleaned_data)):
            messages.success(request, _("The plan was saved."))
            return redirect("grassroots:election_detail", pk=election.pk)
    else:
        form = forms.PlanForm(initial={
            "electorate": election.electorate, "seats": election.seats, "term_years": election.term_years,
            "planned_meeting_on": election.planned_meeting_on, "note": election.note,
            "entitled_voters": election.entitled_voters if election.electorate == Electorate.DELEGATES else None})
    return render(request, "grassroots/elections/plan_form.html", {
        "union": election.org, "election": election, "form": form,
        "guide": _guide(services.live_members(election.org))})


def _refuse(request, election):
    messages.warning(request, _("This cannot be recorded now: the election is “%(status)s”.")
                     % {"status": election.get_status_display()})
    return redirect("grassroots:election_detail", pk=election.pk)


# --- candidates ---------------------------------------------------------------------------------

def _member_named(union, name):
    """The union's live member with exactly this name, when there is exactly one."""
    people = list(Membership.objects.filter(union=union, status__in=LIVE_STATUSES, person__name=name.strip())
                  .select_related("person")[:2])
    return people[0].person if len(people) == 1 else None


@login_required
@require_http_methods(["GET", "POST"])
def election_candidates(request, pk):
    election = _election(request, pk)
    require(request.user, policies.CHANGE, election.org)
    if not policies.election_actions(request.user, election).candidates:
        return _refuse(request, election)
    form = forms.CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        person = _member_named(election.org, d["name"])
        created = run_service(form, services.add_candidate, actor=request.user, election=election, name=d["name"],
                              person=person, gender=d["gender"] or (person.gender if person else ""),
                              proposed_position=d["proposed_position"],
                              relative_of_manager=d["relative_of_manager"])
        if created is not None:
            messages.success(request, _("%(name)s was added to the candidates.") % {"name": created.name})
            return redirect("grassroots:election_candidates", pk=election.pk)
    candidates = list(election.candidates.select_related("person"))
    return render(request, "grassroots/elections/candidates.html", {
        "election": election, "form": form, "candidates": candidates,
        "min_candidates": election_rules.min_candidates(election.seats),
        "margin": election_rules.rules().candidate_margin_percent,
        "problems": services.plan_problems(election),
    })


@login_required
@require_POST
def candidate_remove(request, pk, candidate_id):
    election = _election(request, pk)
    try:
        services.remove_candidate(actor=request.user, election=election, candidate_id=candidate_id)
        messages.success(request, _("The candidate was removed."))
    except DomainError as exc:
        messages.error(request, exc.text)
    return redirect("grassroots:election_candidates", pk=election.pk)


# --- one-form steps -----------------------------------------------------------------------------

@dataclass(frozen=True)
class StepPage:
    title: str
    intro: str
    form: type
    allowed: str
    run: Callable
    done: str
    danger: bool = False
    initial: Callable | None = None


def _today(_e):
    return {"day": selectors.today()}


STEPS = {
    "submit-plan": StepPage(
        gettext_lazy("Submit the plan to the upper union"),
        gettext_lazy("The upper union checks the seats, the candidates (差额) and their eligibility, then approves "
                     "the plan or returns it with the reason."),
        forms.DayForm, "submit_plan",
        lambda actor, e, f: services.submit_plan(actor=actor, election=e, submitted_on=f.cleaned_data["day"]),
        gettext_lazy("The plan was submitted to the upper union."), initial=_today),
    "approve-plan": StepPage(
        gettext_lazy("Approve the plan"),
        gettext_lazy("Approving lets the union hold the election meeting with these seats and candidates."),
        forms.ApproveForm, "approve_plan",
        lambda actor, e, f: services.approve_plan(actor=actor, election=e, approved_on=f.cleaned_data["day"],
                                                  approval_no=f.cleaned_data["approval_no"]),
        gettext_lazy("The plan was approved."), initial=_today),
    "return-plan": StepPage(
        gettext_lazy("Return the plan"), gettext_lazy("The plan goes back to the union to be changed."),
        forms.ReturnForm, "approve_plan",
        lambda actor, e, f: services.return_plan(actor=actor, election=e, returned_on=f.cleaned_data["day"],
                                                 reason=f.cleaned_data["reason"]),
        gettext_lazy("The plan was returned to the union."), danger=True, initial=_today),
    "meeting": StepPage(
        gettext_lazy("Record the election meeting"),
        gettext_lazy("At least two thirds of those entitled to vote must be present. With fewer, the meeting is "
                     "recorded as invalid and another meeting must be held."),
        forms.MeetingForm, "meeting",
        lambda actor, e, f: services.record_meeting(actor=actor, election=e, **f.cleaned_data),
        gettext_lazy("The meeting was recorded."),
        initial=lambda e: {"held_on": min(e.planned_meeting_on, selectors.today())}),
    "close-voting": StepPage(
        gettext_lazy("End the voting with seats vacant"),
        gettext_lazy("Once at least two thirds of the seats are filled, the meeting may decide not to hold a further "
                     "round; the remaining seats stay vacant."),
        forms.CloseVotingForm, "close_voting",
        lambda actor, e, f: services.close_voting(actor=actor, election=e, reason=f.cleaned_data["reason"]),
        gettext_lazy("The voting was ended."), danger=True),
    "submit-result": StepPage(
        gettext_lazy("Submit the result to the upper union"),
        gettext_lazy("The upper union approves the result; the new committee then replaces the current one."),
        forms.DayForm, "submit_result",
        lambda actor, e, f: services.submit_result(actor=actor, election=e, submitted_on=f.cleaned_data["day"]),
        gettext_lazy("The result was submitted to the upper union."), initial=_today),
    "approve-result": StepPage(
        gettext_lazy("Approve the result"),
        gettext_lazy("Approving seats the new committee: it becomes the union's current committee and the previous "
                     "one is kept in the union's history."),
        forms.ApproveForm, "approve_result",
        lambda actor, e, f: services.approve_result(actor=actor, election=e, approved_on=f.cleaned_data["day"],
                                                    approval_no=f.cleaned_data["approval_no"]),
        gettext_lazy("The result was approved and the new committee seated."), initial=_today),
    "return-result": StepPage(
        gettext_lazy("Return the result"), gettext_lazy("The result goes back to the union with the reason."),
        forms.ReturnForm, "approve_result",
        lambda actor, e, f: services.return_result(actor=actor, election=e, returned_on=f.cleaned_data["day"],
                                                   reason=f.cleaned_data["reason"]),
        gettext_lazy("The result was returned to the union."), danger=True, initial=_today),
    "cancel": StepPage(
        gettext_lazy("Cancel the election"),
        gettext_lazy("A cancelled election stays in the history; the union may then start a new one."),
        forms.CancelForm, "cancel",
        lambda actor, e, f: services.cancel_election(actor=actor, election=e, cancelled_on=f.cleaned_data["day"],
                                                     reason=f.cleaned_data["reason"]),
        gettext_lazy("The election was cancelled."), danger=True, initial=_today),
}


def _require_right(user, allowed, election):
    """403 for a visible election the user may not act on at this step, whatever its stage."""
    if allowed in ("approve_plan", "approve_result"):
        require(user, policies.APPROVE, election.org)
    elif allowed in ("submit_plan", "submit_result"):
        if not policies.may_submit(user, election):
            require(user, policies.SUBMIT, election.org)
    else:
        require(user, policies.CHANGE, election.org)


@login_required
@require_http_methods(["GET", "POST"])
def election_step(request, pk, step):
    page = STEPS.get(step)
    if page is None:
        raise Http404(_("Not found."))
    election = _election(request, pk)
    _require_right(request.user, page.allowed, election)
    if not getattr(policies.election_actions(request.user, election), page.allowed):
        return _refuse(request, election)
    if request.method == "POST":
        form = page.form(request.POST)
        if form.is_valid() and run_service(form, page.run, actor=request.user, e=election, f=form) is not None:
            messages.success(request, page.done)
            return redirect("grassroots:election_detail", pk=election.pk)
    else:
        form = page.form(initial=page.initial(election) if page.initial else None)
    context = {"election": election, "page": page, "form": form, "step": step}
    if step == "meeting":
        context.update({"quorum_needed": election_rules.quorum_needed(election.entitled_voters),
                        "meetings": list(election.meetings.all())})
    elif step == "close-voting":
        context.update({"filled": services.elected_count(election), "needed": services.close_threshold(election)})
    return render(request, "grassroots/elections/step.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def election_ballots(request, pk):
    """The count of the open round: ballots and the votes of every candidate standing in it."""
    election = _election(request, pk)
    require(request.user, policies.CHANGE, election.org)
    if not policies.election_actions(request.user, election).ballots:
        return _refuse(request, election)
    voting_round = services.open_round(election)
    rows = list(voting_round.votes.select_related("candidate").order_by("candidate__order", "candidate_id"))
    if request.method == "POST":
        form = forms.BallotsForm(request.POST, rows=rows)
        if form.is_valid():
            d = form.cleaned_data
            counted = run_service(form, services.record_ballots, actor=request.user, election=election,
                                  ballots_issued=d["ballots_issued"], ballots_returned=d["ballots_returned"],
                                  ballots_valid=d["ballots_valid"], votes=form.votes(), counted_on=d["counted_on"],
                                  round_number=d["ballot_round"])
            if counted is not None:
                election.refresh_from_db()
                if election.status == ElectionStatus.ELECTED:
                    messages.success(request, _("Every seat is filled. Record the committee's first meeting (chair "
                                                "and vice-chairs)."))
                else:
                    messages.warning(request, f"{counted.outcome} {_('Enter the ballots of the further round.')}")
                return redirect("grassroots:election_detail", pk=election.pk)
    else:
        form = forms.BallotsForm(rows=rows, initial={"counted_on": voting_round.meeting.held_on,
                                                     "ballots_issued": voting_round.meeting.present,
                                                     "ballot_round": voting_round.number})
    return render(request, "grassroots/elections/ballots.html", {
        "election": election, "round": voting_round, "form": form, "meeting": voting_round.meeting,
        "majority_needed": election_rules.majority_needed(voting_round.meeting.entitled),
        "elected_before": list(election.candidates.filter(elected=True)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def election_officers(request, pk):
    """The committee's first meeting: the chair and vice-chairs among the elected."""
    election = _election(request, pk)
    require(request.user, policies.CHANGE, election.org)
    if not policies.election_actions(request.user, election).officers:
        return _refuse(request, election)
    elected = list(election.candidates.filter(elected=True))
    if request.method == "POST":
        form = forms.OfficersForm(request.POST, elected=elected)
        if form.is_valid() and run_service(form, services.record_officers, actor=request.user, election=election,
                                           **form.cleaned_data):
            messages.success(request, _("The chair and vice-chairs were recorded. Submit the result to the upper "
                                        "union."))
            return redirect("grassroots:election_detail", pk=election.pk)
    else:
        chair = next((c.pk for c in elected if c.position == CandidatePosition.CHAIR), None)
        form = forms.OfficersForm(elected=elected, initial={
            "first_meeting_on": election.first_meeting_on or election.meeting_held_on, "chair": chair,
            "vice_chairs": [c.pk for c in elected if c.position == CandidatePosition.VICE_CHAIR]})
    return render(request, "grassroots/elections/officers.html", {
        "election": election, "form": form, "elected": elected,
        "barred": [c for c in elected if c.relative_of_manager]})
