"""Pages of seasonal campaigns. Thin: fetch through the scope (404 for hidden and missing alike),
check the action, call one service or selector, render.

- campaigns: list (filters, pager, export), create/edit (district), the campaign page (budget,
  approved, paid, remaining by town; allocating budgets; open/close; goods handed out);
- applications: list (filters, counts, pager, export), applying for a member (campaign, union,
  then the member and details), the application page with one card per workflow step (submit,
  town review, approval, rejection, withdrawal, payment or goods) and the history;
- the payment ledger and the goods records (filters, pager, export);
- the member page on a phone (/welfare/my/applications/): my applications, campaigns open to me
  (apply), withdrawing. The person is always `person_of_account(request.user)` (None → 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.forms import add_service_error, run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org, OrgLevel

from ..forms import campaigns as forms
from ..models.campaigns import ApplicationStatus, BenefitKind, CampaignApplication, CampaignStatus
from ..policies import campaigns as policies
from ..selectors import campaigns as selectors
from ..services import campaigns as services

# --- campaigns -------------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request):
    require(request.user, policies.VIEW)
    form = forms.CampaignFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.campaign_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "welfare/campaigns/campaign_list.html", {
        "form": form, "page": page, "query": form.query_string(),
        "can_create": policies.can(request.user, policies.CONFIGURE),
        "can_export": policies.can(request.user, policies.EXPORT), "tab": "campaigns",
        "town_totals": not selectors.sees_every_budget_line(request.user),
    })


@login_required
@require_GET
def campaign_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.CampaignFilterForm(request.GET, user=request.user),
                       list_url="welfare:campaign_list", export=services.export_campaigns,
                       filename=lambda: f"welfare-campaigns-{services.today():%Y%m%d}.xlsx")


def _campaign(request, pk):
    c = selectors.campaigns(request.user).select_related("org", "created_by").filter(pk=pk).first()
    if c is None:
        raise Http404(_("Not found."))
    return c


def _organiser_choices(user):
    from gonghui.orgs.models import OrgLevel

    return [o for o in reach_orgs(user, policies.CONFIGURE)
            if o.level in (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM)]


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require(request.user, policies.CONFIGURE)
    orgs = _organiser_choices(request.user)
    if not orgs:
        raise PermissionDenied
    form = forms.CampaignForm(request.POST or None, initial=forms.CampaignForm.initial_for())
    if request.method == "POST" and form.is_valid():
        c = run_service(form, services.create_campaign, actor=request.user, org=orgs[0], data=form.service_data())
        if c is not None:
            messages.success(request, _("The campaign was created as a draft: allocate its budget, then open it."))
            return redirect("welfare:campaign_detail", pk=c.pk)
    return render(request, "welfare/campaigns/campaign_form.html", {"form": form, "campaign": None, "org": orgs[0],
                                                                     "tab": "campaigns"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk):
    c = _campaign(request, pk)
    require(request.user, policies.CONFIGURE, c.org)
    form = forms.CampaignForm(request.POST or None, initial=forms.CampaignForm.initial_for(c))
    if request.method == "POST" and form.is_valid():
        done = run_service(form, services.update_campaign, actor=request.user, campaign=c, data=form.service_data())
        if done is not None:
            messages.success(request, _("The campaign was saved."))
            return redirect("welfare:campaign_detail", pk=c.pk)
    return render(request, "welfare/campaigns/campaign_form.html", {"form": form, "campaign": c, "org": c.org,
                                                                     "tab": "campaigns"},
                  status=400 if form.errors else 200)


def _school_rows(c):
    from ..models.campaigns import SchoolLevel

    return [(label, c.school_amounts[level]) for level, label in SchoolLevel.choices
            if level in (c.school_amounts or {})]


def _render_campaign(request, c, *, budget_form=None, status=200):
    may_configure = policies.may_configure(request.user, c)
    counts = selectors.status_counts_of(c, request.user)
    return render(request, "welfare/campaigns/campaign_detail.html", {
        "c": c, "school_rows": _school_rows(c), "budgets": selectors.budget_rows(c, request.user),
        "may_configure": may_configure,
        "budget_form": budget_form or (forms.BudgetForm(orgs=selectors.budget_orgs(c)) if may_configure else None),
        "counts": [(label, n, code) for code, label in ApplicationStatus.choices if (n := counts.get(code))],
        "can_goods": c.status != CampaignStatus.DRAFT and bool(_goods_orgs(request.user, c)),
        "can_apply": c.status == CampaignStatus.OPEN and c.unions_apply and policies.can(request.user,
                                                                                         policies.SUBMIT),
        "history": history_for(request.user, c), "tab": "campaigns",
    }, status=status)


@login_required
@require_GET
def campaign_detail(request, pk):
    return _render_campaign(request, _campaign(request, pk))


@login_required
@require_POST
def campaign_budget(request, pk):
    c = _campaign(request, pk)
    require(request.user, policies.CONFIGURE, c.org)
    form = forms.BudgetForm(request.POST, orgs=selectors.budget_orgs(c))
    if form.is_valid():
        done = run_service(form, services.set_budget, actor=request.user, campaign=c, org=form.cleaned_data["org"],
                           allocated=form.cleaned_data["allocated"])
        if done is not None:
            messages.success(request, _("The budget of %(org)s is %(amount)s yuan.")
                             % {"org": done.org.name, "amount": done.allocated})
            return redirect("welfare:campaign_detail", pk=c.pk)
    return _render_campaign(request, c, budget_form=form, status=400)


@login_required
@require_POST
def campaign_status(request, pk, step):
    c = _campaign(request, pk)
    require(request.user, policies.CONFIGURE, c.org)
    target = {"open": CampaignStatus.OPEN, "close": CampaignStatus.CLOSED}.get(step)
    if target is None:
        raise Http404(_("Not found."))
    try:
        services.set_campaign_status(actor=request.user, campaign=c, status=target)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The campaign is open for applications.") if target == CampaignStatus.OPEN
                         else _("The campaign is closed."))
    return redirect("welfare:campaign_detail", pk=c.pk)


def _goods_orgs(user, c):
    """Who may record goods handed out: the budget holders (the district, towns) the user changes,
    inside the organiser's area — a union does not spend its town's budget."""
    return [o for o in reach_orgs(user, policies.CHANGE) if o.path.startswith(c.org.path)
            and o.level in (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.PLATFORM)]


@login_required
@require_http_methods(["GET", "POST"])
def goods_create(request, pk):
    c = _campaign(request, pk)
    require(request.user, policies.CHANGE)
    orgs = _goods_orgs(request.user, c)
    if not orgs:
        raise PermissionDenied
    form = forms.GoodsForm(request.POST or None, user=request.user, orgs=orgs,
                           initial={"items": c.goods, "given_on": timezone.localdate(), "quantity": 1})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        g = run_service(form, services.record_goods, actor=request.user, campaign=c, org=d["org"], items=d["items"],
                        quantity=d["quantity"], value=d["value"], given_on=d["given_on"], person=form.person,
                        enterprise=form.enterprise, site=d["site"])
        if g is not None:
            messages.success(request, _("The goods were recorded."))
            return redirect(f"{reverse('welfare:goods_list')}?campaign={c.pk}")
    return render(request, "welfare/campaigns/goods_form.html", {"form": form, "c": c, "tab": "campaigns"},
                  status=400 if form.errors else 200)


# --- applications ------------------------------------------------------------------------------------

@login_required
@require_GET
def application_list(request):
    require(request.user, policies.VIEW)
    form = forms.ApplicationFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.application_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, "welfare/campaigns/application_list.html", {
        "form": form, "page": page, "query": form.query_string(), "campaign": filters.campaign,
        "counts": [(label, counts.get(code, 0), code) for code, label in ApplicationStatus.choices
                   if counts.get(code)],
        "can_apply": policies.can(request.user, policies.SUBMIT),
        "can_export": policies.can(request.user, policies.EXPORT), "tab": "applications",
    })


@login_required
@require_GET
def application_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ApplicationFilterForm(request.GET, user=request.user),
                       list_url="welfare:application_list", export=services.export_applications,
                       filename=lambda: f"welfare-campaign-applications-{services.today():%Y%m%d}.xlsx")


def _clean_q(value, limit):
    return (value or "").replace("\x00", "").strip()[:limit]


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request):
    """The campaign, then the union (a chair's one union is taken directly), then the member and
    the details; "save as draft" or "submit"."""
    require(request.user, policies.SUBMIT)
    data = request.POST if request.method == "POST" else request.GET
    if not data.get("campaign"):
        return render(request, "welfare/campaigns/application_create.html",
                      {"campaigns": selectors.campaigns_for_applying(request.user), "campaign": None,
                       "tab": "applications"})
    cid = parse_after(data.get("campaign"))
    c = next((x for x in selectors.campaigns_for_applying(request.user) if x.pk == cid), None)
    if c is None:
        raise Http404(_("Not found."))
    unions = selectors.union_choices(request.user, c, _clean_q(data.get("union_q"), 60))
    union = None
    if data.get("union"):
        union = get_visible_or_404(Org.objects, request.user, parse_after(data.get("union")), policies.SUBMIT)
        if not union.path.startswith(c.org.path):
            raise Http404(_("Not found."))
    elif len(unions) == 1 and not data.get("union_q"):
        union = unions[0]
    context = {"campaign": c, "unions": unions, "union": union, "union_q": _clean_q(data.get("union_q"), 60),
               "tab": "applications"}
    if union is None:
        return render(request, "welfare/campaigns/application_create.html", context)
    form = forms.ApplicationForm(request.POST if request.method == "POST" else None, union=union, campaign=c)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("save") != "draft"
        try:
            x = services.apply_for_member(actor=request.user, campaign=c, union=union, person=form.person,
                                          data=form.cleaned_data, submit=submit)
        except services.NotEligible as exc:
            for f in exc.findings:
                form.add_error(f.field if f.field in form.fields else None, str(f.message))
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Application %(number)s was submitted to the town for review.")
                             % {"number": x.number} if submit else
                             _("Application %(number)s was saved as a draft.") % {"number": x.number})
            return redirect("welfare:application_detail", pk=x.pk)
    context["form"] = form
    return render(request, "welfare/campaigns/application_create.html", context, status=400 if form.errors else 200)


def _application(request, pk):
    x = get_visible_or_404(CampaignApplication.objects.all(), request.user, pk)
    return selectors.application_detail(x.pk)


def _render_application(request, x, *, errors=None, status=200):
    u = request.user
    steps = {
        "submit": policies.may_submit(u, x), "review": policies.may_review(u, x),
        "approve": policies.may_approve(u, x), "reject": policies.may_reject(u, x),
        "withdraw": policies.may_withdraw(u, x),
        "pay": policies.may_pay(u, x) and not policies.pays_in_goods(x),
        "handover": policies.may_pay(u, x) and policies.pays_in_goods(x),
    }
    errors = errors or {}
    forms_ = {
        "submit": errors.get("submit") or forms.DetailsForm(campaign=x.campaign, prefix="submit", initial={
            k: getattr(x, k) for k in services.DETAIL_FIELDS}),
        "review": errors.get("review") or forms.NoteForm(prefix="review"),
        "approve": errors.get("approve") or forms.NoteForm(prefix="approve"),
        "reject": errors.get("reject") or forms.RejectForm(prefix="reject"),
        "withdraw": errors.get("withdraw") or forms.WithdrawForm(prefix="withdraw"),
        "pay": errors.get("pay") or forms.PaymentForm(prefix="pay", initial={"paid_on": timezone.localdate(),
                                                                              "method": "BANK"}),
        "handover": errors.get("handover") or forms.HandOverForm(prefix="handover", initial={
            "items": x.campaign.goods, "quantity": 1, "given_on": timezone.localdate()}),
    }
    from ..selectors.hardship import active_file_of

    file = active_file_of(x.person)
    return render(request, "welfare/campaigns/application_detail.html", {
        "x": x, "steps": steps, "forms": forms_, "any_step": any(steps.values()),
        "payment": selectors.payment_of(x), "goods": selectors.goods_of(x), "file": file,
        "file_url": _file_url(file, u), "history": history_for(u, x), "tab": "applications",
    }, status=status)


def _file_url(file, user):
    if file is None:
        return ""
    try:
        url = reverse("welfare:file_detail", args=[file.pk])
    except Exception:  # noqa: BLE001 — the hardship area's page may not exist yet
        return ""
    return url if user.can(policies.VIEW, file.org) else ""


@login_required
@require_GET
def application_detail(request, pk):
    return _render_application(request, _application(request, pk))


STEP_FORMS = {
    "submit": None, "review": forms.NoteForm, "approve": forms.NoteForm, "reject": forms.RejectForm,
    "withdraw": forms.WithdrawForm, "pay": forms.PaymentForm, "handover": forms.HandOverForm,
}
DONE = {
    "submit": _("The application was submitted to the town for review."),
    "review": _("The application was passed on for approval."),
    "approve": _("The application was approved; the budget was consumed."),
    "reject": _("The application was rejected."),
    "withdraw": _("The application was withdrawn."),
    "pay": _("The payment was recorded and written on the person's help record."),
    "handover": _("The goods handed over were recorded and written on the person's help record."),
}


def _call_step(step, user, x, d):
    if step == "submit":
        return services.submit_application(actor=user, application=x, data=d)
    if step == "review":
        return services.review_application(actor=user, application=x, note=d["note"])
    if step == "approve":
        return services.approve_application(actor=user, application=x, note=d["note"])
    if step == "reject":
        return services.reject_application(actor=user, application=x, reason=d["reason"])
    if step == "withdraw":
        return services.withdraw_application(actor=user, application=x, reason=d["reason"])
    if step == "pay":
        return services.record_payment(actor=user, application=x, paid_on=d["paid_on"], method=d["method"],
                                       reference=d["reference"], amount=d["amount"])
    return services.hand_over_goods(actor=user, application=x, items=d["items"], quantity=d["quantity"],
                                    given_on=d["given_on"])


@login_required
@require_POST
def application_step(request, pk, step):
    if step not in STEP_FORMS:
        raise Http404(_("Not found."))
    x = _application(request, pk)
    allowed = {"submit": policies.may_submit, "review": policies.may_review, "approve": policies.may_approve,
               "reject": policies.may_reject, "withdraw": policies.may_withdraw, "pay": policies.may_pay,
               "handover": policies.may_pay}[step]
    if not allowed(request.user, x):
        # Not this user's step (403), or not at this stage (a message).
        orgs = {"submit": [x.union], "withdraw": [x.union], "review": [services.review_org(x)],
                "approve": [x.campaign.org], "reject": [services.review_org(x), x.campaign.org],
                "pay": [x.campaign.org] + ([x.budget.org] if x.budget_id else []),
                "handover": [x.campaign.org] + ([x.budget.org] if x.budget_id else [])}[step]
        action = {"submit": policies.SUBMIT, "withdraw": policies.SUBMIT, "review": policies.REVIEW,
                  "approve": policies.APPROVE, "reject": policies.REVIEW, "pay": policies.CHANGE,
                  "handover": policies.CHANGE}[step]
        if step == "reject" and request.user.can(policies.APPROVE, x.campaign.org):
            action = policies.APPROVE
        require(request.user, action, *orgs)
        messages.warning(request, _("This step is not possible: the application is “%(status)s”.")
                         % {"status": x.get_status_display()})
        return redirect("welfare:application_detail", pk=x.pk)
    if step == "submit":
        form = forms.DetailsForm(request.POST, campaign=x.campaign, prefix="submit")
    else:
        form = STEP_FORMS[step](request.POST, prefix=step)
    if form.is_valid():
        try:
            _call_step(step, request.user, x, form.cleaned_data)
        except services.NotEligible as exc:
            for f in exc.findings:
                form.add_error(f.field if f.field in form.fields else None, str(f.message))
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, DONE[step])
            return redirect("welfare:application_detail", pk=x.pk)
    return _render_application(request, x, errors={step: form}, status=400)


# --- payments and goods --------------------------------------------------------------------------------

@login_required
@require_GET
def payment_list(request):
    require(request.user, policies.VIEW)
    form = forms.PaymentFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.payment_page(request.user, filters, after=parse_after(request.GET.get("after")))
    return render(request, "welfare/campaigns/payment_list.html", {
        "form": form, "page": page, "query": form.query_string(), "campaign": filters.campaign,
        "total": selectors.payment_total(request.user, filters),
        "can_export": policies.can(request.user, policies.EXPORT), "tab": "payments",
    })


@login_required
@require_GET
def payment_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.PaymentFilterForm(request.GET, user=request.user),
                       list_url="welfare:payment_list", export=services.export_payments,
                       filename=lambda: f"welfare-campaign-payments-{services.today():%Y%m%d}.xlsx")


@login_required
@require_GET
def goods_list(request):
    require(request.user, policies.VIEW)
    form = forms.PaymentFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.goods_page(request.user, filters, after=parse_after(request.GET.get("after")))
    return render(request, "welfare/campaigns/goods_list.html", {
        "form": form, "page": page, "query": form.query_string(), "campaign": filters.campaign,
        "can_export": policies.can(request.user, policies.EXPORT), "tab": "goods",
    })


@login_required
@require_GET
def goods_detail(request, pk):
    from ..models.campaigns import GoodsDistribution

    g = get_visible_or_404(GoodsDistribution.objects.select_related(
        "campaign", "org", "person", "enterprise", "application", "budget__org", "recorded_by"), request.user, pk,
        policies.VIEW)
    return render(request, "welfare/campaigns/goods_detail.html", {
        "g": g, "history": history_for(request.user, g), "tab": "goods"})


@login_required
@require_GET
def goods_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.PaymentFilterForm(request.GET, user=request.user),
                       list_url="welfare:goods_list", export=services.export_goods,
                       filename=lambda: f"welfare-campaign-goods-{services.today():%Y%m%d}.xlsx")


# --- member pages ------------------------------------------------------------------------------------

def _person(request):
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    return person


@login_required
@require_GET
def my_applications(request):
    person = _person(request)
    union = services.live_union_of(person)
    return render(request, "welfare/campaigns/my.html", {
        "person": person, "union": union, "mine": selectors.my_applications(person),
        "open_campaigns": selectors.campaigns_open_to_person(person, union),
        "withdrawable": set(policies.WITHDRAWABLE),
    })


@login_required
@require_http_methods(["GET", "POST"])
def my_apply(request, campaign_pk):
    person = _person(request)
    union = services.live_union_of(person)
    c = next((x for x in selectors.campaigns_open_to_person(person, union) if x.pk == campaign_pk), None)
    if c is None or c.applied:
        raise Http404(_("Not found."))
    form = forms.DetailsForm(request.POST or None, campaign=c)
    if request.method == "POST" and form.is_valid():
        try:
            x = services.apply_self(user=request.user, person=person, campaign=c, data=form.cleaned_data)
        except services.NotEligible as exc:
            for f in exc.findings:
                form.add_error(f.field if f.field in form.fields else None, str(f.message))
        except DomainError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your application %(number)s was sent to your town for review.")
                             % {"number": x.number})
            return redirect("welfare:my_applications")
    return render(request, "welfare/campaigns/my_apply.html", {"form": form, "c": c, "person": person,
                                                                "union": union,
                                                                "is_school": c.benefit == BenefitKind.BY_SCHOOL_LEVEL,
                                                                "school_rows": _school_rows(c)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def my_withdraw(request, pk):
    person = _person(request)
    x = CampaignApplication.objects.filter(pk=pk, person=person).first()
    if x is None:
        raise Http404(_("Not found."))
    try:
        services.withdraw_own(user=request.user, person=person, application=x,
                              reason=(request.POST.get("reason") or "")[:400])
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Your application %(number)s was withdrawn.") % {"number": x.number})
    return redirect("welfare:my_applications")
