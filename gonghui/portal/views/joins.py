"""Pages of the `joins` area. Thin: who acts (the worker's login, or a cadre through the scope),
one service or selector, render.

- the worker (phone-first, no JavaScript needed): the 实名入会 form, my request (status,
  history, withdraw), my transfer when changing jobs;
- cadres: the list (filters, search, counts by status, keyset pages, export), a request's page
  (the applicant with ID and mobile masked, the route, the history) with approve / reject.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import reach_orgs
from gonghui.members.models import MembershipStatus, TransferStatus
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from ..forms import joins as forms
from ..models.joins import JoinStatus
from ..policies import joins as policies
from ..selectors import joins as selectors
from ..services import joins as services

# --- the worker's pages ----------------------------------------------------------------------------


def _posted(request):
    return request.POST if request.method == "POST" else None


def _matches(data):
    """The enterprises offered as choices: the search on the typed name, plus the one already
    picked (so a pick stays valid when the name was edited afterwards)."""
    if data is None:
        return []
    matches = selectors.search_enterprises(data.get("enterprise_name", ""))
    picked = selectors.enterprise_by_id(data.get("enterprise"))
    if picked is not None and all(m.pk != picked.pk for m in matches):
        matches.insert(0, picked)
    return matches


def _searching(request):
    return request.method == "POST" and request.POST.get("action") == "search"


def _typed(request, *, drop=("csrfmiddlewaretoken", "action", "enterprise")):
    """What the worker typed, as the initial values of a form shown again without errors."""
    return {k: v for k, v in request.POST.items() if k not in drop}


def _ask_to_pick(form):
    """The typed name found registered enterprises but none was picked: ask for a pick rather
    than for the town of an unregistered one."""
    if form.matches and not form.cleaned_data.get("enterprise") and "town" in form.errors:
        del form.errors["town"]
        form.add_error("enterprise", _("Pick your enterprise from the list, or “not in this list” and its town."))


@never_cache
@sensitive_post_parameters("id_number", "phone")  # PII: kept out of error reports
@login_required
@require_http_methods(["GET", "POST"])
def join_new(request):
    user = request.user
    live = selectors.live_membership(person_of_account(user))
    if live is not None:
        return render(request, "portal/joins/join_member.html", {"membership": live})
    if selectors.open_join_request(user) is not None:
        messages.info(request, _("Your join request is awaiting a decision."))
        return redirect("portal:my_join")
    data = _posted(request)
    options = {"matches": _matches(data), "towns": selectors.towns(),
               "phone_masked": getattr(user, "phone_masked", "")}
    if _searching(request):
        form = forms.JoinForm(initial=_typed(request), **options)
        return render(request, "portal/joins/join_new.html", {"form": form, "searched": True})
    form = forms.JoinForm(data, **options)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        joined = run_service(form, services.submit_join, actor=user, data=services.JoinInput(
            name=d["name"], id_number=d["id_number"], phone=d.get("phone", ""),
            hometown_province=d["hometown_province"], is_migrant=form.migrant_value(),
            enterprise=selectors.enterprise_by_id(form.picked_enterprise_id()),
            enterprise_name=d["enterprise_name"], town=d["town"], consent=d["consent"]))
        if joined is not None:
            messages.success(request, _("Your request was sent to %(org)s. You will be told of the decision here.")
                             % {"org": joined.org.name})
            return redirect("portal:my_join")
        _ask_to_pick(form)
    forms.mark_invalid(form)
    return render(request, "portal/joins/join_new.html", {"form": form},
                  status=400 if data is not None and form.errors else 200)


@never_cache
@login_required
@require_GET
def my_join(request):
    own = list(selectors.own_join_requests(request.user)[:selectors.rules().own_history_limit])
    current = own[0] if own else None
    return no_store(render(request, "portal/joins/my_join.html", {
        "current": current, "earlier": own[1:], "withdraw_form": forms.WithdrawForm(),
        "member": selectors.live_membership(person_of_account(request.user)),
    }))


@login_required
@require_POST
def my_join_withdraw(request, pk):
    own = selectors.own_join_request(request.user, pk)
    if own is None:
        raise Http404(_("Not found."))
    form = forms.WithdrawForm(request.POST)
    if run_service(form, services.withdraw_join, actor=request.user, join_request=own) is not None:
        messages.success(request, _("Your join request was withdrawn."))
    else:
        for error in form.non_field_errors():
            messages.error(request, error)
    return redirect("portal:my_join")


def _transfer_unions(form_data, matches):
    """The receiving unions to offer: those of the town of the picked enterprise when it has no
    union of its own, or of the town chosen for an unregistered one."""
    if form_data is None:
        return []
    picked = selectors.enterprise_by_id(form_data.get("enterprise"))
    if picked is None and form_data.get("enterprise") != forms.NOT_LISTED and len(matches) == 1:
        picked = matches[0] if matches[0].name == (form_data.get("enterprise_name") or "").strip() else None
    if picked is not None:
        has_union = picked.union is not None and picked.union.is_active
        return [] if has_union else selectors.receiving_unions(picked.town)
    town_id = parse_after(form_data.get("town"))
    town = Org.objects.filter(pk=town_id, level__in=selectors.TOWN_LEVELS).first() if town_id else None
    return selectors.receiving_unions(town)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_transfer_new(request):
    user = request.user
    person = person_of_account(user)
    membership = selectors.live_membership(person)
    transfers = selectors.own_transfers(person)
    pending = next((t for t in transfers if t.status == TransferStatus.PENDING), None)
    context = {"person": person, "membership": membership, "transfers": transfers, "pending": pending}
    if membership is None or pending is not None or membership.status != MembershipStatus.ACTIVE:
        return no_store(render(request, "portal/joins/transfer_new.html", context))
    data = _posted(request)
    matches = _matches(data)
    options = {"matches": matches, "towns": selectors.towns(), "unions": _transfer_unions(data, matches)}
    if _searching(request):
        context.update(form=forms.TransferForm(initial=_typed(request, drop=("csrfmiddlewaretoken", "action",
                                                                              "enterprise", "union")), **options),
                       searched=True)
        return render(request, "portal/joins/transfer_new.html", context)
    form = forms.TransferForm(data, **options)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        transfer = run_service(form, services.request_my_transfer, actor=user,
                               enterprise=selectors.enterprise_by_id(form.picked_enterprise_id()),
                               enterprise_name=d["enterprise_name"], town=d["town"], union=d.get("union"),
                               effective_on=d["effective_on"], reason=d["reason"])
        if transfer is not None:
            messages.success(request, _("Your transfer request was sent to %(union)s.") % {"union": transfer.to_union})
            return redirect("portal:my_transfer_new")
        _ask_to_pick(form)
    forms.mark_invalid(form)
    context["form"] = form
    return render(request, "portal/joins/transfer_new.html", context,
                  status=400 if data is not None and form.errors else 200)


# --- the cadres' pages -------------------------------------------------------------------------------

@login_required
@require_GET
def join_list(request):
    require(request.user, policies.VIEW)
    form = forms.JoinFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW), selectors.town_choices(request.user))
    filters = form.filters()
    page = selectors.join_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, "portal/joins/list.html", {
        "form": form, "page": page, "query": form.query_string(), "overdue_before": selectors.overdue_before(),
        "counts": [(label, counts.get(code, 0), code) for code, label in JoinStatus.choices if counts.get(code)],
        "query_without_status": form.query_string(status=""),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def join_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW,
                       scoped=[("org", Org), ("town", Org)],
                       form=forms.JoinFilterForm(request.GET, user=request.user),
                       list_url="portal:join_list", export=services.export_join_requests,
                       filename=lambda: f"join-requests-{services.today():%Y%m%d}.xlsx")


def _join(request, pk):
    return get_visible_or_404(selectors.join_rows(), request.user, pk)


def _render_detail(request, join_request, *, approve_form=None, reject_form=None, status=200):
    actions = policies.join_actions(request.user, join_request)
    unions = selectors.union_choices(request.user, join_request) if actions.choose_union else []
    return render(request, "portal/joins/detail.html", {
        "j": join_request, "actions": actions, "unions": unions,
        "approve_form": approve_form or forms.ApproveForm(unions=unions, prefix="approve"),
        "reject_form": reject_form or forms.RejectForm(prefix="reject"),
        "history": selectors.history_of(request.user, join_request),
        "overdue": join_request.is_pending and join_request.submitted_at < selectors.overdue_before(),
        "own": join_request.is_pending and policies.is_own(request.user, join_request),
    }, status=status)


@login_required
@require_GET
def join_detail(request, pk):
    return _render_detail(request, _join(request, pk))


@login_required
@require_POST
def join_approve(request, pk):
    join_request = _join(request, pk)
    require(request.user, policies.CHANGE, join_request.org)
    actions = policies.join_actions(request.user, join_request)
    unions = selectors.union_choices(request.user, join_request) if actions.choose_union else []
    form = forms.ApproveForm(request.POST, unions=unions, prefix="approve")
    if form.is_valid():
        done = run_service(form, services.approve_join, actor=request.user, join_request=join_request,
                           union=form.cleaned_data.get("union"))
        if done is not None:
            messages.success(request, _("%(name)s is now a member of %(union)s.")
                             % {"name": done.name, "union": done.union.name})
            return redirect("portal:join_detail", pk=done.pk)
    return _refused(request, pk, form, approve_form=form)


@login_required
@require_POST
def join_reject(request, pk):
    join_request = _join(request, pk)
    require(request.user, policies.CHANGE, join_request.org)
    form = forms.RejectForm(request.POST, prefix="reject")
    if form.is_valid():
        done = run_service(form, services.reject_join, actor=request.user, join_request=join_request,
                           reason=form.cleaned_data["reason"])
        if done is not None:
            messages.success(request, _("The request was not approved; the worker has been told why."))
            return redirect("portal:join_detail", pk=done.pk)
    return _refused(request, pk, form, reject_form=form)


def _refused(request, pk, form, **bound):
    """The request's page as it is now, with the refusal: on the form's field, or — when the step
    itself was refused (decided meanwhile) — as a message, since the form may be gone (409)."""
    conflict = bool(form.non_field_errors())
    for error in form.non_field_errors():
        messages.error(request, error)
    return _render_detail(request, _join(request, pk), status=409 if conflict else 400, **bound)

