"""Pages of the 职工之家 assessment. Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- the list (filters, summary, pager, export) and starting an application;
- the detail page: the record, its deadlines, every line with the figures from the records and
  the scores, the evidence (downloaded only after the scope check), the steps the user may take
  now, and the history;
- the scoring pages: the union's self-assessment, the town's review, the district's review;
- the standards: list, start from the built-in template, copy, edit a draft, publish.
"""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports
from gonghui.core.excel import XlsxStream
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import limit_upload, max_upload_bytes, private_file_response, upload_limit_then_csrf
from gonghui.orgs.models import Org

from ..forms import homes as forms
from ..models.homes import HomeAssessment, HomeAssessmentStatus, HomeCriterion, HomeLevel, HomeStandard
from ..policies import homes as policies
from ..selectors import homes as selectors
from ..services import homes as services

# --- list -----------------------------------------------------------------------------------------


@login_required
@require_GET
def home_list(request):
    require(request.user, policies.VIEW)
    form = forms.AssessmentFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    on = selectors.today()
    page = selectors.assessment_page(request.user, filters, after=parse_after(request.GET.get("after")), on=on)
    counts = selectors.summary(request.user, filters, on=on)
    return render(request, "grassroots/homes/list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": on,
        "soon": selectors.recheck_limit(on),
        "counts": [(label, counts.get(code, 0), code) for code, label in HomeAssessmentStatus.choices
                   if counts.get(code)],
        "can_start": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
        "can_configure": policies.can_configure(request.user),
    })


@login_required
@require_GET
def home_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.AssessmentFilterForm(request.GET, user=request.user), list_url="grassroots:home_list",
                       export=services.export_assessments,
                       filename=lambda: f"workers-homes-{services.today():%Y%m%d}.xlsx")


# --- starting an application -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def home_create(request):
    """The union first (a chair's one union is taken directly), then the level and the year."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    unions = selectors.union_choices(request.user, union_q)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.CHANGE)
    elif len(unions) == 1 and not union_q:
        return redirect(f"{request.path}?org={unions[0].pk}")
    context = {"unions": unions, "union_q": union_q, "org": org}
    if org is None:
        return render(request, "grassroots/homes/create.html", context)
    today = services.today()
    form = forms.StartForm(request.POST if request.method == "POST" else None,
                           initial={"level": HomeLevel.DISTRICT, "year": today.year})
    if request.method == "POST" and form.is_valid():
        created = run_service(form, services.start_assessment, actor=request.user, org=org,
                              level=form.cleaned_data["level"], year=form.cleaned_data["year"])
        if created is not None:
            messages.success(request, _("The application was started. Check the figures from the records, score "
                                        "the other lines and upload the evidence, then submit it."))
            return redirect("grassroots:home_detail", pk=created.pk)
    context["form"] = form
    context["standards"] = [(label, selectors.current_standard(code, today.year)) for code, label in
                            HomeLevel.choices]
    return render(request, "grassroots/homes/create.html", context, status=400 if form.errors else 200)


# --- detail ------------------------------------------------------------------------------------------

def _assessment(request, pk):
    return get_visible_or_404(HomeAssessment.objects.select_related("org", "standard"), request.user, pk)


def _render_detail(request, a, *, bound=None, status=200):
    a = selectors.assessment_detail(a)
    actions = policies.assessment_actions(request.user, a)
    items = list(a.items.all())
    today = services.today()
    step_forms = {}
    if actions.submit:
        step_forms["submit"] = forms.SubmitForm(initial={"submitted_on": today}, prefix="submit")
    if actions.withdraw:
        step_forms["withdraw"] = forms.WithdrawForm(initial={"withdrawn_on": today}, prefix="withdraw")
    if actions.recheck:
        step_forms["recheck"] = forms.RecheckForm(initial={"started_on": today}, prefix="recheck")
    evidence_form = forms.EvidenceForm(items=items, prefix="evidence") if actions.evidence else None
    if bound is not None:
        if bound[0] == "evidence":
            evidence_form = bound[1]
        else:
            step_forms[bound[0]] = bound[1]
    reviewer_max = sum(i.max_score for i in items if not i.is_auto)
    auto_max = sum(i.max_score for i in items if i.is_auto)
    return render(request, "grassroots/homes/detail.html", {
        "a": a, "items": items, "actions": actions, "step_forms": step_forms, "evidence_form": evidence_form,
        "history": history_for(request.user, a), "today": today, "max_total": reviewer_max + auto_max,
        "recheck_overdue": a.status == HomeAssessmentStatus.AWARDED and a.recheck_due_on and a.recheck_due_on < today,
        "review_overdue": a.review_due_on and a.review_due_on < today,
        "rechecks": list(a.rechecks.all()), "upload_mb": max_upload_bytes() // (1024 * 1024),
    }, status=status)


@login_required
@require_GET
def home_detail(request, pk):
    return _render_detail(request, _assessment(request, pk))


STEPS = {  # step: (form, AssessmentActions flag, action code, service call, message)
    "submit": (forms.SubmitForm, "submit", policies.SUBMIT, lambda u, a, d: services.submit_assessment(
        actor=u, assessment=a, submitted_on=d["submitted_on"]), gettext_lazy("The application was submitted to "
                                                                             "the town.")),
    "withdraw": (forms.WithdrawForm, "withdraw", policies.CHANGE, lambda u, a, d: services.withdraw_assessment(
        actor=u, assessment=a, withdrawn_on=d["withdrawn_on"], reason=d["reason"]),
        gettext_lazy("The application was withdrawn.")),
    "recheck": (forms.RecheckForm, "recheck", policies.CHANGE, lambda u, a, d: services.start_recheck(
        actor=u, award=a, started_on=d["started_on"]), gettext_lazy("The re-check was started.")),
}


@login_required
@require_POST
def home_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, action, run, done = STEPS[step]
    a = _assessment(request, pk)
    require(request.user, action, a.org)
    actions = policies.assessment_actions(request.user, selectors.assessment_detail(a))
    if not getattr(actions, flag):
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": a.get_status_display()})
        return redirect("grassroots:home_detail", pk=a.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, a, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        target = result.pk if step == "recheck" else a.pk
        return redirect("grassroots:home_detail", pk=target)
    return _render_detail(request, a, bound=(step, form), status=400)


# --- scoring pages ------------------------------------------------------------------------------------

SCORING = {
    "self": (forms.SelfScoreForm, "self_score", policies.CHANGE, gettext_lazy("Self-assessment")),
    "town": (forms.TownReviewForm, "town_review", policies.REVIEW, gettext_lazy("Town review")),
    "district": (forms.DistrictReviewForm, "district_review", policies.AWARD, gettext_lazy("District review")),
}


def _scoring_initial(kind, today, user):
    if kind == "town":
        return {"reviewed_on": today, "decision": "forward", "reviewer": user.get_full_name() or user.get_username()}
    if kind == "district":
        return {"decided_on": today, "decision": "award"}
    return {}


def _run_scoring(kind, user, a, form):
    d = form.cleaned_data
    if kind == "self":
        return services.save_self_scores(actor=user, assessment=a, scores=form.scores())
    if kind == "town":
        return services.town_review(actor=user, assessment=a, decision=d["decision"], scores=form.scores(),
                                    reviewed_on=d["reviewed_on"], reviewer=d["reviewer"], comments=d["comments"],
                                    reason=d["reason"])
    return services.district_review(actor=user, assessment=a, decision=d["decision"], scores=form.scores(),
                                    decided_on=d["decided_on"], comments=d["comments"], reason=d["reason"],
                                    certificate_no=d["certificate_no"])


@login_required
@require_http_methods(["GET", "POST"])
def home_score(request, pk, kind):
    if kind not in SCORING:
        raise Http404(_("Not found."))
    form_class, flag, action, title = SCORING[kind]
    a = _assessment(request, pk)
    require(request.user, action, a.org)
    detail = selectors.assessment_detail(a)
    if not getattr(policies.assessment_actions(request.user, detail), flag):
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": a.get_status_display()})
        return redirect("grassroots:home_detail", pk=a.pk)
    items = list(detail.items.all())
    today = services.today()
    form = form_class(request.POST if request.method == "POST" else None, items=items,
                      initial=_scoring_initial(kind, today, request.user))
    if (request.method == "POST" and form.is_valid()
            and run_service(form, lambda: _run_scoring(kind, request.user, a, form)) is not None):
        messages.success(request, _("Saved."))
        return redirect("grassroots:home_detail", pk=a.pk)
    return render(request, "grassroots/homes/score.html", {
        "a": detail, "form": form, "kind": kind, "title": title, "items": items,
        "auto_items": [i for i in items if i.is_auto], "pass_mark": detail.standard.pass_mark,
    }, status=400 if form.errors else 200)


# --- evidence -----------------------------------------------------------------------------------------

@upload_limit_then_csrf(max_upload_bytes)
@login_required
@require_POST
def home_evidence_add(request, pk):
    limit = max_upload_bytes()
    if not limit_upload(request, limit):
        return HttpResponse(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, status=413)
    a = _assessment(request, pk)
    require(request.user, policies.CHANGE, a.org)
    detail = selectors.assessment_detail(a)
    if not a.is_open:
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": a.get_status_display()})
        return redirect("grassroots:home_detail", pk=a.pk)
    form = forms.EvidenceForm(request.POST, request.FILES, items=list(detail.items.all()), prefix="evidence")
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    elif form.is_valid() and run_service(form, lambda: services.add_evidence(
            actor=request.user, assessment=a, item_code=form.cleaned_data["item"],
            upload=form.cleaned_data["file"])) is not None:
        messages.success(request, _("The file was uploaded."))
        return redirect("grassroots:home_detail", pk=a.pk)
    return _render_detail(request, a, bound=("evidence", form), status=400)


@login_required
@require_GET
def home_evidence(request, pk, evidence_pk):
    """The file, only after the scope check on its assessment (404 otherwise)."""
    evidence = selectors.evidence_of(request.user, pk, evidence_pk)
    if evidence is None:
        raise Http404(_("Not found."))
    return private_file_response(evidence.file, evidence.name)


@login_required
@require_POST
def home_evidence_remove(request, pk, evidence_pk):
    evidence = selectors.evidence_of(request.user, pk, evidence_pk)
    if evidence is None:
        raise Http404(_("Not found."))
    require(request.user, policies.CHANGE, evidence.item.assessment.org)
    try:
        services.remove_evidence(actor=request.user, evidence=evidence)
        messages.success(request, _("The file was removed."))
    except services.DomainError as exc:
        messages.error(request, exc.text)
    return redirect("grassroots:home_detail", pk=pk)


# --- standards ----------------------------------------------------------------------------------------

def _by_level(rows):
    """District, city, province, national; the latest version first."""
    rank = {code: n for n, code in enumerate(HomeLevel.values)}
    return sorted(rows, key=lambda s: (rank.get(s.level, 9), -s.effective_year, -s.pk))


@login_required
@require_GET
def home_standard_list(request):
    require(request.user, policies.VIEW)
    rows = _by_level(selectors.standards())
    return render(request, "grassroots/homes/standard_list.html", {
        "rows": rows, "can_configure": policies.can_configure(request.user),
        "can_export": policies.can(request.user, policies.EXPORT),
        "create_form": forms.StandardCreateForm(initial={"effective_year": services.today().year}, prefix="new"),
        "today": services.today(),
    })


@login_required
@require_POST
def home_standard_create(request):
    require(request.user, policies.CONFIGURE)
    form = forms.StandardCreateForm(request.POST, prefix="new")
    if form.is_valid():
        created = run_service(form, services.create_standard, actor=request.user, level=form.cleaned_data["level"],
                              effective_year=form.cleaned_data["effective_year"])
        if created is not None:
            messages.success(request, _("The standard was started from the built-in template; check it and "
                                        "publish it."))
            return redirect("grassroots:home_standard_detail", pk=created.pk)
    return render(request, "grassroots/homes/standard_list.html", {
        "rows": _by_level(selectors.standards()), "can_configure": True, "create_form": form,
        "today": services.today()}, status=400)


def _standard(pk):
    standard = HomeStandard.objects.filter(pk=parse_after(pk) or 0).first()
    if standard is None:
        raise Http404(_("Not found."))
    return standard


def _render_standard(request, standard, *, bound=None, status=200):
    s = selectors.standard_detail(standard)
    criteria = list(s.criteria.all())
    configure = policies.can_configure(request.user)
    bound_name, bound_form = bound or (None, None)
    edit = configure and s.is_draft
    context = {
        "s": s, "criteria": criteria, "total": sum(c.max_score for c in criteria), "configure": configure,
        "edit": edit, "sources": dict(selectors.auto_source_choices()),
        "header_form": bound_form if bound_name == "header" else (
            forms.StandardForm(initial={"title": s.title, "pass_mark": s.pass_mark}) if edit else None),
        "criterion_form": bound_form if bound_name == "criterion" else (forms.CriterionForm(prefix="c") if edit
                                                                          else None),
        "copy_form": bound_form if bound_name == "copy" else (
            forms.StandardCopyForm(initial={"effective_year": services.today().year + 1}, prefix="copy")
            if configure else None),
        "edit_forms": {c.pk: (bound_form if bound_name == f"edit-{c.pk}" else forms.CriterionForm(
            initial={"code": c.code, "text": c.text, "max_score": c.max_score, "method": c.method,
                     "auto_source": c.auto_source, "evidence_hint": c.evidence_hint}, prefix=f"e{c.pk}"))
                       for c in criteria} if edit else {},
        "publish_error": bound_form if bound_name == "publish" else None,
        "history": history_for(request.user, s) if configure else [],
    }
    return render(request, "grassroots/homes/standard_detail.html", context, status=status)


@login_required
@require_GET
def home_standard_detail(request, pk):
    require(request.user, policies.VIEW)
    return _render_standard(request, _standard(pk))


@login_required
@require_POST
def home_standard_step(request, pk, step):
    require(request.user, policies.CONFIGURE)
    standard = _standard(pk)
    if step == "edit":
        form = forms.StandardForm(request.POST)
        ok = form.is_valid() and run_service(form, services.update_standard, actor=request.user, standard=standard,
                                             **form.cleaned_data) is not None
        name, done = "header", _("The standard was saved.")
    elif step == "copy":
        form = forms.StandardCopyForm(request.POST, prefix="copy")
        created = run_service(form, services.copy_standard, actor=request.user, standard=standard,
                              effective_year=form.cleaned_data["effective_year"]) if form.is_valid() else None
        if created is not None:
            messages.success(request, _("A new draft version was copied; edit it and publish it."))
            return redirect("grassroots:home_standard_detail", pk=created.pk)
        ok, name, done = False, "copy", ""
    elif step == "publish":
        form = django_forms.Form(request.POST)
        ok = run_service(form, services.publish_standard, actor=request.user, standard=standard) is not None
        name, done = "publish", _("The standard was published: new applications are scored on it.")
    elif step == "criteria":
        form = forms.CriterionForm(request.POST, prefix="c")
        ok = form.is_valid() and run_service(form, services.save_criterion, actor=request.user, standard=standard,
                                             data=services.CriterionInput(**form.cleaned_data)) is not None
        name, done = "criterion", _("The criterion was added.")
    else:
        raise Http404(_("Not found."))
    if ok:
        messages.success(request, str(done))
        return redirect("grassroots:home_standard_detail", pk=standard.pk)
    return _render_standard(request, standard, bound=(name, form), status=400)


@login_required
@require_POST
def home_criterion_step(request, pk, criterion_pk, step):
    require(request.user, policies.CONFIGURE)
    standard = _standard(pk)
    criterion = HomeCriterion.objects.filter(pk=criterion_pk, standard=standard).first()
    if criterion is None:
        raise Http404(_("Not found."))
    if step == "delete":
        try:
            services.delete_criterion(actor=request.user, criterion=criterion)
            messages.success(request, _("The criterion was deleted."))
        except services.DomainError as exc:
            messages.error(request, exc.text)
        return redirect("grassroots:home_standard_detail", pk=standard.pk)
    if step != "edit":
        raise Http404(_("Not found."))
    form = forms.CriterionForm(request.POST, prefix=f"e{criterion.pk}")
    if form.is_valid() and run_service(form, services.save_criterion, actor=request.user, standard=standard,
                                       criterion=criterion, data=services.CriterionInput(**form.cleaned_data)):
        messages.success(request, _("The criterion was saved."))
        return redirect("grassroots:home_standard_detail", pk=standard.pk)
    return _render_standard(request, standard, bound=(f"edit-{criterion.pk}", form), status=400)



# --- export of the standards (core.exports) ------------------------------------------------------------

def _plan_standards(user, params):
    """Every version of every level's standard and its criteria (district-wide), two sheets."""
    require(user, policies.EXPORT)

    def write(target, _progress):
        with XlsxStream(target) as book:
            sheet = book.sheet(_("Workers' home standards"), widths=[10, 10, 36, 8, 8, 8, 10, 12],
                               headers=[_("Level"), _("In force from"), pgettext("home standard", "Title"),
                                        _("Criteria"), _("Total points"), _("Pass mark"), _("Status"),
                                        _("Published on")])
            for s in _by_level(selectors.standards()):
                sheet.append([str(s.get_level_display()), s.effective_year, s.title, s.criteria_count,
                              s.total_max or 0, s.pass_mark, str(s.get_status_display()), s.published_on])
            sheet = book.sheet(_("Criteria"), widths=[10, 10, 12, 50, 8, 14, 40], text_columns=(2,),
                               headers=[_("Level"), _("In force from"), _("Code"), _("Criterion"), _("Maximum score"),
                                        _("How it is scored"), _("Evidence expected")])
            n = 0
            for c in HomeCriterion.objects.select_related("standard").order_by(
                    "standard__level", "-standard__effective_year", "standard_id", "order", "id"):
                sheet.append([str(c.standard.get_level_display()), c.standard.effective_year, c.code, c.text,
                              c.max_score, str(c.get_method_display()), c.evidence_hint])
                n += 1
        return n

    return exports.ExportPlan(write=write, audit=exports.auditor(
        actor=user, action="grassroots.home_standard_export", object_type="grassroots.HomeStandardExport",
        label=_("Workers' home standards export"), reach_action=policies.EXPORT, filters={}))


STANDARD_EXPORT = exports.ExportKind(key="grassroots.home_standards",
                                     label=gettext_lazy("Workers' home standards export"), plan=_plan_standards,
                                     list_url="grassroots:home_standard_list", filename_prefix="home-standards")


@login_required
@require_GET
def home_standard_export(request):
    return exports.export_response(request, STANDARD_EXPORT)
