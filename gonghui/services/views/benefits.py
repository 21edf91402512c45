"""Pages of member benefits (会员普惠). Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- merchants: list (filters, search, counts by status, pager, export), detail (details, offers,
  redemptions per month this year, steps: edit, suspend, resume, expire, set PIN, add an offer;
  history), sign a merchant, edit;
- offers: list (filters, valid today, pager, export), detail (figures, steps: edit, withdraw,
  reinstate; history), add, edit;
- redemptions: the log (filters by merchant, dates, org; search; pager; export), the counts per
  merchant per month of a year;
- the member's e-card (`/services/my/card/`, phone-first, member page): name, union, membership
  valid or not, a QR of a short-lived signed URL (the page refreshes itself), offers open to them;
- the public verify page the QR opens on the merchant's phone: 有效会员 with the masked name and the
  union (or invalid / expired), rate-limited per client IP; the merchant signs in with its code and
  PIN (kept in the browser session) and logs the redemption of one of its offers.
"""

import datetime
import math
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import exports
from gonghui.core.api_support import hit
from gonghui.core.context import client_ip
from gonghui.core.errors import DomainError
from gonghui.core.excel import XlsxStream
from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.qr import qr_svg
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from ..forms import benefits as forms
from ..models.benefits import Merchant, MerchantStatus, Offer, OfferStatus
from ..policies import benefits as policies
from ..rules.benefits import rules
from ..selectors import benefits as selectors
from ..services import benefits as services

MONTHS = list(range(1, 13))


# --- merchants ----------------------------------------------------------------------------------

@login_required
@require_GET
def merchant_list(request):
    require(request.user, policies.VIEW)
    form = forms.MerchantFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.merchant_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.merchant_status_counts(request.user, filters)
    return render(request, "services/benefits/merchant_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "benefits",
        "counts": [(label, counts.get(code, 0), code) for code, label in MerchantStatus.choices if counts.get(code)],
        "can_create": bool(selectors.signing_org_choices(request.user)),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def merchant_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.MerchantFilterForm(request.GET, user=request.user),
                       list_url="services:merchant_list", export=services.export_merchants,
                       filename=lambda: f"merchants-{services.today():%Y%m%d}.xlsx")


def _merchant_kwargs(d):
    return {k: d[k] for k in ("name", "category", "address", "contact_name", "contact_phone", "agreement_start",
                              "agreement_end")}


@login_required
@require_http_methods(["GET", "POST"])
def merchant_create(request):
    require(request.user, policies.CHANGE)
    orgs = selectors.signing_org_choices(request.user)
    if not orgs:
        raise Http404(_("Not found."))
    today = services.today()
    initial = {"org": orgs[0].pk, "agreement_start": today, "agreement_end": today.replace(year=today.year + 1)}
    form = forms.MerchantForm(request.POST if request.method == "POST" else None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        m = run_service(form, services.create_merchant, actor=request.user, org=d["org"], pin=d["pin"],
                        **_merchant_kwargs(d))
        if m is not None:
            messages.success(request, _("The merchant was signed: its code is %(code)s.") % {"code": m.code})
            return redirect("services:merchant_detail", pk=m.pk)
    return render(request, "services/benefits/merchant_form.html", {"form": form, "merchant": None},
                  status=400 if form.errors else 200)


def _merchant(request, pk):
    """A merchant the user manages (signed in the subtree); else 404."""
    return get_visible_or_404(Merchant.objects.select_related("org"), request.user, pk, policies.VIEW)


def _render_merchant(request, merchant, *, bound=None, status=200):
    actions = policies.merchant_actions(request.user, merchant)
    step_forms = {}
    if actions.suspend:
        step_forms["suspend"] = forms.ReasonForm(prefix="suspend")
    if actions.resume:
        step_forms["resume"] = forms.OptionalReasonForm(prefix="resume")
    if actions.expire:
        step_forms["expire"] = forms.ReasonForm(prefix="expire")
    if actions.pin:
        step_forms["pin"] = forms.PinForm(prefix="pin")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    year = services.today().year
    counts = selectors.merchant_month_counts(merchant, year)
    return render(request, "services/benefits/merchant_detail.html", {
        "merchant": merchant, "actions": actions, "step_forms": step_forms,
        "offers": selectors.merchant_offers(merchant), "year": year,
        "month_counts": list(zip(MONTHS, counts, strict=True)), "year_total": sum(counts),
        "can_see_log": policies.can(request.user, policies.VIEW, merchant.org),
        "history": history_for(request.user, merchant),
    }, status=status)


@login_required
@require_GET
def merchant_detail(request, pk):
    """Readable also below the signing org (a union sees its town's merchants); writes stay 404."""
    m = selectors.readable_merchants(request.user).select_related("org").filter(pk=pk).first()
    if m is None:
        raise Http404(_("Not found."))
    return _render_merchant(request, m)


@login_required
@require_http_methods(["GET", "POST"])
def merchant_edit(request, pk):
    m = _merchant(request, pk)
    require(request.user, policies.CHANGE, m.org)
    if m.status == MerchantStatus.EXPIRED:
        messages.warning(request, _("An expired merchant cannot be edited."))
        return redirect("services:merchant_detail", pk=m.pk)
    initial = {k: getattr(m, k) for k in ("name", "category", "address", "contact_name", "contact_phone",
                                          "agreement_start", "agreement_end")}
    form = forms.MerchantForm(request.POST if request.method == "POST" else None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, services.update_merchant, actor=request.user, merchant=m,
                           **_merchant_kwargs(form.cleaned_data))
        if done is not None:
            messages.success(request, _("The merchant was saved."))
            return redirect("services:merchant_detail", pk=m.pk)
    return render(request, "services/benefits/merchant_form.html", {"form": form, "merchant": m},
                  status=400 if form.errors else 200)


MERCHANT_STEPS = {  # step: (form, MerchantActions flag, service call, message)
    "suspend": (forms.ReasonForm, "suspend", lambda u, x, d: services.suspend_merchant(
        actor=u, merchant=x, reason=d["reason"]), gettext_lazy("The merchant was suspended.")),
    "resume": (forms.OptionalReasonForm, "resume", lambda u, x, d: services.resume_merchant(
        actor=u, merchant=x, reason=d["reason"]), gettext_lazy("The merchant is active again.")),
    "expire": (forms.ReasonForm, "expire", lambda u, x, d: services.expire_merchant(
        actor=u, merchant=x, reason=d["reason"]), gettext_lazy("The merchant's agreement was ended.")),
    "pin": (forms.PinForm, "pin", lambda u, x, d: services.set_pin(actor=u, merchant=x, pin=d["pin"]),
            gettext_lazy("The new PIN is set: tell it to the merchant; it is not shown again.")),
}


@login_required
@require_POST
def merchant_step(request, pk, step):
    if step not in MERCHANT_STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = MERCHANT_STEPS[step]
    m = _merchant(request, pk)
    require(request.user, policies.CHANGE, m.org)
    if not getattr(policies.merchant_actions(request.user, m), flag):
        messages.warning(request, _("This cannot be done now: the merchant is “%(status)s”.")
                         % {"status": m.get_status_display()})
        return redirect("services:merchant_detail", pk=m.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, m, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("services:merchant_detail", pk=m.pk)
    return _render_merchant(request, m, bound=(step, form), status=400)


# --- offers -------------------------------------------------------------------------------------

@login_required
@require_GET
def offer_list(request):
    require(request.user, policies.VIEW)
    form = forms.OfferFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.offer_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.offer_status_counts(request.user, filters)
    return render(request, "services/benefits/offer_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "benefits", "today": services.today(),
        "counts": [(label, counts.get(code, 0), code) for code, label in OfferStatus.choices if counts.get(code)],
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def offer_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.OfferFilterForm(request.GET, user=request.user),
                       list_url="services:offer_list", export=services.export_offers,
                       filename=lambda: f"offers-{services.today():%Y%m%d}.xlsx")


def _offer_kwargs(d):
    return {"title": d["title"], "discount": d["discount"], "description": d["description"],
            "valid_from": d["valid_from"], "valid_to": d["valid_to"], "limit": d["limit"],
            "limit_count": d["limit_count"]}


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request, merchant_pk):
    m = _merchant(request, merchant_pk)
    require(request.user, policies.CHANGE, m.org)
    if not policies.merchant_actions(request.user, m).add_offer:
        messages.warning(request, _("This cannot be done now: the merchant is “%(status)s”.")
                         % {"status": m.get_status_display()})
        return redirect("services:merchant_detail", pk=m.pk)
    start = max(services.today(), m.agreement_start)
    form = forms.OfferForm(request.POST if request.method == "POST" else None,
                           initial={"valid_from": start, "valid_to": m.agreement_end, "limit": "UNLIMITED"})
    if request.method == "POST" and form.is_valid():
        offer = run_service(form, services.create_offer, actor=request.user, merchant=m,
                            **_offer_kwargs(form.cleaned_data))
        if offer is not None:
            messages.success(request, _("The offer was added."))
            return redirect("services:offer_detail", pk=offer.pk)
    return render(request, "services/benefits/offer_form.html", {"form": form, "merchant": m, "offer": None},
                  status=400 if form.errors else 200)


def _offer(request, pk):
    return get_visible_or_404(Offer.objects.select_related("merchant", "merchant__org"), request.user, pk,
                              policies.VIEW)


def _render_offer(request, offer, *, bound=None, status=200):
    actions = policies.offer_actions(request.user, offer)
    step_forms = {}
    if actions.withdraw:
        step_forms["withdraw"] = forms.ReasonForm(prefix="withdraw")
    if actions.reinstate:
        step_forms["reinstate"] = forms.EmptyForm(prefix="reinstate")
    if bound is not None:
        step_forms[bound[0]] = bound[1]
    refusal = services.offer_refusal(offer, offer.merchant, services.today())
    return render(request, "services/benefits/offer_detail.html", {
        "offer": offer, "merchant": offer.merchant, "actions": actions, "step_forms": step_forms,
        "valid_now": refusal is None, "not_valid_reason": refusal.text if refusal else "",
        "stats": selectors.offer_stats(offer), "history": history_for(request.user, offer),
    }, status=status)


@login_required
@require_GET
def offer_detail(request, pk):
    offer = selectors.readable_offers(request.user).select_related("merchant", "merchant__org").filter(pk=pk).first()
    if offer is None:
        raise Http404(_("Not found."))
    return _render_offer(request, offer)


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, pk):
    offer = _offer(request, pk)
    require(request.user, policies.CHANGE, offer.merchant.org)
    if not policies.offer_actions(request.user, offer).edit:
        messages.warning(request, _("This cannot be done now: the merchant is “%(status)s”.")
                         % {"status": offer.merchant.get_status_display()})
        return redirect("services:offer_detail", pk=offer.pk)
    initial = {k: getattr(offer, k) for k in ("title", "discount", "description", "valid_from", "valid_to", "limit",
                                              "limit_count")}
    form = forms.OfferForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(form, services.update_offer, actor=request.user, offer=offer,
                           **_offer_kwargs(form.cleaned_data))
        if done is not None:
            messages.success(request, _("The benefit offer was saved."))
            return redirect("services:offer_detail", pk=offer.pk)
    return render(request, "services/benefits/offer_form.html",
                  {"form": form, "merchant": offer.merchant, "offer": offer}, status=400 if form.errors else 200)


OFFER_STEPS = {
    "withdraw": (forms.ReasonForm, "withdraw", lambda u, x, d: services.withdraw_offer(
        actor=u, offer=x, reason=d["reason"]), gettext_lazy("The offer was withdrawn.")),
    "reinstate": (forms.EmptyForm, "reinstate", lambda u, x, d: services.reinstate_offer(actor=u, offer=x),
                  gettext_lazy("The offer is active again.")),
}


@login_required
@require_POST
def offer_step(request, pk, step):
    if step not in OFFER_STEPS:
        raise Http404(_("Not found."))
    form_class, flag, run, done = OFFER_STEPS[step]
    offer = _offer(request, pk)
    require(request.user, policies.CHANGE, offer.merchant.org)
    if not getattr(policies.offer_actions(request.user, offer), flag):
        messages.warning(request, _("This cannot be done now."))
        return redirect("services:offer_detail", pk=offer.pk)
    form = form_class(request.POST, prefix=step)
    result = run_service(form, lambda: run(request.user, offer, form.cleaned_data)) if form.is_valid() else None
    if result is not None:
        messages.success(request, str(done))
        return redirect("services:offer_detail", pk=offer.pk)
    return _render_offer(request, offer, bound=(step, form), status=400)


# --- redemptions --------------------------------------------------------------------------------

@login_required
@require_GET
def redemption_list(request):
    require(request.user, policies.VIEW)
    form = forms.RedemptionFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    set_merchants = selectors.merchant_choices(request.user)
    from gonghui.members.forms import set_model_options

    set_model_options(form.fields["merchant"], set_merchants, label=lambda m: f"{m.name}（{m.code}）",
                      empty_label=form.fields["merchant"].empty_label)
    filters = form.filters()
    page = selectors.redemption_page(request.user, filters, after=parse_after(request.GET.get("after")))
    return render(request, "services/benefits/redemption_list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "benefits",
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def redemption_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW,
                       scoped=[("org", Org)],
                       form=forms.RedemptionFilterForm(request.GET, user=request.user),
                       list_url="services:redemption_list", export=services.export_redemptions,
                       filename=lambda: f"redemptions-{services.today():%Y%m%d}.xlsx")


@login_required
@require_GET
def redemption_stats(request):
    require(request.user, policies.VIEW)
    form = forms.StatsForm(request.GET or None)
    year = services.today().year
    if form.is_bound and form.is_valid() and form.cleaned_data.get("year"):
        year = form.cleaned_data["year"]
    elif not form.is_bound:
        form = forms.StatsForm(initial={"year": year})
    rows, months = selectors.monthly_by_merchant(request.user, year)
    return render(request, "services/benefits/stats.html", {
        "form": form, "year": year, "rows": rows, "months": months, "month_numbers": MONTHS,
        "total": sum(months), "tab": "benefits", "can_export": policies.can(request.user, policies.EXPORT),
    }, status=400 if form.is_bound and form.errors else 200)


# --- the member's e-card --------------------------------------------------------------------------

def _person(request):
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    return person


@never_cache
@login_required
@require_GET
def my_card(request):
    """The member e-card: shown on the phone at the merchant's till. The QR code holds a signed URL
    valid `card_token_minutes`; the page reloads itself shortly before (and on demand)."""
    person = _person(request)
    membership = services.live_membership(person)
    minutes = rules().card_token_minutes
    qr = url = None
    if membership is not None:
        url = services.card_url(person)
        qr = qr_svg(url, scale=5)
    refresh = max(30, minutes * 60 - 30)
    return no_store(render(request, "services/benefits/my_card.html", {
        "person": person, "membership": membership, "qr": qr, "card_url": url, "minutes": minutes,
        "refresh": refresh, "valid_until": services.now() + datetime.timedelta(minutes=minutes),
        "offers": selectors.offers_open_to_person(person, membership),
        "recent": selectors.my_redemptions(person, limit=10),
    }))


# --- the public verify page ---------------------------------------------------------------------

VERIFY_RATE_SCOPE = "services-card-verify"  # shared with the API's verify endpoint
SESSION_KEY = "services_benefits_merchant"


def _verify_rate_wait(request):
    return hit(VERIFY_RATE_SCOPE, client_ip(request) or "-", rules().verify_rate)


def _verify_context(request, token, *, check=None, login_form=None, error=""):
    merchant = services.merchant_of_session(request.session.get(SESSION_KEY))
    # a signed-in merchant gets the redemption grace (the code was scanned before the PIN was typed)
    check = check or services.verify_card(token, grace=merchant is not None)
    offers = []
    if merchant is not None:
        on = services.today()
        offers = [o for o in merchant.offers.filter(status=OfferStatus.ACTIVE).order_by("title", "id")
                  if services.offer_refusal(o, merchant, on) is None]
    return {"check": check, "token": token, "merchant": merchant, "offers": offers,
            "login_form": login_form or forms.MerchantLoginForm(prefix="login"), "error": error}


@never_cache
@require_http_methods(["GET", "POST"])
def card_verify(request):
    """The page a member's QR opens on the merchant's phone. GET: the check. POST `action`:
    `login` (merchant code + PIN), `redeem` (an offer), `logout`."""
    wait = _verify_rate_wait(request)
    if wait is not None:
        seconds = math.ceil(wait)
        response = render(request, "services/benefits/verify.html", {
            "limited": True, "limited_message": _("Too many verifications from your network in a short time. "
                                                  "Please wait %(n)s seconds and try again.") % {"n": seconds},
        }, status=429)
        response["Retry-After"] = str(seconds)
        return no_store(response)
    token = (request.POST.get("t") if request.method == "POST" else request.GET.get("t")) or ""
    token = token[:512]
    if request.method == "GET":
        return no_store(render(request, "services/benefits/verify.html", _verify_context(request, token)))
    action = request.POST.get("action")
    back = f"{reverse('services:card_verify')}?{urlencode({'t': token})}"
    if action == "logout":
        request.session.pop(SESSION_KEY, None)
        return redirect(back)
    if action == "login":
        form = forms.MerchantLoginForm(request.POST, prefix="login")
        if form.is_valid():
            try:
                m = services.authenticate_merchant(form.cleaned_data["merchant_code"], form.cleaned_data["pin"],
                                                   ident=client_ip(request) or "-")
            except DomainError as exc:
                form.add_error("pin", exc.text)
            else:
                if m.status != MerchantStatus.ACTIVE:
                    form.add_error(None, _("The merchant is not an active partner now (“%(status)s”).")
                                   % {"status": m.get_status_display()})
                else:
                    request.session.cycle_key()
                    request.session[SESSION_KEY] = services.merchant_session_value(m)
                    messages.success(request, _("Signed in as %(name)s.") % {"name": m.name})
                    return redirect(back)
        return no_store(render(request, "services/benefits/verify.html",
                               _verify_context(request, token, login_form=form), status=400))
    if action == "redeem":
        merchant = services.merchant_of_session(request.session.get(SESSION_KEY))
        if merchant is None:
            return no_store(render(request, "services/benefits/verify.html", _verify_context(
                request, token, error=_("Sign in with the merchant code and PIN first.")), status=400))
        try:
            x = services.redeem(token=token, merchant=merchant, offer_id=request.POST.get("offer"))
        except DomainError as exc:
            return no_store(render(request, "services/benefits/verify.html",
                                   _verify_context(request, token, error=exc.text), status=400))
        messages.success(request, _("Logged: %(offer)s for %(name)s at %(time)s.")
                         % {"offer": x.offer.title, "name": services.mask_name(x.person.name),
                            "time": timezone.localtime(x.redeemed_at).strftime("%H:%M")})
        return redirect(back)
    raise Http404(_("Not found."))


# --- export of the redemptions per month (core.exports) ------------------------------------------------

def _plan_redemption_stats(user, params):
    """The page's table: redemptions per merchant and month of the chosen year, with the totals
    (counts only, no person)."""
    require(user, policies.EXPORT)
    form = forms.StatsForm(params or None)
    if form.is_bound and not form.is_valid():
        raise exports.ExportRefused(_("The filters could not be read; check them and export again."), code="filters")
    year = (form.cleaned_data.get("year") if form.is_bound else None) or services.today().year
    rows, months = selectors.monthly_by_merchant(user, year)

    def write(target, _progress):
        with XlsxStream(target) as book:
            sheet = book.sheet(_("Redemptions per month"), widths=[30, 12, *([7] * 12), 9], text_columns=(1,),
                               headers=[_("Merchant"), _("Code"), *[_("Month %(m)s") % {"m": m} for m in MONTHS],
                                        _("Total")])
            for name, code, _pk, counts, total in rows:
                sheet.append([name, code, *counts, total])
            sheet.append([_("Total"), "", *months, sum(months)], book.workbook.add_format({"bold": True}))
        return len(rows)

    return exports.ExportPlan(write=write, filters={"year": year}, audit=exports.auditor(
        actor=user, action="services.redemption_stats_export", object_type="services.RedemptionStatsExport",
        label=_("Redemptions per month export"), reach_action=policies.EXPORT, filters={"year": year}))


REDEMPTION_STATS_EXPORT = exports.ExportKind(
    key="services.redemption_stats", label=gettext_lazy("Redemptions per month export"),
    plan=_plan_redemption_stats, list_url="services:benefit_stats", filename_prefix="redemptions-per-month")


@login_required
@require_GET
def redemption_stats_export(request):
    return exports.export_response(request, REDEMPTION_STATS_EXPORT)
