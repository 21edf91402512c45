"""Pages of appeal handling (诉求办理). Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- the list (filters, search, counts by status, pager, export);
- an appeal's page: the appeal, the worker (masked mobile; the full one by an audited POST), the
  clock, the whole history (public lines marked "the worker sees this", internal notes marked
  internal), attachments, and the steps the user may take now;
- the picker of dispatch / transfer down (an org below the holder, searched by name);
- attachments, served privately after the scope check.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import no_store
from gonghui.core.selectors import reach_orgs
from gonghui.core.uploads import private_file_response
from gonghui.orgs.models import Org

from ..forms import appeals as forms
from ..models.appeals import OPEN_STATUSES as OPEN
from ..models.appeals import Appeal, AppealAttachment, AppealStatus
from ..policies import appeals as policies
from ..rules.appeals import rules
from ..selectors import appeals as selectors
from ..services import appeals as services


@login_required
@require_GET
def appeal_list(request):
    require(request.user, policies.VIEW)
    form = forms.AppealFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW), selectors.town_choices(request.user))
    filters = form.filters()
    page = selectors.appeal_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts, counts_at = selectors.list_status_counts(request.user, filters, large=page.count_capped)
    today = services.today()
    return render(request, "voice/appeals/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "appeals", "today": today,
        "holder": filters.holder, "query_without_holder": form.query_string(holder=""),
        "soon": selectors.soon_limit(today),
        "counts": [(label, counts.get(code, 0), code) for code, label in AppealStatus.choices if counts.get(code)],
        "counts_at": counts_at,
        "can_export": policies.can(request.user, policies.EXPORT),
        "can_create": policies.can(request.user, policies.CHANGE),
    })


# ~20,000 appeals a year at district scale: above EXPORT_BACKGROUND_ROWS the export is a
# background job (core.exports) instead of a request that writes the whole year.
APPEAL_EXPORT = exports.module_export(
    key="voice.appeals", label=gettext_lazy("Appeals export"), module=__name__, form=forms.AppealFilterForm,
    export=services.export_appeals, rows=selectors.filtered_appeals, action=policies.EXPORT,
    view_action=policies.VIEW, list_url="voice:appeal_list", filename_prefix="appeals",
    scoped=[("org", Org), ("holder", Org), ("town", Org)])


@login_required
@require_GET
def appeal_export(request):
    return exports.export_response(request, APPEAL_EXPORT)


def _appeal(request, pk):
    return get_visible_or_404(selectors.appeal_rows(), request.user, pk)


def _render_detail(request, a, *, bound=None, status=200, phone=None):
    actions = policies.appeal_actions(request.user, a)
    step_forms = {}
    if actions.accept:
        step_forms["accept"] = forms.EmptyForm()
    if actions.reply:
        step_forms["reply"] = forms.ReplyForm(prefix="reply")
    if actions.note:
        step_forms["note"] = forms.NoteForm(prefix="note")
    if actions.transfer_up:
        step_forms["transfer_up"] = forms.TransferUpForm(prefix="transfer_up")
    if actions.close:
        step_forms["close"] = forms.CloseForm(prefix="close")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    today = services.today()
    days_left = services.working_days_left(a, today) if a.status in OPEN else None
    response = render(request, "voice/appeals/detail.html", {
        "a": a, "actions": actions, "step_forms": step_forms, "phone": phone, "rules": rules(),
        "events": selectors.events_of(a), "attachments": selectors.attachments_of(a),
        "days_left": days_left, "overdue_days": -days_left if days_left and days_left < 0 else 0,
        "parent": services.parent_of(a.org) if actions.transfer_up else None,
        "history": selectors.history_of(request.user, a), "today": today, "tab": "appeals",
    }, status=status)
    return no_store(response) if phone is not None else response


@login_required
@require_GET
def appeal_detail(request, pk):
    return _render_detail(request, _appeal(request, pk))


@never_cache
@login_required
@require_POST
def appeal_reveal(request, pk):
    """The page with the worker's full mobile (audited; never cached)."""
    a = _appeal(request, pk)
    try:
        phone = services.reveal_phone(actor=request.user, appeal=a)
    except PermissionDenied:
        messages.error(request, _("You may not see full mobile numbers."))
        return redirect("voice:appeal_detail", pk=a.pk)
    return _render_detail(request, a, phone=phone or "—")


STEPS = {  # step: (form, AppealActions flag, right, service call, message)
    "accept": (forms.EmptyForm, "accept", policies.CHANGE,
               lambda u, a, d, f: services.accept(actor=u, appeal=a), gettext_lazy("The appeal was accepted.")),
    "note": (forms.NoteForm, "note", policies.CHANGE,
             lambda u, a, d, f: services.add_note(actor=u, appeal=a, text=d["text"], attachment=d.get("attachment")),
             gettext_lazy("The internal note was added.")),
    "reply": (forms.ReplyForm, "reply", policies.CHANGE,
              lambda u, a, d, f: services.reply(actor=u, appeal=a, text=d["text"], attachment=d.get("attachment")),
              gettext_lazy("The reply was sent to the worker.")),
    "close": (forms.CloseForm, "close", policies.CHANGE,
              lambda u, a, d, f: services.close(actor=u, appeal=a, result=d["result"], result_text=d["result_text"],
                                                attachment=d.get("attachment")),
              gettext_lazy("The appeal was closed.")),
    "transfer_up": (forms.TransferUpForm, "transfer_up", policies.TRANSFER,
                    lambda u, a, d, f: services.transfer(actor=u, appeal=a, to_org=services.parent_of(a.org),
                                                         reason=d["reason"], attachment=d.get("attachment")),
                    gettext_lazy("The appeal was transferred to the organisation above.")),
}


@login_required
@require_POST
def appeal_step(request, pk, step):
    if step not in STEPS:
        raise Http404(_("Not found."))
    form_class, flag, right, run, done = STEPS[step]
    a = _appeal(request, pk)
    require(request.user, right, a.org)
    if not getattr(policies.appeal_actions(request.user, a), flag):
        messages.warning(request, _("This step cannot be taken now: the appeal is “%(status)s”.")
                         % {"status": a.get_status_display()})
        return redirect("voice:appeal_detail", pk=a.pk)
    prefix = None if form_class is forms.EmptyForm else step
    form = form_class(request.POST, request.FILES, prefix=prefix)
    result = (run_service(form, lambda: run(request.user, a, form.cleaned_data, form))
              if form.is_valid() else None)
    if result is not None:
        messages.success(request, str(done))
        if not Appeal.objects.visible_to(request.user).filter(pk=a.pk).exists():
            return redirect("voice:appeal_list")  # transferred out of the user's reach
        return redirect("voice:appeal_detail", pk=a.pk)
    if form_class is forms.EmptyForm:
        for error in form.non_field_errors():
            messages.error(request, error)
        return _render_detail(request, _appeal(request, pk), status=400)
    return _render_detail(request, _appeal(request, pk), bound=(step, form), status=400)


MOVES = {"dispatch": (forms.DispatchForm, "dispatch", policies.CHANGE),
         "down": (forms.TransferDownForm, "transfer_down", policies.TRANSFER)}


@login_required
@require_http_methods(["GET", "POST"])
def appeal_move(request, pk, kind):
    """Dispatch (交办) or transfer down: search an org below the holder, then confirm with the
    instructions or the reason."""
    if kind not in MOVES:
        raise Http404(_("Not found."))
    form_class, flag, right = MOVES[kind]
    a = _appeal(request, pk)
    require(request.user, right, a.org)
    if not getattr(policies.appeal_actions(request.user, a), flag):
        messages.warning(request, _("This step cannot be taken now: the appeal is “%(status)s”.")
                         % {"status": a.get_status_display()})
        return redirect("voice:appeal_detail", pk=a.pk)
    data = request.POST if request.method == "POST" else request.GET
    union_q = (data.get("union_q") or "").replace("\x00", "").strip()[:60]
    target = None
    if data.get("org"):
        target = get_visible_or_404(Org.objects, request.user, parse_after(data.get("org")), policies.CHANGE)
    context = {"a": a, "kind": kind, "union_q": union_q, "target": target, "tab": "appeals", "rules": rules(),
               "unions": selectors.targets_below(request.user, a, union_q) if target is None else []}
    if target is None:
        return render(request, "voice/appeals/move.html", context)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if kind == "dispatch":
            moved = run_service(form, services.dispatch, actor=request.user, appeal=a, to_org=target,
                                note=d["note"], attachment=d.get("attachment"))
        else:
            moved = run_service(form, services.transfer, actor=request.user, appeal=a, to_org=target,
                                reason=d["reason"], attachment=d.get("attachment"))
        if moved is not None:
            messages.success(request, _("The appeal was handed to %(org)s.") % {"org": target.name})
            return redirect("voice:appeal_detail", pk=a.pk)
    context["form"] = form
    return render(request, "voice/appeals/move.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def appeal_attachment(request, pk, file_id):
    a = _appeal(request, pk)
    try:
        f = AppealAttachment.objects.get(pk=file_id, appeal=a)
    except (AppealAttachment.DoesNotExist, ValueError) as exc:
        raise Http404(_("Not found.")) from exc
    return private_file_response(f.file, f.name)
