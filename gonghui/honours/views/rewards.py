"""Pages of 高技能人才培训奖励 (skill training rewards). Thin: fetch through the scope (404 for
hidden and missing alike), check the action, call one service or selector, render.

- the list (filters, counts, pager, export) and a new claim (union → worker → certificate);
- the detail page: the claim, the scan (served only after the scope check), the steps the user
  may take now, the history;
- the payment page (approved claims → one batch), the batches, the totals by year, town, level.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import limit_upload, max_upload_bytes, private_file_response, upload_limit_then_csrf
from gonghui.orgs.models import Org

from ..forms import rewards as forms
from ..models.rewards import REWARD_LEVEL_CHOICES, RewardClaimStatus, SkillRewardBatch, SkillRewardClaim
from ..policies import rewards as policies
from ..rules.rewards import rules
from ..selectors import rewards as selectors
from ..services import rewards as services


def _amounts():
    """(level label, yuan) of the rewarded levels, for the pages' reminder of the rules."""
    labels = dict(REWARD_LEVEL_CHOICES)
    return [(labels[level], yuan) for level, yuan in rules().amounts if level in labels and yuan > 0]


# --- list -----------------------------------------------------------------------------------------


@login_required
@require_GET
def reward_list(request):
    require(request.user, policies.VIEW)
    form = forms.RewardFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    on = selectors.today()
    page = selectors.claim_page(request.user, filters, after=parse_after(request.GET.get("after")), on=on)
    counts, amount = selectors.summary(request.user, filters, on=on)
    return render(request, "honours/rewards/list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": on, "amount": amount,
        "counts": [(label, counts.get(code, 0), code) for code, label in RewardClaimStatus.choices
                   if counts.get(code)],
        "batch": filters.batch,
        "can_create": policies.can(request.user, policies.SUBMIT),
        "can_export": policies.can(request.user, policies.EXPORT),
        "can_pay": policies.can(request.user, policies.PAY),
        "amounts": _amounts(),
    })


@login_required
@require_GET
def reward_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW,
                       scoped=[("org", Org), ("batch", SkillRewardBatch)],
                       form=forms.RewardFilterForm(request.GET, user=request.user), list_url="honours:reward_list",
                       export=services.export_claims,
                       filename=lambda: f"skill-rewards-{services.today():%Y%m%d}.xlsx")


# --- a new claim ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def reward_create(request):
    """The union first (a chair's one union is taken directly), then the worker, then the certificate."""
    require(request.user, policies.SUBMIT)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    unions = selectors.union_choices(request.user, union_q)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.SUBMIT)
    elif len(unions) == 1 and not union_q:
        return redirect(f"{request.path}?org={unions[0].pk}")
    context = {"unions": unions, "union_q": union_q, "org": org, "amounts": _amounts()}
    if org is None:
        return render(request, "honours/rewards/create.html", context)
    person = None
    if data.get("person"):
        person = selectors.live_member(org, parse_after(data.get("person")))
        if person is None:
            raise Http404(_("Not found."))
    person_q = (data.get("person_q") or "").replace("\x00", "").strip()[:30]
    context.update(person=person, person_q=person_q)
    if person is None:
        context["members"] = selectors.member_choices(org, person_q)
        return render(request, "honours/rewards/create.html", context)
    form = forms.NewClaimForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def create():
            claim = services.create_claim(actor=request.user, org=org, person=person, level=d["level"],
                                          trade=d["trade"], certificate_no=d["certificate_no"],
                                          certificate_on=d["certificate_on"], issuer=d["issuer"], note=d["note"])
            if d.get("file"):
                services.attach_scan(actor=request.user, claim=claim, upload=d["file"])
            return claim

        def atomic_create():
            with transaction.atomic():  # the claim and its scan together, or nothing
                return create()

        created = run_service(form, atomic_create)
        if created is not None:
            messages.success(request, _("The claim was saved. Check it, upload the scan if missing, then submit it."))
            return redirect("honours:reward_detail", pk=created.pk)
    context["form"] = form
    return render(request, "honours/rewards/create.html", context, status=400 if form.errors else 200)


# --- detail ---------------------------------------------------------------------------------------

def _claim(request, pk):
    return get_visible_or_404(SkillRewardClaim.objects.select_related("org", "person"), request.user, pk)


STEP_FORMS = {  # step: (form, ClaimActions flag, action, title)
    "edit": (forms.ClaimForm, "edit", policies.SUBMIT, gettext_lazy("Correct the certificate")),
    "submit": (forms.SubmitForm, "submit", policies.SUBMIT, gettext_lazy("Submit the claim to the town")),
    "town": (forms.TownReviewForm, "town_review", policies.REVIEW, gettext_lazy("Town review")),
    "district": (forms.DistrictReviewForm, "district_review", policies.APPROVE, gettext_lazy("District approval")),
    "withdraw": (forms.WithdrawForm, "withdraw", policies.SUBMIT, gettext_lazy("Withdraw the claim")),
}


def _initial(step, c, today):
    if step == "edit":
        return {"level": c.level, "trade": c.trade, "certificate_no": c.certificate_no,
                "certificate_on": c.certificate_on, "issuer": c.issuer, "note": c.note}
    return {"submit": {"submitted_on": today}, "town": {"reviewed_on": today, "decision": "pass"},
            "district": {"decided_on": today, "decision": "approve"},
            "withdraw": {"withdrawn_on": today}}[step]


def _render_detail(request, c, *, bound=None, status=200):
    c = selectors.claim_detail(c)
    actions = policies.claim_actions(request.user, c)
    today = services.today()
    steps = []
    for step, (form_class, flag, _action, title) in STEP_FORMS.items():
        if not getattr(actions, flag):
            continue
        form = bound[1] if bound and bound[0] == step else form_class(initial=_initial(step, c, today), prefix=step)
        steps.append((step, title, form))
    scan_form = bound[1] if bound and bound[0] == "scan" else (forms.ScanForm(prefix="scan") if actions.scan
                                                                 else None)
    return render(request, "honours/rewards/detail.html", {
        "c": c, "actions": actions, "steps": steps, "scan_form": scan_form, "today": today,
        "history": history_for(request.user, c), "upload_mb": max_upload_bytes() // (1024 * 1024),
        "review_overdue": c.review_due_on and c.review_due_on < today,
    }, status=status)


@login_required
@require_GET
def reward_detail(request, pk):
    return _render_detail(request, _claim(request, pk))


def _run_step(step, user, c, d):
    if step == "edit":
        return services.update_claim(actor=user, claim=c, **d)
    if step == "submit":
        return services.submit_claim(actor=user, claim=c, submitted_on=d["submitted_on"])
    if step == "town":
        return services.town_review(actor=user, claim=c, decision=d["decision"], reviewed_on=d["reviewed_on"],
                                    reason=d["reason"])
    if step == "district":
        return services.district_review(actor=user, claim=c, decision=d["decision"], decided_on=d["decided_on"],
                                        reason=d["reason"])
    return services.withdraw_claim(actor=user, claim=c, withdrawn_on=d["withdrawn_on"], reason=d["reason"])


@login_required
@require_POST
def reward_step(request, pk, step):
    if step not in STEP_FORMS:
        raise Http404(_("Not found."))
    form_class, flag, action, _title = STEP_FORMS[step]
    c = _claim(request, pk)
    require(request.user, action, c.org)
    if not getattr(policies.claim_actions(request.user, c), flag):
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": c.get_status_display()})
        return redirect("honours:reward_detail", pk=c.pk)
    form = form_class(request.POST, prefix=step)
    if form.is_valid() and run_service(form, lambda: _run_step(step, request.user, c, form.cleaned_data)):
        messages.success(request, _("Saved."))
        return redirect("honours:reward_detail", pk=c.pk)
    return _render_detail(request, c, bound=(step, form), status=400)


# --- the scan -------------------------------------------------------------------------------------

@upload_limit_then_csrf(max_upload_bytes)
@login_required
@require_POST
def reward_scan_add(request, pk):
    limit = max_upload_bytes()
    if not limit_upload(request, limit):
        return HttpResponse(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, status=413)
    c = _claim(request, pk)
    require(request.user, policies.SUBMIT, c.org)
    if not policies.claim_actions(request.user, c).scan:
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": c.get_status_display()})
        return redirect("honours:reward_detail", pk=c.pk)
    form = forms.ScanForm(request.POST, request.FILES, prefix="scan")
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    elif form.is_valid() and run_service(form, services.attach_scan, actor=request.user, claim=c,
                                         upload=form.cleaned_data["file"]) is not None:
        messages.success(request, _("The file was uploaded."))
        return redirect("honours:reward_detail", pk=c.pk)
    return _render_detail(request, c, bound=("scan", form), status=400)


@login_required
@require_GET
def reward_scan(request, pk):
    """The scan, only after the scope check on its claim (404 otherwise)."""
    c = selectors.scan_of(request.user, pk)
    if c is None:
        raise Http404(_("Not found."))
    return private_file_response(c.scan, c.scan_name)


# --- payment ----------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def reward_pay(request):
    require(request.user, policies.PAY)
    rows = selectors.payable(request.user)
    form = forms.PayForm(request.POST if request.method == "POST" else None, claims=rows,
                         initial={"paid_on": services.today(), "claims": [c.pk for c in rows]})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        batch = run_service(form, services.pay_claims, actor=request.user, claim_ids=d["claims"],
                            paid_on=d["paid_on"], reference=d["reference"], note=d["note"])
        if batch is not None:
            messages.success(request, _("The payment was recorded: %(n)s claims, %(total)s yuan.")
                             % {"n": batch.claims_count, "total": batch.total})
            return redirect("honours:reward_batch_detail", pk=batch.pk)
    return render(request, "honours/rewards/pay.html", {
        "form": form, "rows": rows, "total": sum(c.amount for c in rows)}, status=400 if form.errors else 200)


@login_required
@require_GET
def reward_batch_list(request):
    require(request.user, policies.VIEW)
    page = selectors.batch_page(request.user, after=parse_after(request.GET.get("after")))
    return render(request, "honours/rewards/batch_list.html", {
        "page": page, "query": "", "can_pay": policies.can(request.user, policies.PAY),
        "can_export": policies.can(request.user, policies.EXPORT)})


@login_required
@require_GET
def reward_batch_detail(request, pk):
    batch = get_visible_or_404(SkillRewardBatch.objects.select_related("org", "created_by"), request.user, pk)
    claims = list(batch.claims.select_related("org", "town").order_by("town__path", "org__name", "id"))
    return render(request, "honours/rewards/batch_detail.html", {
        "batch": batch, "claims": claims, "history": history_for(request.user, batch),
        "can_export": policies.can(request.user, policies.EXPORT)})


# --- totals -------------------------------------------------------------------------------------------

@login_required
@require_GET
def reward_totals(request):
    require(request.user, policies.VIEW)
    form = forms.TotalsForm(request.GET or {"year": services.today().year})
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rows = selectors.totals(request.user, year=year)
    return render(request, "honours/rewards/totals.html", {
        "form": form, "rows": rows, "year": year,
        "claims": sum(r["claims"] for r in rows), "amount": sum(r["amount"] for r in rows),
        "paid": sum(r["paid"] for r in rows),
        "can_export": policies.can(request.user, policies.EXPORT)}, status=400 if form.errors else 200)


# --- export of the payment batches (core.exports) -----------------------------------------------------

def _plan_batches(user, params):
    """The payment batches the user may export (one row per batch; the claims of a batch are in
    the ledger export)."""
    require(user, policies.EXPORT)
    rows = (selectors.batches(user).filter(pk__in=SkillRewardBatch.objects.visible_to(user, policies.EXPORT)
                                           .values("pk")).select_related("org", "created_by"))

    def values():
        for b in rows.iterator(chunk_size=1000):
            yield [b.reference, b.paid_on, b.org.name, b.claims_count, b.total, b.note,
                   b.created_by.get_username() if b.created_by else "",
                   timezone.localtime(b.created_at).replace(tzinfo=None)]

    def write(target, progress):
        return exports.write_sheet(target, title=_("Payment batches"), rows=values(), progress=progress,
                                   headers=[_("Payment reference"), _("Paid on"), _("Paid by"), _("Claims"),
                                            _("Total (yuan)"), _("Note"), _("Recorded by"), _("Recorded at")],
                                   widths=[20, 12, 24, 8, 14, 30, 14, 17])

    return exports.ExportPlan(write=write, rows=rows, audit=exports.auditor(
        actor=user, action="honours.reward_batch_export", object_type="honours.RewardBatchExport",
        label=_("Reward payment batches export"), reach_action=policies.EXPORT, filters={}))


BATCH_EXPORT = exports.ExportKind(key="honours.reward_batches", label=gettext_lazy("Reward payment batches export"),
                                  plan=_plan_batches, list_url="honours:reward_batch_list",
                                  filename_prefix="reward-batches")


@login_required
@require_GET
def reward_batch_export(request):
    return exports.export_response(request, BATCH_EXPORT)
