"""Pages of service centres, the catalogue, orders and projects. Thin: fetch through the scope
(404 for hidden and missing alike), check the action, call one service or selector, render.

- centres: list (filters, search, pager, export), create/edit, a centre's page (its catalogue,
  its open orders, its projects, history);
- catalogue: list (filters, export), create/edit an item;
- orders: list (status, centre, category, year, overdue; export), place an order (the union
  first when the user may choose), an order's page with the workflow steps as cards;
- projects: list (export), create (from a centre's page), a project's page (deliveries, ratings,
  steps).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Org

from ..forms import centres as forms
from ..models.centres import OrderStatus, ProjectStatus, ServiceCentre, ServiceProject
from ..policies import centres as policies
from ..selectors import centres as selectors
from ..services import centres as services


def _list(request, form_class, page_fn, template, tab, extra=None):
    require(request.user, policies.VIEW)
    form = form_class(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = page_fn(request.user, filters, after=parse_after(request.GET.get("after")))
    ctx = {"form": form, "page": page, "query": form.query_string(), "tab": tab,
           "can_export": policies.can(request.user, policies.EXPORT)}
    ctx.update(extra(filters) if extra else {})
    return render(request, template, ctx)


def _export(request, form_class, export, list_url, name):
    from ..services.centres import today

    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=form_class(request.GET, user=request.user), list_url=list_url, export=export,
                       filename=lambda: f"{name}-{today():%Y%m%d}.xlsx")


def _warn_stage(request, obj):
    messages.warning(request, _("This cannot be done now: the record is “%(status)s”.")
                     % {"status": obj.get_status_display()})


def _pick_org(request, choices, action, levels):
    """The org chosen (?org=: in the user's reach for `action`, of one of `levels`, else 404), or
    the only one of `choices`, or None (the page then lists `choices`)."""
    data = request.POST if request.method == "POST" else request.GET
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), action)
        if org.level not in levels or not org.is_active:
            raise Http404(_("Not found."))  # e.g. a town named where a union is expected
        return org
    if len(choices) == 1:
        return choices[0]
    return None


def _pick_union(request, union_choices, tab, title):
    """The union an order or a facility request is for: ?org= (in the user's subtree for
    services.submit, a union, else 404), or the user's only union, else a union picker searching
    the whole subtree by name. Returns (org, response, choose_again)."""
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    unions = union_choices(request.user, union_q)
    if data.get("org"):
        return _pick_org(request, [], policies.SUBMIT, services.UNION_LEVELS), None, len(unions) > 1
    if len(unions) == 1 and not union_q:
        return unions[0], None, False
    return None, render(request, "services/centres/pick_union.html", {
        "unions": unions, "union_q": union_q, "tab": tab, "title": title}), True


# --- centres -----------------------------------------------------------------------------------

@login_required
@require_GET
def centre_list(request):
    return _list(request, forms.CentreFilterForm, selectors.centre_page, "services/centres/centre_list.html",
                 "centres", lambda f: {"can_create": bool(selectors.centre_org_choices(request.user))})


@login_required
@require_GET
def centre_export(request):
    return _export(request, forms.CentreFilterForm, services.export_centres, "services:centre_list", "centres")


def _centre(request, pk):
    centre = selectors.centres(request.user).select_related("org").filter(pk=pk).first()
    if centre is None:
        raise Http404(_("Not found."))
    return centre


@login_required
@require_http_methods(["GET", "POST"])
def centre_create(request):
    require(request.user, policies.CHANGE)
    orgs = selectors.centre_org_choices(request.user)
    org = _pick_org(request, orgs, policies.CHANGE, services.CENTRE_LEVELS)
    if org is None:
        return render(request, "services/centres/pick_org.html", {"orgs": orgs, "tab": "centres",
                                                                  "title": _("New service centre")})
    form = forms.CentreForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        centre = run_service(form, lambda: services.create_centre(actor=request.user, org=org, **form.cleaned_data))
        if centre is not None:
            messages.success(request, _("The service centre was created."))
            return redirect("services:centre_detail", pk=centre.pk)
    return render(request, "services/centres/form.html", {
        "form": form, "org": org, "tab": "centres", "title": _("New service centre"),
        "back": "services:centre_list"}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def centre_edit(request, pk):
    centre = get_visible_or_404(ServiceCentre.objects.select_related("org"), request.user, pk, policies.CHANGE)
    initial = {k: getattr(centre, k) for k in ("name", "address", "phone", "hours", "manager", "description",
                                               "is_active")}
    form = forms.CentreForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, lambda: services.update_centre(actor=request.user, centre=centre, **form.cleaned_data)) is not None:
        messages.success(request, _("The service centre was saved."))
        return redirect("services:centre_detail", pk=centre.pk)
    return render(request, "services/centres/form.html", {
        "form": form, "org": centre.org, "tab": "centres", "title": _("Edit service centre"), "obj": centre,
        "back_url": centre}, status=400 if form.errors else 200)


@login_required
@require_GET
def centre_detail(request, pk):
    centre = _centre(request, pk)
    can_change = policies.can(request.user, policies.CHANGE, centre.org)
    return render(request, "services/centres/centre_detail.html", {
        "centre": centre, "tab": "centres", "can_change": can_change,
        "items": list(services.items_of_centre(centre).select_related("org").order_by("category", "name")),
        "open_orders": list(selectors.orders(request.user).filter(centre=centre, status__in=(
            OrderStatus.SUBMITTED, OrderStatus.ACCEPTED)).select_related("org", "item").order_by("accept_due_on")[:50]),
        "projects": list(selectors.projects(request.user).filter(centre=centre).select_related("item")
                         .order_by("-starts_on")[:20]),
        "history": history_for(request.user, centre), "today": services.today(),
    })


# --- catalogue ---------------------------------------------------------------------------------

@login_required
@require_GET
def item_list(request):
    return _list(request, forms.ItemFilterForm, selectors.item_page, "services/centres/item_list.html", "centres",
                 lambda f: {"can_create": bool(selectors.centre_org_choices(request.user))})


@login_required
@require_GET
def item_export(request):
    return _export(request, forms.ItemFilterForm, services.export_items, "services:item_list", "service-items")


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request):
    require(request.user, policies.CHANGE)
    orgs = selectors.centre_org_choices(request.user)
    org = _pick_org(request, orgs, policies.CHANGE, services.CENTRE_LEVELS)
    if org is None:
        return render(request, "services/centres/pick_org.html", {"orgs": orgs, "tab": "centres",
                                                                  "title": _("New service")})
    initial = {}
    if request.GET.get("centre"):
        initial["centre"] = parse_after(request.GET.get("centre"))
    form = forms.ItemForm(request.POST if request.method == "POST" else None, org=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = run_service(form, lambda: services.create_item(actor=request.user, org=org, **form.cleaned_data))
        if item is not None:
            messages.success(request, _("The service was added to the catalogue."))
            return redirect("services:item_edit", pk=item.pk)
    return render(request, "services/centres/form.html", {
        "form": form, "org": org, "tab": "centres", "title": _("New service"), "back": "services:item_list"},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    """The item's page: its fields (editable with services.change on its owner) and history."""
    item = selectors.items(request.user).select_related("org", "centre").filter(pk=pk).first()
    if item is None:
        raise Http404(_("Not found."))
    can_change = policies.can(request.user, policies.CHANGE, item.org)
    if request.method == "POST" and not can_change:
        raise Http404(_("Not found."))
    initial = {k: getattr(item, k) for k in ("name", "category", "delivery", "centre", "description", "is_active")}
    form = forms.ItemForm(request.POST if request.method == "POST" else None, org=item.org, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, lambda: services.update_item(actor=request.user, item=item, **form.cleaned_data)) is not None:
        messages.success(request, _("The service was saved."))
        return redirect("services:item_edit", pk=item.pk)
    return render(request, "services/centres/form.html", {
        "form": form, "org": item.org, "tab": "centres", "title": item.name, "obj": item, "readonly": not can_change,
        "readonly_rows": [(_("Category"), item.get_category_display()), (_("Delivery"), item.get_delivery_display()),
                          (pgettext("service centres", "Owner"), item.org.name),
                          (_("Service centre"), item.centre.name if item.centre else _("All centres of the owner")),
                          (_("Description"), item.description or "—"),
                          (pgettext("service centres", "Active"), _("Yes") if item.is_active else _("No"))],
        "back": "services:item_list", "history": history_for(request.user, item)},
        status=400 if form.errors else 200)


# --- orders ------------------------------------------------------------------------------------

@login_required
@require_GET
def order_list(request):
    def extra(f):
        counts = selectors.order_status_counts(request.user, f)
        return {"counts": [(label, counts.get(code, 0), code) for code, label in OrderStatus.choices
                           if counts.get(code)],
                "can_create": bool(selectors.union_choices(request.user, limit=1)), "today": services.today()}

    return _list(request, forms.OrderFilterForm, selectors.order_page, "services/centres/order_list.html", "orders",
                 extra)


@login_required
@require_GET
def order_export(request):
    return _export(request, forms.OrderFilterForm, services.export_orders, "services:order_list", "service-orders")


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request):
    require(request.user, policies.SUBMIT)
    org, picker, choose_again = _pick_union(request, selectors.union_choices, "orders", _("Order a service"))
    if org is None:
        return picker
    form = forms.OrderForm(request.POST if request.method == "POST" else None, org=org)
    if request.method == "POST" and form.is_valid():
        order = run_service(form, lambda: services.create_order(actor=request.user, org=org, **form.cleaned_data))
        if order is not None:
            messages.success(request, _("Order %(number)s was sent to %(centre)s.")
                             % {"number": order.number, "centre": order.centre.name})
            return redirect("services:order_detail", pk=order.pk)
    return render(request, "services/centres/form.html", {
        "form": form, "org": org, "tab": "orders", "title": _("Order a service"), "back": "services:order_list",
        "choose_again": choose_again}, status=400 if form.errors else 200)


def _order(request, pk):
    return get_visible_or_404(selectors.order_rows(), request.user, pk)


def _render_order(request, order, *, bound=None, status=200):
    actions = policies.order_actions(request.user, order)
    step_forms = {}
    if actions.accept:
        step_forms["accept"] = forms.AcceptForm(prefix="accept", initial={"scheduled_on": order.wanted_on})
        step_forms["decline"] = forms.ReasonForm(prefix="decline")
    if actions.deliver:
        step_forms["deliver"] = forms.DeliverForm(prefix="deliver", initial={
            "delivered_on": min(order.scheduled_on or services.today(), services.today()),
            "people_served": order.headcount})
    if actions.rate:
        step_forms["rate"] = forms.RateForm(prefix="rate")
    if actions.cancel:
        step_forms["cancel"] = forms.ReasonForm(prefix="cancel")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return render(request, "services/centres/order_detail.html", {
        "order": order, "actions": actions, "step_forms": step_forms, "tab": "orders", "today": services.today(),
        "history": history_for(request.user, order)}, status=status)


@login_required
@require_GET
def order_detail(request, pk):
    return _render_order(request, _order(request, pk))


ORDER_STEPS = {  # step: (form, flag, call, message)
    "accept": (forms.AcceptForm, "accept", lambda u, o, d: services.accept_order(actor=u, order=o, **d),
               gettext_lazy("The order was accepted.")),
    "decline": (forms.ReasonForm, "decline", lambda u, o, d: services.decline_order(actor=u, order=o, **d),
                gettext_lazy("The order was declined.")),
    "deliver": (forms.DeliverForm, "deliver", lambda u, o, d: services.deliver_order(actor=u, order=o, **d),
                gettext_lazy("The delivery was recorded.")),
    "rate": (forms.RateForm, "rate", lambda u, o, d: services.rate_order(actor=u, order=o, **d),
             gettext_lazy("Thank you: the rating was saved.")),
    "cancel": (forms.ReasonForm, "cancel", lambda u, o, d: services.cancel_order(actor=u, order=o, **d),
               gettext_lazy("The order was cancelled.")),
}


def run_step(request, obj, steps, step, actions_fn, detail_url, render_fn, *, require_any):
    """One workflow step posted from a detail page: 404 for an unknown step, 403/404 without the
    right, a warning when the status does not allow it now, the bound form back on refusal."""
    if step not in steps:
        raise Http404(_("Not found."))
    form_class, flag, call, done = steps[step]
    require_any()
    if not getattr(actions_fn(request.user, obj), flag):
        _warn_stage(request, obj)
        return redirect(detail_url, pk=obj.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: call(request.user, obj, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect(detail_url, pk=obj.pk)
    return render_fn(request, obj, bound=(step, form), status=400)


def _require_party(user, *orgs):
    """403 unless the user may act as one of the sides (out of scope never gets here: 404)."""
    from django.core.exceptions import PermissionDenied

    if not any(policies.can(user, a, o) for a, o in orgs):
        raise PermissionDenied


@login_required
@require_POST
def order_step(request, pk, step):
    order = _order(request, pk)
    return run_step(request, order, ORDER_STEPS, step, policies.order_actions, "services:order_detail",
                    _render_order, require_any=lambda: _require_party(
                        request.user, (policies.CHANGE, order.centre.org), (policies.SUBMIT, order.org)))


# --- projects ----------------------------------------------------------------------------------

@login_required
@require_GET
def project_list(request):
    def extra(f):
        return {"can_create": bool(selectors.centre_org_choices(request.user))}

    return _list(request, forms.ProjectFilterForm, selectors.project_page, "services/centres/project_list.html",
                 "projects", extra)


@login_required
@require_GET
def project_export(request):
    return _export(request, forms.ProjectFilterForm, services.export_projects, "services:project_list",
                   "service-projects")


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    """From a centre (?centre=): the centre's org must be in the user's services.change reach."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    centre = None
    if data.get("centre"):
        centre = get_visible_or_404(ServiceCentre.objects.select_related("org"), request.user,
                                    parse_after(data.get("centre")), policies.CHANGE)
    if centre is None:
        centres = list(ServiceCentre.objects.visible_to(request.user, policies.CHANGE).filter(is_active=True)
                       .select_related("org").order_by("name")[:100])
        return render(request, "services/centres/pick_centre.html", {"centres": centres, "tab": "projects"})
    form = forms.ProjectForm(request.POST if request.method == "POST" else None, centre=centre,
                             initial={"starts_on": services.today()})
    if request.method == "POST" and form.is_valid():
        project = run_service(form, lambda: services.create_project(actor=request.user, centre=centre,
                                                                    **form.cleaned_data))
        if project is not None:
            messages.success(request, _("The project was created."))
            return redirect("services:project_detail", pk=project.pk)
    return render(request, "services/centres/form.html", {
        "form": form, "org": centre.org, "centre": centre, "tab": "projects", "title": _("New service project"),
        "back": "services:project_list"}, status=400 if form.errors else 200)


def _project(request, pk):
    return get_visible_or_404(ServiceProject.objects.select_related("org", "centre", "item"), request.user, pk)


def _readable_project(request, pk):
    project = (selectors.readable_projects(request.user).select_related("org", "centre", "item").filter(pk=pk)
               .first())
    if project is None:
        raise Http404(_("Not found."))
    return project


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = _project(request, pk)
    require(request.user, policies.CHANGE, project.org)
    if not policies.project_actions(request.user, project).edit:
        _warn_stage(request, project)
        return redirect("services:project_detail", pk=project.pk)
    initial = {k: getattr(project, k) for k in ("title", "item", "starts_on", "ends_on", "targets",
                                                 "planned_beneficiaries", "budget")}
    form = forms.ProjectForm(request.POST if request.method == "POST" else None, centre=project.centre,
                             initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, lambda: services.update_project(actor=request.user, project=project,
                                                  **form.cleaned_data)) is not None:
        messages.success(request, _("The project was saved."))
        return redirect("services:project_detail", pk=project.pk)
    return render(request, "services/centres/form.html", {
        "form": form, "org": project.org, "tab": "projects", "title": _("Edit service project"), "obj": project,
        "back": "services:project_list"}, status=400 if form.errors else 200)


def _render_project(request, project, *, bound=None, status=200):
    actions = policies.project_actions(request.user, project)
    deliveries = selectors.project_deliveries(project)
    ratings = selectors.project_ratings(project)
    rated = {r.union_id for r in ratings}
    unions = [u for u in policies.rating_unions(request.user, project, {d.union_id for d in deliveries if d.union_id})
              if u.pk not in rated]
    step_forms = {}
    if actions.deliver:
        step_forms["delivery"] = forms.DeliveryForm(prefix="delivery", org=project.org,
                                                    initial={"delivered_on": services.today()})
        step_forms["finish"] = forms.FinishForm(prefix="finish")
    if actions.cancel:
        step_forms["cancel"] = forms.ReasonForm(prefix="cancel")
    if unions:
        step_forms["rate"] = forms.ProjectRateForm(prefix="rate", unions=unions)
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return render(request, "services/centres/project_detail.html", {
        "project": selectors.project_detail(project), "actions": actions, "step_forms": step_forms,
        "deliveries": deliveries, "ratings": ratings, "tab": "projects",
        "history": history_for(request.user, project)}, status=status)


@login_required
@require_GET
def project_detail(request, pk):
    return _render_project(request, _readable_project(request, pk))


PROJECT_STEPS = {
    "start": (forms.EmptyForm, "start", lambda u, p, d: services.start_project(actor=u, project=p),
              gettext_lazy("The project is running.")),
    "finish": (forms.FinishForm, "finish", lambda u, p, d: services.finish_project(actor=u, project=p, **d),
               gettext_lazy("The project is done; the unions served may rate it.")),
    "cancel": (forms.ReasonForm, "cancel", lambda u, p, d: services.cancel_project(actor=u, project=p, **d),
               gettext_lazy("The project was cancelled.")),
}


@login_required
@require_POST
def project_step(request, pk, step):
    project = _project(request, pk)
    return run_step(request, project, PROJECT_STEPS, step, policies.project_actions, "services:project_detail",
                    _render_project, require_any=lambda: require(request.user, policies.CHANGE, project.org))


@login_required
@require_POST
def project_delivery(request, pk):
    project = _project(request, pk)
    require(request.user, policies.CHANGE, project.org)
    form = forms.DeliveryForm(request.POST, prefix="delivery", org=project.org)
    if form.is_valid() and run_service(form, lambda: services.add_delivery(
            actor=request.user, project=project, **form.cleaned_data)) is not None:
        messages.success(request, _("The delivery was recorded."))
        return redirect("services:project_detail", pk=project.pk)
    if project.status != ProjectStatus.RUNNING and not form.errors:
        _warn_stage(request, project)
    return _render_project(request, project, bound=("delivery", form), status=400)


@login_required
@require_POST
def project_rate(request, pk):
    project = _readable_project(request, pk)
    require(request.user, policies.SUBMIT)
    unions = policies.rating_unions(request.user, project, set(project.deliveries.exclude(union=None)
                                                               .values_list("union_id", flat=True)))
    if not unions:
        _warn_stage(request, project)
        return redirect("services:project_detail", pk=project.pk)
    form = forms.ProjectRateForm(request.POST, prefix="rate", unions=unions)
    if form.is_valid() and run_service(form, lambda: services.rate_project(
            actor=request.user, project=project, **form.cleaned_data)) is not None:
        messages.success(request, _("Thank you: the rating was saved."))
        return redirect("services:project_detail", pk=project.pk)
    return _render_project(request, project, bound=("rate", form), status=400)
