"""Pages of the member registry. Thin: fetch through the scope (404 for hidden and missing alike),
check the action, call one service or selector, render.

ID card and mobile numbers never travel in a URL: the search is POSTed, and a search by number
is answered in the POST response itself; reveals are POSTs answered with `no-store`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import no_store
from gonghui.core.selectors import history_for

from . import policies, selectors, services
from .forms import (
    EditPersonForm,
    EndMembershipForm,
    MemberSearchForm,
    RegisterMemberForm,
    TransferDecisionForm,
    TransferRequestForm,
)
from .models import Membership, Person, Transfer
from .selectors import is_pii_query

# --- list ---------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def member_list(request):
    """Search and filters in one POSTed form. Name and initials searches redirect to GET (a
    bookmarkable URL); an ID card or mobile search is answered here, so the number stays out of
    every URL. A number typed into the URL by hand is refused, not searched."""
    require(request.user, policies.VIEW)
    posted = request.method == "POST"
    if posted:
        form = MemberSearchForm(request.POST, user=request.user)
        if form.is_valid() and not is_pii_query(form.filters().q):
            return redirect(f"{reverse('members:list')}?{form.query_string()}".rstrip("?"))
        after = parse_after(request.POST.get("after"))
    else:
        if is_pii_query(request.GET.get("q", "")):
            # Typed into the address bar by hand: not searched, and dropped from the address.
            messages.warning(request, _("Search ID card and mobile numbers with the search box: they must not "
                                        "appear in a web address."))
            data = request.GET.copy()
            data.pop("q")
            return redirect(f"{reverse('members:list')}?{data.urlencode()}".rstrip("?"))
        form = MemberSearchForm(request.GET, user=request.user)
        form.is_valid()
        after = parse_after(request.GET.get("after"))
    filters = form.filters()
    form.set_org_options(selectors.member_filter_orgs(request.user, selected=filters.org))
    page = selectors.member_list_page(request.user, filters, after=after)
    context = {
        "form": form, "page": page, "filters": filters, "post_paging": posted,
        "next_query": "" if posted else form.query_string(after=page.next_after or ""),
        "first_query": "" if posted else form.query_string(),
        "can_register": policies.can_register(request.user),
        # Export the filters on screen; a search by number (answered by POST) cannot be exported.
        "can_export": request.user.can("members.export") and not (posted and is_pii_query(filters.q)),
        "can_export_full": request.user.can("members.export_full"),
        "export_query": "" if posted and is_pii_query(filters.q) else form.query_string(),
    }
    response = render(request, "members/list.html", context)
    return no_store(response) if posted else response


# --- person -------------------------------------------------------------------------------------

def _person_context(request, person, **extra):
    periods = selectors.person_periods(request.user, person)
    live = selectors.live_period(periods)
    current = live or selectors.current_membership(person)
    transfers = selectors.person_transfers(request.user, person)
    pending = next((t for t in transfers if t.status == "PENDING"), None)
    return {
        "person": person, "periods": periods, "live": live, "transfers": transfers, "pending": pending,
        "actions": policies.person_actions(request.user, current),
        "pending_actions": policies.transfer_actions(request.user, pending) if pending else None,
        **extra,
    }


@login_required
@require_GET
def person_detail(request, pk):
    person = get_visible_or_404(Person.objects, request.user, pk)
    tab = "history" if request.GET.get("tab") == "history" else "overview"
    context = _person_context(request, person, tab=tab)
    if tab == "history":
        related = [("members.Membership", m.pk) for m in context["periods"]]
        related += [("members.Transfer", t.pk) for t in context["transfers"]]
        context["history"] = history_for(request.user, person, related=related)
    return render(request, "members/detail.html", context)


@never_cache
@login_required
@require_POST
def reveal_pii(request, pk):
    """The full ID card and mobile numbers, as an HTML fragment for htmx (or a small page without
    JavaScript). The service checks the permission and writes the audit row."""
    person = get_visible_or_404(Person.objects, request.user, pk)
    try:
        values = services.reveal_person_pii(actor=request.user, person=person)
    except PermissionDenied:
        html = render_to_string("members/_pii_denied.html", {"person": person}, request=request)
        if not request.htmx:
            html = render_to_string("members/reveal_page.html", {"person": person, "fragment": html},
                                    request=request)
        return no_store(HttpResponse(html, status=403))
    context = {"person": person, "revealed": values}
    template = "members/_pii_revealed.html" if request.htmx else "members/reveal_page.html"
    if not request.htmx:
        context["fragment"] = render_to_string("members/_pii_revealed.html", context, request=request)
    return no_store(render(request, template, context))


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    require(request.user, policies.CHANGE)
    if request.method == "POST":
        form = RegisterMemberForm(request.POST, user=request.user)
        if form.is_valid():
            cd = form.cleaned_data
            membership = run_service(form, services.register_member, actor=request.user, union=cd["union"],
                                     data=form.member_input, enterprise=cd["enterprise"])
            if membership is not None:
                messages.success(request, _("%(name)s is now a member of %(union)s.")
                                 % {"name": membership.person.name, "union": membership.union})
                return redirect("members:detail", pk=membership.person_id)
    else:
        form = RegisterMemberForm(user=request.user)
    union_q = request.GET.get("union_q", "").strip() if request.method == "GET" else ""
    _fill_register_options(request, form, union_q)
    response = render(request, "members/member_form.html",
                      {"form": form, "mode": "create", "union_q": union_q})
    return no_store(response) if request.method == "POST" else response


def _fill_register_options(request, form, union_q=""):
    allowed = selectors.registrable_unions(request.user)
    selected = form.selected_union()
    unions = selectors.union_options(allowed, union_q, selected=selected)
    if not form.is_bound and selected is None and len(unions) == 1:
        form.initial["union"] = selected = unions[0]
    form.set_union_options(unions)
    if selected is not None:
        form.set_enterprise_options(selectors.union_enterprises(request.user, [selected]))
    else:
        form.set_enterprise_options(selectors.union_enterprises(request.user, unions), show_union=True)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = get_visible_or_404(Person.objects, request.user, pk)
    current = selectors.current_membership(person)
    require(request.user, policies.CHANGE, current.union if current else None)
    if request.method == "POST":
        form = EditPersonForm(request.POST, person=person)
        if form.is_valid():
            updated = run_service(form, services.update_person, actor=request.user, person=person,
                                  data=form.member_input)
            if updated is not None:
                messages.success(request, _("The details of %(name)s were saved.") % {"name": updated.name})
                return redirect("members:detail", pk=person.pk)
    else:
        form = EditPersonForm(person=person)
    response = render(request, "members/member_form.html", {"form": form, "mode": "edit", "person": person})
    return no_store(response) if request.method == "POST" else response


# --- membership periods -------------------------------------------------------------------------

def _membership_or_404(request, pk):
    return get_visible_or_404(Membership.objects.select_related("person", "union"), request.user, pk)


@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request, pk):
    membership = _membership_or_404(request, pk)
    require(request.user, policies.CHANGE, membership.union)
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ended = run_service(form, services.end_membership, actor=request.user, membership=membership,
                            ended_on=form.cleaned_data["ended_on"], reason=form.cleaned_data["reason"])
        if ended is not None:
            messages.success(request, _("The membership of %(name)s in %(union)s has ended.")
                             % {"name": membership.person.name, "union": membership.union})
            return redirect("members:detail", pk=membership.person_id)
    return render(request, "members/leave.html", {"form": form, "membership": membership,
                                                  "person": membership.person})


@login_required
@require_http_methods(["GET", "POST"])
def transfer_request(request, pk):
    membership = _membership_or_404(request, pk)
    require(request.user, policies.TRANSFER, membership.union)
    form = TransferRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        transfer = run_service(form, services.request_transfer, actor=request.user, membership=membership,
                               to_union=cd["to_union"], effective_on=cd["effective_on"], reason=cd["reason"])
        if transfer is not None:
            messages.success(request, _("Transfer to %(union)s requested; it waits for that union to accept.")
                             % {"union": transfer.to_union})
            return redirect("members:detail", pk=membership.person_id)
    union_q = request.GET.get("union_q", "").strip()
    form.set_union_options(selectors.union_options(
        selectors.transfer_target_queryset().exclude(pk=membership.union_id), union_q,
        selected=form.selected_union(), limit=selectors.PICKER_LIMIT))
    return render(request, "members/transfer_request.html", {
        "form": form, "membership": membership, "person": membership.person, "union_q": union_q,
    })


@login_required
@require_GET
def union_options(request):
    """<option>s for the union pickers (htmx): `for=register` searches the unions the user may
    enrol members in, `for=transfer` every active grassroots union (a receiving union)."""
    purpose = request.GET.get("for", "register")
    q = request.GET.get("union_q", "")
    if purpose == "transfer":
        require(request.user, policies.TRANSFER)
        options = selectors.union_options(selectors.transfer_target_queryset(), q)
    else:
        require(request.user, policies.CHANGE)
        options = selectors.union_options(selectors.registrable_unions(request.user), q)
    return render(request, "members/_union_options.html", {"options": options, "q": q})


@login_required
@require_GET
def enterprise_options(request):
    """<option>s of the employer select for the chosen union (htmx, register form)."""
    require(request.user, policies.CHANGE)
    union = selectors.registrable_unions(request.user).filter(pk=parse_after(request.GET.get("union"))).first()
    enterprises = selectors.union_enterprises(request.user, [union]) if union else []
    return render(request, "members/_enterprise_options.html", {"options": enterprises})


# --- transfers ----------------------------------------------------------------------------------

TRANSFER_TABS = (("incoming", gettext_lazy("Incoming")), ("outgoing", gettext_lazy("Outgoing")),
                 ("decided", gettext_lazy("Decided")))


@login_required
@require_GET
def transfer_list(request):
    require(request.user, policies.VIEW)
    tab = request.GET.get("tab", "incoming")
    if tab not in selectors.TRANSFER_TABS:
        tab = "incoming"
    page = selectors.transfer_list_page(request.user, tab, after=parse_after(request.GET.get("after")))
    return render(request, "members/transfer_list.html", {"page": page, "tab": tab, "tabs": TRANSFER_TABS,
                                                          "can_export": request.user.can("members.export")})


def _transfer_or_404(request, pk):
    queryset = Transfer.objects.select_related("person", "from_union", "to_union", "from_membership",
                                               "to_membership", "requested_by", "decided_by")
    return get_visible_or_404(queryset, request.user, pk)


def _render_transfer(request, transfer, *, forms=None, status=200):
    forms = forms or {}
    context = {
        "transfer": transfer,
        "actions": policies.transfer_actions(request.user, transfer),
        "person_visible": selectors.person_is_visible(request.user, transfer.person_id),
        "accept_form": forms.get("accept") or TransferDecisionForm(prefix="accept"),
        "reject_form": forms.get("reject") or TransferDecisionForm(prefix="reject"),
        "cancel_form": forms.get("cancel") or TransferDecisionForm(prefix="cancel"),
        "history": history_for(request.user, transfer),
        "decision_forms": list(forms.values()),
    }
    return render(request, "members/transfer_detail.html", context, status=status)


@login_required
@require_GET
def transfer_detail(request, pk):
    return _render_transfer(request, _transfer_or_404(request, pk))


def _decide(request, pk, *, kind, side, service, success, redirect_to):
    transfer = _transfer_or_404(request, pk)
    require(request.user, policies.TRANSFER, getattr(transfer, side))
    form = TransferDecisionForm(request.POST, prefix=kind)
    if form.is_valid():
        result = run_service(form, service, actor=request.user, transfer=transfer,
                             note=form.cleaned_data["note"])
        if result is not None:
            messages.success(request, success % {"name": transfer.person.name})
            return redirect(redirect_to(transfer))
    # Refused (e.g. someone else decided first): show the transfer as it is now, with the reason.
    return _render_transfer(request, _transfer_or_404(request, pk), forms={kind: form}, status=409
                            if form.non_field_errors() else 200)


@login_required
@require_POST
def transfer_accept(request, pk):
    return _decide(request, pk, kind="accept", side="to_union", service=services.accept_transfer,
                   success=_("%(name)s has been transferred in."),
                   redirect_to=lambda t: reverse("members:detail", args=[t.person_id]))


@login_required
@require_POST
def transfer_reject(request, pk):
    return _decide(request, pk, kind="reject", side="to_union", service=services.reject_transfer,
                   success=_("The transfer of %(name)s was rejected; they stay in their union."),
                   redirect_to=lambda t: f"{reverse('members:transfer_list')}?tab=incoming")


@login_required
@require_POST
def transfer_cancel(request, pk):
    return _decide(request, pk, kind="cancel", side="from_union", service=services.cancel_transfer,
                   success=_("The transfer of %(name)s was cancelled."),
                   redirect_to=lambda t: reverse("members:detail", args=[t.person_id]))
