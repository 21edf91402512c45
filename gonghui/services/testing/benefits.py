"""Builders for tests of member benefits: a merchant signed by town1 (or another org) with a PIN,
an offer, a member's card token, walked through the services by the right people."""

import datetime

from django.utils import timezone

from gonghui.services.models.benefits import Merchant, Offer, OfferLimit
from gonghui.services.services import benefits as services

PIN = "730914"
_N = {"merchant": 0}


def merchant(tree, *, org=None, name=None, category="FOOD", pin=PIN, actor=None, start=None, end=None) -> Merchant:
    """An active merchant signed by town1 (or `org`) by the district (or `actor`), agreement from
    a month ago to a year ahead, with PIN `PIN`."""
    _N["merchant"] += 1
    today = timezone.localdate()
    return services.create_merchant(
        actor=actor or tree.district_staff, org=org or tree.town1, name=name or f"测试商户{_N['merchant']}",
        category=category, address=f"人民路{_N['merchant']}号", contact_name="王经理", contact_phone="0571-82000000",
        agreement_start=start or today - datetime.timedelta(days=30),
        agreement_end=end or today + datetime.timedelta(days=365), pin=pin)


def offer(tree, m=None, *, limit=OfferLimit.UNLIMITED, limit_count=None, title="会员九折", actor=None) -> Offer:
    m = m or merchant(tree)
    return services.create_offer(actor=actor or tree.district_staff, merchant=m, title=title, discount="九折",
                                 valid_from=m.agreement_start, valid_to=m.agreement_end, limit=limit,
                                 limit_count=limit_count)


def member_person(tree, union=None):
    """A live member of union1 (or `union`)."""
    return tree.member(union=union).person


def redeem(tree, o, person, merchant_obj=None):
    return services.redeem(token=services.card_token(person), merchant=merchant_obj or o.merchant, offer_id=o.pk)
