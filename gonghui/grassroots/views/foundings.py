"""Pages of union founding (组建) and of the enterprises without a union (未建会企业). Thin: fetch
through the scope (404 for hidden and missing alike), check the action, call one service or
selector, render.

An application's detail page carries the form of every step the user may record now; each form
posts to `<pk>/<step>/`, which on a refusal shows the detail page again with the form's errors.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.orgs.models import Industry, Org

from ..forms import foundings as forms
from ..models.foundings import FoundingApplication, FoundingForm, FoundingStatus
from ..policies import foundings as policies
from ..rules.foundings import rules
from ..selectors import foundings as selectors
from ..services import foundings as services


def _search_text(value, limit=60):
    return (value or "").replace("\x00", "").strip()[:limit]


def _label_rows(rows, **choices):
    """`<field>_label` on each row from the choices' labels translated once per page (a model's
    get_FOO_display hashes its lazy choices on every call: ~0.2 ms a cell)."""
    labels = {field: {value: str(label) for value, label in enum.choices} for field, enum in choices.items()}
    for row in rows:
        for field, names in labels.items():
            value = getattr(row, field)
            setattr(row, f"{field}_label", names.get(value, value))


# --- lists ---------------------------------------------------------------------------------------

@login_required
@require_GET
def founding_list(request):
    require(request.user, policies.VIEW)
    form = forms.FoundingFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options("org", reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    on = services.today()
    page = selectors.founding_page(request.user, filters, after=parse_after(request.GET.get("after")), on=on)
    _label_rows(page.items, status=FoundingStatus, form=FoundingForm)
    return render(request, "grassroots/foundings/list.html", {
        "form": form, "page": page, "query": form.query_string(), "today": on,
        "summary": selectors.summary(selectors.filtered(request.user, filters, on=on), on=on),
        "can_change": policies.can_change(request.user), "can_export": policies.can_export(request.user),
    })


@login_required
@require_GET
def founding_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.FoundingFilterForm(request.GET, user=request.user),
                       list_url="grassroots:founding_list", export=services.export_applications,
                       filename=lambda: f"foundings-{services.today():%Y%m%d}.xlsx")


@login_required
@require_GET
def unorganised_list(request):
    require(request.user, policies.VIEW)
    form = forms.UnorganisedFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options("town", reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    number = parse_after(request.GET.get("page")) or 1
    page = selectors.unorganised_page(request.user, filters, number=number)
    _label_rows(page.items, industry=Industry)
    query = form.query_string()
    return render(request, "grassroots/foundings/unorganised.html", {
        "form": form, "page": page, "query": query, "towns": selectors.town_summary(request.user, filters),
        "can_change": policies.can_change(request.user), "can_export": policies.can_export(request.user),
        "threshold": rules().committee_min_members,
    })


@login_required
@require_GET
def unorganised_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("town", Org)],
                       form=forms.UnorganisedFilterForm(request.GET, user=request.user),
                       list_url="grassroots:unorganised_list", export=services.export_unorganised,
                       filename=lambda: f"unorganised-enterprises-{services.today():%Y%m%d}.xlsx")


# --- making and editing an application ------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def founding_create(request):
    """Record an application: the enterprise first (searched among those without a union in the
    user's towns, or passed from the 未建会企业 list), then the guided form."""
    require(request.user, policies.CHANGE)
    data = request.POST if request.method == "POST" else request.GET
    enterprise_id = parse_after(data.get("enterprise"))
    enterprise = selectors.enterprise_for_application(request.user, enterprise_id) if enterprise_id else None
    if enterprise_id and enterprise is None:
        raise Http404(_("Not found."))
    if enterprise is None:
        q = _search_text(data.get("q"))
        return render(request, "grassroots/foundings/pick_enterprise.html", {
            "q": q, "enterprises": selectors.enterprise_choices(request.user, q)})
    require(request.user, policies.CHANGE, enterprise.town)
    joint_unions = selectors.joint_unions_for(enterprise, request.user)
    initial = {"applicant_kind": "ENTERPRISE", "members_count": None}
    form = forms.ApplicationForm(request.POST if request.method == "POST" else None, initial=initial,
                                 joint_unions=joint_unions)
    if request.method == "POST" and form.is_valid():
        submit_on = services.today() if request.POST.get("submit_now") else None
        created = run_service(form, services.create_application, actor=request.user, enterprise=enterprise,
                              data=form.data_input(), submit_on=submit_on)
        if created is not None:
            messages.success(request, _("The application was submitted to the upper union.") if submit_on
                             else _("The application was saved as a draft."))
            return redirect("grassroots:founding_detail", pk=created.pk)
    return render(request, "grassroots/foundings/form.html", {
        "form": form, "enterprise": enterprise, "threshold": rules().committee_min_members, "creating": True})


def _initial(application):
    return {"applicant_kind": application.applicant_kind, "contact_name": application.contact_name,
            "members_count": application.members_count, "form": application.form,
            "joint_union": application.joint_union_id, "proposed_name": application.proposed_name,
            "meeting_on": application.meeting_on, "term_years": application.term_years,
            "chair_name": application.chair_name, "vice_chair_names": application.vice_chair_names,
            "committee_member_names": application.committee_member_names, "note": application.note}


@login_required
@require_http_methods(["GET", "POST"])
def founding_edit(request, pk):
    application = get_visible_or_404(FoundingApplication.objects.select_related("enterprise__town", "town"),
                                     request.user, pk)
    require(request.user, policies.CHANGE, application.town)
    if not policies.founding_actions(request.user, application).edit:
        messages.warning(request, _("This application can no longer be changed: it is “%(status)s”.")
                         % {"status": application.get_status_display()})
        return redirect("grassroots:founding_detail", pk=application.pk)
    enterprise = application.enterprise
    joint_unions = selectors.joint_unions_for(enterprise, request.user)
    form = forms.ApplicationForm(request.POST if request.method == "POST" else None, initial=_initial(application),
                                 joint_unions=joint_unions)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, services.update_application, actor=request.user, application=application,
                            data=form.data_input())
        if saved is not None:
            messages.success(request, _("The application was saved."))
            return redirect("grassroots:founding_detail", pk=application.pk)
    return render(request, "grassroots/foundings/form.html", {
        "form": form, "enterprise": enterprise, "application": application,
        "threshold": rules().committee_min_members, "creating": False})


# --- detail and its steps ------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    form: type
    allowed: str                   # the FoundingActions flag that shows it
    run: Callable                  # (actor, application, form) -> the service's result
    done: str
    title: str
    initial: Callable = lambda record: {}
    danger: bool = False


def _today(*names):
    return lambda record: dict.fromkeys(names, services.today())


STEPS = {
    "submit": Step(forms.SubmitForm, "submit", lambda u, a, f: services.submit_application(
        actor=u, application=a, **f.cleaned_data), gettext_lazy("The application was submitted to the upper union."),
        gettext_lazy("Submit to the upper union"), _today("submitted_on")),
    "review": Step(forms.ReviewForm, "review", lambda u, a, f: services.review_application(
        actor=u, application=a, **f.cleaned_data), gettext_lazy("The review was recorded; the application awaits "
                                                                "approval."),
        gettext_lazy("Accept at review and forward for approval"), _today("reviewed_on")),
    "approve": Step(forms.ApproveForm, "approve", lambda u, a, f: services.approve_application(
        actor=u, application=a, **f.cleaned_data), gettext_lazy("The approval (批复) was recorded."),
        gettext_lazy("Approve (批复)"), _today("approved_on")),
    "register": Step(forms.RegisterForm, "register", lambda u, a, f: services.register_union(
        actor=u, application=a, **f.cleaned_data),
        gettext_lazy("The union was registered and now appears in the organisation tree."),
        gettext_lazy("Register the union (法人资格)"), _today("registered_on")),
    "return": Step(forms.ReturnForm, "return_", lambda u, a, f: services.return_application(
        actor=u, application=a, **f.cleaned_data), gettext_lazy("The application was returned to the applicant."),
        gettext_lazy("Return to the applicant for changes"), _today("returned_on"), danger=True),
    "refuse": Step(forms.RefuseForm, "refuse", lambda u, a, f: services.refuse_application(
        actor=u, application=a, **f.cleaned_data), gettext_lazy("The application was refused."),
        gettext_lazy("Refuse the application"), _today("refused_on"), danger=True),
    "withdraw": Step(forms.WithdrawForm, "withdraw", lambda u, a, f: services.withdraw_application(
        actor=u, application=a, **f.cleaned_data), gettext_lazy("The application was withdrawn."),
        gettext_lazy("Withdraw (at the applicant's request)"), _today("withdrawn_on"), danger=True),
}


def _step_forms(actions, record, bound=None):
    result = []
    for code, step in STEPS.items():
        if not getattr(actions, step.allowed):
            continue
        form = bound[1] if bound is not None and bound[0] == code else step.form(initial=step.initial(record),
                                                                                 prefix=code)
        result.append({"code": code, "form": form, "title": step.title, "danger": step.danger})
    return result


def _render(request, application, bound=None, status=200):
    a = selectors.founding_detail(application)
    actions = policies.founding_actions(request.user, a)
    on = services.today()
    return render(request, "grassroots/foundings/detail.html", {
        "a": a, "actions": actions, "steps": _step_forms(actions, a, bound), "today": on,
        "overdue": a.is_overdue(on), "history": history_for(request.user, a),
        "vice_chairs": a.vice_chairs(), "committee_members": a.committee_members(),
    }, status=status)


@login_required
@require_GET
def founding_detail(request, pk):
    application = get_visible_or_404(FoundingApplication.objects, request.user, pk)
    return _render(request, application)


@login_required
@require_POST
def founding_step(request, pk, step):
    page = STEPS.get(step)
    if page is None:
        raise Http404(_("Not found."))
    application = get_visible_or_404(FoundingApplication.objects.select_related("town", "union", "enterprise"),
                                     request.user, pk)
    actions = policies.founding_actions(request.user, application)
    if not getattr(actions, page.allowed):
        # Visible but not allowed: 403 unless the status is what stops it (then a message).
        needed = {"submit": policies.CHANGE, "withdraw": policies.CHANGE, "review": policies.REVIEW,
                  "approve": policies.APPROVE, "register": policies.REGISTER,
                  "return": policies.APPROVE if application.status == "REVIEWED" else policies.REVIEW,
                  "refuse": {"REVIEWED": policies.APPROVE, "APPROVED": policies.REGISTER}.get(
                      application.status, policies.REVIEW)}[step]
        require(request.user, needed, application.town)
        messages.warning(request, _("This step cannot be recorded now: the application is “%(status)s”.")
                         % {"status": application.get_status_display()})
        return redirect("grassroots:founding_detail", pk=application.pk)
    form = page.form(request.POST, prefix=step)
    if form.is_valid() and run_service(form, page.run, u=request.user, a=application, f=form) is not None:
        messages.success(request, page.done)
        return redirect("grassroots:founding_detail", pk=application.pk)
    return _render(request, application, bound=(step, form), status=400)
