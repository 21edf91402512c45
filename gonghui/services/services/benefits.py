"""Every write of member benefits (会员普惠). Atomic, checked (`require`), locked, validated and
audited (`services.merchant_*`, `services.offer_*`, `services.redemption_*`).

Merchants are signed by the district or a town federation (`services.change` in that org): name,
category, address, contact, agreement period (end not before start). A merchant code (PH + six
digits) is given at signing; the cadres set the merchant's PIN (6–8 digits, stored hashed, never
shown again). Workflow: ACTIVE ⇄ SUSPENDED (with a reason), ACTIVE/SUSPENDED → EXPIRED (the
agreement ended or was terminated; final). Offers: title, discount text, validity inside the
agreement, per-member limit (unlimited / once / N per calendar month); ACTIVE ⇄ WITHDRAWN.

The member e-card: `card_token(person)` is a signed, timestamped token (django.core.signing) that
names only the person's internal id; it is valid `card_token_minutes` (the card page refreshes
itself). The public verify page reads it (`verify_card`) and says "valid member" with the masked
name and the union, or invalid / expired — never an ID number or phone. `redeem` logs a
redemption: the merchant's code and PIN (attempts rate-limited per merchant code), an active offer
of that merchant open to the member (the merchant is signed by the member's union's town or the
district), the per-member limit counted with the offer row locked, so two scans at once cannot
both pass a "once" limit. Each code carries a random nonce stored on the redemption: one code logs
one use of an offer (checked under the offer lock and by a unique constraint in the database).
"""

import datetime
import hashlib
import re
import secrets
import tempfile
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.api_support import parse_rate
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import OrgLevel

from ..models.benefits import (
    Merchant,
    MerchantCategory,
    MerchantStatus,
    Offer,
    OfferLimit,
    OfferStatus,
    Redemption,
)
from ..policies.benefits import CHANGE, EXPORT
from ..rules.benefits import rules

MERCHANT_FIELDS = ["name", "category", "address", "contact_name", "contact_phone", "agreement_start",
                   "agreement_end", "status", "status_reason"]
OFFER_FIELDS = ["title", "discount", "description", "valid_from", "valid_to", "limit", "limit_count", "status"]
SIGNING_LEVELS = (OrgLevel.DISTRICT, OrgLevel.TOWN)
PHONE = re.compile(r"^[0-9][0-9\- ]{4,18}[0-9]$")
CARD_SALT = "services.benefits.card"
NONCE = re.compile(r"^[0-9a-f]{8,32}$")
PIN_RATE_SCOPE = "services-benefits-pin"
MIN_YEAR, MAX_YEAR = 2000, 2100


def now():
    return timezone.now()


def today():
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    if "\x00" in value:
        raise DomainError(_("%(label)s contains characters that cannot be stored.") % {"label": label},
                          code="invalid", field=field)
    return value


def _phone(value, field="contact_phone"):
    value = (value or "").strip()
    if value and not PHONE.match(value):
        raise DomainError(_("The phone number may hold only digits, spaces and hyphens (6 to 20 characters)."),
                          code="invalid_phone", field=field)
    return value


def _date(value, field, label):
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DomainError(_("%(label)s must be a date between the years %(a)s and %(b)s.")
                          % {"label": label, "a": MIN_YEAR, "b": MAX_YEAR}, code="invalid_date", field=field)
    return value


def _period(start, end, start_field, end_field, start_label, end_label):
    start, end = _date(start, start_field, start_label), _date(end, end_field, end_label)
    if end < start:
        raise DomainError(_("%(end)s cannot be before %(start)s.") % {"end": end_label, "start": start_label},
                          code="end_before_start", field=end_field)
    return start, end


def _record(actor, action, obj, org, before, fields, extra=None):
    after = audit.snapshot(obj, fields=fields)
    b, a = audit.changed(before, after)
    if extra:
        a.update(extra)
    audit.record(actor=actor, action=action, obj=obj, org=org, before=b, after=a)


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小三 → 欧**三."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- merchants --------------------------------------------------------------------------------

def _merchant_values(name, category, address, contact_name, contact_phone, agreement_start, agreement_end):
    if category not in MerchantCategory.values:
        raise DomainError(_("Choose the category of the merchant."), code="invalid_category", field="category")
    start, end = _period(agreement_start, agreement_end, "agreement_start", "agreement_end",
                         _("The agreement start"), _("The agreement end"))
    return {
        "name": _text(name, "name", _("The merchant's name"), limit=80),
        "category": category,
        "address": _text(address, "address", _("The address"), limit=200),
        "contact_name": _text(contact_name, "contact_name", _("The contact person"), required=False, limit=32),
        "contact_phone": _phone(contact_phone),
        "agreement_start": start,
        "agreement_end": end,
    }


def _new_code():
    prefix = rules().merchant_prefix
    for _try in range(20):
        code = f"{prefix}{secrets.randbelow(10**6):06d}"
        if not Merchant.objects.filter(code=code).exists():
            return code
    raise DomainError(_("No free merchant code was found; try again."), code="no_code")


def check_pin_format(pin, field="pin"):
    r = rules()
    pin = (pin or "").strip()
    if not pin.isdigit() or not r.pin_min_length <= len(pin) <= r.pin_max_length or not pin.isascii():
        raise DomainError(_("The PIN must be %(a)s to %(b)s digits.") % {"a": r.pin_min_length, "b": r.pin_max_length},
                          code="invalid_pin", field=field)
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise DomainError(_("The PIN is too easy to guess (all the same digit or a run such as 123456)."),
                          code="weak_pin", field=field)
    return pin


@transaction.atomic
def create_merchant(*, actor, org, name, category, address, agreement_start, agreement_end, contact_name="",
                    contact_phone="", pin="") -> Merchant:
    """Sign a partner merchant for `org` (the district or a town). A PIN may be set at once."""
    if org is None:
        raise DomainError(_("Choose the federation that signs the agreement."), code="required", field="org")
    require(actor, CHANGE, org)
    if org.level not in SIGNING_LEVELS or not org.is_active:
        raise DomainError(_("A merchant is signed by the district or an active town federation."),
                          code="invalid_org", field="org")
    values = _merchant_values(name, category, address, contact_name, contact_phone, agreement_start, agreement_end)
    if values["agreement_end"] < today():
        raise DomainError(_("The agreement has already ended: a new merchant needs an agreement running today "
                            "or later."), code="agreement_ended", field="agreement_end")
    pin = check_pin_format(pin) if pin else ""
    m = Merchant(org=org, code=_new_code(), **values)
    if pin:
        m.pin_hash, m.pin_set_at = make_password(pin), now()
    m.save()
    audit.record(actor=actor, action="services.merchant_create", obj=m, org=org,
                 after={**audit.snapshot(m, fields=MERCHANT_FIELDS + ["code"]), "org": org.pk, "pin_set": bool(pin)})
    return m


def _wrong_stage(merchant):
    return DomainError(_("This cannot be done now: the merchant is “%(status)s”.")
                       % {"status": merchant.get_status_display()}, code="wrong_stage")


@transaction.atomic
def update_merchant(*, actor, merchant, name, category, address, agreement_start, agreement_end, contact_name="",
                    contact_phone="") -> Merchant:
    require(actor, CHANGE, merchant.org)
    merchant = lock_one(Merchant, merchant.pk)
    if merchant.status == MerchantStatus.EXPIRED:
        raise _wrong_stage(merchant)
    values = _merchant_values(name, category, address, contact_name, contact_phone, agreement_start, agreement_end)
    outside = merchant.offers.filter(status=OfferStatus.ACTIVE).exclude(
        valid_from__gte=values["agreement_start"], valid_to__lte=values["agreement_end"])
    first = outside.order_by("id").first()
    if first is not None:
        raise DomainError(_("The active offer “%(offer)s” (%(a)s to %(b)s) would run outside the agreement: change "
                            "or withdraw it first.") % {"offer": first.title, "a": first.valid_from,
                                                         "b": first.valid_to},
                          code="offer_outside_agreement", field="agreement_end")
    before = audit.snapshot(merchant, fields=MERCHANT_FIELDS)
    for key, value in values.items():
        setattr(merchant, key, value)
    merchant.save()
    _record(actor, "services.merchant_update", merchant, merchant.org, before, MERCHANT_FIELDS)
    return merchant


def _status_step(actor, merchant, *, allowed, to, action, reason, reason_required):
    require(actor, CHANGE, merchant.org)
    merchant = lock_one(Merchant, merchant.pk)
    if merchant.status not in allowed:
        raise _wrong_stage(merchant)
    reason = _text(reason, "reason", _("The reason"), required=reason_required)
    before = audit.snapshot(merchant, fields=MERCHANT_FIELDS)
    merchant.status, merchant.status_reason = to, reason
    merchant.save()
    _record(actor, action, merchant, merchant.org, before, MERCHANT_FIELDS)
    return merchant


@transaction.atomic
def suspend_merchant(*, actor, merchant, reason) -> Merchant:
    """Suspend an active merchant (complaints, a dispute…): no redemption until resumed."""
    return _status_step(actor, merchant, allowed=(MerchantStatus.ACTIVE,), to=MerchantStatus.SUSPENDED,
                        action="services.merchant_suspend", reason=reason, reason_required=True)


@transaction.atomic
def resume_merchant(*, actor, merchant, reason="") -> Merchant:
    m = Merchant.objects.filter(pk=merchant.pk).only("agreement_end").first()
    if m is not None and m.agreement_end < today():
        require(actor, CHANGE, merchant.org)
        raise DomainError(_("The agreement ended on %(day)s: the merchant cannot be resumed; expire it or extend "
                            "the agreement first.") % {"day": m.agreement_end}, code="agreement_ended",
                          field="reason")
    return _status_step(actor, merchant, allowed=(MerchantStatus.SUSPENDED,), to=MerchantStatus.ACTIVE,
                        action="services.merchant_resume", reason=reason, reason_required=False)


@transaction.atomic
def expire_merchant(*, actor, merchant, reason) -> Merchant:
    """End the partnership (agreement ended or terminated). Final: sign a new merchant to restart."""
    return _status_step(actor, merchant, allowed=(MerchantStatus.ACTIVE, MerchantStatus.SUSPENDED),
                        to=MerchantStatus.EXPIRED, action="services.merchant_expire", reason=reason,
                        reason_required=True)


@transaction.atomic
def set_pin(*, actor, merchant, pin) -> Merchant:
    """Set (or replace) the merchant's PIN. Only its hash is stored; the audit says it changed."""
    require(actor, CHANGE, merchant.org)
    merchant = lock_one(Merchant, merchant.pk)
    if merchant.status == MerchantStatus.EXPIRED:
        raise _wrong_stage(merchant)
    pin = check_pin_format(pin)
    merchant.pin_hash, merchant.pin_set_at = make_password(pin), now()
    merchant.save(update_fields=["pin_hash", "pin_set_at", "updated_at"])
    audit.record(actor=actor, action="services.merchant_pin", obj=merchant, org=merchant.org,
                 after={"pin_set_at": merchant.pin_set_at.isoformat()})
    return merchant


def expire_ended_agreements(on=None) -> int:
    """The nightly task: merchants whose agreement ended before `on` (today) become EXPIRED."""
    on = on or today()
    n = 0
    for pk in Merchant.objects.filter(agreement_end__lt=on).exclude(status=MerchantStatus.EXPIRED).values_list(
            "pk", flat=True):
        with transaction.atomic():
            m = lock_one(Merchant, pk)
            if m.status == MerchantStatus.EXPIRED or m.agreement_end >= on:
                continue
            before = audit.snapshot(m, fields=MERCHANT_FIELDS)
            m.status, m.status_reason = MerchantStatus.EXPIRED, _("The agreement ended.")
            m.save()
            _record(None, "services.merchant_expire", m, m.org, before, MERCHANT_FIELDS)
            n += 1
    return n


# --- offers -----------------------------------------------------------------------------------

def _offer_values(merchant, title, discount, description, valid_from, valid_to, limit, limit_count):
    if limit not in OfferLimit.values:
        raise DomainError(_("Choose the per-member limit of the offer."), code="invalid_limit", field="limit")
    if limit == OfferLimit.PER_MONTH:
        if isinstance(limit_count, bool) or not isinstance(limit_count, int) or not 1 <= limit_count <= 31:
            raise DomainError(_("Say how many times a month a member may use the offer (1 to 31)."),
                              code="invalid_limit_count", field="limit_count")
    else:
        limit_count = None
    start, end = _period(valid_from, valid_to, "valid_from", "valid_to", _("Valid from"), _("Valid to"))
    if start < merchant.agreement_start or end > merchant.agreement_end:
        raise DomainError(_("The offer must run inside the merchant's agreement (%(a)s to %(b)s).")
                          % {"a": merchant.agreement_start, "b": merchant.agreement_end},
                          code="outside_agreement", field="valid_to" if end > merchant.agreement_end else "valid_from")
    return {
        "title": _text(title, "title", _("The offer title"), limit=80),
        "discount": _text(discount, "discount", _("The discount"), limit=120),
        "description": _text(description, "description", _("The description"), required=False, limit=1000),
        "valid_from": start, "valid_to": end, "limit": limit, "limit_count": limit_count,
    }


@transaction.atomic
def create_offer(*, actor, merchant, title, discount, valid_from, valid_to, limit=OfferLimit.UNLIMITED,
                 limit_count=None, description="") -> Offer:
    require(actor, CHANGE, merchant.org)
    merchant = lock_one(Merchant, merchant.pk)
    if merchant.status == MerchantStatus.EXPIRED:
        raise _wrong_stage(merchant)
    values = _offer_values(merchant, title, discount, description, valid_from, valid_to, limit, limit_count)
    offer = Offer.objects.create(merchant=merchant, **values)
    audit.record(actor=actor, action="services.offer_create", obj=offer, org=merchant.org,
                 after={**audit.snapshot(offer, fields=OFFER_FIELDS), "merchant": merchant.pk})
    return offer


@transaction.atomic
def update_offer(*, actor, offer, title, discount, valid_from, valid_to, limit=OfferLimit.UNLIMITED,
                 limit_count=None, description="") -> Offer:
    require(actor, CHANGE, offer.merchant.org)
    offer = lock_one(Offer, offer.pk)
    merchant = offer.merchant
    if merchant.status == MerchantStatus.EXPIRED:
        raise _wrong_stage(merchant)
    values = _offer_values(merchant, title, discount, description, valid_from, valid_to, limit, limit_count)
    before = audit.snapshot(offer, fields=OFFER_FIELDS)
    for key, value in values.items():
        setattr(offer, key, value)
    offer.save()
    _record(actor, "services.offer_update", offer, merchant.org, before, OFFER_FIELDS)
    return offer


@transaction.atomic
def withdraw_offer(*, actor, offer, reason) -> Offer:
    require(actor, CHANGE, offer.merchant.org)
    offer = lock_one(Offer, offer.pk)
    if offer.status != OfferStatus.ACTIVE:
        raise DomainError(_("The offer is already withdrawn."), code="wrong_stage")
    reason = _text(reason, "reason", _("The reason"))
    before = audit.snapshot(offer, fields=OFFER_FIELDS)
    offer.status = OfferStatus.WITHDRAWN
    offer.save()
    _record(actor, "services.offer_withdraw", offer, offer.merchant.org, before, OFFER_FIELDS, {"reason": reason})
    return offer


@transaction.atomic
def reinstate_offer(*, actor, offer) -> Offer:
    require(actor, CHANGE, offer.merchant.org)
    offer = lock_one(Offer, offer.pk)
    if offer.status != OfferStatus.WITHDRAWN:
        raise DomainError(_("The offer is active already."), code="wrong_stage")
    m = offer.merchant
    if m.status == MerchantStatus.EXPIRED:
        raise _wrong_stage(m)
    if offer.valid_from < m.agreement_start or offer.valid_to > m.agreement_end:
        raise DomainError(_("The offer must run inside the merchant's agreement (%(a)s to %(b)s).")
                          % {"a": m.agreement_start, "b": m.agreement_end}, code="outside_agreement",
                          field="valid_to")
    before = audit.snapshot(offer, fields=OFFER_FIELDS)
    offer.status = OfferStatus.ACTIVE
    offer.save()
    _record(actor, "services.offer_reinstate", offer, offer.merchant.org, before, OFFER_FIELDS)
    return offer


# --- the member e-card ------------------------------------------------------------------------

def live_membership(person):
    from gonghui.members.models import LIVE_STATUSES, Membership

    if person is None:
        return None
    return Membership.objects.select_related("union").filter(person=person, status__in=LIVE_STATUSES).first()


def card_token(person) -> str:
    """A signed, timestamped token naming the person's internal id (not the ID number)."""
    # "n": a random nonce (64 bits), so that every code shown is distinct; a redemption stores it
    # (`Redemption.card_nonce`, unique per offer): one code = one use per offer
    return signing.dumps({"p": person.pk, "n": secrets.token_hex(8)}, salt=CARD_SALT, compress=True)


def card_url(person) -> str:
    path = reverse("services:card_verify")
    return f"{settings.SITE_URL.rstrip('/')}{path}?t={card_token(person)}"


def read_card_token(token, *, grace=False):
    """The person id of a genuine, fresh token; DomainError `invalid_token` / `expired_token`."""
    return _read_card(token, grace=grace)[0]


def _read_card(token, *, grace=False):
    """(person id, nonce) of a genuine, fresh token."""
    r = rules()
    minutes = r.card_token_minutes + (r.redeem_grace_minutes if grace else 0)
    token = (token or "")[:512]
    try:
        data = signing.loads(token, salt=CARD_SALT, max_age=datetime.timedelta(minutes=minutes))
    except signing.SignatureExpired as exc:
        raise DomainError(_("This card code has expired: ask the member to refresh the e-card and scan again."),
                          code="expired_token", field="token") from exc
    except signing.BadSignature as exc:
        raise DomainError(_("This is not a valid member card code."), code="invalid_token", field="token") from exc
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) or not isinstance(data.get("n"), str) \
            or not NONCE.match(data["n"]):
        raise DomainError(_("This is not a valid member card code."), code="invalid_token", field="token")
    return data["p"], data["n"]


@dataclass(frozen=True)
class CardCheck:
    result: str  # "valid", "not_member", "expired", "invalid"
    masked_name: str = ""
    union_name: str = ""
    person_id: int | None = None
    union_id: int | None = None
    nonce: str = ""


def verify_card(token, *, grace=False) -> CardCheck:
    """The public check of a scanned card code: no PII beyond the masked name and the union."""
    from gonghui.members.models import Person

    try:
        pk, nonce = _read_card(token, grace=grace)
    except DomainError as exc:
        return CardCheck("expired" if exc.code == "expired_token" else "invalid")
    person = Person.objects.filter(pk=pk).only("pk", "name").first()
    if person is None:
        return CardCheck("invalid")
    membership = live_membership(person)
    if membership is None:
        return CardCheck("not_member", masked_name=mask_name(person.name), person_id=person.pk, nonce=nonce)
    return CardCheck("valid", masked_name=mask_name(person.name), union_name=membership.union.name,
                     person_id=person.pk, union_id=membership.union_id, nonce=nonce)


# --- redemptions ------------------------------------------------------------------------------

def _pin_failures_key(ident, window):
    return "pinfail:" + hashlib.sha256(f"{PIN_RATE_SCOPE}:{ident}:{window}".encode()).hexdigest()


def _pin_windows(idents):
    parsed = parse_rate(rules().pin_rate)
    if parsed is None:
        return None, []
    limit, period = parsed
    window = int(time.time() // period)
    return (limit, period), [_pin_failures_key(i, window) for i in idents]


def authenticate_merchant(code, pin, *, ident="-") -> Merchant:
    """The merchant of `code` when `pin` is its PIN. Failed attempts are counted per merchant code
    and per client (`ident`); past `pin_rate` failures every attempt answers `too_many_attempts`
    without checking the PIN. Successful sign-ins (a till logging many redemptions through the
    API) are not counted."""
    code = (code or "").strip().upper()[:12]
    rate, keys = _pin_windows(["code:" + code, "ip:" + ident])
    if rate is not None and any((cache.get(k) or 0) >= rate[0] for k in keys):
        raise DomainError(_("Too many PIN attempts. Please wait and try again later."), code="too_many_attempts",
                          field="pin")
    wrong = DomainError(_("The merchant code or the PIN is wrong."), code="wrong_pin", field="pin")
    merchant = Merchant.objects.select_related("org").filter(code=code).first() if code else None
    ok = False
    if merchant is None or not merchant.pin_hash:
        check_password(pin or "", make_password(None))  # same time either way
    else:
        ok = check_password((pin or "").strip(), merchant.pin_hash)
    if not ok:
        for k in keys:
            cache.add(k, 0, timeout=rate[1] + 1)
            try:
                cache.incr(k)
            except ValueError:  # evicted between add and incr
                cache.set(k, 1, timeout=rate[1] + 1)
        raise wrong
    return merchant


def offer_open_to_union(offer_or_merchant_org, union) -> bool:
    """A merchant signed by an org serves the members of unions in that org's subtree."""
    return union.path.startswith(offer_or_merchant_org.path)


def _month_start(at):
    local = timezone.localtime(at)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt


def uses_left(offer, person, at=None):
    """How many more times the person may use the offer now (None: unlimited)."""
    at = at or now()
    if offer.limit == OfferLimit.UNLIMITED:
        return None
    qs = Redemption.objects.filter(offer=offer, person=person)
    if offer.limit == OfferLimit.ONCE:
        return max(0, 1 - qs.count())
    first, nxt = _month_start(at)
    return max(0, offer.limit_count - qs.filter(redeemed_at__gte=first, redeemed_at__lt=nxt).count())


def offer_refusal(offer, merchant, on):
    if offer.merchant_id != merchant.pk:
        return DomainError(_("This offer is not one of this merchant's."), code="wrong_offer", field="offer")
    if merchant.status != MerchantStatus.ACTIVE or merchant.agreement_end < on or merchant.agreement_start > on:
        return DomainError(_("The merchant is not an active partner now (“%(status)s”): no offer can be used.")
                           % {"status": merchant.get_status_display()}, code="merchant_inactive", field="offer")
    if offer.status != OfferStatus.ACTIVE or not offer.valid_from <= on <= offer.valid_to:
        return DomainError(_("The offer “%(offer)s” is not valid today (valid %(a)s to %(b)s, “%(status)s”).")
                           % {"offer": offer.title, "a": offer.valid_from, "b": offer.valid_to,
                              "status": offer.get_status_display()}, code="offer_not_valid", field="offer")
    return None


def merchant_session_value(merchant) -> dict:
    """What the verify page keeps in the merchant's browser session after the PIN: a new PIN (or
    a status change) ends it."""
    return {"m": merchant.pk, "at": merchant.pin_set_at.isoformat() if merchant.pin_set_at else "",
            "since": int(time.time())}


def merchant_of_session(value):
    """The merchant of a session value, still active with the same PIN and signed in within
    `merchant_session_hours`; else None."""
    if not isinstance(value, dict):
        return None
    since = value.get("since")
    if not isinstance(since, int) or time.time() - since > rules().merchant_session_hours * 3600:
        return None  # signed in too long ago (a till phone left signed in): the PIN again
    m = Merchant.objects.select_related("org").filter(pk=value.get("m"), status=MerchantStatus.ACTIVE).first()
    if m is None or not m.pin_hash or (m.pin_set_at.isoformat() if m.pin_set_at else "") != value.get("at"):
        return None
    return m


@transaction.atomic
def redeem(*, token, merchant, offer_id, actor=None) -> Redemption:
    """Log a member's use of an offer at an authenticated merchant. Refused with one specific
    message: bad or expired card code, not a member, offer not this merchant's or not valid,
    merchant not active, member outside the merchant's area, limit reached."""
    from gonghui.members.models import Person

    card = verify_card(token, grace=True)
    if card.result == "expired":
        read_card_token(token, grace=True)  # raises the specific message
    if card.result == "invalid":
        raise DomainError(_("This is not a valid member card code."), code="invalid_token", field="token")
    if card.result == "not_member":
        raise DomainError(_("This card does not belong to a current union member."), code="not_member",
                          field="token")
    try:
        offer_pk = int(offer_id)
    except (TypeError, ValueError):
        offer_pk = 0
    if not Offer.objects.filter(pk=offer_pk, merchant=merchant).exists():
        raise DomainError(_("Choose one of this merchant's offers."), code="wrong_offer", field="offer")
    offer = lock_one(Offer, offer_pk)  # serialises the per-member limit of this offer
    merchant = Merchant.objects.select_related("org").get(pk=merchant.pk)
    at = now()
    refusal = offer_refusal(offer, merchant, timezone.localdate(at))
    if refusal is not None:
        raise refusal
    person = Person.objects.get(pk=card.person_id)
    membership = live_membership(person)
    if membership is None:
        raise DomainError(_("This card does not belong to a current union member."), code="not_member",
                          field="token")
    if not offer_open_to_union(merchant.org, membership.union):
        raise DomainError(_("This merchant's offers are for members in %(org)s; the member's union is elsewhere.")
                          % {"org": merchant.org.name}, code="outside_area", field="offer")
    left = uses_left(offer, person, at)
    if left == 0:
        raise DomainError(_("The member has already used “%(offer)s” as often as allowed (%(limit)s).")
                          % {"offer": offer.title, "limit": offer.limit_label}, code="limit_reached",
                          field="offer")
    # one scanned code logs one use of an offer: a replayed code or a double tap is refused. Checked
    # here under the offer lock, and by the unique constraint (offer, card_nonce) whatever happens.
    if _code_used(offer, card.nonce):
        raise _code_used_error()
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal leaves the transaction usable
            x = Redemption.objects.create(org=merchant.org, merchant=merchant, offer=offer, person=person,
                                          union=membership.union, redeemed_at=at, card_nonce=card.nonce)
    except IntegrityError:
        if _code_used(offer, card.nonce):
            raise _code_used_error() from None
        raise
    audit.record(actor=actor, action="services.redemption_create", obj=x, org=merchant.org,
                 after={"merchant": merchant.pk, "offer": offer.pk, "person": person.pk,
                        "union": membership.union_id, "redeemed_at": at.isoformat()})
    return x


def _code_used(offer, nonce) -> bool:
    return Redemption.objects.filter(offer=offer, card_nonce=nonce).exclude(card_nonce="").exists()


def _code_used_error():
    return DomainError(_("This card code has already been used for this offer: ask the member to refresh "
                         "the e-card and scan again."), code="code_used", field="token")


def redeem_with_pin(*, token, merchant_code, pin, offer_id, ident="-", actor=None) -> Redemption:
    """`redeem` for a caller holding the merchant's code and PIN (the API)."""
    merchant = authenticate_merchant(merchant_code, pin, ident=ident)
    return redeem(token=token, merchant=merchant, offer_id=offer_id, actor=actor)


# --- exports ----------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return self.pk


def _export_places(actor, org):
    from gonghui.orgs.models import Org

    if org is not None:
        return [org]
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)))


def _audit_export(actor, action, object_type, org, filters, rows):
    ref = uuid.uuid4().hex
    for place in _export_places(actor, org) or [None]:
        audit.record(actor=actor, action=action, obj=_ExportRef(ref), object_type=object_type, org=place,
                     after={"filters": filters, "rows": rows})


def _sheet(title, headers, widths, rows_iter, convert, text_columns=()):
    from gonghui.core.excel import XlsxStream

    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(title, headers=headers, widths=widths, text_columns=text_columns)
        for values in rows_iter:
            sheet.append(convert(list(values)))
            rows += 1
    return handle, rows


def export_merchants(*, actor, filters):
    from ..selectors.benefits import filtered_merchants

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Merchant.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_merchants(actor, filters).filter(pk__in=exportable).order_by("name", "id")
          .values_list("code", "name", "category", "org__name", "address", "contact_name", "contact_phone",
                       "agreement_start", "agreement_end", "status"))
    cats, statuses = dict(MerchantCategory.choices), dict(MerchantStatus.choices)

    def convert(row):
        row[2], row[9] = str(cats.get(row[2], row[2])), str(statuses.get(row[9], row[9]))
        return row

    handle, rows = _sheet(_("Partner merchants"), [
        _("Merchant code"), _("Merchant name"), _("Category"), _("Signed by"), _("Address"), _("Contact person"),
        _("Contact phone"), _("Agreement starts"), _("Agreement ends"), _("Status")],
        [10, 24, 12, 18, 36, 10, 16, 12, 12, 10], qs.iterator(chunk_size=1000), convert, text_columns=(0, 6))
    _audit_export(actor, "services.merchant_export", "services.MerchantExport", filters.org,
                  {"category": filters.category, "status": filters.status, "q": filters.q}, rows)
    return handle, rows


def export_offers(*, actor, filters):
    from ..selectors.benefits import filtered_offers

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Offer.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_offers(actor, filters).filter(pk__in=exportable).order_by("merchant__name", "id")
          .values_list("title", "merchant__name", "merchant__org__name", "discount", "valid_from", "valid_to",
                       "limit", "limit_count", "status"))
    limits, statuses = dict(OfferLimit.choices), dict(OfferStatus.choices)

    def convert(row):
        row[6] = str(limits.get(row[6], row[6]))
        row[8] = str(statuses.get(row[8], row[8]))
        return row

    handle, rows = _sheet(_("Offers"), [
        _("Offer title"), _("Merchant"), _("Signed by"), _("Discount"), _("Valid from"), _("Valid to"),
        _("Per-member limit"), _("Times per month"), _("Status")],
        [24, 24, 18, 30, 12, 12, 16, 8, 10], qs.iterator(chunk_size=1000), convert)
    _audit_export(actor, "services.offer_export", "services.OfferExport", filters.org,
                  {"status": filters.status, "category": filters.category, "valid": filters.valid, "q": filters.q},
                  rows)
    return handle, rows


def export_redemptions(*, actor, filters):
    from ..selectors.benefits import filtered_redemptions

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Redemption.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered_redemptions(actor, filters).filter(pk__in=exportable).order_by("-redeemed_at", "-id")
          .values_list("redeemed_at", "merchant__code", "merchant__name", "offer__title", "person__name",
                       "union__name"))

    def convert(row):
        row[0] = timezone.localtime(row[0]).strftime("%Y-%m-%d %H:%M")
        return row

    handle, rows = _sheet(_("Redemptions"), [
        _("Redeemed at"), _("Merchant code"), _("Merchant"), pgettext("member benefit", "Offer"), _("Member"),
        _("Union")],
        [16, 10, 24, 24, 10, 24], qs.iterator(chunk_size=2000), convert, text_columns=(1,))
    _audit_export(actor, "services.redemption_export", "services.RedemptionExport", filters.org,
                  {"merchant": filters.merchant.pk if filters.merchant else None,
                   "date_from": str(filters.date_from or ""), "date_to": str(filters.date_to or ""), "q": filters.q},
                  rows)
    return handle, rows
