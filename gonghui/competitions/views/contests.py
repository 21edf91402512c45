"""Pages of skills contests (技能比武). Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- the list (filters, counts by status, pager, export) and setting up a contest;
- the detail page: the rules, the entries (ranked once published), registering a union's
  workers (search by name among the members the user may register), the steps the user may take
  now (open, close, scores, publish, cancel), certificates, and the history;
- the scores page; the trade catalogue (district).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Org

from ..forms import contests as forms
from ..models.contests import ContestEntry, ContestStatus, ContestTrade, SkillContest
from ..policies import contests as policies
from ..rules.contests import rules
from ..selectors import contests as selectors
from ..services import contests as services

# --- list ----------------------------------------------------------------------------------------


@login_required
@require_GET
def contest_list(request):
    require(request.user, policies.VIEW)
    form = forms.ContestFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.contest_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.summary(request.user, filters)
    return render(request, "competitions/contests/list.html", {
        "form": form, "page": page, "query": form.query_string(),
        "counts": [(label, counts.get(code, 0), code) for code, label in ContestStatus.choices if counts.get(code)],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
        "can_configure": policies.can(request.user, policies.CONFIGURE),
    })


@login_required
@require_GET
def contest_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ContestFilterForm(request.GET, user=request.user),
                       list_url="competitions:contest_list", export=services.export_contests,
                       filename=lambda: f"skills-contests-{services.today():%Y%m%d}.xlsx")


# --- create and edit --------------------------------------------------------------------------------

def _initial():
    r = rules()
    return {"capacity": r.capacity, "theory_weight": r.theory_weight, "practical_weight": r.practical_weight,
            "min_age": r.min_age, "max_age": r.max_age, "winners": r.winners, "min_skill_level": "NONE"}


@login_required
@require_http_methods(["GET", "POST"])
def contest_create(request):
    require(request.user, policies.CHANGE)
    orgs = selectors.organised_by(request.user)
    data = request.POST if request.method == "POST" else None
    organiser = forms.OrganiserForm(data, user=request.user, orgs=orgs, initial={"org": orgs[0].pk if orgs else None})
    form = forms.ContestForm(data, initial=_initial())
    if request.method == "POST" and organiser.is_valid() and form.is_valid():
        created = run_service(form, services.create_contest, actor=request.user, org=organiser.cleaned_data["org"],
                              data=form.data_input())
        if created is not None:
            messages.success(request, _("The contest was set up. Open the registration when it is ready."))
            return redirect("competitions:contest_detail", pk=created.pk)
    return render(request, "competitions/contests/form.html", {"form": form, "organiser": organiser},
                  status=400 if request.method == "POST" else 200)


def _contest(request, pk, action=None):
    return get_visible_or_404(SkillContest.objects.select_related("org", "trade"), request.user, pk, action)


@login_required
@require_http_methods(["GET", "POST"])
def contest_edit(request, pk):
    c = _contest(request, pk)
    require(request.user, policies.CHANGE, c.org)
    if not policies.contest_actions(request.user, c).edit:
        messages.warning(request, _("This step cannot be taken now: the contest is “%(status)s”.")
                         % {"status": c.get_status_display()})
        return redirect("competitions:contest_detail", pk=c.pk)
    initial = {f: getattr(c, f) for f in ("name", "trade", "held_on", "registration_closes_on", "venue", "capacity",
                                          "theory_weight", "practical_weight", "min_age", "max_age",
                                          "min_skill_level", "winners")}
    form = forms.ContestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.update_contest, actor=request.user, contest=c, data=form.data_input()):
        messages.success(request, _("The contest was saved."))
        return redirect("competitions:contest_detail", pk=c.pk)
    return render(request, "competitions/contests/form.html", {"form": form, "contest": c},
                  status=400 if request.method == "POST" else 200)


# --- detail ------------------------------------------------------------------------------------------

def _render_detail(request, c, *, bound=None, status=200):
    user = request.user
    actions = policies.contest_actions(user, c)
    entries = selectors.contest_entries(c, user)
    step_forms = {}
    today = services.today()
    if actions.open:
        step_forms["open"] = forms.EmptyForm(prefix="open")
    if actions.close:
        step_forms["close"] = forms.EmptyForm(prefix="close")
    if actions.publish:
        step_forms["publish"] = forms.PublishForm(initial={"published_on": today}, prefix="publish")
    if actions.cancel:
        step_forms["cancel"] = forms.CancelForm(prefix="cancel")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:30]
    found = selectors.candidates(user, c, q) if actions.register and q else []
    for m in found:
        m.problems = selectors.eligibility_problems(c, m.person, m)
    registered = selectors.registered_count(c)
    return render(request, "competitions/contests/detail.html", {
        "c": c, "actions": actions, "entries": entries, "step_forms": step_forms, "q": q, "found": found,
        "registered": registered, "free": max(c.capacity - registered, 0),
        "sees_all_entries": user.can(policies.VIEW, c.org),
        "can_withdraw": {e.pk for e in entries if e.status == "REGISTERED" and c.status in ("OPEN", "CLOSED")
                         and user.can(policies.SUBMIT, e.union)},
        # the contest's trail and its entries' (registrations, withdrawals, certificates)
        "history": history_for(user, c, related=[("competitions.ContestEntry", e.pk) for e in entries]),
        "today": today,
    }, status=status)


@login_required
@require_GET
def contest_detail(request, pk):
    return no_store(_render_detail(request, _contest(request, pk)))


STEPS = {  # step: (form, ContestActions flag, service call, message)
    "open": (forms.EmptyForm, "open", lambda u, c, d: services.open_registration(actor=u, contest=c),
             gettext_lazy("Registration is open.")),
    "close": (forms.EmptyForm, "close", lambda u, c, d: services.close_registration(actor=u, contest=c),
              gettext_lazy("Registration is closed; record the scores.")),
    "publish": (forms.PublishForm, "publish", lambda u, c, d: services.publish_results(
        actor=u, contest=c, published_on=d["published_on"]), gettext_lazy("The results were published.")),
    "cancel": (forms.CancelForm, "cancel", lambda u, c, d: services.cancel_contest(
        actor=u, contest=c, reason=d["reason"]), gettext_lazy("The contest was cancelled.")),
}


@login_required
@require_POST
def contest_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = STEPS[step]
    c = _contest(request, pk)
    require(request.user, policies.publish_action(c) if step == "publish" else policies.CHANGE, c.org)
    if not getattr(policies.contest_actions(request.user, c), flag):
        messages.warning(request, _("This step cannot be taken now: the contest is “%(status)s”.")
                         % {"status": c.get_status_display()})
        return redirect("competitions:contest_detail", pk=c.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, c, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("competitions:contest_detail", pk=c.pk)
    return _render_detail(request, c, bound=(step, form), status=400)


@login_required
@require_POST
def contest_register(request, pk):
    c = _contest(request, pk)
    require(request.user, policies.SUBMIT)
    # a member the user may not register (or a made-up id) is a wrong choice on the form, not a 404
    m = selectors.registrable_membership(request.user, parse_after(request.POST.get("membership")))
    if m is None:
        messages.error(request, _("Choose a member of a union you may register workers for."))
        return redirect("competitions:contest_detail", pk=c.pk)
    form = forms.EmptyForm(request.POST)
    form.is_valid()
    entry = run_service(form, services.register_entrant, actor=request.user, contest=c, person=m.person)
    if entry is not None:
        messages.success(request, _("%(name)s is registered with exam number %(no)s.")
                         % {"name": entry.person_name, "no": entry.exam_no})
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("competitions:contest_detail", pk=c.pk)


def _entry(request, pk, entry_pk):
    return get_visible_or_404(ContestEntry.objects.select_related("contest__org", "contest__trade", "union",
                                                                  "person").filter(contest_id=pk),
                              request.user, entry_pk)


@login_required
@require_POST
def entry_withdraw(request, pk, entry_pk):
    e = _entry(request, pk, entry_pk)
    require(request.user, policies.SUBMIT, e.union)
    form = forms.WithdrawEntryForm(request.POST)
    if form.is_valid() and run_service(form, services.withdraw_entry, actor=request.user, entry=e,
                                       reason=form.cleaned_data["reason"]):
        messages.success(request, _("%(name)s was withdrawn.") % {"name": e.person_name})
    else:
        messages.error(request, " ".join(str(x) for x in form.errors.values())
                       or _("This entry cannot be withdrawn now."))
    return redirect("competitions:contest_detail", pk=pk)


@login_required
@require_GET
def entry_certificate(request, pk, entry_pk):
    e = _entry(request, pk, entry_pk)
    try:
        data = services.render_certificate(actor=request.user, entry=e)
    except services.DomainError as exc:
        messages.error(request, exc.text)
        return redirect("competitions:contest_detail", pk=pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{e.exam_no}.pdf"'
    return no_store(response)


# --- scores -----------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def contest_scores(request, pk):
    c = _contest(request, pk)
    require(request.user, policies.CHANGE, c.org)
    if not policies.contest_actions(request.user, c).scores:
        messages.warning(request, _("This step cannot be taken now: the contest is “%(status)s”.")
                         % {"status": c.get_status_display()})
        return redirect("competitions:contest_detail", pk=c.pk)
    entries = list(c.entries.filter(status="REGISTERED").select_related("union").order_by("exam_no"))
    form = forms.ScoresForm(request.POST if request.method == "POST" else None, entries=entries)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.record_scores, actor=request.user, contest=c, scores=form.scores()):
        messages.success(request, _("The scores were saved."))
        return redirect("competitions:contest_detail", pk=c.pk)
    return render(request, "competitions/contests/scores.html", {"c": c, "form": form},
                  status=400 if request.method == "POST" else 200)


# --- trades (district) -------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def trade_list(request):
    """The catalogue; the district adds a trade, or changes one (`?edit=<id>`: retire it, mark it
    one of the ten regular trades)."""
    require(request.user, policies.VIEW)
    can_configure = policies.can(request.user, policies.CONFIGURE)
    if request.method == "POST":
        require(request.user, policies.CONFIGURE)
    editing = None
    if can_configure:
        pk = parse_after(request.POST.get("trade") if request.method == "POST" else request.GET.get("edit"))
        editing = ContestTrade.objects.filter(pk=pk).first() if pk else None
    initial = ({"code": editing.code, "name": editing.name, "is_regular": editing.is_regular,
                "is_active": editing.is_active} if editing else None)
    form = forms.TradeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.save_trade, actor=request.user, trade=editing, **form.cleaned_data):
        messages.success(request, _("The trade was saved."))
        return redirect("competitions:contest_trade_list")
    return render(request, "competitions/contests/trades.html", {
        "trades": ContestTrade.objects.all(), "form": form if can_configure else None, "editing": editing,
        "can_export": policies.can(request.user, policies.EXPORT)},
        status=400 if request.method == "POST" else 200)


# --- export of the trade catalogue (core.exports) -------------------------------------------------------

def _plan_trades(user, params):
    """The district's trade catalogue (not scoped: everyone who sees contests reads it)."""
    require(user, policies.EXPORT)
    trades = ContestTrade.objects.all()

    def write(target, progress):
        rows = ([t.code, t.name, _("Yes") if t.is_regular else _("No"), _("Yes") if t.is_active else _("No")]
                for t in trades.iterator(chunk_size=500))
        return exports.write_sheet(target, title=_("Contest trades"), rows=rows, progress=progress,
                                   headers=[_("Code"), _("Trade"), _("One of the ten regular trades"), _("In use")],
                                   widths=[12, 30, 12, 8], text_columns=(0,))

    return exports.ExportPlan(write=write, audit=exports.auditor(
        actor=user, action="competitions.trade_export", object_type="competitions.TradeExport",
        label=_("Contest trades export"), reach_action=policies.EXPORT, filters={}))


TRADE_EXPORT = exports.ExportKind(key="competitions.trades", label=gettext_lazy("Contest trades export"),
                                  plan=_plan_trades, list_url="competitions:contest_trade_list",
                                  filename_prefix="contest-trades")


@login_required
@require_GET
def trade_export(request):
    return exports.export_response(request, TRADE_EXPORT)
