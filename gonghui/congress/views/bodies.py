"""Pages of congress terms, delegate rolls and sessions. Thin: fetch through the scope (404 for
hidden and missing alike), check the action, call one service or selector, render."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Enterprise, Org

from .. import deadlines, policies
from .. import rules as congress_rules
from ..forms import bodies as forms
from ..models import AgendaItem, BodyStatus, CongressBody, Delegate, SessionStatus
from ..models import Session as CongressSession
from ..selectors import bodies as selectors
from ..services import bodies as services
from ..services import sessions as session_services


def _search_text(value, limit=60):
    return (value or "").replace("\x00", "").strip()[:limit]


def _url_or_none(name, query=""):
    """A link to another area's page that may not exist yet (the page still renders without it)."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None



# --- congress terms -------------------------------------------------------------------------------

@login_required
@require_GET
def body_list(request):
    require(request.user, policies.VIEW)
    form = forms.BodyFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.body_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "congress/body_list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": selectors.today(),
        "can_change": policies.can_change(request.user), "can_export": policies.can_export(request.user),
    })


@login_required
@require_GET
def body_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.BodyFilterForm(request.GET, user=request.user), list_url="congress:body_list",
                       export=services.export_bodies,
                       filename=lambda: f"congresses-{selectors.today():%Y%m%d}.xlsx")


def _form_preview(headcount):
    """What the headcount makes of the term: the form and the quota (shown, never chosen)."""
    if not headcount or headcount < 1:
        return None
    from ..models import BodyKind

    kind = congress_rules.body_kind_for(headcount)
    return {"headcount": headcount, "kind": BodyKind(kind).label, "is_congress": kind == BodyKind.CONGRESS,
            "quota": congress_rules.delegate_quota(headcount)}


def _headcount_of(form):
    try:
        return int(form.data.get("headcount") or form.initial.get("headcount") or 0)
    except (TypeError, ValueError):
        return 0


@login_required
@require_http_methods(["GET", "POST"])
def body_create(request):
    """Choose the enterprise (by name, among those of unions the user may act for), then the term."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    enterprise_q = _search_text(data.get("enterprise_q"))
    enterprise = None
    if data.get("enterprise"):
        unions = Org.objects.visible_to(request.user, policies.CHANGE).values("pk")
        enterprise = (Enterprise.objects.select_related("union", "town").filter(union__in=unions)
                      .filter(pk=parse_after(data.get("enterprise"))).first())
        if enterprise is None:
            raise Http404(_("Not found."))
    context = {"enterprise": enterprise, "enterprise_q": enterprise_q,
               "enterprises": [] if enterprise else selectors.enterprise_choices(request.user, enterprise_q)}
    if enterprise is not None:
        current = CongressBody.objects.filter(enterprise=enterprise, status=BodyStatus.ACTIVE).first()
        if request.method == "POST":
            form = forms.BodyForm(request.POST)
            if form.is_valid():
                body = run_service(form, services.constitute_body, actor=request.user, enterprise=enterprise,
                                   **form.cleaned_data)
                if body is not None:
                    messages.success(request, _("The congress term was constituted."))
                    return redirect("congress:body_detail", pk=body.pk)
        else:
            form = forms.BodyForm(initial={"headcount": enterprise.headcount or None,
                                           "term_starts_on": selectors.today()})
        context.update({"form": form, "current": current, "preview": _form_preview(_headcount_of(form))})
    return render(request, "congress/body_form.html", context)


@login_required
@require_GET
def body_preview(request):
    """The form and quota for a headcount (htmx, as the number is typed)."""
    require(request.user, policies.VIEW)
    try:
        headcount = int(request.GET.get("headcount") or 0)
    except ValueError:
        headcount = 0
    return render(request, "congress/body_preview.html",
                  {"preview": _form_preview(headcount) if 0 < headcount <= services.MAX_HEADCOUNT else None})


def _body(request, pk, action=None):
    return get_visible_or_404(CongressBody.objects.select_related("org", "enterprise", "enterprise__town"),
                              request.user, pk, action)


@login_required
@require_GET
def body_detail(request, pk):
    body = _body(request, pk)
    roll = selectors.roll_of(body)
    can_change = request.user.can(policies.CHANGE, body.org)
    return render(request, "congress/body_detail.html", {
        "body": body, "roll": roll, "sessions": selectors.body_sessions(body),
        "other_terms": selectors.bodies_of_enterprise(body), "today": selectors.today(),
        "can_change": can_change, "current": body.status == BodyStatus.ACTIVE,
        "proposals_url": _url_or_none("congress:proposal_list", f"?body={body.pk}"),
        "history": history_for(request.user, body, related=[("congress.Delegate", d.pk) for d in
                                                            roll.delegates + roll.substitutes + roll.ended]),
    })


@login_required
@require_http_methods(["GET", "POST"])
def body_end(request, pk):
    body = _body(request, pk)
    require(request.user, policies.CHANGE, body.org)
    form = forms.EndTermForm(request.POST or None)
    ended = (request.method == "POST" and form.is_valid()
             and run_service(form, services.end_term, actor=request.user, body=body, **form.cleaned_data))
    if ended:
        messages.success(request, _("The term was ended."))
        return redirect("congress:body_detail", pk=body.pk)
    return render(request, "congress/body_step.html", {
        "body": body, "form": form, "title": _("End the term"), "danger": True})


def _next_term_start(body):
    """The day after the current term ends, when that is not in the past nor beyond the year
    ahead a term may be constituted for (an early re-election starts today)."""
    import datetime

    today = selectors.today()
    after_term = body.term_ends_on + datetime.timedelta(days=1)
    return after_term if today <= after_term <= today + services.TERM_START_AHEAD else today


@login_required
@require_http_methods(["GET", "POST"])
def body_next(request, pk):
    """Constitute the enterprise's next term (the current one, if any, ends)."""
    body = _body(request, pk)
    require(request.user, policies.CHANGE, body.org)
    if request.method == "POST":
        form = forms.BodyForm(request.POST)
        if form.is_valid():
            created = run_service(form, services.constitute_next_term, actor=request.user, body=body,
                                  **form.cleaned_data)
            if created is not None:
                messages.success(request, _("Term %(n)s was constituted.") % {"n": created.term_number})
                return redirect("congress:body_detail", pk=created.pk)
    else:
        form = forms.BodyForm(initial={"headcount": body.enterprise.headcount or body.headcount,
                                       "term_starts_on": _next_term_start(body)})
    return render(request, "congress/body_form.html", {
        "enterprise": body.enterprise, "form": form, "previous": body, "preview": _form_preview(_headcount_of(form)),
    })


# --- delegates ------------------------------------------------------------------------------------

def _current_body(request, pk):
    body = _body(request, pk)
    require(request.user, policies.CHANGE, body.org)
    if body.status != BodyStatus.ACTIVE:
        messages.warning(request, _("This congress term has ended; the roll of an ended term cannot change."))
        return body, redirect("congress:body_detail", pk=body.pk)
    return body, None


@login_required
@require_http_methods(["GET", "POST"])
def delegate_add(request, pk):
    body, stop = _current_body(request, pk)
    if stop:
        return stop
    data = request.POST if request.method == "POST" else request.GET
    member_q = _search_text(data.get("member_q"), 32)
    members = selectors.member_candidates(body, member_q)
    if request.method == "POST":
        form = forms.DelegateForm(request.POST, members=members)
        if form.is_valid():
            d = form.cleaned_data
            person = next((m.person for m in members if m.person_id == d["person"]), None)
            data = services.DelegateInput(name=d["name"], category=d["category"], elected_on=d["elected_on"],
                                          group=d["group"], is_substitute=d["is_substitute"], person=person)
            created = run_service(form, services.add_delegate, actor=request.user, body=body, data=data)
            if created is not None:
                messages.success(request, _("%(name)s was added to the roll.") % {"name": created.name})
                if "another" in request.POST:
                    return redirect("congress:delegate_add", pk=body.pk)
                return redirect("congress:body_detail", pk=body.pk)
    else:
        initial = {"elected_on": body.term_starts_on}
        if len(members) == 1:
            initial["person"] = members[0].person_id
        form = forms.DelegateForm(initial=initial, members=members)
    return render(request, "congress/delegate_form.html", {
        "body": body, "form": form, "member_q": member_q, "members": members, "adding": True,
        "roll": selectors.roll_of(body)})


def _delegate(request, pk):
    delegate = get_visible_or_404(Delegate.objects.select_related("body", "org", "body__enterprise"), request.user, pk)
    require(request.user, policies.CHANGE, delegate.org)
    return delegate


@login_required
@require_http_methods(["GET", "POST"])
def delegate_edit(request, pk):
    delegate = _delegate(request, pk)
    if request.method == "POST":
        form = forms.DelegateForm(request.POST, editing=True)
        if form.is_valid():
            d = form.cleaned_data
            if run_service(form, services.update_delegate, actor=request.user, delegate=delegate, name=d["name"],
                           category=d["category"], group=d["group"], elected_on=d["elected_on"]):
                messages.success(request, _("The delegate was saved."))
                return redirect("congress:body_detail", pk=delegate.body_id)
    else:
        form = forms.DelegateForm(editing=True, initial={"name": delegate.name, "category": delegate.category,
                                                         "group": delegate.group, "elected_on": delegate.elected_on})
    return render(request, "congress/delegate_form.html", {
        "body": delegate.body, "form": form, "delegate": delegate, "adding": False,
        "history": history_for(request.user, delegate)})


@login_required
@require_http_methods(["GET", "POST"])
def delegate_end(request, pk):
    delegate = _delegate(request, pk)
    form = forms.DelegateEndForm(request.POST or None, initial={"ended_on": selectors.today()})
    ended = (request.method == "POST" and form.is_valid()
             and run_service(form, services.end_delegate, actor=request.user, delegate=delegate, **form.cleaned_data))
    if ended:
        messages.success(request, _("%(name)s left the roll.") % {"name": delegate.name})
        return redirect("congress:body_detail", pk=delegate.body_id)
    return render(request, "congress/delegate_end.html", {"body": delegate.body, "delegate": delegate, "form": form})


@login_required
@require_POST
def delegate_promote(request, pk):
    delegate = _delegate(request, pk)
    try:
        promoted = services.promote_substitute(actor=request.user, delegate=delegate)
        messages.success(request, _("%(name)s now holds a seat on the roll.") % {"name": promoted.name})
    except services.DomainError as exc:
        messages.error(request, exc.text)
    return redirect("congress:body_detail", pk=delegate.body_id)


@login_required
@require_http_methods(["GET", "POST"])
def delegate_bulk(request, pk):
    """Paste a list (e.g. from Excel): all lines are added, or none with the line at fault named."""
    body, stop = _current_body(request, pk)
    if stop:
        return stop
    form = forms.DelegateBulkForm(request.POST or None, initial={"elected_on": body.term_starts_on})
    if request.method == "POST" and form.is_valid():
        def run(**_kw):
            rows = services.parse_delegate_lines(form.cleaned_data["lines"], elected_on=form.cleaned_data["elected_on"])
            return services.add_delegates(actor=request.user, body=body, rows=rows)

        created = run_service(form, run)
        if created is not None:
            messages.success(request, _("%(n)s delegates were added.") % {"n": len(created)})
            return redirect("congress:body_detail", pk=body.pk)
    return render(request, "congress/delegate_bulk.html", {"body": body, "form": form})


# --- sessions -------------------------------------------------------------------------------------

@login_required
@require_GET
def session_list(request):
    require(request.user, policies.VIEW)
    form = forms.SessionFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    page = selectors.session_page(request.user, form.filters(), after=parse_after(request.GET.get("after")))
    return render(request, "congress/session_list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": selectors.today(),
        "can_export": policies.can_export(request.user),
    })


@login_required
@require_GET
def session_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.SessionFilterForm(request.GET, user=request.user),
                       list_url="congress:session_list", export=services.export_sessions,
                       filename=lambda: f"congress-sessions-{selectors.today():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, pk):
    body, stop = _current_body(request, pk)
    if stop:
        return stop
    next_number = (body.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    default_title = _("Session %(n)s of term %(term)s") % {"n": next_number, "term": body.term_number}
    form = forms.SessionForm(request.POST or None, initial={"title": default_title})
    if request.method == "POST" and form.is_valid():
        created = run_service(form, session_services.plan_session, actor=request.user, body=body, **form.cleaned_data)
        if created is not None:
            messages.success(request, _("The session was planned. Add its agenda."))
            return redirect("congress:session_detail", pk=created.pk)
    return render(request, "congress/session_form.html", {
        "body": body, "form": form, "title": _("Plan a session"), "next_number": next_number})


def _session(request, pk):
    return get_visible_or_404(CongressSession.objects.select_related("org", "body", "body__enterprise"),
                              request.user, pk)


@dataclass(frozen=True)
class SessionActions:
    edit: bool = False
    agenda: bool = False
    papers: bool = False
    held: bool = False
    votes: bool = False
    reported: bool = False
    cancel: bool = False

    @property
    def any(self):
        return any(vars(self).values())


def session_actions(user, session) -> SessionActions:
    if not user.can(policies.CHANGE, session.org):
        return SessionActions()
    planned = session.status == SessionStatus.PLANNED
    held = session.status == SessionStatus.HELD
    return SessionActions(edit=planned, agenda=planned, papers=planned, held=planned, votes=held,
                          reported=held, cancel=planned)


@login_required
@require_GET
def session_detail(request, pk):
    session = selectors.session_detail(_session(request, pk))
    items = list(session.agenda_items.all())
    papers_check = session.planned_on if session.held_on is None else session.held_on
    return render(request, "congress/session_detail.html", {
        "session": session, "body": session.body, "items": items, "today": selectors.today(),
        "actions": session_actions(request.user, session), "agenda_form": forms.AgendaItemForm(),
        "papers_deadline": deadlines.papers_deadline(papers_check),
        "papers_in_time": deadlines.papers_in_time(session.papers_sent_on, papers_check),
        "quorum_needed": congress_rules.quorum_needed(session.entitled) if session.entitled else None,
        "majority_needed": (session.entitled // 2 + 1) if session.entitled else None,
        "proposals_url": _url_or_none("congress:proposal_list", f"?session={session.pk}"),
        "history": history_for(request.user, session),
    })


@dataclass(frozen=True)
class StepPage:
    title: str
    form: type
    allowed: str
    run: Callable
    done: str
    danger: bool = False
    initial: Callable | None = None


def _calls(service):
    return lambda actor, s, f: service(actor=actor, session=s, **f.cleaned_data)


STEPS = {
    "edit": StepPage(gettext_lazy("Change the plan"), forms.SessionForm, "edit",
                     _calls(session_services.update_session), gettext_lazy("The session was saved."),
                     initial=lambda s: {"title": s.title, "planned_on": s.planned_on, "venue": s.venue}),
    "papers": StepPage(gettext_lazy("Record the papers sent"), forms.PapersForm, "papers",
                       _calls(session_services.record_papers_sent), gettext_lazy("The papers date was recorded."),
                       initial=lambda s: {"papers_sent_on": s.papers_sent_on or selectors.today()}),
    "held": StepPage(gettext_lazy("Record the session as held"), forms.HeldForm, "held",
                     _calls(session_services.record_held),
                     gettext_lazy("The session was recorded as held. Report the results to the upper union."),
                     initial=lambda s: {"held_on": s.planned_on if s.planned_on <= selectors.today() else None}),
    "reported": StepPage(gettext_lazy("Record the report to the upper union"), forms.ReportedForm, "reported",
                         _calls(session_services.record_reported), gettext_lazy("The report was recorded."),
                         initial=lambda s: {"reported_on": selectors.today()}),
    "cancel": StepPage(gettext_lazy("Cancel the session"), forms.CancelForm, "cancel",
                       _calls(session_services.cancel_session), gettext_lazy("The session was cancelled."),
                       danger=True),
}


def _refuse_step(request, session):
    messages.warning(request, _("This cannot be recorded now: the session is “%(status)s”.")
                     % {"status": session.get_status_display()})
    return redirect("congress:session_detail", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_step(request, pk, step):
    page = STEPS.get(step)
    if page is None:
        raise Http404(_("Not found."))
    session = _session(request, pk)
    require(request.user, policies.CHANGE, session.org)
    if not getattr(session_actions(request.user, session), page.allowed):
        return _refuse_step(request, session)
    if request.method == "POST":
        form = page.form(request.POST)
        if form.is_valid() and run_service(form, page.run, actor=request.user, s=session, f=form) is not None:
            messages.success(request, page.done)
            return redirect("congress:session_detail", pk=session.pk)
    else:
        form = page.form(initial=page.initial(session) if page.initial else None)
    context = {"session": session, "body": session.body, "page": page, "form": form, "step": step}
    if step == "held":
        context.update({
            "default_entitled": session_services.default_entitled(session, session.planned_on),
            "papers_deadline": deadlines.papers_deadline(session.planned_on),
            "papers_in_time": deadlines.papers_in_time(session.papers_sent_on, session.planned_on),
        })
    return render(request, "congress/session_step.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_votes(request, pk):
    session = _session(request, pk)
    require(request.user, policies.CHANGE, session.org)
    if not session_actions(request.user, session).votes:
        return _refuse_step(request, session)
    items = list(session.agenda_items.order_by("position"))
    if request.method == "POST":
        form = forms.VotesForm(request.POST, items=items)
        if form.is_valid() and run_service(form, session_services.record_votes, actor=request.user, session=session,
                                           votes=form.votes(), resolutions=form.cleaned_data["resolutions"]):
            messages.success(request, _("The votes were recorded."))
            return redirect("congress:session_detail", pk=session.pk)
    else:
        form = forms.VotesForm(items=items, initial=forms.VotesForm.initial_for(session, items))
    return render(request, "congress/session_votes.html", {
        "session": session, "body": session.body, "form": form,
        "majority_needed": session.entitled // 2 + 1 if session.entitled else None})


# --- agenda ---------------------------------------------------------------------------------------

def _planned_session(request, pk):
    session = _session(request, pk)
    require(request.user, policies.CHANGE, session.org)
    return session


@login_required
@require_POST
def agenda_add(request, pk):
    session = _planned_session(request, pk)
    form = forms.AgendaItemForm(request.POST)
    if form.is_valid() and run_service(form, session_services.add_agenda_item, actor=request.user, session=session,
                                       **form.cleaned_data):
        messages.success(request, _("The item was added to the agenda."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("congress:session_detail", pk=session.pk)


def _item(request, pk):
    item = AgendaItem.objects.select_related("session").filter(pk=pk).first()
    if item is None:
        raise Http404(_("Not found."))
    _planned_session(request, item.session_id)  # scope through the session: 404 outside
    return item


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request, pk):
    item = _item(request, pk)
    session = item.session
    if request.method == "POST":
        form = forms.AgendaItemForm(request.POST)
        if form.is_valid() and run_service(form, session_services.update_agenda_item, actor=request.user, item=item,
                                           **form.cleaned_data):
            messages.success(request, _("The item was saved."))
            return redirect("congress:session_detail", pk=session.pk)
    else:
        form = forms.AgendaItemForm(initial={"kind": item.kind, "title": item.title,
                                             "requires_vote": item.requires_vote})
    page = StepPage(_("Change an agenda item"), forms.AgendaItemForm, "agenda", None, "")
    return render(request, "congress/session_step.html", {"session": session, "body": session.body, "page": page,
                                                          "form": form, "step": "agenda"})


@login_required
@require_POST
def agenda_remove(request, pk):
    item = _item(request, pk)
    try:
        session_services.remove_agenda_item(actor=request.user, item=item)
        messages.success(request, _("The item was removed from the agenda."))
    except services.DomainError as exc:
        messages.error(request, exc.text)
    return redirect("congress:session_detail", pk=item.session_id)


@login_required
@require_POST
def agenda_move(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404(_("Not found."))
    item = _item(request, pk)
    try:
        session_services.move_agenda_item(actor=request.user, item=item, direction=direction)
    except services.DomainError as exc:
        messages.error(request, exc.text)
    return redirect("congress:session_detail", pk=item.session_id)
