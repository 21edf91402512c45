"""Pages of collective wage negotiation. Thin: fetch through the scope (404 for hidden and
missing alike), check the action, call one service or selector, render.

Each workflow step has its own small page (`agreement_step`, registry `STEPS`): a part-time
union chair sees one question at a time, with the statutory deadline beside it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import exports
from gonghui.core.excel import XlsxStream
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import private_file_response

from . import forms, policies, selectors, services, timeline
from .models import AgreementKind, StaffRequest, Stage, WageAgreement
from .rules import rules
from .services import CoveredEnterprise, Offer, VoteInput

# --- list, due page -----------------------------------------------------------------------------


@login_required
@require_GET
def agreement_list(request):
    require(request.user, policies.VIEW)
    form = forms.AgreementFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.agreement_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "bargaining/list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": timeline.today(),
        "can_start": policies.can_start(request.user), "can_export": policies.can_export(request.user),
        "can_import": policies.can_import(request.user),
    })


class DueForm(django_forms.Form):
    org = django_forms.ModelChoiceField(queryset=None, required=False)
    within = django_forms.IntegerField(min_value=0, max_value=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from gonghui.orgs.models import Org

        self.fields["org"].queryset = Org.objects.visible_to(user, policies.VIEW)


DUE_LIMIT = 50  # the earliest; the list page pages through all of them (due=overdue|soon)


@login_required
@require_GET
def due_list(request):
    """Overdue steps and steps due within N working days, and agreements in force nearing expiry
    without a renewal offer, for one org's subtree."""
    require(request.user, policies.VIEW)
    form = DueForm(request.GET, user=request.user)
    form.is_valid()
    org = form.cleaned_data.get("org") if "org" not in form.errors else None
    within = form.cleaned_data.get("within") if "within" not in form.errors else None
    within = rules().remind_working_days if within is None else within
    today = timeline.today()
    lists = selectors.due_lists(request.user, org=org, on=today, horizon_working_days=within, limit=DUE_LIMIT)
    return render(request, "bargaining/due.html", {
        "due": lists.due, "due_more": lists.due_more, "expiring": lists.expiring,
        "expiring_more": lists.expiring_more, "staff_requests": lists.staff_requests,
        "requests_more": lists.requests_more,
        "can_start": policies.can_start(request.user),
        "orgs": reach_orgs(request.user, policies.VIEW), "org": org, "within": within, "today": today,
        "limit": DUE_LIMIT, "renewal_days": rules().renewal_days_before,
        "step_labels": timeline.STEP_LABELS,
        "can_export": policies.can_export(request.user),
        "export_query": urlencode({k: v for k, v in (("org", org.pk if org else ""), ("within", within)) if v != ""}),
    })


def _plan_due_export(user, params):
    """The due page's three lists (org and horizon filters), whole rather than the 50 earliest,
    narrowed to the user's bargaining.export scope; one sheet each."""
    from gonghui.orgs.models import Org

    org = exports.checked_org(user, params, "org", Org, policies.VIEW)
    require(user, policies.EXPORT, org) if org is not None else require(user, policies.EXPORT)
    form = DueForm(params, user=user)
    if not form.is_valid():
        raise exports.ExportRefused(_("The filters could not be read; check them and export again."),
                                    code="filters")
    within = form.cleaned_data.get("within")
    within = rules().remind_working_days if within is None else within
    today = timeline.today()
    exportable = WageAgreement.objects.visible_to(user, policies.EXPORT).values("pk")
    due = (selectors.due_agreements(user, org=org, on=today, horizon_working_days=within)
           .filter(pk__in=exportable))
    expiring = selectors.expiring_agreements(user, org=org, on=today).filter(pk__in=exportable)
    staff_requests = (selectors.open_staff_requests(user, org=org)
                      .filter(pk__in=StaffRequest.objects.visible_to(user, policies.EXPORT).values("pk")))
    filters = {"org": org.pk if org else None, "within": within}
    kinds = dict(AgreementKind.choices)

    def write(target, _progress):
        n = 0
        with XlsxStream(target) as book:
            sheet = book.sheet(_("Steps due"), headers=[_("Negotiation"), _("Union party"), _("Step"), _("Due on"),
                                                         _("Days")], widths=[36, 28, 20, 12, 8])
            for a in due.iterator(chunk_size=1000):
                sheet.append([a.title, a.org.name, str(timeline.STEP_LABELS.get(a.next_step, a.next_step or "")),
                              a.next_due_on, (a.next_due_on - today).days])
                n += 1
            sheet = book.sheet(_("Staff requests"), headers=[_("Enterprise"), _("Union"), _("Staff who signed"),
                                                             _("Headcount"), _("Offer due on")],
                               widths=[32, 28, 10, 10, 12])
            for r in staff_requests.iterator(chunk_size=1000):
                sheet.append([r.enterprise.name, r.org.name, r.signatures, r.headcount, r.offer_due_on])
                n += 1
            sheet = book.sheet(_("Agreements ending"), headers=[_("Agreement"), _("Union party"), _("Kind"),
                                                                _("Ends on")], widths=[36, 28, 20, 12])
            for a in expiring.iterator(chunk_size=1000):
                sheet.append([a.title, a.org.name, str(kinds.get(a.kind, a.kind)), a.ends_on])
                n += 1
        return n

    return exports.ExportPlan(write=write, filters=filters, audit=exports.auditor(
        actor=user, action="bargaining.due_export", object_type="bargaining.DueExport",
        label=_("Due and overdue export"), org=org, reach_action=policies.EXPORT, filters=filters))


DUE_EXPORT = exports.ExportKind(key="bargaining.due", label=gettext_lazy("Due and overdue export"),
                                plan=_plan_due_export, list_url="bargaining:due",
                                filename_prefix="wage-negotiation-due")


@login_required
@require_GET
def due_export(request):
    """The due page as a workbook (small lists: written at once)."""
    return exports.export_response(request, DUE_EXPORT)


# --- starting a negotiation --------------------------------------------------------------------

def _coverage_from_post(post, candidates):
    """The ticked enterprises and their workers; errors name the enterprise."""
    by_id = {str(e.pk): e for e in candidates}
    chosen, errors = [], []
    for value in post.getlist("cover"):
        enterprise = by_id.get(value)
        if enterprise is None:
            errors.append(_("An enterprise you ticked is no longer in the list; search again."))
            continue
        raw = (post.get(f"workers_{value}") or "").strip()
        try:
            workers = int(raw)
        except ValueError:
            errors.append(_("%(name)s: give the number of workers covered as a whole number.")
                          % {"name": enterprise.name})
            continue
        chosen.append(CoveredEnterprise(enterprise, workers))
    return chosen, errors


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    """Step 1 (kind and union party) and step 2 (the written offer and the enterprises covered)
    on one page: choosing the party reloads it with that party's enterprises."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind") if data.get("kind") in AgreementKind.values else AgreementKind.SINGLE
    party_q = _search_text(data.get("party_q"))
    parties = selectors.party_choices(request.user, kind, party_q)
    org = _chosen_party(request.user, kind, data.get("org"))
    context = {"kind": kind, "kinds": AgreementKind.choices, "org": org, "party_q": party_q, "parties": parties}
    if org is None:
        if len(parties) == 1 and not party_q:  # a union chair has one union: skip the question
            return redirect(f"{request.path}?kind={kind}&org={parties[0].pk}")
        return render(request, "bargaining/create.html", context)
    industry = data.get("industry", "")
    ent_q = _search_text(data.get("ent_q"))
    candidates = selectors.coverage_candidates(org, kind, industry=industry, q=ent_q)
    if request.method == "POST":
        offer_form = forms.OfferForm(request.POST, kind=kind)
        coverage, coverage_errors = _coverage_from_post(request.POST, candidates)
        for error in coverage_errors:
            offer_form.add_error(None, error)
        if offer_form.is_valid():
            d = offer_form.cleaned_data
            offer = Offer(kind=kind, title=d["title"], employer_party=d["employer_party"],
                          offered_by=d["offered_by"], offered_on=d["offered_on"],
                          offer_received_on=d["offer_received_on"], coverage=coverage,
                          offer_points=d["offer_points"], proposed_talks_on=d["proposed_talks_on"],
                          industry=d.get("industry", ""), term_years=d["term_years"])
            agreement = run_service(offer_form, services.start_negotiation, actor=request.user, org=org,
                                    offer=offer)
            if agreement is not None:
                messages.success(request, _("The offer was recorded. The reply is due on %(date)s.")
                                 % {"date": agreement.next_due_on})
                return redirect("bargaining:detail", pk=agreement.pk)
        checked = {str(c.enterprise.pk): c.workers for c in coverage}
        workers_posted = {key[8:]: value for key, value in request.POST.items() if key.startswith("workers_")}
    else:
        initial = {"offered_on": timeline.today(), "offer_received_on": timeline.today()}
        if kind == AgreementKind.SINGLE and candidates:
            initial["employer_party"] = candidates[0].name
        offer_form = forms.OfferForm(initial=initial, kind=kind)
        checked = {str(e.pk): e.headcount for e in candidates} if kind == AgreementKind.SINGLE else {}
        workers_posted = {}
    rows = [{"enterprise": e, "checked": str(e.pk) in checked,
             "workers": workers_posted.get(str(e.pk), checked.get(str(e.pk), e.headcount or ""))}
            for e in candidates]
    context.update({"offer_form": offer_form, "rows": rows, "ent_q": ent_q, "industry": industry,
                    "candidate_limit": selectors.CANDIDATE_LIMIT})
    return render(request, "bargaining/create.html", context)


def _search_text(value, limit=60):
    """A name typed into a search box, as a filter value: trimmed, bounded, and without the NUL
    character PostgreSQL refuses in a query."""
    return (value or "").replace("\x00", "").strip()[:limit]


def _chosen_party(user, kind, org_id):
    """The org picked as the union party, when the user may act there and it suits the kind."""
    if not org_id:
        return None
    from gonghui.orgs.models import Org

    org = get_visible_or_404(Org.objects, user, org_id, policies.CHANGE)
    return org if org.level in services.PARTY_LEVELS[kind] and org.is_active else None


@login_required
@require_GET
def party_options(request):
    """<option>s of the union-party picker (htmx), narrowed by name."""
    require(request.user, policies.CHANGE)
    kind = request.GET.get("kind") if request.GET.get("kind") in AgreementKind.values else AgreementKind.SINGLE
    parties = selectors.party_choices(request.user, kind, _search_text(request.GET.get("party_q")))
    return render(request, "bargaining/_party_options.html", {"parties": parties})


# --- staff requests (≥ 1/5 of the staff ask for negotiation) --------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def staff_request_create(request):
    """Record a staff request: the union then owes the written offer. The union is chosen as on
    the offer form (a chair's one union is taken directly); its enterprises are offered."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    party_q = _search_text(data.get("party_q"))
    parties = selectors.party_choices(request.user, AgreementKind.SINGLE, party_q)
    org = _chosen_party(request.user, AgreementKind.SINGLE, data.get("org"))
    if org is None and len(parties) == 1 and not party_q and not data.get("org"):
        return redirect(f"{request.path}?org={parties[0].pk}")
    enterprises = selectors.coverage_candidates(org, AgreementKind.SINGLE) if org else []
    form = forms.StaffRequestForm(request.POST or None, enterprises=enterprises,
                                  initial={"received_on": timeline.today()})
    if request.method == "POST" and org is not None and form.is_valid():
        created = run_service(form, services.record_staff_request, actor=request.user, org=org,
                              **form.cleaned_data)
        if created is not None:
            messages.success(request, _("The request was recorded. The offer is due on %(date)s.")
                             % {"date": created.offer_due_on})
            return redirect("bargaining:request_detail", pk=created.pk)
    return render(request, "bargaining/request_form.html", {
        "form": form, "org": org, "parties": parties, "party_q": party_q,
        "offer_days": rules().staff_request_offer_days,
    })


@login_required
@require_GET
def staff_request_detail(request, pk):
    staff_request = get_visible_or_404(
        StaffRequest.objects.select_related("org", "enterprise", "agreement"), request.user, pk)
    return render(request, "bargaining/request_detail.html", {
        "staff_request": staff_request, "today": timeline.today(),
        "can_offer": staff_request.agreement_id is None and request.user.can(policies.CHANGE, staff_request.org),
        "history": history_for(request.user, staff_request),
    })


# --- detail -------------------------------------------------------------------------------------

@login_required
@require_GET
def agreement_detail(request, pk):
    agreement = get_visible_or_404(WageAgreement.objects, request.user, pk)
    agreement = selectors.agreement_detail(agreement)
    renewals = list(agreement.renewals.all())
    coverages = list(agreement.coverages.all())
    return render(request, "bargaining/detail.html", {
        "agreement": agreement, "steps": selectors.steps_of(agreement),
        "actions": policies.agreement_actions(request.user, agreement, has_renewal=bool(renewals)),
        "coverages": coverages, "workers_total": sum(c.workers for c in coverages),
        "renewals": renewals, "history": history_for(request.user, agreement),
        "vote_rule": _("Passes with at least two thirds present and more than half of ALL delegates (or staff) "
                       "in favour."),
    })


@login_required
@require_GET
def signed_file(request, pk):
    agreement = get_visible_or_404(WageAgreement.objects, request.user, pk)
    if not agreement.signed_file:
        raise Http404(_("Not found."))
    extension = agreement.signed_file.name.rsplit(".", 1)[-1].lower()
    return private_file_response(agreement.signed_file, f"{agreement.title}.{extension}")


# --- workflow steps -----------------------------------------------------------------------------

@dataclass(frozen=True)
class StepPage:
    title: str
    form: type
    allowed: str                         # the AgreementActions flag that shows this step
    run: Callable                        # (actor, agreement, form, request) -> result of one service
    done: str                            # message after success
    danger: bool = False
    files: bool = False
    initial: Callable | None = None


def _calls(service):
    """A step whose form fields are exactly the service's keyword arguments."""
    return lambda actor, a, f, request: service(actor=actor, agreement=a, **f.cleaned_data)


def _run_reps(actor, a, f, request):
    return services.set_representatives(actor=actor, agreement=a, representatives=f.representatives(),
                                        recorder_name=f.cleaned_data["recorder_name"])


def _run_terms(actor, a, f, request):
    return services.update_terms(actor=actor, agreement=a, **f.terms())


def _run_vote(actor, a, f, request):
    return services.record_vote(actor=actor, agreement=a, data=VoteInput(**f.cleaned_data))


def _run_edit(actor, a, f, request):
    coverage = [CoveredEnterprise(c.enterprise, c.workers) for c in a.coverages.select_related(
        "enterprise", "enterprise__union", "enterprise__town")]
    return services.update_offer(actor=actor, agreement=a, coverage=coverage, **f.cleaned_data)


def _today_initial(*names):
    return lambda agreement: {name: timeline.today() for name in names}


STEPS = {
    "reply": StepPage(
        gettext_lazy("Record the written reply"), forms.ReplyForm, "reply", _calls(services.record_reply),
        gettext_lazy("The reply was recorded."), initial=_today_initial("replied_on")),
    "schedule": StepPage(
        gettext_lazy("Schedule the first meeting"),
        forms.ScheduleForm, "schedule", _calls(services.schedule_first_meeting),
        gettext_lazy("The first meeting was scheduled."), initial=lambda a: {"first_meeting_on": a.first_meeting_on}),
    "data": StepPage(
        gettext_lazy("Record the wage data provided"), forms.DataForm, "data", _calls(services.record_data_exchange),
        gettext_lazy("The data exchange was recorded."), initial=_today_initial("provided_on")),
    "representatives": StepPage(
        gettext_lazy("Name the representatives"), forms.RepresentativesForm, "representatives", _run_reps,
        gettext_lazy("The representatives were saved."), initial=forms.RepresentativesForm.initial_for),
    "round": StepPage(
        gettext_lazy("Record a round of talks"), forms.RoundForm, "round", _calls(services.record_round),
        gettext_lazy("The round of talks was recorded."), initial=_today_initial("held_on")),
    "terms": StepPage(
        gettext_lazy("Agreed terms"), forms.TermsForm, "terms", _run_terms, gettext_lazy("The terms were saved.")),
    "vote": StepPage(
        gettext_lazy("Record the vote on the draft"), forms.VoteForm, "vote", _run_vote,
        gettext_lazy("The vote was recorded."), initial=_today_initial("held_on")),
    "sign": StepPage(
        gettext_lazy("Record the signing"), forms.SignForm, "sign", _calls(services.sign_agreement),
        gettext_lazy("The signing was recorded. File it with the labour bureau within 10 days."),
        files=True, initial=_today_initial("signed_on", "starts_on")),
    "attach": StepPage(
        gettext_lazy("Attach the signed agreement"), forms.AttachForm, "attach", _calls(services.attach_signed_file),
        gettext_lazy("The signed agreement was attached."), files=True),
    "file": StepPage(
        gettext_lazy("Record the filing with the labour bureau"),
        forms.FileForm, "file", _calls(services.file_agreement),
        gettext_lazy("The filing was recorded."), initial=_today_initial("filed_on")),
    "objection": StepPage(
        gettext_lazy("Record an objection of the labour bureau"), forms.ObjectionForm, "objection",
        _calls(services.record_objection), gettext_lazy("The objection was recorded; talks resume."),
        danger=True, initial=_today_initial("objection_on")),
    "publish": StepPage(
        gettext_lazy("Record the publication to staff"),
        forms.PublishForm, "publish", _calls(services.publish_agreement),
        gettext_lazy("The publication was recorded."), initial=_today_initial("published_on")),
    "renew": StepPage(
        gettext_lazy("Send the renewal offer"), forms.RenewForm, "renew", _calls(services.start_renewal),
        gettext_lazy("The renewal offer was recorded."), initial=_today_initial("offered_on", "offer_received_on")),
    "cancel": StepPage(
        gettext_lazy("Cancel the negotiation"), forms.CancelForm, "cancel", _calls(services.cancel_negotiation),
        gettext_lazy("The negotiation was cancelled."), danger=True),
    "edit": StepPage(
        gettext_lazy("Correct the offer"),
        forms.EditOfferForm, "edit_offer", _run_edit, gettext_lazy("The offer was saved."),
        initial=lambda a: {"title": a.title, "employer_party": a.employer_party,
                           "offer_points": a.offer_points, "proposed_talks_on": a.proposed_talks_on}),
}


def _step_form(page, agreement, request):
    kwargs = {"instance": agreement} if page.form is forms.TermsForm else {}
    if request.method == "POST":
        return page.form(request.POST, request.FILES if page.files else None, **kwargs)
    initial = page.initial(agreement) if page.initial else None
    return page.form(initial=initial, **kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_step(request, pk, step):
    page = STEPS.get(step)
    if page is None:
        raise Http404(_("Not found."))
    agreement = get_visible_or_404(WageAgreement.objects, request.user, pk)
    require(request.user, policies.CHANGE, agreement.org)
    has_renewal = agreement.renewals.exclude(stage=Stage.CANCELLED).exists()
    if not getattr(policies.agreement_actions(request.user, agreement, has_renewal=has_renewal), page.allowed):
        messages.warning(request, _("This step cannot be recorded now: the negotiation is at “%(stage)s”.")
                         % {"stage": agreement.get_stage_display()})
        return redirect("bargaining:detail", pk=agreement.pk)
    form = _step_form(page, agreement, request)
    if request.method == "POST" and form.is_valid():
        result = run_service(form, page.run, actor=request.user, a=agreement, f=form, request=request)
        if result is not None:
            messages.success(request, page.done)
            target = result if isinstance(result, WageAgreement) else agreement
            return redirect("bargaining:detail", pk=target.pk)
    steps = {s.code: s for s in timeline.steps(agreement)}
    return render(request, "bargaining/step.html", {
        "agreement": agreement, "page": page, "form": form, "step": step, "steps": steps,
        "vote_rule": _("Passes with at least two thirds present and more than half of ALL delegates (or staff) "
                       "in favour."),
    })
