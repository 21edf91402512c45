"""Pages of awards. Thin: fetch through the scope (404 for hidden and missing alike), check the
action, call one service or selector, render.

- nominations: list (filters, counts, pager, export), nominate, detail with the steps the user
  may take now (town review, district review opening the 公示, objections and their findings,
  conferral, withdrawal) and the history;
- award types and their quotas (configure: built-in types, set a quota);
- honour records: list (filters, pager, export) and a person's honours.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports, workdays
from gonghui.core.excel import XlsxStream
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.members.models import Person
from gonghui.orgs.models import Org

from ..forms import awards as forms
from ..models.awards import HonourNomination, HonourRecord, NominationStatus
from ..policies import awards as policies
from ..selectors import awards as selectors
from ..services import awards as services

# --- nominations ---------------------------------------------------------------------------------


@login_required
@require_GET
def nomination_list(request):
    require(request.user, policies.VIEW)
    form = forms.NominationFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    on = selectors.today()
    page = selectors.nomination_page(request.user, filters, after=parse_after(request.GET.get("after")), on=on)
    counts = selectors.summary(request.user, filters, on=on)
    return render(request, "honours/awards/nomination_list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": on,
        "counts": [(label, counts.get(code, 0), code) for code, label in NominationStatus.choices
                   if counts.get(code)],
        "can_nominate": policies.can(request.user, policies.SUBMIT),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def nomination_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.NominationFilterForm(request.GET, user=request.user),
                       list_url="honours:nomination_list", export=services.export_nominations,
                       filename=lambda: f"honour-nominations-{services.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def nomination_create(request):
    """The union first (a chair's one union is taken directly), then the nominee."""
    require(request.user, policies.SUBMIT)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    unions = selectors.union_choices(request.user, policies.SUBMIT, union_q)
    org = None
    if data.get("org"):
        org = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.SUBMIT)
    elif len(unions) == 1 and not union_q:
        return redirect(f"{request.path}?org={unions[0].pk}")
    context = {"unions": unions, "union_q": union_q, "org": org}
    if org is None:
        return render(request, "honours/awards/nomination_create.html", context)
    today = services.today()
    person_q = (data.get("person_q") or "").replace("\x00", "").strip()[:20]
    form = forms.NominationForm(request.POST if request.method == "POST" else None, org=org, person_q=person_q,
                                initial={"year": today.year, "submitted_on": today})
    context["person_q"] = person_q
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = run_service(form, services.nominate_honour, actor=request.user, honour_type=d["honour_type"],
                              org=org, year=d["year"], person=d["person"], team_name=d["team_name"],
                              enterprise=d["enterprise"], deeds=d["deeds"], wage_arrears=d["wage_arrears"],
                              no_social_insurance=d["no_social_insurance"],
                              serious_accident_on=d["serious_accident_on"], submitted_on=d["submitted_on"])
        if created is not None:
            messages.success(request, _("The nomination was submitted to the town."))
            return redirect("honours:nomination_detail", pk=created.pk)
    context["form"] = form
    context["quotas"] = selectors.quotas_for_union(org, today.year)
    return render(request, "honours/awards/nomination_create.html", context, status=400 if form.errors else 200)


def _nomination(request, pk):
    return get_visible_or_404(HonourNomination.objects.select_related("org", "honour_type", "person"),
                              request.user, pk)


def _step_forms(actions, n, today):
    step_forms = {}
    if actions.town_review:
        step_forms["town"] = forms.TownReviewForm(initial={"reviewed_on": today, "decision": "forward"}, prefix="town")
    if actions.district_review:
        step_forms["district"] = forms.DistrictReviewForm(initial={"reviewed_on": today, "decision": "approve"},
                                                          prefix="district")
    if actions.objection:
        step_forms["objection"] = forms.ObjectionForm(initial={"received_on": today}, prefix="objection")
    if actions.confer:
        step_forms["confer"] = forms.ConferForm(initial={"conferred_on": today}, prefix="confer")
    if actions.withdraw:
        step_forms["withdraw"] = forms.WithdrawForm(initial={"withdrawn_on": today}, prefix="withdraw")
    return step_forms


STEP_TITLES = {
    "town": gettext_lazy("Town review"),
    "district": gettext_lazy("District review"),
    "objection": gettext_lazy("Record an objection received during the public notice"),
    "confer": gettext_lazy("Confer the award"),
    "withdraw": gettext_lazy("Withdraw the nomination"),
}


def _render_detail(request, n, *, bound=None, status=200):
    n = selectors.nomination_detail(n)
    actions = policies.nomination_actions(request.user, n)
    today = services.today()
    step_forms = _step_forms(actions, n, today)
    objections = list(n.objections.all())
    open_count = sum(o.status == "OPEN" for o in objections)
    notice_over = n.notice_ends_on is not None and n.notice_ends_on < today
    # Conferral is offered only when it can succeed: a form the service is bound to refuse
    # (notice still running, an objection open) is replaced by the reason.
    confer_blocked = ""
    if "confer" in step_forms and not notice_over:
        confer_blocked = _("The award can be conferred after the public notice ends on %(day)s.") % {
            "day": n.notice_ends_on.isoformat()}
    elif "confer" in step_forms and open_count:
        confer_blocked = _("Decide the open objections before conferring the award.")
    if confer_blocked:
        del step_forms["confer"]
    decide_forms = {}
    if actions.decide_objection:
        for o in objections:
            if o.status == "OPEN":
                decide_forms[o.pk] = forms.DecideObjectionForm(
                    initial={"objection": o.pk, "decided_on": today, "decision": "dismiss"}, prefix=f"decide{o.pk}")
    if bound is not None:
        if bound[0] == "decide":
            decide_forms[bound[1].initial.get("objection") or bound[2]] = bound[1]
        else:
            step_forms[bound[0]] = bound[1]
    return render(request, "honours/awards/nomination_detail.html", {
        "n": n, "actions": actions, "today": today, "objections": objections,
        "steps": [(code, STEP_TITLES[code], form) for code, form in step_forms.items()],
        "decide_forms": decide_forms, "open_objections": open_count, "notice_over": notice_over,
        "confer_blocked": confer_blocked,
        "notice_provisional": n.notice_ends_on is not None and workdays.is_provisional(n.notice_starts_on,
                                                                                       n.notice_ends_on),
        "history": history_for(request.user, n),
    }, status=status)


@login_required
@require_GET
def nomination_detail(request, pk):
    return _render_detail(request, _nomination(request, pk))


def _run_step(step, user, n, d):
    if step == "town":
        return services.review_by_town(actor=user, nomination=n, decision=d["decision"], comments=d["comments"],
                                       reason=d["reason"], reviewed_on=d["reviewed_on"])
    if step == "district":
        return services.review_by_district(actor=user, nomination=n, decision=d["decision"],
                                           comments=d["comments"], reason=d["reason"], reviewed_on=d["reviewed_on"],
                                           notice_starts_on=d["notice_starts_on"])
    if step == "objection":
        return services.add_objection(actor=user, nomination=n, content=d["content"], objector=d["objector"],
                                      received_on=d["received_on"])
    if step == "confer":
        return services.confer_award(actor=user, nomination=n, conferred_on=d["conferred_on"],
                                     certificate_no=d["certificate_no"])
    return services.withdraw_nomination(actor=user, nomination=n, reason=d["reason"], withdrawn_on=d["withdrawn_on"])


STEPS = {  # step: (form, NominationActions flag, action code, message)
    "town": (forms.TownReviewForm, "town_review", policies.REVIEW, gettext_lazy("The town's review was recorded.")),
    "district": (forms.DistrictReviewForm, "district_review", policies.CONFER,
                 gettext_lazy("The district's review was recorded.")),
    "objection": (forms.ObjectionForm, "objection", policies.REVIEW, gettext_lazy("The objection was recorded.")),
    "confer": (forms.ConferForm, "confer", policies.CONFER, gettext_lazy("The award was conferred and recorded.")),
    "withdraw": (forms.WithdrawForm, "withdraw", policies.CHANGE, gettext_lazy("The nomination was withdrawn.")),
}


def _not_now(request, n):
    messages.warning(request, _("This step cannot be recorded now: the record is “%(status)s”.")
                     % {"status": n.get_status_display()})
    return redirect("honours:nomination_detail", pk=n.pk)


@login_required
@require_POST
def nomination_step(request, pk, step):
    n = _nomination(request, pk)
    if step == "decide":
        return _decide(request, n)
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, action, done = STEPS[step]
    require(request.user, action, n.org)
    if not getattr(policies.nomination_actions(request.user, n), flag):
        return _not_now(request, n)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: _run_step(step, request.user, n, form.cleaned_data)) \
        if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("honours:nomination_detail", pk=n.pk)
    return _render_detail(request, n, bound=(step, form), status=400)


def _decide(request, n):
    require(request.user, policies.CONFER, n.org)
    if not policies.nomination_actions(request.user, n).decide_objection:
        return _not_now(request, n)
    objection = selectors.objection_of(n, parse_after(request.POST.get("objection")))
    if objection is None:
        raise Http404(_("Not found."))
    form = forms.DecideObjectionForm(request.POST, prefix=f"decide{objection.pk}",
                                     initial={"objection": objection.pk})
    result = run_service(form, lambda: services.decide_objection(
        actor=request.user, objection=objection, decision=form.cleaned_data["decision"],
        note=form.cleaned_data["note"], decided_on=form.cleaned_data["decided_on"])) if form.is_valid() else None
    if result is not None:
        messages.success(request, _("The finding on the objection was recorded."))
        return redirect("honours:nomination_detail", pk=n.pk)
    return _render_detail(request, n, bound=("decide", form, objection.pk), status=400)


# --- award types and quotas ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def award_type_list(request):
    require(request.user, policies.VIEW)
    can_configure = policies.can(request.user, policies.CONFIGURE)
    year = parse_after(request.GET.get("year")) or services.today().year
    orgs = reach_orgs(request.user, policies.CONFIGURE) if can_configure else []
    form = forms.QuotaForm(request.POST if request.method == "POST" else None, user=request.user, orgs=orgs,
                           initial={"year": year}) if can_configure else None
    type_form = forms.TypeForm(prefix="type") if can_configure else None
    if request.method == "POST":
        require(request.user, policies.CONFIGURE)
        if request.POST.get("edit_type"):
            type_form = forms.TypeForm(request.POST, prefix="type")
            form = forms.QuotaForm(user=request.user, orgs=orgs, initial={"year": year})
            if type_form.is_valid():
                d = type_form.cleaned_data
                if run_service(type_form, services.update_award_type, actor=request.user,
                               honour_type=d["honour_type"], name=d["name"], is_active=d["is_active"],
                               description=d["description"]) is not None:
                    messages.success(request, _("The award type was saved."))
                    return redirect("honours:award_type_list")
        elif request.POST.get("builtin"):
            made = services.ensure_award_types(actor=request.user)
            messages.success(request, _("%(n)s award type(s) added.") % {"n": len(made)})
            return redirect("honours:award_type_list")
        elif form.is_valid():
            d = form.cleaned_data
            if run_service(form, services.set_quota, actor=request.user, honour_type=d["honour_type"], org=d["org"],
                           year=d["year"], places=d["places"]) is not None:
                messages.success(request, _("The quota was saved."))
                return redirect(f"{request.path}?year={d['year']}")
    return render(request, "honours/awards/type_list.html", {
        "types": list(selectors.award_types()), "quotas": list(selectors.quotas(request.user, year)), "year": year,
        "form": form, "type_form": type_form, "can_configure": can_configure,
        "can_export": policies.can(request.user, policies.EXPORT),
    }, status=400 if (form is not None and form.errors) or (type_form is not None and type_form.errors) else 200)


# --- records ------------------------------------------------------------------------------------------

@login_required
@require_GET
def record_list(request):
    require(request.user, policies.VIEW)
    form = forms.RecordFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.record_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "honours/awards/record_list.html", {
        "form": form, "page": page, "query": form.query_string(),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def record_detail(request, pk):
    """One honour record, where it came from (the nomination, for an award) and its history."""
    r = get_visible_or_404(HonourRecord.objects.select_related("org", "person", "created_by"), request.user, pk)
    nomination = selectors.nomination_of_record(request.user, r)
    return render(request, "honours/awards/record_detail.html", {"r": r, "nomination": nomination,
                                                                 "history": history_for(request.user, r)})


@login_required
@require_GET
def record_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.RecordFilterForm(request.GET, user=request.user), list_url="honours:record_list",
                       export=services.export_records,
                       filename=lambda: f"honour-records-{services.today():%Y%m%d}.xlsx")


@login_required
@require_GET
def person_honours(request, person_pk):
    """Every honour of a person the user can see (404 unless the person is in the user's scope)."""
    require(request.user, policies.VIEW)
    person = get_visible_or_404(Person.objects.all(), request.user, person_pk)
    rows = list(selectors.person_records(request.user, person))
    nominations = selectors.person_nominations(request.user, person)
    return render(request, "honours/awards/person.html", {"person": person, "records": rows,
                                                          "nominations": nominations})



# --- export of the award types and quotas (core.exports) -------------------------------------------

def _plan_award_types(user, params):
    """The award types (district-wide) and the year's quotas the user may export, two sheets."""
    require(user, policies.EXPORT)
    year = parse_after(params.get("year")) or services.today().year
    if not 2000 <= year <= 2100:
        year = services.today().year
    types = selectors.award_types()
    quotas = selectors.quotas(user, year, action=policies.EXPORT)

    def write(target, _progress):
        with XlsxStream(target) as book:
            sheet = book.sheet(_("Award types"), headers=[_("Award"), _("Holder"), _("Level"),
                                                          _("Open for nominations"), _("Description")],
                               widths=[28, 10, 10, 10, 50])
            for t in types:
                sheet.append([t.name, str(t.get_holder_kind_display()), str(t.get_level_display()),
                              _("Yes") if t.is_active else _("No"), t.description])
            sheet = book.sheet(_("Quotas of %(year)s") % {"year": year},
                               headers=[_("Award"), _("Town or union"), _("Places"), _("Used")], widths=[28, 30, 8, 8])
            n = 0
            for q in quotas:
                sheet.append([q.honour_type.name, q.org.name, q.places, q.used])
                n += 1
        return n

    return exports.ExportPlan(write=write, filters={"year": year}, audit=exports.auditor(
        actor=user, action="honours.award_type_export", object_type="honours.AwardTypeExport",
        label=_("Award types and quotas export"), reach_action=policies.EXPORT, filters={"year": year}))


AWARD_TYPES_EXPORT = exports.ExportKind(key="honours.award_types", label=gettext_lazy("Award types and quotas export"),
                                        plan=_plan_award_types, list_url="honours:award_type_list",
                                        filename_prefix="award-types")


@login_required
@require_GET
def award_type_export(request):
    return exports.export_response(request, AWARD_TYPES_EXPORT)
