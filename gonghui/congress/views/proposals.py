"""Pages of the proposal system. Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

Each workflow step has its own small page (`proposal_step`, registry `STEPS`), as in wage
negotiation: one question at a time, with the deadline beside it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.forms import run_service
from gonghui.core.pagination import keyset_page, parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Org

from .. import policies
from ..forms import proposals as forms
from ..models import CongressBody, Proposal, ProposalStatus, Session
from ..rules import rules
from ..selectors import proposals as selectors
from ..services import proposals as services

# --- list and export ---------------------------------------------------------------------------------


def _filter_form(request):
    form = forms.ProposalFilterForm(request.GET, user=request.user)
    form.is_valid()
    return form


@login_required
@require_GET
def proposal_list(request):
    require(request.user, policies.VIEW)
    form = _filter_form(request)
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    if form.matches_nothing:
        page = keyset_page(Proposal.objects.none())
    else:
        page = selectors.proposal_page(request.user, filters, after=parse_after(request.GET.get("after")))
    today = services.today()
    selectors.decorate(page.items, today)
    return render(request, "congress/proposal_list.html", {
        "form": form, "page": page, "query": form.query_string(), "filters": filters, "today": today,
        "can_create": policies.can_change(request.user), "can_export": policies.can_export(request.user),
    })


@login_required
@require_GET
def proposal_export(request):
    """The list page's filters as an .xlsx of the proposals the user may export."""
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW,
                       scoped=[("org", Org), ("body", CongressBody), ("session", Session)],
                       form=_filter_form(request), list_url="congress:proposal_list",
                       export=services.export_proposals,
                       filename=lambda: f"proposals-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


# --- draft ------------------------------------------------------------------------------------------

def _draft_form(request, body, *, initial=None):
    kwargs = {"delegates": selectors.seated_delegates(body), "sessions": selectors.open_sessions(body)}
    if request.method == "POST":
        return forms.ProposalForm(request.POST, **kwargs)
    return forms.ProposalForm(initial=initial, **kwargs)


def _page_of(name, pk):
    """The page of a congress term or session (the bodies area's pages), when it exists."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def body_url(body):
    return _page_of("congress:body_detail", body.pk)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request):
    """Choose the congress term (a union with one current term skips the question), then the draft."""
    require(request.user, policies.CHANGE)
    body_id = request.POST.get("body") or request.GET.get("body")
    if not body_id:
        q = (request.GET.get("q") or "").replace("\x00", "").strip()[:60]
        bodies = selectors.bodies_for_proposals(request.user, q)
        if len(bodies) == 1 and not q:
            return redirect(f"{request.path}?body={bodies[0].pk}")
        return render(request, "congress/proposal_choose_body.html", {"bodies": bodies, "q": q})
    body = get_visible_or_404(CongressBody.objects.select_related("enterprise", "org"), request.user,
                              parse_after(body_id), policies.CHANGE)
    form = _draft_form(request, body)
    if request.method == "POST" and form.is_valid():
        proposal = run_service(form, services.draft_proposal, actor=request.user, body=body,
                               data=form.proposal_input())
        if proposal is not None:
            messages.success(request, _("The draft was saved. Submit it once at least %(n)s delegates co-sign.")
                             % {"n": rules().cosigners_min})
            return redirect("congress:proposal_detail", pk=proposal.pk)
    return render(request, "congress/proposal_form.html", {
        "form": form, "body": body, "proposal": None, "body_url": body_url(body),
        "no_delegates": not form.fields["proposer"].queryset.exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk):
    proposal = get_visible_or_404(Proposal.objects.select_related("body__enterprise", "org"), request.user, pk)
    require(request.user, policies.CHANGE, proposal.org)
    if proposal.status != ProposalStatus.DRAFT:
        messages.warning(request, _("Only a draft can be edited; this proposal is at “%(status)s”.")
                         % {"status": proposal.get_status_display()})
        return redirect("congress:proposal_detail", pk=proposal.pk)
    form = _draft_form(request, proposal.body, initial=forms.ProposalForm.initial_for(proposal))
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, services.update_proposal, actor=request.user, proposal=proposal,
                            data=form.proposal_input())
        if saved is not None:
            messages.success(request, _("The draft was saved."))
            return redirect("congress:proposal_detail", pk=proposal.pk)
    return render(request, "congress/proposal_form.html", {
        "form": form, "body": proposal.body, "proposal": proposal, "body_url": body_url(proposal.body),
        "no_delegates": False,
    })


# --- detail -------------------------------------------------------------------------------------------

@login_required
@require_GET
def proposal_detail(request, pk):
    proposal = selectors.proposal_detail(get_visible_or_404(Proposal.objects, request.user, pk))
    today = services.today()
    return render(request, "congress/proposal_detail.html", {
        "proposal": proposal, "cosigners": list(proposal.cosigners.all()), "today": today,
        "badge": selectors.badge(proposal),
        "actions": selectors.proposal_actions(request.user, proposal),
        "dates": selectors.timeline(proposal, today), "body_url": body_url(proposal.body),
        "session_url": _page_of("congress:session_detail", proposal.session_id) if proposal.session_id else None,
        "late": selectors.reply_late(proposal), "adopted": selectors.is_adopted(proposal),
        "history": history_for(request.user, proposal), "cosigners_min": rules().cosigners_min,
    })


# --- workflow steps -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StepPage:
    title: str
    form: type
    allowed: str                 # the ProposalActions flag that shows this step
    service: Callable            # called with actor, proposal and the form's cleaned data
    done: str                    # message after success
    danger: bool = False
    initial: Callable | None = None


def _today_initial(*names):
    return lambda proposal: {name: services.today() for name in names}


def _benefit_initial(proposal):
    return {"benefit_verified": proposal.benefit_verified, "benefit_estimated": proposal.benefit_estimated}


STEPS = {
    "submit": StepPage(gettext_lazy("Submit the proposal"), forms.SubmitForm, "submit", services.submit_proposal,
                       gettext_lazy("The proposal was submitted to the proposal committee."),
                       initial=_today_initial("submitted_on")),
    "accept": StepPage(gettext_lazy("Accept as a proposal"), forms.AcceptForm, "review", services.accept_proposal,
                       gettext_lazy("The proposal was accepted and numbered."),
                       initial=_today_initial("reviewed_on")),
    "convert": StepPage(gettext_lazy("Convert to a suggestion"), forms.DeclineForm, "review",
                        services.convert_proposal, gettext_lazy("The proposal was converted to a suggestion."),
                        danger=True, initial=_today_initial("reviewed_on")),
    "reject": StepPage(gettext_lazy("Do not accept"), forms.DeclineForm, "review", services.reject_proposal,
                       gettext_lazy("The proposal was not accepted."), danger=True,
                       initial=_today_initial("reviewed_on")),
    "assign": StepPage(gettext_lazy("Assign to a department"), forms.AssignForm, "assign",
                       services.assign_proposal, gettext_lazy("The proposal was assigned."),
                       initial=_today_initial("assigned_on")),
    "extend": StepPage(gettext_lazy("Extend the reply by one month"), forms.ExtendForm, "extend",
                       services.extend_proposal, gettext_lazy("The reply deadline was extended.")),
    "reply": StepPage(gettext_lazy("Record the department's reply"), forms.ReplyForm, "reply",
                      services.reply_proposal, gettext_lazy("The reply was recorded."),
                      initial=_today_initial("replied_on")),
    "rate": StepPage(gettext_lazy("Record the proposer's rating"), forms.RateForm, "rate", services.rate_proposal,
                     gettext_lazy("The rating was recorded."), initial=_today_initial("rated_on")),
    "benefit": StepPage(gettext_lazy("Record the economic benefit"), forms.BenefitForm, "benefit",
                        services.record_benefit, gettext_lazy("The benefit was recorded."),
                        initial=_benefit_initial),
}


def _step_done_message(page, proposal):
    if page.service is services.accept_proposal:
        return _("The proposal was accepted as number %(number)s.") % {"number": proposal.number}
    if page.service is services.assign_proposal:
        return _("The proposal was assigned; the reply is due on %(date)s.") % {"date": proposal.due_on.isoformat()}
    if page.service is services.extend_proposal:
        return _("The reply is now due on %(date)s.") % {"date": proposal.due_on.isoformat()}
    if page.service is services.rate_proposal and proposal.status == ProposalStatus.ASSIGNED:
        return _("The proposer is not satisfied: the proposal was reopened and the new reply is due on %(date)s.") % {
            "date": proposal.due_on.isoformat()}
    return page.done


@login_required
@require_http_methods(["GET", "POST"])
def proposal_step(request, pk, step):
    page = STEPS.get(step)
    if page is None:
        raise Http404(_("Not found."))
    proposal = get_visible_or_404(Proposal.objects.select_related("org", "body__enterprise", "proposer"),
                                  request.user, pk)
    require(request.user, policies.CHANGE, proposal.org)
    if not getattr(selectors.proposal_actions(request.user, proposal), page.allowed):
        messages.warning(request, _("This step cannot be recorded now: the proposal is at “%(status)s”.")
                         % {"status": proposal.get_status_display()})
        return redirect("congress:proposal_detail", pk=proposal.pk)
    if request.method == "POST":
        form = page.form(request.POST)
    else:
        form = page.form(initial=page.initial(proposal) if page.initial else None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, page.service, actor=request.user, proposal=proposal, **form.cleaned_data)
        if saved is not None:
            messages.success(request, _step_done_message(page, saved))
            return redirect("congress:proposal_detail", pk=proposal.pk)
    return render(request, "congress/proposal_step.html", {
        "proposal": proposal, "page": page, "form": form, "step": step, "today": services.today(),
        "departments": selectors.departments_used(proposal.org) if step == "assign" else [],
        "extended_due": selectors.extended_due(proposal) if step == "extend" else None,
        "cosigner_count": proposal.cosigners.count() if step == "submit" else None,
        "cosigners_min": rules().cosigners_min,
    })
