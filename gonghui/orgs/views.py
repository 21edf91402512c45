"""Pages of the org tree and the enterprise register.

Each view fetches by id through `get_visible_or_404` (out of scope answers the same 404 as
missing), checks the action with `require` (visible but not allowed: 403), and then calls one
selector or service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core.excel import xlsx_response
from gonghui.core.forms import run_service
from gonghui.core.pagination import keyset_page, parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.selectors import history_for

from . import exports, selectors, services
from .forms import EnterpriseFilterForm, EnterpriseForm, MoveOrgForm, OrgForm
from .models import Enterprise, Org
from .policies import CHANGE, EXPORT, MOVE, VIEW, can_change_enterprise, org_permissions

# --- org tree --------------------------------------------------------------------------------


@login_required
@require_GET
def tree(request):
    """The user's top orgs, expandable node by node; a search box over the whole scope."""
    require(request.user, VIEW)
    q = request.GET.get("q", "").strip()[:100]
    results = selectors.search_orgs(request.user, q) if q else None
    context = {"q": q, "results": results}
    if request.htmx and "q" in request.GET:
        return render(request, "orgs/_search_results.html", context)
    context["nodes"] = selectors.root_nodes(request.user)
    return render(request, "orgs/tree.html", context)


@login_required
@require_GET
def children(request, pk):
    """htmx fragment: one page of a node's children with their figures."""
    org = get_visible_or_404(Org.objects, request.user, pk)
    if not request.htmx:
        return redirect("orgs:detail", pk=org.pk)
    after = request.GET.get("after", "")[:255]
    nodes, next_after = selectors.child_nodes(org, after=after)
    template = "orgs/_nodes.html" if after else "orgs/_children.html"
    return render(request, template, {"parent": org, "nodes": nodes, "next_after": next_after})


@login_required
@require_GET
def detail(request, pk):
    org = get_visible_or_404(Org.objects, request.user, pk)
    tab = "history" if request.GET.get("tab") == "history" else "overview"
    context = {"org": org, "tab": tab, "allowed": org_permissions(request.user, org),
               "crumbs": selectors.breadcrumbs(request.user, org)}
    if tab == "history":
        context["history"] = history_for(request.user, org)
    else:
        context["overview"] = selectors.org_overview(request.user, org)
    return render(request, "orgs/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_child(request, pk):
    parent = get_visible_or_404(Org.objects, request.user, pk)
    require(request.user, CHANGE, parent)
    form = OrgForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        node = run_service(form, services.create_org, actor=request.user, parent=parent, **form.service_fields())
        if node is not None:
            messages.success(request, _("%(org)s was created.") % {"org": node})
            return redirect("orgs:detail", pk=node.pk)
    return render(request, "orgs/org_form.html", {
        "form": form, "parent": parent, "crumbs": selectors.breadcrumbs(request.user, parent),
        "title": _("New sub-unit of %(org)s") % {"org": parent},
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    org = get_visible_or_404(Org.objects, request.user, pk)
    require(request.user, CHANGE, org)
    form = OrgForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        updated = run_service(form, services.update_org, actor=request.user, org=org, **form.service_fields())
        if updated is not None:
            messages.success(request, _("Changes to %(org)s were saved.") % {"org": updated})
            return redirect("orgs:detail", pk=updated.pk)
    return render(request, "orgs/org_form.html", {
        "form": form, "org": org, "crumbs": selectors.breadcrumbs(request.user, org),
        "title": _("Edit %(org)s") % {"org": org},
    })


@login_required
@require_http_methods(["GET", "POST"])
def move(request, pk):
    """Choose a new parent, then confirm after seeing what moves with the org."""
    org = get_visible_or_404(Org.objects, request.user, pk)
    require(request.user, MOVE, org)
    form = MoveOrgForm(request.POST or None, user=request.user, org=org)
    context = {"form": form, "org": org, "crumbs": selectors.breadcrumbs(request.user, org),
               "parent": org.get_parent()}
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["new_parent"]
        if form.cleaned_data["confirm"]:
            moved = run_service(form, services.move_org, actor=request.user, org=org, new_parent=new_parent)
            if moved is not None:
                messages.success(request, _("%(org)s now sits under %(parent)s.")
                                 % {"org": moved, "parent": new_parent})
                return redirect("orgs:detail", pk=moved.pk)
        else:
            context.update(new_parent=new_parent, impact=selectors.move_impact(org, new_parent))
            return render(request, "orgs/move_confirm.html", context)
    return render(request, "orgs/move.html", context)


# --- enterprises -----------------------------------------------------------------------------


def _filtered_enterprises(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    town_id, filters = form.filters()
    town = get_visible_or_404(Org.objects, request.user, town_id) if town_id else None
    return form, selectors.search_enterprises(request.user, town=town, **filters)


@login_required
@require_GET
def enterprise_list(request):
    require(request.user, VIEW)
    form, queryset = _filtered_enterprises(request)
    page = keyset_page(queryset, after=parse_after(request.GET.get("after")))
    params = request.GET.copy()
    params.pop("after", None)
    return render(request, "orgs/enterprise_list.html", {
        "form": form, "page": page, "query": params.urlencode(),
        "can_export": request.user.can(EXPORT), "can_create": request.user.can(CHANGE),
    })


@login_required
@require_GET
def enterprise_export(request):
    """The current filtered list as .xlsx, written in constant memory and streamed."""
    require(request.user, EXPORT)
    _form, queryset = _filtered_enterprises(request)
    out = exports.write_enterprises(queryset)
    return xlsx_response(out, f"enterprises-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@login_required
@require_GET
def enterprise_detail(request, pk):
    enterprise = get_visible_or_404(Enterprise.objects.select_related("town", "union"), request.user, pk)
    return render(request, "orgs/enterprise_detail.html", {
        "enterprise": enterprise, "can_change": can_change_enterprise(request.user, enterprise),
        "history": history_for(request.user, enterprise),
    })


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    require(request.user, CHANGE)
    initial = {key: request.GET[key] for key in ("town", "union") if request.GET.get(key, "").isdigit()}
    form = EnterpriseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        enterprise = run_service(form, services.create_enterprise, actor=request.user, **form.service_fields())
        if enterprise is not None:
            messages.success(request, _("%(enterprise)s was registered.") % {"enterprise": enterprise})
            return redirect("orgs:enterprise_detail", pk=enterprise.pk)
    return render(request, "orgs/enterprise_form.html", {"form": form, "title": _("Register an enterprise")})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk):
    enterprise = get_visible_or_404(Enterprise.objects.select_related("town", "union"), request.user, pk)
    require(request.user, CHANGE, *enterprise.scope_orgs())
    form = EnterpriseForm(request.POST or None, user=request.user, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        updated = run_service(form, services.update_enterprise, actor=request.user, enterprise=enterprise,
                              **form.service_fields())
        if updated is not None:
            messages.success(request, _("Changes to %(enterprise)s were saved.") % {"enterprise": updated})
            return redirect("orgs:enterprise_detail", pk=updated.pk)
    return render(request, "orgs/enterprise_form.html", {
        "form": form, "enterprise": enterprise, "title": _("Edit %(enterprise)s") % {"enterprise": enterprise},
    })


@login_required
@require_GET
def enterprise_union_options(request):
    """htmx fragment: the <option>s of the union select for the chosen town."""
    require(request.user, CHANGE)
    town = request.GET.get("town", "")
    options = selectors.enterprise_union_options(request.user, int(town) if town.isdigit() else None)
    return render(request, "orgs/_union_options.html", {"options": options})
