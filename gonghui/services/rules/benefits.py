"""Configurable figures of the `benefits` area (DOMAIN.md §7), overridable with the
`SERVICES_BENEFITS_RULES` setting (a dict with any of these keys).

- `card_token_minutes`: how long the QR code of a member e-card stays valid (the card page
  refreshes itself before that);
- `redeem_grace_minutes`: extra minutes a scanned code still logs a redemption (the merchant
  types the code and PIN after scanning);
- `verify_rate`: public card verifications per client IP ("count/period"; "" = no limit);
- `pin_rate`: merchant PIN attempts per merchant code and per client IP (brute force);
- `pin_length`: digits of a merchant PIN (min, max);
- `merchant_session_hours`: how long a merchant stays signed in on the verify page after the PIN;
- `expiring_days`: an agreement ending within this many days is "due" for the signing cadres;
- `merchant_prefix`: first letters of a merchant code (PH + 6 digits).
"""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    card_token_minutes: int = 5
    redeem_grace_minutes: int = 10
    verify_rate: str = "30/min"
    pin_rate: str = "10/h"
    pin_min_length: int = 6
    pin_max_length: int = 8
    merchant_session_hours: int = 12
    expiring_days: int = 30
    merchant_prefix: str = "PH"


def rules() -> Rules:
    overrides = getattr(settings, "SERVICES_BENEFITS_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
