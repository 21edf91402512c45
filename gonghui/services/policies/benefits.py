"""Who may do what with member benefits.

- `services.view`: see the merchants and offers signed in the subtree *or above it* (a union sees
  its town's and the district's merchants), and the redemptions at merchants signed in the subtree;
- `services.change`: sign (create), edit, suspend, resume and expire a merchant, set its PIN,
  create, edit, withdraw and reinstate its offers — for merchants signed by an org of the subtree
  (so in practice the district and town cadres: merchants are signed by the district or a town);
- `services.export`: the Excel exports.
Members act only through their own e-card page; merchants through the public verify page with
their code and PIN. These helpers decide which buttons a page shows; the services check again.
"""

from dataclasses import dataclass

from ..models.benefits import MerchantStatus, OfferStatus

VIEW = "services.view"
CHANGE = "services.change"
EXPORT = "services.export"


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


@dataclass(frozen=True)
class MerchantActions:
    edit: bool = False
    suspend: bool = False
    resume: bool = False
    expire: bool = False
    pin: bool = False
    add_offer: bool = False


def merchant_actions(user, merchant) -> MerchantActions:
    manage = can(user, CHANGE, merchant.org)
    s = merchant.status
    return MerchantActions(edit=manage and s != MerchantStatus.EXPIRED,
                           suspend=manage and s == MerchantStatus.ACTIVE,
                           resume=manage and s == MerchantStatus.SUSPENDED,
                           expire=manage and s != MerchantStatus.EXPIRED,
                           pin=manage and s != MerchantStatus.EXPIRED,
                           add_offer=manage and s != MerchantStatus.EXPIRED)


@dataclass(frozen=True)
class OfferActions:
    edit: bool = False
    withdraw: bool = False
    reinstate: bool = False


def offer_actions(user, offer) -> OfferActions:
    manage = can(user, CHANGE, offer.merchant.org)
    active = offer.status == OfferStatus.ACTIVE
    live = offer.merchant.status != MerchantStatus.EXPIRED
    return OfferActions(edit=manage and live, withdraw=manage and active, reinstate=manage and not active and live)
