"""Pages of the `intake` area. Thin: who the worker is (login or tracking code), one service,
render.

- member pages (phone-first): my appeals, a new appeal, one appeal (status, due date, the public
  history, files; rate / re-open / withdraw), a file of it;
- public pages without login: the form (honeypot, signed fill time, per-IP limit), the answer
  with the number and tracking code, the tracking page (code + mobile's last 4 digits, per-IP
  limit; the appeal found is remembered in the session for the steps and files);
- staff: a call or visit entered by hand (`voice.change`).
"""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.api_support import hit
from gonghui.core.context import client_ip
from gonghui.core.forms import add_service_error
from gonghui.core.pagination import keyset_page, parse_after
from gonghui.core.policies import require
from gonghui.core.responses import no_store
from gonghui.core.uploads import limit_upload, private_file_response, upload_limit_then_csrf
from gonghui.members.selectors import MemberFilters, classify_query, person_of_account, search_memberships

from ..forms import intake as forms
from ..models.appeals import AppealChannel
from ..rules.intake import rules
from ..selectors import intake as selectors
from ..services import intake as services

SUBMIT_RATE_SCOPE = "voice-public-submit"  # shared with POST /public/appeals
TRACK_RATE_SCOPE = "voice-public-track"  # shared with GET /public/appeals/{number}
SESSION_TRACKED = "voice_tracked_appeals"
SESSION_SUBMITTED = "voice_submitted_appeal"


def _upload_limit():
    r = rules()
    return r.max_attachments * r.attachment_max_bytes


def _too_large(request) -> bool:
    """A body larger than every allowed attachment together (said by its Content-Length): the
    view shows the form again with an error and saves nothing. `upload_limit_then_csrf` installed
    the limit before the CSRF check read the body; the form and the service still check every
    file's size and the count."""
    return request.method == "POST" and not limit_upload(request, _upload_limit())


def _files(request, form):
    if getattr(request, "upload_too_large", False):
        form.add_error("attachments", _("The files are too large together."))
        return None
    return request.FILES.getlist("attachments")


def _worker_context(appeal, *, file_url, step_url):
    """What the worker sees of an appeal, on the member page and the public tracking page."""
    return {"appeal": appeal, "events": selectors.public_events(appeal),
            "files": selectors.public_attachments(appeal), "file_url": file_url, "step_url": step_url,
            "days_left": services.working_days_left(appeal),
            "can_withdraw": services.can_withdraw(appeal), "can_rate": services.can_rate(appeal),
            "can_reopen": services.can_reopen(appeal), "rate_form": forms.RateForm(prefix="rate"),
            "reopen_form": forms.ReopenForm(prefix="reopen"), "withdraw_form": forms.WithdrawForm(prefix="withdraw")}


def _run_step(request, appeal, step):
    """Rate, re-open or withdraw from a POST; returns the form (errors on it) or None when done."""
    form_class, prefix = {"rate": (forms.RateForm, "rate"), "reopen": (forms.ReopenForm, "reopen"),
                          "withdraw": (forms.WithdrawForm, "withdraw")}[step]
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        return form
    actor = request.user if request.user.is_authenticated else None
    try:
        if step == "rate":
            services.rate(actor=actor, appeal=appeal, score=form.cleaned_data["score"],
                          comment=form.cleaned_data["comment"])
            messages.success(request, _("Thank you for your rating."))
        elif step == "reopen":
            services.reopen(actor=actor, appeal=appeal, reason=form.cleaned_data["reason"])
            messages.success(request, _("The appeal was re-opened; the union handles it again."))
        else:
            services.withdraw(actor=actor, appeal=appeal, reason=form.cleaned_data["reason"])
            messages.success(request, _("The appeal was withdrawn."))
    except ValidationError as exc:
        add_service_error(form, exc)
        return form
    return None


# --- member pages -----------------------------------------------------------------------------------

MY_PAGE_SIZE = 20  # a phone's screenful or two


def _person(request):
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    return person


def _own(request, pk):
    appeal = selectors.own_appeal(request.user, _person(request), pk)
    if appeal is None:
        raise Http404(_("Not found."))
    return appeal


@never_cache
@login_required
@require_GET
def my_appeals(request):
    """The member's own appeals, newest first, 20 a page (keyset on the id, like the other lists)."""
    person = _person(request)
    page = keyset_page(selectors.own_appeals(request.user, person), after=parse_after(request.GET.get("after")),
                       size=MY_PAGE_SIZE)
    return render(request, "voice/intake/my_list.html", {"person": person, "appeals": page.items, "page": page,
                                                         "query": ""})


@upload_limit_then_csrf(_upload_limit)
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_appeal_new(request):
    person = _person(request)
    too_large = _too_large(request)
    default = services.member_enterprise(person)
    form = forms.MemberAppealForm(request.POST or None, request.FILES or None,
                                  initial={"enterprise_name": default.name if default else ""})
    if request.method == "POST":
        if too_large:
            form.add_error("attachments", _("The files are too large together."))
        elif form.is_valid() and (files := _files(request, form)) is not None:
            d = form.cleaned_data
            name = (d["enterprise_name"] or "").strip()
            enterprise = default if default is not None and name == default.name else None
            try:
                appeal = services.submit_as_member(user=request.user, person=person, category=d["category"],
                                                   title=d["title"], content=d["content"], anonymous=d["anonymous"],
                                                   enterprise=enterprise, enterprise_name=name, files=files)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Your appeal %(number)s was received and passed to %(org)s.")
                                 % {"number": appeal.number, "org": appeal.org.name})
                return redirect("voice:my_appeal_detail", pk=appeal.pk)
    return render(request, "voice/intake/my_new.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


@never_cache
@login_required
@require_GET
def my_appeal_detail(request, pk):
    appeal = _own(request, pk)
    return no_store(render(request, "voice/intake/my_detail.html", _worker_context(
        appeal, file_url="voice:my_appeal_file", step_url="voice:my_appeal_step")))


@login_required
@require_POST
def my_appeal_step(request, pk, step):
    appeal = _own(request, pk)
    if step not in ("rate", "reopen", "withdraw"):
        raise Http404(_("Not found."))
    form = _run_step(request, appeal, step)
    if form is None:
        return redirect("voice:my_appeal_detail", pk=appeal.pk)
    context = _worker_context(appeal, file_url="voice:my_appeal_file", step_url="voice:my_appeal_step")
    context[f"{step}_form"] = form
    return no_store(render(request, "voice/intake/my_detail.html", context, status=400))


@login_required
@require_GET
def my_appeal_file(request, pk, file_pk):
    appeal = _own(request, pk)
    attachment = selectors.public_attachments(appeal).filter(pk=file_pk).first()
    if attachment is None:
        raise Http404(_("Not found."))
    return private_file_response(attachment.file, attachment.name)


# --- public pages -----------------------------------------------------------------------------------

def _limited(request, template, scope, rate, context=None):
    """The 429 page when this client IP is over `rate` for `scope`, else None (and counts one)."""
    wait = hit(scope, client_ip(request) or "-", rate)
    if wait is None:
        return None
    seconds = math.ceil(wait)
    response = render(request, template, {**(context or {}), "limited": True, "limited_message": _(
        "Too many requests from your network in a short time. Please wait %(n)s seconds and try again.")
        % {"n": seconds}}, status=429)
    response["Retry-After"] = str(seconds)
    return no_store(response)


@upload_limit_then_csrf(_upload_limit)
@never_cache
@require_http_methods(["GET", "POST"])
def public_submit(request):
    """The public appeal form for workers without a login."""
    if request.method == "GET":
        form = forms.PublicAppealForm(initial={"started": forms.PublicAppealForm.stamp()})
        return render(request, "voice/intake/public_form.html", {"form": form})
    too_large = _too_large(request)
    limited = _limited(request, "voice/intake/public_form.html", SUBMIT_RATE_SCOPE, rules().public_submit_rate)
    if limited is not None:
        return limited
    form = forms.PublicAppealForm(request.POST, request.FILES)
    if too_large:
        form.add_error("attachments", _("The files are too large together."))
    elif form.is_valid() and (files := _files(request, form)) is not None:
        d = form.cleaned_data
        try:
            appeal = services.submit_public(category=d["category"], title=d["title"], content=d["content"],
                                            anonymous=d["anonymous"], contact_name=d["contact_name"],
                                            contact_phone=d["contact_phone"], enterprise_name=d["enterprise_name"],
                                            files=files)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            request.session[SESSION_SUBMITTED] = appeal.pk
            _remember(request, appeal)
            return redirect("voice:public_done")
    # A fresh stamp: the worker who fixes an error is not refused as "too fast" or "expired".
    data = request.POST.copy()
    data["started"] = forms.PublicAppealForm.stamp()
    form.data = data
    return render(request, "voice/intake/public_form.html", {"form": form}, status=400)


@never_cache
@require_GET
def public_done(request):
    from ..models.appeals import Appeal

    appeal = Appeal.objects.select_related("org").filter(pk=request.session.get(SESSION_SUBMITTED)).first()
    if appeal is None:
        return redirect("voice:public_submit")
    return no_store(render(request, "voice/intake/public_done.html", {"appeal": appeal}))


def _remember(request, appeal):
    tracked = [pk for pk in request.session.get(SESSION_TRACKED, []) if pk != appeal.pk][-4:]
    request.session[SESSION_TRACKED] = [*tracked, appeal.pk]


def _tracked(request, pk=None):
    """The appeal this browser proved it may follow (the last one, or `pk` among them)."""
    from ..models.appeals import Appeal

    tracked = request.session.get(SESSION_TRACKED, [])
    if not tracked:
        return None
    pk = pk if pk is not None else tracked[-1]
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return Appeal.objects.select_related("org").filter(pk=pk).first() if pk in tracked else None


def _track_context(request, appeal, track_form=None):
    context = {"track_form": track_form or forms.TrackForm()}
    if appeal is not None:
        context.update(_worker_context(appeal, file_url="voice:public_file", step_url=None))
    return context


@never_cache
@require_http_methods(["GET", "POST"])
def public_track(request):
    """Follow an appeal without a login. POST `action`: lookup (code + phone's last 4 digits),
    rate / reopen / withdraw (the appeal found before), forget."""
    appeal = _tracked(request, request.POST.get("appeal") if request.method == "POST" else None)
    if request.method == "GET":
        return no_store(render(request, "voice/intake/public_track.html", _track_context(request, appeal)))
    action = request.POST.get("action")
    if action == "forget":
        request.session.pop(SESSION_TRACKED, None)
        return redirect("voice:public_track")
    if action in ("rate", "reopen", "withdraw"):
        if appeal is None:
            raise Http404(_("Not found."))
        form = _run_step(request, appeal, action)
        if form is None:
            return redirect("voice:public_track")
        context = _track_context(request, appeal)
        context[f"{action}_form"] = form
        return no_store(render(request, "voice/intake/public_track.html", context, status=400))
    limited = _limited(request, "voice/intake/public_track.html", TRACK_RATE_SCOPE, rules().public_track_rate,
                       {"track_form": forms.TrackForm()})
    if limited is not None:
        return limited
    form = forms.TrackForm(request.POST)
    found = None
    if form.is_valid():
        found = selectors.tracked_appeal(form.cleaned_data["code"], form.cleaned_data["phone4"])
        if found is None:
            form.add_error(None, _("No appeal matches this code and mobile number. Check them and try again."))
    if found is None:
        return no_store(render(request, "voice/intake/public_track.html", _track_context(request, None, form),
                               status=400))
    _remember(request, found)
    return redirect("voice:public_track")


@require_GET
def public_file(request, pk, file_pk):
    appeal = _tracked(request, pk)
    if appeal is None:
        raise Http404(_("Not found."))
    attachment = selectors.public_attachments(appeal).filter(pk=file_pk).first()
    if attachment is None:
        raise Http404(_("Not found."))
    return private_file_response(attachment.file, attachment.name)


# --- staff entry ------------------------------------------------------------------------------------

def _registry_person(user, id_number):
    """The registered member with this ID number within the user's reach, or None. Only an ID
    number: the member search also matches names and initials, which would pick someone else."""
    id_number = id_number.strip()
    if classify_query(id_number) != "id":
        return None
    rows = search_memberships(user, MemberFilters(q=id_number, status="all"))
    m = rows.order_by("-joined_on").first()
    return m.person if m is not None else None


@upload_limit_then_csrf(_upload_limit)
@login_required
@require_http_methods(["GET", "POST"])
def appeal_create(request):
    """Staff type in a call or a visit."""
    require(request.user, "voice.change")
    orgs = services.acting_orgs(request.user)
    if not orgs:
        raise Http404(_("Not found."))
    too_large = _too_large(request)
    form = forms.StaffAppealForm(request.POST or None, request.FILES or None, orgs=orgs,
                                 initial={"channel": AppealChannel.PHONE, "entering_org": orgs[0].pk})
    if request.method == "POST":
        if too_large:
            form.add_error("attachments", _("The files are too large together."))
        elif form.is_valid() and (files := _files(request, form)) is not None:
            d = form.cleaned_data
            person = None
            if d["id_number"].strip() and not d["anonymous"]:
                person = _registry_person(request.user, d["id_number"])
                if person is None:
                    form.add_error("id_number", _("No member with this ID number in your organisations. "
                                                  "Type the worker's name and mobile instead."))
            if not form.errors:
                try:
                    appeal = services.create_by_staff(
                        actor=request.user, entering_org=d["entering_org"], channel=d["channel"],
                        category=d["category"], title=d["title"], content=d["content"], anonymous=d["anonymous"],
                        person=person, contact_name=d["contact_name"], contact_phone=d["contact_phone"],
                        enterprise_name=d["enterprise_name"], handle_here=d["handle_here"], files=files)
                except ValidationError as exc:
                    add_service_error(form, exc)
                else:
                    messages.success(request, _("Appeal %(number)s was entered and passed to %(org)s.")
                                     % {"number": appeal.number, "org": appeal.org.name})
                    if request.user.can("voice.view", appeal.org):
                        try:
                            return redirect("voice:appeal_detail", appeal.pk)
                        except NoReverseMatch:  # the handling pages belong to the `appeals` area
                            pass
                    return redirect("voice:appeal_create")
    return render(request, "voice/intake/staff_create.html", {"form": form, "tab": "appeals"},
                  status=400 if form.errors else 200)
