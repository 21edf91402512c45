"""/merchants (partner merchants of 会员普惠), /offers and /redemptions.

- Reads go through the selectors: merchants and offers are readable in the caller's subtree and
  above it (a union sees its town's and the district's); a record outside answers 404 like a
  missing one. Redemptions are read in the subtree of the signing org.
- Writes call exactly one service: create (POST), update (PATCH: the fields sent replace the
  current ones), the steps `POST /merchants/{id}/suspend|resume|expire|pin` and
  `POST /offers/{id}/withdraw|reinstate` (only where the caller manages the merchant: 404
  otherwise). A rule that refuses answers 400 with its code and field; a step the status does not
  allow 409 `wrong_stage`.
- `POST /redemptions`: a till system logs a redemption with the scanned card token, the merchant
  code and PIN, and the offer (same rules as the public verify page; PIN attempts rate-limited).
  `GET /member-cards/verify?token=`: the public card check (valid / not_member / expired /
  invalid, masked name and union only), rate-limited per client IP like the page.
- Lists: keyset pagination, newest first: `?after=<next_after>&limit=1..200`; counts are capped.
"""

import datetime
from typing import Annotated

from ninja import Field, Header, Query, Router, Status
from pydantic import ConfigDict

from gonghui.core.api_support import (
    IDEMPOTENCY_HEADER_DOC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    ApiSchema,
    Id,
    PageMeta,
    PageParams,
    Ref,
    Text,
    enforce_rate,
    idempotent,
    not_found,
    paginate,
    ref,
    resolve,
    workflow_actions,
)
from gonghui.core.context import client_ip
from gonghui.core.errors import DomainError
from gonghui.core.policies import require
from gonghui.orgs.models import Org

from .models.benefits import MerchantCategory, MerchantStatus, OfferLimit, OfferStatus
from .policies import benefits as policies
from .rules.benefits import rules
from .selectors import benefits as selectors
from .services import benefits as services

router = Router(tags=["member-benefits"])


# --- schemas ----------------------------------------------------------------------------------------

class MerchantRow(ApiSchema):
    id: int
    code: str
    name: str
    category: MerchantCategory
    org: Ref = Field(description="The federation that signed the agreement (district or town).")
    address: str
    agreement_start: datetime.date
    agreement_end: datetime.date
    status: MerchantStatus


class MerchantPage(PageMeta):
    items: list[MerchantRow]


class MerchantActionsOut(ApiSchema):
    edit: bool
    suspend: bool
    resume: bool
    expire: bool
    pin: bool
    add_offer: bool


class OfferLine(ApiSchema):
    id: int
    title: str
    discount: str
    valid_from: datetime.date
    valid_to: datetime.date
    limit: OfferLimit
    limit_count: int | None
    status: OfferStatus


class MerchantDetail(MerchantRow):
    contact_name: str
    contact_phone: str
    status_reason: str
    pin_set: bool
    pin_set_at: datetime.datetime | None
    offers: list[OfferLine]
    actions: MerchantActionsOut


class MerchantFiltersIn(PageParams):
    status: MerchantStatus | None = None
    category: MerchantCategory | None = None
    org: Id | None = Field(None, description="Only merchants signed in this org's subtree.")
    q: Text(60) | None = Field(None, description="Part of the name or address, or the merchant code.")


class MerchantIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    org: Id = Field(description="The district or a town of the caller's.")
    name: Text(80)
    category: MerchantCategory
    address: Text(200)
    contact_name: Text(32) = ""
    contact_phone: Text(20) = ""
    agreement_start: datetime.date
    agreement_end: datetime.date
    pin: Text(8) = Field("", description="Optional: 6–8 digits (stored hashed, never returned).")


class MerchantPatch(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    name: Text(80) | None = None
    category: MerchantCategory | None = None
    address: Text(200) | None = None
    contact_name: Text(32) | None = None
    contact_phone: Text(20) | None = None
    agreement_start: datetime.date | None = None
    agreement_end: datetime.date | None = None


class ReasonIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400)


class OptionalReasonIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    reason: Text(400) = ""


class PinIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    pin: Text(8)


class EmptyIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")


class OfferRow(OfferLine):
    merchant: Ref


class OfferPage(PageMeta):
    items: list[OfferRow]


class OfferActionsOut(ApiSchema):
    edit: bool
    withdraw: bool
    reinstate: bool


class OfferDetail(OfferRow):
    description: str
    valid_now: bool
    redemptions: int
    members: int
    actions: OfferActionsOut


class OfferFiltersIn(PageParams):
    status: OfferStatus | None = None
    category: MerchantCategory | None = None
    valid: bool | None = Field(None, description="true: only offers valid today.")
    org: Id | None = None
    q: Text(60) | None = None


class OfferIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    merchant: Id
    title: Text(80)
    discount: Text(120)
    description: Text(1000) = ""
    valid_from: datetime.date
    valid_to: datetime.date
    limit: OfferLimit = OfferLimit.UNLIMITED
    limit_count: int | None = Field(None, description="For PER_MONTH: 1–31.")


class OfferPatch(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    title: Text(80) | None = None
    discount: Text(120) | None = None
    description: Text(1000) | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    limit: OfferLimit | None = None
    limit_count: int | None = None


class PersonLine(ApiSchema):
    id: int
    name: str


class RedemptionRow(ApiSchema):
    id: int
    redeemed_at: datetime.datetime
    merchant: Ref
    offer: Ref
    person: PersonLine
    union: Ref


class RedemptionPage(PageMeta):
    items: list[RedemptionRow]


# The log's day filters become timestamps at the day's start in local time: year 1 or 9999 would
# overflow that conversion (a 500, found by schemathesis), so the range is bounded (422 beyond it).
LogDay = Annotated[datetime.date, Field(ge=datetime.date(1900, 1, 1), le=datetime.date(2999, 12, 31))]


class RedemptionFiltersIn(PageParams):
    merchant: Id | None = None
    org: Id | None = Field(None, description="Merchants signed, or members' unions, in this org's subtree.")
    date_from: LogDay | None = None
    date_to: LogDay | None = None
    q: Text(60) | None = Field(None, description="Start of the member's name, or part of the offer or merchant.")


class RedeemIn(ApiSchema):
    model_config = ConfigDict(extra="forbid")

    token: Text(512) = Field(description="The `t` of the scanned e-card URL.")
    merchant_code: Text(12)
    pin: Text(8)
    offer: Id


class RedeemOut(ApiSchema):
    id: int
    redeemed_at: datetime.datetime
    merchant: Ref
    offer: Ref
    member_masked: str
    union: Ref


class CardCheckOut(ApiSchema):
    result: str = Field(description="valid, not_member, expired or invalid.")
    masked_name: str
    union_name: str


# --- output -------------------------------------------------------------------------------------------

def merchant_row(x):
    return {"id": x.pk, "code": x.code, "name": x.name, "category": x.category, "org": ref(x.org),
            "address": x.address, "agreement_start": x.agreement_start, "agreement_end": x.agreement_end,
            "status": x.status}


def _offer_line(o):
    return {"id": o.pk, "title": o.title, "discount": o.discount, "valid_from": o.valid_from, "valid_to": o.valid_to,
            "limit": o.limit, "limit_count": o.limit_count, "status": o.status}


def merchant_out(user, merchant):
    x = selectors.merchant_rows().get(pk=merchant.pk)
    return {**merchant_row(x), "contact_name": x.contact_name, "contact_phone": x.contact_phone,
            "status_reason": x.status_reason, "pin_set": x.has_pin, "pin_set_at": x.pin_set_at,
            "offers": [_offer_line(o) for o in selectors.merchant_offers(x)],
            "actions": vars(policies.merchant_actions(user, x))}


def _merchant(user, merchant_id, *, read=False):
    qs = selectors.readable_merchants(user) if read else selectors.merchants(user)
    x = qs.select_related("org").filter(pk=merchant_id).first()
    if x is None:
        raise not_found()
    return x


def offer_row(o):
    return {**_offer_line(o), "merchant": ref(o.merchant)}


def offer_out(user, offer):
    x = selectors.offer_rows().get(pk=offer.pk)
    stats = selectors.offer_stats(x)
    return {**offer_row(x), "description": x.description,
            "valid_now": services.offer_refusal(x, x.merchant, services.today()) is None,
            "redemptions": stats["total"], "members": stats["people"],
            "actions": vars(policies.offer_actions(user, x))}


def _offer(user, offer_id, *, read=False):
    from .models.benefits import Offer

    qs = selectors.readable_offers(user) if read else Offer.objects.visible_to(user, policies.VIEW)
    x = qs.select_related("merchant", "merchant__org").filter(pk=offer_id).first()
    if x is None:
        raise not_found()
    return x


def redemption_row(x):
    return {"id": x.pk, "redeemed_at": x.redeemed_at, "merchant": ref(x.merchant),
            "offer": {"id": x.offer.pk, "name": x.offer.title},
            "person": {"id": x.person.pk, "name": x.person.name}, "union": ref(x.union)}


def _org(user, org_id):
    if org_id is None:
        return None, False
    org = Org.objects.visible_to(user, policies.VIEW).filter(pk=org_id).first()
    return org, org is None


# --- merchants ----------------------------------------------------------------------------------------

@router.get("/merchants", response={200: MerchantPage, **READ_ERRORS}, summary="List partner merchants")
def list_merchants(request, filters: Query[MerchantFiltersIn]):
    user = request.auth
    org, hidden = _org(user, filters.org)
    qs = selectors.filtered_merchants(user, selectors.MerchantFilters(
        q=filters.q or "", org=org, category=filters.category or "", status=filters.status or ""))
    if hidden:
        qs = qs.none()
    return paginate(qs, filters, row=merchant_row, load=selectors.merchant_rows())


@router.get("/merchants/{merchant_id}", response={200: MerchantDetail, **READ_ERRORS},
            summary="Get a partner merchant with its offers")
def get_merchant(request, merchant_id: Id):
    user = request.auth
    return merchant_out(user, _merchant(user, merchant_id, read=True))


@router.post("/merchants", response={201: MerchantDetail, **WRITE_ERRORS}, summary="Sign a partner merchant")
def create_merchant(request, payload: MerchantIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                         description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        org = resolve(Org.objects.visible_to(user, policies.VIEW), payload.org, field="org")
        require(user, policies.CHANGE, org)
        x = services.create_merchant(actor=user, org=org, name=payload.name, category=payload.category,
                                     address=payload.address, contact_name=payload.contact_name,
                                     contact_phone=payload.contact_phone, agreement_start=payload.agreement_start,
                                     agreement_end=payload.agreement_end, pin=payload.pin)
        return 201, merchant_out(user, x)

    return idempotent(request, idempotency_key, payload, run, schema=MerchantDetail)


@router.patch("/merchants/{merchant_id}", response={200: MerchantDetail, **WRITE_ERRORS},
              summary="Edit a partner merchant (the fields sent)")
def update_merchant(request, merchant_id: Id, payload: MerchantPatch):
    user = request.auth
    x = _merchant(user, merchant_id)
    sent = payload.dict(exclude_unset=True)
    values = {k: sent[k] if k in sent and sent[k] is not None else getattr(x, k)
              for k in ("name", "category", "address", "contact_name", "contact_phone", "agreement_start",
                        "agreement_end")}
    services.update_merchant(actor=user, merchant=x, **values)
    return merchant_out(user, x)


_merchant_action = workflow_actions(router, path="/merchants", id_param="merchant_id", load=_merchant,
                                    render=merchant_out, response=MerchantDetail, operation_prefix="merchant")


@_merchant_action("suspend", "Suspend an active merchant", ReasonIn)
def suspend(user, x, p):
    services.suspend_merchant(actor=user, merchant=x, reason=p.reason)


@_merchant_action("resume", "Resume a suspended merchant", OptionalReasonIn)
def resume(user, x, p):
    services.resume_merchant(actor=user, merchant=x, reason=p.reason)


@_merchant_action("expire", "End the merchant's agreement (final)", ReasonIn)
def expire(user, x, p):
    services.expire_merchant(actor=user, merchant=x, reason=p.reason)


@_merchant_action("pin", "Set the merchant's PIN (6–8 digits; never returned)", PinIn)
def pin(user, x, p):
    services.set_pin(actor=user, merchant=x, pin=p.pin)


# --- offers ---------------------------------------------------------------------------------------------

@router.get("/offers", response={200: OfferPage, **READ_ERRORS}, summary="List offers")
def list_offers(request, filters: Query[OfferFiltersIn]):
    user = request.auth
    org, hidden = _org(user, filters.org)
    qs = selectors.filtered_offers(user, selectors.OfferFilters(
        q=filters.q or "", org=org, category=filters.category or "", status=filters.status or "",
        valid="1" if filters.valid else ""))
    if hidden:
        qs = qs.none()
    return paginate(qs, filters, row=offer_row, load=selectors.offer_rows())


@router.get("/offers/{offer_id}", response={200: OfferDetail, **READ_ERRORS}, summary="Get an offer")
def get_offer(request, offer_id: Id):
    user = request.auth
    return offer_out(user, _offer(user, offer_id, read=True))


@router.post("/offers", response={201: OfferDetail, **WRITE_ERRORS}, summary="Add an offer to a merchant")
def create_offer(request, payload: OfferIn,
                 idempotency_key: str | None = Header(None, alias="Idempotency-Key",
                                                      description=IDEMPOTENCY_HEADER_DOC)):
    user = request.auth

    def run():
        m = resolve(selectors.merchants(user).select_related("org"), payload.merchant, field="merchant")
        x = services.create_offer(actor=user, merchant=m, title=payload.title, discount=payload.discount,
                                  description=payload.description, valid_from=payload.valid_from,
                                  valid_to=payload.valid_to, limit=payload.limit, limit_count=payload.limit_count)
        return 201, offer_out(user, x)

    return idempotent(request, idempotency_key, payload, run, schema=OfferDetail)


@router.patch("/offers/{offer_id}", response={200: OfferDetail, **WRITE_ERRORS}, summary="Edit an offer")
def update_offer(request, offer_id: Id, payload: OfferPatch):
    user = request.auth
    x = _offer(user, offer_id)
    sent = payload.dict(exclude_unset=True)
    values = {k: sent[k] if k in sent and sent[k] is not None else getattr(x, k)
              for k in ("title", "discount", "description", "valid_from", "valid_to", "limit", "limit_count")}
    services.update_offer(actor=user, offer=x, **values)
    return offer_out(user, x)


_offer_action = workflow_actions(router, path="/offers", id_param="offer_id", load=_offer, render=offer_out,
                                 response=OfferDetail, operation_prefix="offer")


@_offer_action("withdraw", "Withdraw an offer", ReasonIn)
def withdraw(user, x, p):
    services.withdraw_offer(actor=user, offer=x, reason=p.reason)


@_offer_action("reinstate", "Reinstate a withdrawn offer", EmptyIn)
def reinstate(user, x, p):
    services.reinstate_offer(actor=user, offer=x)


# --- redemptions ------------------------------------------------------------------------------------------

@router.get("/redemptions", response={200: RedemptionPage, **READ_ERRORS}, summary="The redemption log")
def list_redemptions(request, filters: Query[RedemptionFiltersIn]):
    user = request.auth
    org, hidden = _org(user, filters.org)
    merchant = None
    if filters.merchant is not None:
        merchant = selectors.readable_merchants(user).filter(pk=filters.merchant).first()
        hidden = hidden or merchant is None
    qs = selectors.filtered_redemptions(user, selectors.RedemptionFilters(
        q=filters.q or "", org=org, merchant=merchant, date_from=filters.date_from, date_to=filters.date_to))
    if hidden:
        qs = qs.none()
    return paginate(qs, filters, row=redemption_row, load=selectors.redemption_rows())


@router.post("/redemptions", response={201: RedeemOut, **WRITE_ERRORS, 429: READ_ERRORS[404]},
             summary="Log a redemption (card token, merchant code and PIN, offer)",
             description="One card token logs one use of an offer (`code_used` on a replay); too many wrong "
                         "PINs for the merchant code or from the client answer 429 `too_many_attempts`.")
def create_redemption(request, payload: RedeemIn):
    try:
        x = services.redeem_with_pin(token=payload.token, merchant_code=payload.merchant_code, pin=payload.pin,
                                     offer_id=payload.offer, ident=client_ip(request) or "-", actor=request.auth)
    except DomainError as exc:
        if exc.code == "too_many_attempts":
            raise ApiError(429, exc.code, exc.text, field=exc.field) from exc
        raise
    return Status(201, {"id": x.pk, "redeemed_at": x.redeemed_at, "merchant": ref(x.merchant),
                        "offer": {"id": x.offer.pk, "name": x.offer.title},
                        "member_masked": services.mask_name(x.person.name), "union": ref(x.union)})


@router.get("/member-cards/verify", response={200: CardCheckOut, **READ_ERRORS, 429: READ_ERRORS[404]},
            summary="Check a scanned member e-card token (no personal data beyond the masked name)")
def verify_card(request, token: Text(512)):
    from .views.benefits import VERIFY_RATE_SCOPE

    enforce_rate(request, VERIFY_RATE_SCOPE, rules().verify_rate)
    c = services.verify_card(token)
    return {"result": c.result, "masked_name": c.masked_name, "union_name": c.union_name}
