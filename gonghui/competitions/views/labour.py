"""Pages of labour competitions (五比五赛). Thin: fetch through the scope (404 for hidden and
missing alike), check the action, call one service or selector, render.

- the list (filters, counts, pager, export) and creating a competition;
- the detail page: the record, the weighted criteria, the teams, the live leaderboard (refreshed
  by htmx while the competition runs) with the score history chart, the rounds, the evidence, the
  awards, the steps the user may take now, and the history;
- editing, the criteria set, the round's score sheet (one judge at a time), the awards page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import limit_upload, max_upload_bytes, private_file_response, upload_limit_then_csrf
from gonghui.orgs.models import Org, OrgLevel

from ..forms import labour as forms
from ..models.labour import CompetitionStatus, CompetitionTeam, LabourCompetition, ScoringRound
from ..policies import labour as policies
from ..selectors import labour as selectors
from ..services import labour as services

WRONG_STAGE = gettext_lazy("This step cannot be recorded now: the record is “%(status)s”.")


# --- list ---------------------------------------------------------------------------------------------

@login_required
@require_GET
def competition_list(request):
    require(request.user, policies.VIEW)
    form = forms.CompetitionFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.competition_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.summary(request.user, filters)
    return render(request, "competitions/labour/list.html", {
        "form": form, "page": page, "query": form.query_string(),
        "counts": [(label, counts.get(code, 0), code) for code, label in CompetitionStatus.choices
                   if counts.get(code)],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def competition_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.CompetitionFilterForm(request.GET, user=request.user),
                       list_url="competitions:competition_list", export=services.export_competitions,
                       filename=lambda: f"labour-competitions-{services.today():%Y%m%d}.xlsx")


def _organiser_orgs(user):
    return [o for o in reach_orgs(user, policies.CHANGE)
            if o.level in (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.GRASSROOTS)]


@login_required
@require_http_methods(["GET", "POST"])
def competition_create(request):
    require(request.user, policies.CHANGE)
    today = services.today()
    form = forms.CreateForm(request.POST if request.method == "POST" else None, orgs=_organiser_orgs(request.user),
                            queryset=Org.objects.visible_to(request.user, policies.CHANGE),
                            initial={"year": today.year, "starts_on": today.replace(month=1, day=1),
                                     "ends_on": today.replace(month=12, day=31), "period": "MONTHLY"})
    if request.method == "POST" and form.is_valid():
        created = run_service(form, services.create_competition, actor=request.user, **form.cleaned_data)
        if created is not None:
            messages.success(request, _("The competition was created with the default criteria (比质量/安全/高效/"
                                        "创新/作风, a fifth each). Check the weights and add the teams, then "
                                        "start it."))
            return redirect("competitions:competition_detail", pk=created.pk)
    return render(request, "competitions/labour/form.html", {"form": form, "title": _("New labour competition")},
                  status=400 if form.errors else 200)


# --- detail -------------------------------------------------------------------------------------------

def _competition(request, pk):
    return get_visible_or_404(LabourCompetition.objects.select_related("org"), request.user, pk)


def _context(request, c, bound=None):
    c = selectors.competition_detail(c)
    user = request.user
    current = selectors.open_round_of(c)
    actions = policies.competition_actions(user, c, open_round=current)
    board = selectors.leaderboard(c)
    teams = list(c.teams.all())
    criteria = list(c.criteria.all())
    today = services.today()
    upload_teams = [t for t in teams if policies.can_upload(user, t)] \
        if c.status in (CompetitionStatus.PLANNED, CompetitionStatus.RUNNING) else []
    team_q = (request.GET.get("team_q") or "").replace("\x00", "").strip()[:60]
    step_forms = {}
    if actions.start:
        step_forms["start"] = forms.StartForm(initial={"started_on": today}, prefix="start")
    if actions.finish:
        step_forms["finish"] = forms.FinishForm(initial={"finished_on": today}, prefix="finish")
    if actions.cancel:
        step_forms["cancel"] = forms.CancelForm(prefix="cancel")
    extra = {}
    if actions.edit or (actions.open_round and c.status == CompetitionStatus.RUNNING):
        extra["team_form"] = forms.TeamForm(competition=c, orgs=selectors.team_org_choices(c, team_q),
                                            prefix="team")
    if actions.open_round:
        last = c.rounds.all()[len(c.rounds.all()) - 1] if c.rounds.all() else None
        label, starts, ends = selectors.next_period(c, last) or ("", None, None)
        extra["round_form"] = forms.RoundForm(prefix="round", initial={
            "judges": "，".join(last.judges) if last else "", "label": label, "period_starts_on": starts,
            "period_ends_on": ends})
    if upload_teams:
        extra["evidence_form"] = forms.EvidenceForm(teams=upload_teams, criteria=criteria, prefix="evidence")
    if bound:
        name, form = bound
        (step_forms if name in ("start", "finish", "cancel") else extra)[name if name in (
            "start", "finish", "cancel") else f"{name}_form"] = form
    return {
        "c": c, "teams": teams, "criteria": criteria, "rounds": list(c.rounds.all()), "current": current,
        "rounds_closed": [r for r in c.rounds.all() if r.status == "CLOSED"],
        "awards": list(c.awards.all()), "board": board, "chart": selectors.history_chart(c, board),
        "actions": actions, "step_forms": step_forms, "evidence": selectors.team_evidence(c),
        "upload_teams": {t.pk for t in upload_teams}, "history": history_for(user, c), "team_q": team_q,
        "weight_total": sum(x.weight for x in criteria), "upload_mb": max_upload_bytes() // (1024 * 1024),
        "can_publish": policies.can_publish(user, c), **extra,
    }


@login_required
@require_GET
def competition_detail(request, pk):
    return render(request, "competitions/labour/detail.html", _context(request, _competition(request, pk)))


def _rerender(request, c, name, form):
    return render(request, "competitions/labour/detail.html", _context(request, c, bound=(name, form)), status=400)


@login_required
@require_GET
def competition_board(request, pk):
    """The leaderboard fragment, polled by htmx while the competition runs."""
    c = selectors.competition_detail(_competition(request, pk))
    board = selectors.leaderboard(c)
    return render(request, "competitions/labour/_board.html", {
        "c": c, "board": board, "rounds": [r for r in c.rounds.all() if r.status == "CLOSED"],
        "current": selectors.open_round_of(c)})


STEPS = {
    "start": (forms.StartForm, "start", lambda u, c, d: services.start_competition(
        actor=u, competition=c, started_on=d["started_on"]), gettext_lazy("The competition was started.")),
    "finish": (forms.FinishForm, "finish", lambda u, c, d: services.finish_competition(
        actor=u, competition=c, finished_on=d["finished_on"]),
        gettext_lazy("The competition was finished and its ranking published; confer the awards now.")),
    "cancel": (forms.CancelForm, "cancel", lambda u, c, d: services.cancel_competition(
        actor=u, competition=c, reason=d["reason"]), gettext_lazy("The competition was cancelled.")),
}


@login_required
@require_POST
def competition_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = STEPS[step]
    c = _competition(request, pk)
    require(request.user, policies.publish_action(c) if step == "finish" else policies.CHANGE, c.org)
    form = form_class(request.POST, prefix=step)
    if form.is_valid() and run_service(form, lambda: run(request.user, c, form.cleaned_data)) is not None:
        messages.success(request, str(done))
        return redirect("competitions:competition_detail", pk=c.pk)
    return _rerender(request, c, step, form)


@login_required
@require_http_methods(["GET", "POST"])
def competition_edit(request, pk):
    c = _competition(request, pk)
    require(request.user, policies.CHANGE, c.org)
    initial = {f: getattr(c, f) for f in ("name", "year", "starts_on", "ends_on", "period", "description")}
    form = forms.CompetitionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.update_competition, actor=request.user, competition=c, **form.cleaned_data):
        messages.success(request, _("Saved."))
        return redirect("competitions:competition_detail", pk=c.pk)
    return render(request, "competitions/labour/form.html", {"form": form, "c": c, "title": _("Edit the competition")},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def competition_criteria(request, pk):
    c = _competition(request, pk)
    require(request.user, policies.CHANGE, c.org)
    criteria = list(c.criteria.order_by("order", "id"))
    form = forms.CriteriaForm(request.POST if request.method == "POST" else None, criteria=criteria)
    if request.method == "POST" and form.is_valid() and run_service(
            form, services.set_criteria, actor=request.user, competition=c, criteria=form.criteria()) is not None:
        messages.success(request, _("The criteria and weights were saved."))
        return redirect("competitions:competition_detail", pk=c.pk)
    return render(request, "competitions/labour/criteria.html", {"form": form, "c": c},
                  status=400 if form.errors else 200)


# --- teams --------------------------------------------------------------------------------------------

@login_required
@require_POST
def team_add(request, pk):
    c = _competition(request, pk)
    require(request.user, policies.CHANGE, c.org)
    form = forms.TeamForm(request.POST, competition=c, orgs=selectors.team_org_choices(c), prefix="team")
    if form.is_valid() and run_service(form, services.add_team, actor=request.user, competition=c,
                                       **form.cleaned_data) is not None:
        messages.success(request, _("The team was added."))
        return redirect("competitions:competition_detail", pk=c.pk)
    return _rerender(request, c, "team", form)


@login_required
@require_POST
def team_remove(request, pk, team_pk):
    c = _competition(request, pk)
    require(request.user, policies.CHANGE, c.org)
    team = CompetitionTeam.objects.filter(pk=team_pk, competition=c).first()
    if team is None:
        raise Http404(_("Not found."))
    try:
        services.remove_team(actor=request.user, team=team)
        messages.success(request, _("The team was removed."))
    except services.DomainError as exc:
        messages.error(request, exc.text)
    return redirect("competitions:competition_detail", pk=c.pk)


# --- rounds -------------------------------------------------------------------------------------------

@login_required
@require_POST
def round_open(request, pk):
    c = _competition(request, pk)
    require(request.user, policies.CHANGE, c.org)
    form = forms.RoundForm(request.POST, prefix="round")
    created = run_service(form, services.open_round, actor=request.user, competition=c,
                          judges=form.judge_names(), **{k: v for k, v in form.cleaned_data.items() if k != "judges"}) \
        if form.is_valid() else None
    if created is not None:
        messages.success(request, _("The round was opened; record the judges' scores."))
        return redirect("competitions:round_scores", pk=c.pk, round_pk=created.pk)
    return _rerender(request, c, "round", form)


def _round(c, round_pk):
    rnd = ScoringRound.objects.filter(pk=round_pk, competition=c).first()
    if rnd is None:
        raise Http404(_("Not found."))
    return rnd


@login_required
@require_http_methods(["GET", "POST"])
def round_scores(request, pk, round_pk):
    """The round's score sheet: every judge's scores (read), and while it is open one judge's
    boxes to fill (organiser only)."""
    c = _competition(request, pk)
    rnd = _round(c, round_pk)
    teams = list(c.teams.order_by("name", "id"))
    criteria = list(c.criteria.order_by("order", "id"))
    sheet = selectors.round_sheet(rnd, teams, criteria)
    can_score = rnd.is_open and c.status == CompetitionStatus.RUNNING and policies.can(
        request.user, policies.CHANGE, c.org)
    judge = request.POST.get("judge") or request.GET.get("judge") or (rnd.judges[0] if rnd.judges else "")
    form = None
    if can_score:
        existing = {(t, x): v for (t, x, j), v in sheet.items() if j == judge}
        form = forms.ScoreForm(request.POST if request.method == "POST" else None, round=rnd, teams=teams,
                               criteria=criteria, existing=existing, initial={"judge": judge})
    if request.method == "POST":
        require(request.user, policies.CHANGE, c.org)
        if form is None:
            messages.warning(request, str(WRONG_STAGE) % {"status": rnd.get_status_display()})
            return redirect("competitions:round_scores", pk=c.pk, round_pk=rnd.pk)
        if form.is_valid() and run_service(form, services.record_scores, actor=request.user, round=rnd,
                                           judge=form.cleaned_data["judge"], scores=form.scores()) is not None:
            messages.success(request, _("The scores were saved."))
            return redirect(f"{request.path}?judge={form.cleaned_data['judge']}")
    rows = [(t, [(x, [sheet.get((t.pk, x.pk, j)) for j in rnd.judges]) for x in criteria]) for t in teams]
    results = {r.team_id: r for r in rnd.results.all()}
    return render(request, "competitions/labour/round.html", {
        "c": c, "rnd": rnd, "form": form, "rows": rows, "criteria": criteria, "judge": judge,
        "results": [(t, results.get(t.pk)) for t in teams],
        "missing": selectors.missing_scores(rnd, teams, criteria) if rnd.is_open else 0,
        "close_form": forms.CloseRoundForm(initial={"closed_on": services.today()}, prefix="close")
        if can_score else None,
    }, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def round_close(request, pk, round_pk):
    c = _competition(request, pk)
    require(request.user, policies.CHANGE, c.org)
    rnd = _round(c, round_pk)
    form = forms.CloseRoundForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.close_round(actor=request.user, round=rnd, closed_on=form.cleaned_data["closed_on"])
            messages.success(request, _("The round was closed; the leaderboard is updated."))
            return redirect("competitions:competition_detail", pk=c.pk)
        except services.DomainError as exc:
            messages.error(request, exc.text)
    else:
        messages.error(request, _("Enter the closing date."))
    return redirect("competitions:round_scores", pk=c.pk, round_pk=rnd.pk)


# --- evidence -----------------------------------------------------------------------------------------

@upload_limit_then_csrf(max_upload_bytes)
@login_required
@require_POST
def evidence_add(request, pk):
    limit = max_upload_bytes()
    if not limit_upload(request, limit):
        return HttpResponse(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}, status=413)
    c = _competition(request, pk)
    teams = [t for t in c.teams.select_related("org", "competition__org") if policies.can_upload(request.user, t)]
    if not teams:
        require(request.user, policies.SUBMIT, c.org)
    form = forms.EvidenceForm(request.POST, request.FILES, teams=teams, criteria=list(c.criteria.all()),
                              prefix="evidence")
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.add_error("file", _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    elif form.is_valid():
        team = next(t for t in teams if t.pk == form.cleaned_data["team"])
        criterion = c.criteria.filter(pk=form.cleaned_data["criterion"]).first() if form.cleaned_data[
            "criterion"] else None
        current = c.rounds.filter(status="OPEN").first()
        if run_service(form, services.add_evidence, actor=request.user, team=team, upload=form.cleaned_data["file"],
                       round=current, criterion=criterion, note=form.cleaned_data["note"]) is not None:
            messages.success(request, _("The file was uploaded."))
            return redirect("competitions:competition_detail", pk=c.pk)
    return _rerender(request, c, "evidence", form)


@login_required
@require_GET
def evidence(request, pk, evidence_pk):
    e = selectors.evidence_of(request.user, pk, evidence_pk)
    if e is None:
        raise Http404(_("Not found."))
    return private_file_response(e.file, e.name)


@login_required
@require_POST
def evidence_remove(request, pk, evidence_pk):
    e = selectors.evidence_of(request.user, pk, evidence_pk)
    if e is None:
        raise Http404(_("Not found."))
    if not policies.can_upload(request.user, e.team):
        require(request.user, policies.SUBMIT, e.team.org)
    try:
        services.remove_evidence(actor=request.user, evidence=e)
        messages.success(request, _("The file was removed."))
    except services.DomainError as exc:
        messages.error(request, exc.text)
    return redirect("competitions:competition_detail", pk=pk)


# --- awards -------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def award_add(request, pk):
    """Confer a 立功 award: pick the team (and, for an individual award, search its members)."""
    c = _competition(request, pk)
    require(request.user, policies.publish_action(c), c.org)
    if c.status != CompetitionStatus.FINISHED:
        messages.warning(request, str(WRONG_STAGE) % {"status": c.get_status_display()})
        return redirect("competitions:competition_detail", pk=c.pk)
    data = request.POST if request.method == "POST" else request.GET
    teams = list(c.teams.select_related("org").order_by("name", "id"))
    team_id = parse_after(data.get("team"))
    team = next((t for t in teams if t.pk == team_id), teams[0] if teams else None)
    q = (data.get("person_q") or "").replace("\x00", "").strip()[:60]
    people = selectors.person_choices(team, q) if team else []
    form = forms.AwardForm(request.POST if request.method == "POST" else None, teams=teams, people=people,
                           initial={"team": team.pk if team else None, "conferred_on": services.today(),
                                    "kind": data.get("kind") or "TEAM"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = next(t for t in teams if t.pk == d["team"])
        if run_service(form, services.confer_award, actor=request.user, competition=c, kind=d["kind"], team=chosen,
                       title=d["title"], person=d["person"], conferred_on=d["conferred_on"]) is not None:
            messages.success(request, _("The award was conferred and added to the honour records."))
            return redirect("competitions:competition_detail", pk=c.pk)
    return render(request, "competitions/labour/award.html", {
        "c": c, "form": form, "team": team, "person_q": q, "teams": teams,
        "awards": list(c.awards.select_related("team", "person"))}, status=400 if form.errors else 200)
