"""Pages of medical mutual aid. Thin: fetch through the scope (404 for hidden and missing alike),
check the action, call one service or selector, render.

- plans: list (filters, export), create/edit (district), detail (rules, figures by town, open/close);
- enrolments: list (filters, counts, export), new batch (union, plan, all live members or picked),
  detail (people, add/remove while unpaid, payment, cancel, history);
- claims: list (filters, counts, export; diagnosis masked), new claim (union, covered worker),
  detail (stay, costs, caps left, documents, steps: submit, withdraw, review, reject, approve,
  pay; history), document download (private);
- the member pages /welfare/my/mutual-aid/…: the member's coverage, claims and payouts; a claim
  the member starts for themself (form, documents, send to the union, correct and re-send when
  returned, withdraw before the union submits). Phone-first, no JavaScript needed; only the
  member's own claims (another's id is a 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import limit_upload, max_upload_bytes, private_file_response, upload_limit_then_csrf
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from ..forms import mutualaid as forms
from ..models.mutualaid import (
    UNSENT_MEMBER_DRAFT,
    ClaimDocument,
    ClaimStatus,
    MutualAidClaim,
    MutualAidCoverage,
    MutualAidEnrolment,
    PaymentStatus,
    PlanStatus,
)
from ..policies import mutualaid as policies
from ..rules.mutualaid import rules
from ..selectors import mutualaid as selectors
from ..services import mutualaid as services

# --- plans -------------------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request):
    require(request.user, policies.VIEW)
    form = forms.PlanFilterForm(request.GET)
    form.is_valid()
    page = selectors.plan_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "welfare/mutualaid/plan_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "plans",
        "can_create": policies.can(request.user, policies.CONFIGURE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def plan_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW,
                       form=forms.PlanFilterForm(request.GET), list_url="welfare:plan_list",
                       export=services.export_plans,
                       filename=lambda: f"mutual-aid-plans-{services.today():%Y%m%d}.xlsx")


def _plan(request, pk):
    plan = selectors.plans(request.user).select_related("org").filter(pk=parse_after(str(pk))).first()
    if plan is None:
        raise Http404(_("Not found."))
    return plan


def _plan_kwargs(d):
    return {k: d[k] for k in ("year", "name", "premium", "enrol_from", "enrol_until", "coverage_starts",
                              "coverage_ends", "hospital_deductible", "hospital_ratio", "hospital_cap",
                              "serious_sum", "serious_cap", "overall_cap", "note")}


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    require(request.user, policies.CONFIGURE)
    year = services.today().year + 1
    initial = {"year": year, "name": _("%(year)s medical mutual aid for workers") % {"year": year},
               "enrol_from": services.today(), "enrol_until": services.today().replace(month=12, day=31),
               "coverage_starts": services.datetime.date(year, 1, 1),
               "coverage_ends": services.datetime.date(year, 12, 31), **rules().plan_defaults}
    form = forms.PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = run_service(form, services.create_plan, actor=request.user, **_plan_kwargs(form.cleaned_data))
        if plan is not None:
            messages.success(request, _("The plan was created."))
            return redirect("welfare:plan_detail", pk=plan.pk)
    return render(request, "welfare/mutualaid/plan_form.html", {"form": form, "tab": "plans"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = _plan(request, pk)
    require(request.user, policies.CONFIGURE, plan.org)
    if not policies.plan_actions(request.user, plan).edit:
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": plan.get_status_display()})
        return redirect("welfare:plan_detail", pk=plan.pk)
    initial = {k: getattr(plan, k) for k in _plan_kwargs({k: None for k in forms.PlanForm.base_fields})}
    form = forms.PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.update_plan, actor=request.user, plan=plan, **_plan_kwargs(form.cleaned_data)) is not None:
        messages.success(request, _("The plan was saved."))
        return redirect("welfare:plan_detail", pk=plan.pk)
    return render(request, "welfare/mutualaid/plan_form.html", {"form": form, "plan": plan, "tab": "plans"},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def plan_detail(request, pk):
    plan = _plan(request, pk)
    rows, total = selectors.plan_figures(request.user, plan)
    return render(request, "welfare/mutualaid/plan_detail.html", {
        "plan": plan, "actions": policies.plan_actions(request.user, plan), "rows": rows, "total": total,
        "history": history_for(request.user, plan), "tab": "plans",
        "can_enrol": plan.status == PlanStatus.OPEN and policies.can(request.user, policies.CHANGE),
    })


PLAN_STEPS = {"open": (services.open_plan, gettext_lazy("The plan is open for enrolment and claims.")),
              "close": (services.close_plan, gettext_lazy("The plan was closed."))}


@login_required
@require_POST
def plan_step(request, pk, step):
    if step not in PLAN_STEPS:
        raise Http404(_("Not found."))
    plan = _plan(request, pk)
    require(request.user, policies.CONFIGURE, plan.org)
    run, done = PLAN_STEPS[step]
    try:
        run(actor=request.user, plan=plan)
    except services.DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, str(done))
    return redirect("welfare:plan_detail", pk=plan.pk)


# --- enrolments --------------------------------------------------------------------------------

@login_required
@require_GET
def enrolment_list(request):
    require(request.user, policies.VIEW)
    form = forms.EnrolmentFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.enrolment_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.enrolment_status_counts(request.user, filters)
    return render(request, "welfare/mutualaid/enrolment_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "plans",
        "counts": [(label, counts.get(code, 0), code) for code, label in PaymentStatus.choices if counts.get(code)],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def enrolment_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.EnrolmentFilterForm(request.GET, user=request.user),
                       list_url="welfare:enrolment_list", export=services.export_enrolments,
                       filename=lambda: f"mutual-aid-enrolments-{services.today():%Y%m%d}.xlsx")


def _pick_union(request, action, template, extra=None):
    """(org, context) after the union picker; org None: render the picker."""
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    unions = selectors.union_choices(request.user, action, union_q)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), action)
    context = {"unions": unions, "union_q": union_q, "org": org, **(extra or {})}
    return org, context, (len(unions) == 1 and not union_q and not data.get("org"), unions)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_create(request):
    require(request.user, policies.CHANGE)
    org, context, (single, unions) = _pick_union(request, policies.CHANGE, None, {"tab": "plans"})
    if single:
        return redirect(f"{request.path}?org={unions[0].pk}")
    if org is None:
        return render(request, "welfare/mutualaid/enrolment_create.html", context)
    open_plans = selectors.open_plans()
    data = request.POST if request.method == "POST" else request.GET
    plan = open_plans.filter(pk=parse_after(data.get("plan") or "")).first() or open_plans.first()
    members = selectors.enrollable_members(plan, org) if plan else selectors.enrollable_members(None, org).none()
    form = forms.EnrolForm(request.POST if request.method == "POST" else None, plans=open_plans, members=members,
                           initial={"plan": plan, "mode": "all"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        people = None if d["mode"] == "all" else [p.pk for p in d["people"]]
        e = run_service(form, services.enrol, actor=request.user, plan=d["plan"], union=org, people=people)
        if e is not None:
            messages.success(request, _("%(n)s people were enrolled; amount due %(amount)s yuan.")
                             % {"n": e.people, "amount": e.amount_due})
            return redirect("welfare:enrolment_detail", pk=e.pk)
    context.update({"form": form, "plan": plan, "member_count": members.count() if plan else 0})
    return render(request, "welfare/mutualaid/enrolment_create.html", context, status=400 if form.errors else 200)


def _enrolment(request, pk):
    return get_visible_or_404(MutualAidEnrolment.objects.select_related("plan", "union", "town"), request.user, pk)


def _render_enrolment(request, e, *, bound=None, status=200):
    actions = policies.enrolment_actions(request.user, e)
    step_forms = {}
    if actions.add:
        step_forms["add"] = forms.AddPeopleForm(members=selectors.enrollable_members(e.plan, e.union), prefix="add")
    if actions.pay:
        step_forms["pay"] = forms.PaymentForm(initial={"paid_on": services.today(), "amount": e.amount_due},
                                              prefix="pay")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    return render(request, "welfare/mutualaid/enrolment_detail.html", {
        "e": e, "actions": actions, "step_forms": step_forms, "coverages": selectors.coverages_of(e)[:1000],
        "history": history_for(request.user, e), "tab": "plans"}, status=status)


@login_required
@require_GET
def enrolment_detail(request, pk):
    return _render_enrolment(request, _enrolment(request, pk))


@login_required
@require_POST
def enrolment_step(request, pk, step):
    e = _enrolment(request, pk)
    actions = policies.enrolment_actions(request.user, e)
    if step == "add":
        require(request.user, policies.CHANGE, e.union)
        form = forms.AddPeopleForm(request.POST, members=selectors.enrollable_members(e.plan, e.union), prefix="add")
        ok = actions.add and form.is_valid() and run_service(
            form, lambda: services.add_people(actor=request.user, enrolment=e,
                                              people=[p.pk for p in form.cleaned_data["people"]] or None))
        done = _("The members were added.")
    elif step == "pay":
        require(request.user, policies.APPROVE, e.union)
        form = forms.PaymentForm(request.POST, prefix="pay")
        ok = actions.pay and form.is_valid() and run_service(
            form, lambda: services.record_payment(actor=request.user, enrolment=e, **form.cleaned_data))
        done = _("The payment was recorded: these members are covered.")
    elif step == "cancel":
        require(request.user, policies.CHANGE, e.union)
        try:
            services.cancel_enrolment(actor=request.user, enrolment=e)
        except services.DomainError as exc:
            messages.error(request, exc.text)
        else:
            messages.success(request, _("The batch was cancelled."))
        return redirect("welfare:enrolment_detail", pk=e.pk)
    else:
        raise Http404(_("Not found."))
    if ok:
        messages.success(request, done)
        return redirect("welfare:enrolment_detail", pk=e.pk)
    if not getattr(actions, step):
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": e.get_status_display()})
        return redirect("welfare:enrolment_detail", pk=e.pk)
    return _render_enrolment(request, e, bound=(step, form), status=400)


@login_required
@require_POST
def enrolment_remove(request, pk, coverage_pk):
    e = _enrolment(request, pk)
    require(request.user, policies.CHANGE, e.union)
    cov = MutualAidCoverage.objects.filter(pk=coverage_pk, enrolment=e).first()
    if cov is None:
        raise Http404(_("Not found."))
    try:
        services.remove_person(actor=request.user, enrolment=e, coverage=cov)
    except services.DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The member was removed from the batch."))
    return redirect("welfare:enrolment_detail", pk=e.pk)


# --- claims ------------------------------------------------------------------------------------

@login_required
@require_GET
def claim_list(request):
    require(request.user, policies.VIEW)
    form = forms.ClaimFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.claim_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.claim_status_counts(request.user, filters)
    for c in page.items:
        c.diagnosis_masked = selectors.mask_diagnosis(c.diagnosis)
    return render(request, "welfare/mutualaid/claim_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "mutualaid",
        "to_check": selectors.claims(request.user).filter(selectors.TO_CHECK).count(),
        "counts": [(label, counts.get(code, 0), code) for code, label in ClaimStatus.choices if counts.get(code)],
        "can_create": policies.can(request.user, policies.SUBMIT),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def claim_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ClaimFilterForm(request.GET, user=request.user),
                       list_url="welfare:claim_list", export=services.export_claims,
                       filename=lambda: f"mutual-aid-claims-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def claim_create(request):
    require(request.user, policies.SUBMIT)
    org, context, (single, unions) = _pick_union(request, policies.SUBMIT, None, {"tab": "mutualaid"})
    if single:
        return redirect(f"{request.path}?org={unions[0].pk}")
    if org is None:
        return render(request, "welfare/mutualaid/claim_create.html", context)
    data = request.POST if request.method == "POST" else request.GET
    person_q = (data.get("person_q") or "").replace("\x00", "").strip()[:30]
    coverages = selectors.coverage_choices(request.user, org)
    form = forms.ClaimForm(request.POST if request.method == "POST" else None, coverages=coverages,
                           shown=selectors.coverage_choices(request.user, org, person_q))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        claim = run_service(form, services.create_claim, actor=request.user, coverage=d["coverage"], kind=d["kind"],
                            hospital=d["hospital"], admitted_on=d["admitted_on"], discharged_on=d["discharged_on"],
                            diagnosis=d["diagnosis"], invoice_numbers=d["invoice_numbers"],
                            total_cost=d["total_cost"], eligible_cost=d["eligible_cost"])
        if claim is not None:
            messages.success(request, _("Claim %(number)s was saved as a draft: upload its documents, then submit "
                                        "it.") % {"number": claim.number})
            return redirect("welfare:claim_detail", pk=claim.pk)
    context.update({"form": form, "person_q": person_q})
    return render(request, "welfare/mutualaid/claim_create.html", context, status=400 if form.errors else 200)


def _claim(request, pk):
    rows = MutualAidClaim.objects.exclude(UNSENT_MEMBER_DRAFT).select_related(
        "plan", "plan__org", "union", "town", "person", "coverage")
    return get_visible_or_404(rows, request.user, pk)


def _render_claim(request, c, *, bound=None, status=200):
    actions = policies.claim_actions(request.user, c)
    step_forms = {}
    if actions.documents:
        step_forms["document"] = forms.DocumentForm(prefix="document")
    if actions.send_back:
        step_forms["return"] = forms.ReturnForm(prefix="return")
    if actions.review:
        step_forms["review"] = forms.ReviewForm(prefix="review")
    if actions.reject:
        step_forms["reject"] = forms.RejectForm(prefix="reject")
    if actions.approve:
        step_forms["approve"] = forms.ApproveForm(prefix="approve")
    if actions.pay:
        step_forms["pay"] = forms.PayoutForm(initial={"paid_on": services.today()}, prefix="pay")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    plan, cov = c.plan, c.coverage
    computed = services.compute_payout(plan, c.kind, c.eligible_cost)
    left = services.remaining_caps(plan, cov)
    return render(request, "welfare/mutualaid/claim_detail.html", {
        "c": c, "actions": actions, "step_forms": step_forms, "documents": selectors.documents_of(c),
        "payout": selectors.payout_of(c), "others": selectors.person_claims(c), "computed": computed,
        "left_kind": left[c.kind], "left_overall": left["overall"],
        "expected": min(computed, left[c.kind], left["overall"]),
        "history": history_for(request.user, c), "tab": "mutualaid"}, status=status)


@login_required
@require_GET
def claim_detail(request, pk):
    return _render_claim(request, _claim(request, pk))


CLAIM_STEPS = {  # step: (form or None, flag, call, message)
    "submit": (None, "submit", lambda u, c, d: services.submit_claim(actor=u, claim=c),
               gettext_lazy("The claim was submitted to the town for review.")),
    "withdraw": (None, "withdraw", lambda u, c, d: services.withdraw_claim(actor=u, claim=c),
                 gettext_lazy("The claim was withdrawn.")),
    "return": (forms.ReturnForm, "send_back",
               lambda u, c, d: services.return_claim(actor=u, claim=c, reason=d["reason"]),
               gettext_lazy("The claim was returned to the member with your reason.")),
    "review": (forms.ReviewForm, "review", lambda u, c, d: services.review_claim(actor=u, claim=c, note=d["note"]),
               gettext_lazy("The claim was reviewed and sent to the district.")),
    "reject": (forms.RejectForm, "reject", lambda u, c, d: services.reject_claim(actor=u, claim=c,
                                                                                reason=d["reason"]),
               gettext_lazy("The claim was rejected.")),
    "approve": (forms.ApproveForm, "approve", lambda u, c, d: services.approve_claim(actor=u, claim=c),
                gettext_lazy("The claim was approved.")),
    "pay": (forms.PayoutForm, "pay", lambda u, c, d: services.pay_claim(actor=u, claim=c, paid_on=d["paid_on"],
                                                                        reference=d["reference"]),
            gettext_lazy("The payout was recorded.")),
}


@login_required
@require_POST
def claim_step(request, pk, step):
    if step not in CLAIM_STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = CLAIM_STEPS[step]
    c = _claim(request, pk)
    if not getattr(policies.claim_actions(request.user, c), flag):
        if not (policies.can(request.user, policies.SUBMIT, c.union) or policies.can(request.user, policies.REVIEW,
                                                                                     c.union)
                or policies.can(request.user, policies.APPROVE, c.plan.org)):
            require(request.user, policies.SUBMIT, c.union)
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": c.get_status_display()})
        return redirect("welfare:claim_detail", pk=c.pk)
    if form_class is None:
        try:
            run(request.user, c, {})
        except services.DomainError as exc:
            messages.error(request, exc.text)
        else:
            messages.success(request, str(done))
        return redirect("welfare:claim_detail", pk=c.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, c, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("welfare:claim_detail", pk=c.pk)
    return _render_claim(request, c, bound=(step, form), status=400)


@upload_limit_then_csrf(max_upload_bytes)
@login_required
@require_POST
def claim_document_add(request, pk):
    limit = max_upload_bytes()
    if not limit_upload(request, limit):
        return HttpResponse(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, status=413)
    c = _claim(request, pk)
    require(request.user, policies.SUBMIT, c.union)
    if not policies.claim_actions(request.user, c).documents:
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": c.get_status_display()})
        return redirect("welfare:claim_detail", pk=c.pk)
    form = forms.DocumentForm(request.POST, request.FILES, prefix="document")
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    elif form.is_valid() and run_service(form, lambda: services.add_document(
            actor=request.user, claim=c, upload=form.cleaned_data["file"])) is not None:
        messages.success(request, _("The file was uploaded."))
        return redirect("welfare:claim_detail", pk=c.pk)
    return _render_claim(request, c, bound=("document", form), status=400)


def _document(request, pk, doc_pk):
    c = _claim(request, pk)
    doc = ClaimDocument.objects.filter(pk=doc_pk, claim=c).first()
    if doc is None:
        raise Http404(_("Not found."))
    return c, doc


@login_required
@require_GET
def claim_document(request, pk, doc_pk):
    _c, doc = _document(request, pk, doc_pk)
    return private_file_response(doc.file, doc.name)


@login_required
@require_POST
def claim_document_remove(request, pk, doc_pk):
    c, doc = _document(request, pk, doc_pk)
    require(request.user, policies.SUBMIT, c.union)
    try:
        services.remove_document(actor=request.user, document=doc)
    except services.DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The file was removed."))
    return redirect("welfare:claim_detail", pk=c.pk)


# --- the member's pages ------------------------------------------------------------------------

def _person(request):
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    return person


def _own_claim(request, pk):
    """The member's own claim, or 404 (another person's id reads as a missing one)."""
    c = selectors.own_claim(_person(request), pk)
    if c is None:
        raise Http404(_("Not found."))
    return c


@never_cache
@login_required
@require_GET
def my_mutual_aid(request):
    person = _person(request)
    coverages = selectors.my_coverages(person)
    return render(request, "welfare/mutualaid/my.html", {
        "person": person, "coverages": coverages, "claims": selectors.my_claims(person),
        "left": {cov.pk: services.remaining_caps(cov.plan, cov)["overall"] for cov in coverages},
        "can_claim": any(cov.effective_from and cov.plan.status != PlanStatus.DRAFT for cov in coverages),
    })


def _member_claim_kwargs(d):
    return {k: d[k] for k in ("kind", "hospital", "admitted_on", "discharged_on", "diagnosis", "invoice_numbers",
                              "total_cost", "eligible_cost")}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_claim_new(request):
    person = _person(request)
    coverages = selectors.claimable_coverages(person)
    if not coverages.exists():
        messages.warning(request, _("You can claim once your union has enrolled you in a plan and paid for it."))
        return redirect("welfare:my_mutual_aid")
    form = forms.MemberClaimForm(request.POST or None, coverages=coverages,
                                 initial={"coverage": coverages.first().pk, "kind": "HOSPITAL"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        claim = run_service(form, services.create_member_claim, actor=request.user, coverage=d["coverage"],
                            **_member_claim_kwargs(d))
        if claim is not None:
            messages.success(request, _("Claim %(number)s was saved. Now upload the invoices and the hospital's "
                                        "documents, then send it to your union.") % {"number": claim.number})
            return redirect("welfare:my_claim_detail", pk=claim.pk)
    return render(request, "welfare/mutualaid/my_claim_form.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


def _render_my_claim(request, c, *, document_form=None, status=200):
    actions = policies.member_claim_actions(c)
    return render(request, "welfare/mutualaid/my_claim_detail.html", {
        "c": c, "actions": actions, "documents": selectors.documents_of(c), "payout": selectors.payout_of(c),
        "document_form": document_form or (forms.DocumentForm(prefix="document") if actions.documents else None),
        "max_mb": max_upload_bytes() // (1024 * 1024), "max_documents": rules().max_documents,
    }, status=status)


@never_cache
@login_required
@require_GET
def my_claim_detail(request, pk):
    return _render_my_claim(request, _own_claim(request, pk))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_claim_edit(request, pk):
    c = _own_claim(request, pk)
    if not policies.member_claim_actions(c).edit:
        messages.warning(request, _("This claim is with your union now: it can be changed once they return it."))
        return redirect("welfare:my_claim_detail", pk=c.pk)
    coverages = selectors.claimable_coverages(c.person).filter(pk=c.coverage_id)
    initial = {"coverage": c.coverage_id, **{k: getattr(c, k) for k in _member_claim_kwargs(
        {k: None for k in forms.MemberClaimForm.base_fields})}}
    form = forms.MemberClaimForm(request.POST or None, coverages=coverages, initial=initial)
    form.fields["coverage"].disabled = True
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.update_member_claim, actor=request.user, claim=c,
            **_member_claim_kwargs(form.cleaned_data)) is not None:
        messages.success(request, _("The claim was saved."))
        return redirect("welfare:my_claim_detail", pk=c.pk)
    return render(request, "welfare/mutualaid/my_claim_form.html", {"form": form, "c": c, "person": c.person},
                  status=400 if form.errors else 200)


@upload_limit_then_csrf(max_upload_bytes)
@never_cache
@login_required
@require_POST
def my_claim_document_add(request, pk):
    limit = max_upload_bytes()
    if not limit_upload(request, limit):
        return HttpResponse(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, status=413)
    c = _own_claim(request, pk)
    if not policies.member_claim_actions(c).documents:
        messages.warning(request, _("This claim is with your union now: it can be changed once they return it."))
        return redirect("welfare:my_claim_detail", pk=c.pk)
    form = forms.DocumentForm(request.POST, request.FILES, prefix="document")
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    elif form.is_valid() and run_service(form, lambda: services.add_member_document(
            actor=request.user, claim=c, upload=form.cleaned_data["file"])) is not None:
        messages.success(request, _("The file was uploaded."))
        return redirect("welfare:my_claim_detail", pk=c.pk)
    return _render_my_claim(request, c, document_form=form, status=400)


def _own_document(request, pk, doc_pk):
    c = _own_claim(request, pk)
    doc = ClaimDocument.objects.filter(pk=doc_pk, claim=c).first()
    if doc is None:
        raise Http404(_("Not found."))
    return c, doc


@login_required
@require_GET
def my_claim_document(request, pk, doc_pk):
    _c, doc = _own_document(request, pk, doc_pk)
    return private_file_response(doc.file, doc.name)


@login_required
@require_POST
def my_claim_document_remove(request, pk, doc_pk):
    c, doc = _own_document(request, pk, doc_pk)
    try:
        services.remove_member_document(actor=request.user, document=doc)
    except services.DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The file was removed."))
    return redirect("welfare:my_claim_detail", pk=c.pk)


MY_CLAIM_STEPS = {
    "send": (services.send_claim, gettext_lazy("The claim was sent to your union. You will be told when they have "
                                               "checked it.")),
    "withdraw": (services.withdraw_member_claim, gettext_lazy("The claim was withdrawn.")),
}


@login_required
@require_POST
def my_claim_step(request, pk, step):
    if step not in MY_CLAIM_STEPS:
        raise Http404(_("Not found."))
    c = _own_claim(request, pk)
    run, done = MY_CLAIM_STEPS[step]
    try:
        run(actor=request.user, claim=c)
    except services.DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, str(done))
    return redirect("welfare:my_claim_detail", pk=c.pk)
