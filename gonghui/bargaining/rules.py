"""The numbers of the Hangzhou regulation (DOMAIN.md §2) as defaults a deployment may override
with the `BARGAINING_RULES` setting (a dict with any of these keys)."""

from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Rules:
    reply_days: int = 20                  # written reply within 20 days of receiving the offer
    talks_working_days: int = 10          # talks start within 10 working days of the reply
    data_working_days_before: int = 5     # wage data 5 working days before the first meeting
    filing_days: int = 10                 # filed with the labour bureau within 10 days of signing
    objection_days: int = 15              # effective when the bureau raises no objection in 15 days
    publish_days: int = 5                 # published to staff within 5 days of taking effect
    renewal_days_before: int = 60         # renewal offer within 60 days before expiry
    representatives_min: int = 3          # per side
    representatives_max: int = 10
    remind_working_days: int = 3          # reminders for steps due within this many working days
    # When at least a fifth of an enterprise's staff ask for wage negotiation the union must send
    # the offer (Hangzhou regulation art. 21). The regulation sets no period; this local default
    # mirrors the 20 days the other side has to reply.
    staff_request_offer_days: int = 20


def rules() -> Rules:
    overrides = getattr(settings, "BARGAINING_RULES", {}) or {}
    known = {f.name for f in fields(Rules)}
    return Rules(**{k: v for k, v in overrides.items() if k in known})
