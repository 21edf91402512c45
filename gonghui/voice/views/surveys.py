"""Pages of 晴雨表 surveys. Thin: fetch through the scope (404 for hidden and missing alike), check
the action, call one service or selector, render.

Cadres: the list (filters, search, pager, export), creating and editing a draft, the builder on
the survey's page (add, move, remove questions while a draft with no answers), open and close, the
results (one chart per question, breakdown by town / industry / age band, participation by town,
text answers paged) and the anonymised Excel export. Members: the surveys addressed to them that
are open now, and the answer form (one response; a second visit says "submitted").
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.errors import DomainError
from gonghui.core.excel import xlsx_response
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import reach_orgs
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from ..forms import surveys as forms
from ..models.surveys import QuestionKind, Survey, SurveyResponse, SurveyStatus
from ..policies import surveys as policies
from ..rules.surveys import rules
from ..selectors import surveys as selectors
from ..services import surveys as services

COLORS = ["#b8232f", "#3a7ca5", "#e0a030", "#5a9e6f", "#7a5c99", "#c9733f", "#4d8c8c", "#8c4d6a"]


@login_required
@require_GET
def survey_list(request):
    require(request.user, policies.VIEW)
    form = forms.SurveyFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.survey_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "voice/surveys/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "surveys",
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def survey_list_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.SurveyFilterForm(request.GET, user=request.user),
                       list_url="voice:survey_list", export=services.export_surveys,
                       filename=lambda: f"surveys-{services.today():%Y%m%d}.xlsx")


def _survey(request, pk):
    return get_visible_or_404(Survey.objects.select_related("org"), request.user, pk)


def _survey_kwargs(d):
    return {"title": d["title"], "intro": d["intro"], "opens_on": d["opens_on"], "closes_on": d["closes_on"],
            "anonymous_results": d["anonymous_results"], "audience": d["audience"],
            "target_orgs": list(d["target_orgs"]), "industries": d["industries"]}


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request):
    require(request.user, policies.CHANGE)
    today = services.today()
    form = forms.SurveyForm(request.POST or None, user=request.user,
                            initial={"opens_on": today, "closes_on": today.replace(day=28)
                                     if today.day < 21 else today, "anonymous_results": True})
    if request.method == "POST" and form.is_valid():
        created = run_service(form, services.create_survey, actor=request.user, org=form.cleaned_data["org"],
                              **_survey_kwargs(form.cleaned_data))
        if created is not None:
            messages.success(request, _("The survey was created: add its questions, then open it."))
            return redirect("voice:survey_detail", pk=created.pk)
    return render(request, "voice/surveys/form.html", {"form": form, "tab": "surveys"},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    s = _survey(request, pk)
    require(request.user, policies.CHANGE, s.org)
    if not policies.survey_actions(request.user, s).edit:
        messages.warning(request, _("Only a draft without answers can be changed."))
        return redirect("voice:survey_detail", pk=s.pk)
    initial = {"org": s.org, "title": s.title, "intro": s.intro, "opens_on": s.opens_on, "closes_on": s.closes_on,
               "audience": s.audience, "target_orgs": list(s.target_orgs.all()), "industries": s.industries,
               "anonymous_results": s.anonymous_results}
    form = forms.SurveyForm(request.POST or None, user=request.user, initial=initial)
    form.fields["org"].disabled = True
    if request.method == "POST" and form.is_valid():
        done = run_service(form, services.update_survey, actor=request.user, survey=s,
                           **_survey_kwargs(form.cleaned_data))
        if done is not None:
            messages.success(request, _("The survey was saved."))
            return redirect("voice:survey_detail", pk=s.pk)
    return render(request, "voice/surveys/form.html", {"form": form, "s": s, "tab": "surveys"},
                  status=400 if form.errors else 200)


def _render_detail(request, s, *, question_form=None, status=200):
    actions = policies.survey_actions(request.user, s)
    return render(request, "voice/surveys/detail.html", {
        "s": s, "actions": actions, "questions": selectors.questions_of(s),
        "question_form": question_form or (forms.QuestionForm(prefix="question") if actions.edit else None),
        "targets": list(s.target_orgs.all()), "industry_labels": _industry_labels(s.industries),
        "participation": selectors.participation_of(s) if s.status != SurveyStatus.DRAFT else [],
        "history": _history(request.user, s), "tab": "surveys",
    }, status=status)


def _history(user, s):
    """The survey's trail without the responses (one event per respondent would bury the steps; the
    counts are on the page)."""
    from gonghui.core.audit_display import describe_events
    from gonghui.core.selectors import audit_events

    qs = (audit_events(user).filter(object_type=s._meta.label, object_id=str(s.pk))
          .exclude(action="voice.survey_respond").order_by("-at", "-id"))
    return describe_events(qs[:200])


def _industry_labels(codes):
    from gonghui.orgs.models import Industry

    labels = dict(Industry.choices)
    return [labels.get(c, c) for c in codes or ()]


@login_required
@require_GET
def survey_detail(request, pk):
    return _render_detail(request, _survey(request, pk))


@login_required
@require_POST
def survey_question_add(request, pk):
    s = _survey(request, pk)
    require(request.user, policies.CHANGE, s.org)
    form = forms.QuestionForm(request.POST, prefix="question")
    if form.is_valid():
        d = form.cleaned_data
        done = run_service(form, services.add_question, actor=request.user, survey=s, kind=d["kind"], text=d["text"],
                           required=d["required"], scale_max=d["scale_max"], options=form.option_list())
        if done is not None:
            messages.success(request, _("The question was added."))
            return redirect("voice:survey_detail", pk=s.pk)
    return _render_detail(request, _survey(request, pk), question_form=form, status=400)


@login_required
@require_POST
def survey_question_step(request, pk, question_id, step):
    if step not in ("up", "down", "remove"):
        raise Http404(_("Not found."))
    s = _survey(request, pk)
    require(request.user, policies.CHANGE, s.org)
    try:
        if step == "remove":
            services.remove_question(actor=request.user, survey=s, question_id=question_id)
            messages.success(request, _("The question was removed."))
        else:
            services.move_question(actor=request.user, survey=s, question_id=question_id, up=step == "up")
    except DomainError as exc:
        messages.error(request, exc.text)
    return redirect("voice:survey_detail", pk=s.pk)


@login_required
@require_POST
def survey_step(request, pk, step):
    steps = {"open": (services.open_survey, _("The survey is open: the members it targets see it on their phones.")),
             "close": (services.close_survey, _("The survey was closed."))}
    if step not in steps:
        raise Http404(_("Not found."))
    s = _survey(request, pk)
    require(request.user, policies.CHANGE, s.org)
    run, done = steps[step]
    try:
        run(actor=request.user, survey=s)
    except DomainError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, done)
    return redirect("voice:survey_detail", pk=s.pk)


# --- results ------------------------------------------------------------------------------------

def _chart(item, n):
    """ECharts option of one question (charts.js reads it through json_script): horizontal bars of
    the counts, one series per breakdown group when there is a breakdown."""
    labels = item["labels"]
    if item["groups"]:
        series = [{"type": "bar", "name": g["label"], "barMaxWidth": 14, "itemStyle": {"color": COLORS[i % 8]},
                   "data": g["counts"]} for i, g in enumerate(item["groups"])]
    else:
        series = [{"type": "bar", "name": _("Answers"), "barMaxWidth": 18, "itemStyle": {"color": COLORS[0]},
                   "data": item["counts"], "label": {"show": True, "position": "right"}}]
    return {
        "animationDuration": 300, "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"show": len(series) > 1, "top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 32, "top": 28 if len(series) > 1 else 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": labels,
                  "axisLabel": {"width": 110, "overflow": "truncate"}},
        "series": series,
    }


def _chart_class(n):
    return "chart" if n <= 4 else "chart chart-md" if n <= 10 else "chart chart-lg"


@login_required
@require_GET
def survey_results(request, pk):
    s = _survey(request, pk)
    form = forms.ResultsForm(request.GET)
    form.is_valid()
    by = form.cleaned_data.get("by", "") if not form.errors else ""
    questions = selectors.questions_of(s)
    results = selectors.question_results(s, questions, by=by)
    text_q = parse_after(request.GET.get("text"))
    for i, item in enumerate(results, start=1):
        q = item["question"]
        item["number"] = i
        item["chart_id"] = f"survey-q{q.pk}"
        if q.kind == QuestionKind.TEXT:
            after = parse_after(request.GET.get("after")) if text_q == q.pk else None
            item["texts"] = selectors.text_answers(q, after=after)
        else:
            item["chart"] = _chart(item, len(item["labels"]))
            item["chart_class"] = _chart_class(len(item["labels"]) * max(1, len(item["groups"])) // 2 + 1)
            total = sum(item["counts"]) or 0
            item["rows"] = [(label, n, round(100 * n / item["answered"], 1) if item["answered"] else None)
                            for label, n in zip(item["labels"], item["counts"], strict=True)]
            item["total"] = total
            item["group_rows"] = [(label, [g["counts"][j] for g in item["groups"]])
                                  for j, label in enumerate(item["labels"])]
    participation = selectors.participation_of(s)
    for row in participation:
        row["rate"] = round(100 * row["responded"] / row["targeted"], 1) if row["targeted"] else None
    return render(request, "voice/surveys/results.html", {
        "s": s, "form": form, "by": by, "results": results, "participation": participation,
        "min_group": rules().min_group, "tab": "surveys", "has_groups": any(i["groups"] for i in results),
        "can_export": policies.can(request.user, policies.EXPORT, s.org),
        "rate": round(100 * s.response_count / s.targeted_count, 1) if s.targeted_count else None,
    })


@login_required
@require_GET
def survey_export(request, pk):
    s = _survey(request, pk)
    require(request.user, policies.EXPORT, s.org)
    handle, _rows = services.export_answers(actor=request.user, survey=s)
    return xlsx_response(handle, f"survey-{s.pk}-answers-{services.today():%Y%m%d}.xlsx")


# --- members ------------------------------------------------------------------------------------

def _person(request):
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    return person


@login_required
@require_GET
def my_surveys(request):
    person = _person(request)
    return render(request, "voice/surveys/my.html", {
        "person": person, "items": selectors.surveys_for_person(person)})


@login_required
@require_http_methods(["GET", "POST"])
def my_survey_answer(request, pk):
    """The answer form of one survey addressed to me and open now (anything else: 404). After one
    response the page says "submitted" and takes no other."""
    person = _person(request)
    item = next((x for x in selectors.surveys_for_person(person) if x["survey"].pk == pk), None)
    if item is None:
        raise Http404(_("Not found."))
    s = item["survey"]
    questions = selectors.questions_of(s)
    answered = SurveyResponse.objects.filter(survey=s, person=person).first()
    form = None if answered else forms.AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form is not None and form.is_valid():
        done = run_service(form, services.submit_response, actor=request.user, person=person, survey=s,
                           answers=form.answers())
        if done is not None:
            messages.success(request, _("Thank you: your answers were submitted."))
            return redirect("voice:my_survey_answer", pk=s.pk)
        if any(e.code == "already_answered" for e in form.non_field_errors().as_data()):
            return redirect("voice:my_survey_answer", pk=s.pk)
    response = render(request, "voice/surveys/answer.html", {"s": s, "form": form, "answered": answered},
                      status=400 if form is not None and form.errors else 200)
    return no_store(response)
