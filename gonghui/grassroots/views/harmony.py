"""Pages of 和谐劳动关系 creation. Thin: fetch through the scope (404 for hidden and missing alike),
check the action, call one service or selector, render.

- `harmony_list`: the self-assessments (filters, search, keyset pages, export);
- `harmony_create`: start an enterprise's self-assessment of a year;
- `harmony_detail`: the record, its scores, evidence, deadlines, the steps the user may take
  now (submit, return, rate) and its history;
- `harmony_self`: the guided self-assessment (one card per indicator) for part-time chairs;
- `harmony_review`: the town's review (adjust scores, forward);
- `harmony_indicator_*`: the district's yearly indicator sets and their editor;
- `harmony_rated`: the rated enterprises by year and rating, with export.
"""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports
from gonghui.core.errors import DomainError
from gonghui.core.excel import XlsxStream
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import (
    extension_of,
    limit_upload,
    max_upload_bytes,
    private_file_response,
    upload_limit_then_csrf,
)
from gonghui.orgs.models import Org

from ..forms import harmony as forms
from ..models.harmony import (
    HarmonyAssessment,
    HarmonyEvidence,
    HarmonyRating,
    HarmonyStatus,
    Indicator,
    IndicatorSet,
    IndicatorSource,
)
from ..policies import harmony as policies
from ..rules.harmony import rules
from ..selectors import harmony as selectors
from ..services import harmony as services


def _search_text(value, limit=60):
    return (value or "").replace("\x00", "").strip()[:limit]


def _cards_of(choices, counts):
    return [(code, label, counts.get(code, 0)) for code, label in choices]


# --- list -------------------------------------------------------------------------------------------------

@login_required
@require_GET
def harmony_list(request):
    require(request.user, policies.VIEW)
    form = forms.AssessmentFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.assessment_page(request.user, filters, after=parse_after(request.GET.get("after")))
    return render(request, "grassroots/harmony/list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": selectors.today(),
        "cards": _cards_of(HarmonyStatus.choices, selectors.status_counts(request.user, filters)),
        "can_change": policies.can_change(request.user), "can_export": policies.can_export(request.user),
        "can_configure": policies.can_configure(request.user),
    })


@login_required
@require_GET
def harmony_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.AssessmentFilterForm(request.GET, user=request.user),
                       list_url="grassroots:harmony_list", export=services.export_assessments,
                       filename=lambda: f"harmony-assessments-{selectors.today():%Y%m%d}.xlsx")


# --- start ------------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def harmony_create(request):
    """Choose the enterprise (searched by name among those the user may prepare for) and the year."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    q = _search_text(data.get("q"))
    enterprises = selectors.enterprise_choices(request.user, q)
    current = selectors.today().year
    years = [y for y in selectors.published_years() if y <= current]
    form = forms.StartForm(request.POST if request.method == "POST" else None, enterprises=enterprises, years=years,
                           initial={"year": current})
    existing = selectors.existing_for([e.pk for e in enterprises], current)
    if request.method == "POST" and form.is_valid():
        enterprise = next(e for e in enterprises if e.pk == form.cleaned_data["enterprise"])
        created = run_service(form, services.start_assessment, actor=request.user, enterprise=enterprise,
                              year=form.cleaned_data["year"])
        if created is not None:
            messages.success(request, _("The self-assessment was started; fill in each indicator."))
            return redirect("grassroots:harmony_self", pk=created.pk)
    return render(request, "grassroots/harmony/create.html", {
        "form": form, "q": q, "enterprises": enterprises, "existing": existing, "years": years, "current": current,
    }, status=400 if request.method == "POST" else 200)


# --- detail and its steps ----------------------------------------------------------------------------------

STEPS = {
    "submit": (forms.SubmitForm, "submit", "submitted_on",
               lambda u, a, d: services.submit_assessment(actor=u, assessment=a, submitted_on=d["submitted_on"]),
               gettext_lazy("The self-assessment was submitted to the town.")),
    "return": (forms.ReturnForm, "review", "returned_on",
               lambda u, a, d: services.return_assessment(actor=u, assessment=a, reason=d["reason"],
                                                          returned_on=d["returned_on"]),
               gettext_lazy("The self-assessment was returned to the union.")),
    "rate": (forms.RateForm, "rate", "rated_on",
             lambda u, a, d: services.rate_assessment(actor=u, assessment=a, rated_on=d["rated_on"],
                                                      rating=d["rating"] or None, reason=d["reason"]),
             gettext_lazy("The rating was recorded.")),
}


def _load(request, pk):
    return get_visible_or_404(HarmonyAssessment.objects.select_related("org", "enterprise__town"), request.user, pk)


def _render_detail(request, assessment, bound=None, status=200):
    a = selectors.assessment_detail(assessment)
    actions = policies.assessment_actions(request.user, a)
    evidence = selectors.evidence_by_indicator(a)
    step_forms = {}
    for code, (form_class, allowed, day_field, _run, _done) in STEPS.items():
        if getattr(actions, allowed):
            step_forms[code] = bound[1] if bound and bound[0] == code else form_class(
                prefix=code, initial={day_field: selectors.today()})
    scores = list(a.scores.all())
    r = rules()
    return render(request, "grassroots/harmony/detail.html", {
        "a": a, "actions": actions, "step_forms": step_forms, "today": selectors.today(),
        "rows": [{"s": s, "files": evidence.get(s.indicator_id, [])} for s in scores],
        "evidence_form": bound[1] if bound and bound[0] == "evidence" else (
            forms.EvidenceForm(indicators=[s.indicator for s in scores], prefix="evidence") if actions.edit else None),
        "by_threshold": r.rating_for(a.review_total) if a.review_total is not None else "",
        "rules": r, "history": history_for(request.user, a),
        "missing": [s.indicator.name for s in scores if s.self_score is None],
    }, status=status)


@login_required
@require_GET
def harmony_detail(request, pk):
    return _render_detail(request, _load(request, pk))


@login_required
@require_POST
def harmony_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    assessment = _load(request, pk)
    form_class, allowed, _field, run, done = STEPS[step]
    if not getattr(policies.assessment_actions(request.user, assessment), allowed):
        action = {"submit": policies.SUBMIT, "review": policies.REVIEW, "rate": policies.RATE}[allowed]
        require(request.user, action, *assessment.scope_orgs())  # 403 when not allowed at all
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": assessment.get_status_display()})
        return redirect("grassroots:harmony_detail", pk=assessment.pk)
    form = form_class(request.POST, prefix=step)
    if form.is_valid() and run_service(form, run, u=request.user, a=assessment, d=form.cleaned_data) is not None:
        messages.success(request, done)
        return redirect("grassroots:harmony_detail", pk=assessment.pk)
    return _render_detail(request, assessment, bound=(step, form), status=400)


# --- guided self-assessment and review -----------------------------------------------------------------------

def _cards(a, form, evidence, *, review=False):
    cards = []
    for s in a.scores.all():
        code = s.indicator.code
        editable = review or s.indicator.source == IndicatorSource.SELF
        cards.append({"s": s, "files": evidence.get(s.indicator_id, []),
                      "score": form[f"score_{code}"] if editable else None,
                      "note": form[f"note_{code}"] if editable else None})
    return cards


@login_required
@require_http_methods(["GET", "POST"])
def harmony_self(request, pk):
    assessment = _load(request, pk)
    require(request.user, policies.CHANGE, *assessment.scope_orgs())
    if not policies.assessment_actions(request.user, assessment).edit:
        messages.warning(request, _("This self-assessment can no longer be changed: it is “%(status)s”.")
                         % {"status": assessment.get_status_display()})
        return redirect("grassroots:harmony_detail", pk=assessment.pk)
    a = selectors.assessment_detail(assessment)
    scores = list(a.scores.all())
    form = forms.SelfScoresForm(request.POST if request.method == "POST" else None, scores=scores,
                                initial={"self_note": a.self_note})
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, services.save_self_scores, actor=request.user, assessment=a,
                            scores=form.service_scores(), note=form.cleaned_data["self_note"])
        if saved is not None:
            messages.success(request, _("The scores were saved."))
            return redirect("grassroots:harmony_detail", pk=a.pk)
    return render(request, "grassroots/harmony/self.html", {
        "a": a, "form": form, "cards": _cards(a, form, selectors.evidence_by_indicator(a)),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def harmony_review(request, pk):
    assessment = _load(request, pk)
    require(request.user, policies.REVIEW, *assessment.scope_orgs())
    if not policies.assessment_actions(request.user, assessment).review:
        messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                         % {"status": assessment.get_status_display()})
        return redirect("grassroots:harmony_detail", pk=assessment.pk)
    a = selectors.assessment_detail(assessment)
    scores = list(a.scores.all())
    form = forms.ReviewForm(request.POST if request.method == "POST" else None, scores=scores,
                            initial={"reviewed_on": selectors.today()})
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, services.forward_assessment, actor=request.user, assessment=a,
                            scores=form.service_scores(), reviewed_on=form.cleaned_data["reviewed_on"],
                            note=form.cleaned_data["note"])
        if saved is not None:
            messages.success(request, _("The review was recorded and forwarded to the district."))
            return redirect("grassroots:harmony_detail", pk=a.pk)
    return render(request, "grassroots/harmony/review.html", {
        "a": a, "form": form, "cards": _cards(a, form, selectors.evidence_by_indicator(a), review=True),
    }, status=400 if request.method == "POST" else 200)


# --- evidence ------------------------------------------------------------------------------------------------

@upload_limit_then_csrf(max_upload_bytes)
@login_required
@require_POST
def harmony_evidence_add(request, pk):
    if not limit_upload(request, max_upload_bytes()):
        return HttpResponse(_("The file is too large."), status=413)
    assessment = _load(request, pk)
    require(request.user, policies.CHANGE, *assessment.scope_orgs())
    if getattr(request, "upload_too_large", False):
        messages.error(request, _("The file is too large."))
        return redirect("grassroots:harmony_detail", pk=assessment.pk)
    indicators = list(assessment.indicator_set.indicators.all())
    form = forms.EvidenceForm(request.POST, request.FILES, indicators=indicators, prefix="evidence")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if run_service(form, services.add_evidence, actor=request.user, assessment=assessment,
                       indicator_code=form.cleaned_data["indicator"], upload=upload,
                       kind_extension=extension_of(upload.document_kind)) is not None:
            messages.success(request, _("The file was uploaded."))
            return redirect("grassroots:harmony_detail", pk=assessment.pk)
    return _render_detail(request, assessment, bound=("evidence", form), status=400)


def _evidence(request, evidence_pk):
    """The file's assessment must be visible to the user: otherwise the same 404 as a missing file."""
    try:
        evidence = HarmonyEvidence.objects.select_related("indicator").get(pk=evidence_pk)
    except HarmonyEvidence.DoesNotExist as exc:
        raise Http404(_("Not found.")) from exc
    assessment = get_visible_or_404(HarmonyAssessment.objects.select_related("org", "enterprise__town"),
                                    request.user, evidence.assessment_id)
    evidence.assessment = assessment
    return evidence


@login_required
@require_GET
def harmony_evidence_file(request, evidence_pk):
    evidence = _evidence(request, evidence_pk)
    if not evidence.file:
        raise Http404(_("Not found."))
    extension = evidence.file.name.rsplit(".", 1)[-1].lower()
    stem = evidence.name.rsplit(".", 1)[0] or "evidence"
    return private_file_response(evidence.file, f"{stem}.{extension}")


@login_required
@require_POST
def harmony_evidence_delete(request, evidence_pk):
    evidence = _evidence(request, evidence_pk)
    require(request.user, policies.CHANGE, *evidence.assessment.scope_orgs())
    try:
        services.remove_evidence(actor=request.user, evidence=evidence)
        messages.success(request, _("The file was removed."))
    except DomainError as exc:
        messages.error(request, exc.text)
    return redirect("grassroots:harmony_detail", pk=evidence.assessment_id)


# --- indicator sets ----------------------------------------------------------------------------------------

@login_required
@require_GET
def harmony_indicator_list(request):
    require(request.user, policies.VIEW)
    sets = list(selectors.indicator_sets())
    return render(request, "grassroots/harmony/indicator_list.html", {
        "sets": sets, "can_configure": policies.can_configure(request.user),
        "can_export": policies.can_export(request.user),
        "new_form": forms.NewSetForm(sets=sets, initial={"year": selectors.today().year + 1}),
    })


@login_required
@require_POST
def harmony_indicator_create(request):
    require(request.user, policies.CONFIGURE)
    sets = list(selectors.indicator_sets())
    form = forms.NewSetForm(request.POST, sets=sets)
    if form.is_valid():
        source = next((s for s in sets if s.pk == form.cleaned_data["copy_from"]), None)
        created = run_service(form, services.create_indicator_set, actor=request.user,
                              year=form.cleaned_data["year"], copy_from=source)
        if created is not None:
            messages.success(request, _("The indicator set was created; check it and publish it."))
            return redirect("grassroots:harmony_indicator_detail", pk=created.pk)
    return render(request, "grassroots/harmony/indicator_list.html", {
        "sets": sets, "can_configure": True, "new_form": form}, status=400)


def _editor_rows(indicator_set, posted=None):
    rows = posted if posted is not None else [
        {"code": i.code, "name": i.name, "max_score": i.max_score, "source": i.source, "evidence": i.evidence}
        for i in indicator_set.indicators.all()]
    return [*rows, *({"code": "", "name": "", "max_score": "", "source": IndicatorSource.SELF, "evidence": ""}
                     for _n in range(forms.EXTRA_ROWS))]


def _total(rows):
    total = 0
    for row in rows:
        with contextlib.suppress(TypeError, ValueError):
            total += int(row.get("max_score") or 0)
    return total


@login_required
@require_http_methods(["GET", "POST"])
def harmony_indicator_detail(request, pk):
    require(request.user, policies.VIEW)
    try:
        indicator_set = selectors.indicator_set_detail(pk)
    except (IndicatorSet.DoesNotExist, ValueError) as exc:
        raise Http404(_("Not found.")) from exc
    header = forms.SetHeaderForm(initial={"title": indicator_set.title, "submit_due_on": indicator_set.submit_due_on})
    errors, posted = [], None
    if request.method == "POST":
        require(request.user, policies.CONFIGURE)
        header = forms.SetHeaderForm(request.POST)
        posted = forms.posted_rows(request.POST)
        if header.is_valid():
            try:
                services.save_indicators(actor=request.user, indicator_set=indicator_set, rows=posted,
                                         title=header.cleaned_data["title"],
                                         submit_due_on=header.cleaned_data["submit_due_on"])
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("The indicators were saved."))
                return redirect("grassroots:harmony_indicator_detail", pk=indicator_set.pk)
    rows = _editor_rows(indicator_set, posted)
    return render(request, "grassroots/harmony/indicator_detail.html", {
        "set": indicator_set, "rows": rows, "total": _total(rows), "errors": errors, "header": header,
        "may_edit": policies.may_edit_set(request.user, indicator_set), "sources": IndicatorSource.choices,
        "can_configure": policies.can_configure(request.user),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def harmony_indicator_publish(request, pk):
    require(request.user, policies.CONFIGURE)
    try:
        indicator_set = IndicatorSet.objects.get(pk=pk)
    except (IndicatorSet.DoesNotExist, ValueError) as exc:
        raise Http404(_("Not found.")) from exc
    try:
        services.publish_indicator_set(actor=request.user, indicator_set=indicator_set)
        messages.success(request, _("The indicator set was published: unions may now assess themselves against it."))
    except DomainError as exc:
        messages.error(request, exc.text)
    return redirect("grassroots:harmony_indicator_detail", pk=indicator_set.pk)


# --- rated list ----------------------------------------------------------------------------------------------

@login_required
@require_GET
def harmony_rated(request):
    require(request.user, policies.VIEW)
    form = forms.RatedFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    f = form.filters()
    filters = selectors.RatedFilters(year=f.year, rating=f.rating, org=f.org, q=f.q)
    return render(request, "grassroots/harmony/rated.html", {
        "form": form, "query": form.query_string(),
        "cards": _cards_of(HarmonyRating.choices, selectors.rating_counts(request.user, filters)),
        "page": selectors.rated_page(request.user, filters, after=parse_after(request.GET.get("after"))),
        "can_export": policies.can_export(request.user),
    })


@login_required
@require_GET
def harmony_rated_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.RatedFilterForm(request.GET, user=request.user),
                       list_url="grassroots:harmony_rated",
                       export=lambda actor, filters: services.export_assessments(actor=actor, filters=filters,
                                                                                 rated_only=True),
                       filename=lambda: f"harmony-rated-{selectors.today():%Y%m%d}.xlsx")


# --- export of the indicator sets (core.exports) ---------------------------------------------------------

def _plan_indicators(user, params):
    """Every year's indicator set and its indicators (district-wide configuration), two sheets."""
    require(user, policies.EXPORT)
    sets = selectors.indicator_sets()

    def write(target, _progress):
        with XlsxStream(target) as book:
            sheet = book.sheet(_("Harmony indicator sets"), widths=[8, 30, 10, 10, 14, 12],
                               headers=[_("Year"), _("Title"), _("Status"), _("Indicators"),
                                        _("Self-assessments due on"), _("Self-assessments")])
            for s in sets:
                sheet.append([s.year, s.title, str(s.get_status_display()), s.n_indicators, s.submit_due_on,
                              s.n_assessments])
            sheet = book.sheet(_("Indicators"), widths=[8, 14, 40, 10, 14, 50], text_columns=(1,),
                               headers=[_("Year"), _("Code"), _("Indicator"), _("Maximum score"),
                                        _("How it is scored"), _("Evidence expected")])
            n = 0
            for i in Indicator.objects.select_related("indicator_set").order_by("-indicator_set__year", "position",
                                                                                "id"):
                sheet.append([i.indicator_set.year, i.code, i.name, i.max_score, str(i.get_source_display()),
                              i.evidence])
                n += 1
        return n

    return exports.ExportPlan(write=write, audit=exports.auditor(
        actor=user, action="grassroots.harmony_indicator_export", object_type="grassroots.HarmonyIndicatorExport",
        label=_("Harmony indicators export"), reach_action=policies.EXPORT, filters={}))


INDICATOR_EXPORT = exports.ExportKind(key="grassroots.harmony_indicators",
                                      label=gettext_lazy("Harmony indicators export"), plan=_plan_indicators,
                                      list_url="grassroots:harmony_indicator_list",
                                      filename_prefix="harmony-indicators")


@login_required
@require_GET
def harmony_indicator_export(request):
    return exports.export_response(request, INDICATOR_EXPORT)
