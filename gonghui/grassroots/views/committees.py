"""Pages of union committees: the list of unions with their current committee and term state,
one committee, a union's committees term by term, and entering a committee from paper records.
Thin: fetch through the scope (404 for hidden and missing alike), check the action, call one
service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Org, OrgLevel

from ..forms import committees as forms
from ..models.committees import Committee
from ..policies import committees as policies
from ..rules.committees import rules
from ..selectors import committees as selectors
from ..services import committees as services


def _url_or_none(name, query=""):
    """A link to another area's page that may not exist yet (the page still renders without it)."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


@login_required
@require_GET
def committee_list(request):
    require(request.user, policies.VIEW)
    form = forms.CommitteeFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.union_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "grassroots/committees/list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": selectors.today(),
        "counts": selectors.state_counts(request.user), "months": rules().expiring_months,
        "can_record": policies.can_record(request.user), "can_export": policies.can_export(request.user),
    })


@login_required
@require_GET
def committee_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.CommitteeFilterForm(request.GET, user=request.user),
                       list_url="grassroots:committee_list", export=services.export_committees,
                       filename=lambda: f"committees-{selectors.today():%Y%m%d}.xlsx")


@login_required
@require_GET
def committee_detail(request, pk):
    committee = get_visible_or_404(Committee.objects.select_related("org", "election"), request.user, pk)
    members, reminders = selectors.committee_detail(committee)
    town = selectors.towns_of([committee.org]).get(committee.org_id)
    days_left = (committee.term_ends_on - selectors.today()).days
    return render(request, "grassroots/committees/detail.html", {
        "committee": committee, "members": members, "reminders": reminders, "town": town,
        "days_left": days_left, "days_over": -days_left,
        "state": selectors.term_state(committee), "today": selectors.today(), "months": rules().expiring_months,
        "reminder_labels": {code: services.point_label(code) for code, _m in services.reminder_points()},
        "can_record": policies.can_record(request.user, committee.org),
        "election_url": _election_url(committee),
        "start_election_url": _url_or_none("grassroots:election_create", f"?union={committee.org_id}"),
        "history": history_for(request.user, committee),
    })


def _election_url(committee):
    if committee.election_id is None:
        return None
    try:
        return reverse("grassroots:election_detail", args=[committee.election_id])
    except NoReverseMatch:
        return None


def _union(request, pk, action=None):
    return get_visible_or_404(Org.objects.filter(level=OrgLevel.GRASSROOTS), request.user, pk,
                              action or policies.VIEW)


@login_required
@require_GET
def union_committees(request, pk):
    union = _union(request, pk)
    history = selectors.union_history(union)
    current = next((c for c in history if c.is_current), None)
    return render(request, "grassroots/committees/union.html", {
        "union": union, "committees": history, "current": current, "today": selectors.today(),
        "state": selectors.term_state(current), "town": selectors.towns_of([union]).get(union.pk),
        "can_record": policies.can_record(request.user, union) and union.is_active,
        "start_election_url": _url_or_none("grassroots:election_create", f"?union={union.pk}"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def committee_record(request, pk):
    """Enter a union's committee from paper records (it becomes the current committee)."""
    union = _union(request, pk)
    require(request.user, policies.CHANGE, union)
    current = Committee.objects.filter(org=union, status="CURRENT").first()
    if request.method == "POST":
        form = forms.RecordCommitteeForm(request.POST)
        if form.is_valid():
            committee = run_service(form, services.record_committee, actor=request.user, union=union,
                                    **form.service_kwargs())
            if committee is not None:
                messages.success(request, _("The committee (term %(n)s) was recorded.") % {"n": committee.term_number})
                return redirect("grassroots:committee_detail", pk=committee.pk)
    else:
        form = forms.RecordCommitteeForm()
    return render(request, "grassroots/committees/record.html", {"union": union, "form": form, "current": current})


@login_required
@require_GET
def committee_record_choose(request):
    """Choose the union to enter a committee for (by name, among those the user may act for)."""
    require(request.user, policies.CHANGE)
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:60]
    return render(request, "grassroots/committees/choose.html",
                  {"q": q, "unions": selectors.recordable_unions(request.user, q)})
