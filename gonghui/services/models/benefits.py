"""会员普惠 (member benefits, DOMAIN.md §7): partner merchants, their offers, and the log of
redemptions made with the member e-card.

- `Merchant`: a partner business signed by the district or a town federation (`org`): category,
  address, contact, agreement period, status ACTIVE / SUSPENDED / EXPIRED, a public merchant code
  and a PIN (stored hashed, set by the signing cadres) with which the merchant logs redemptions.
- `Offer`: what the merchant gives members (title, discount text, validity, a per-member limit:
  unlimited, once, or N per calendar month), ACTIVE or WITHDRAWN.
- `Redemption`: one use of an offer by a member (the person and their union at that moment) and
  the nonce of the e-card code that was scanned: one code logs one use of an offer (unique in the
  database; blank for rows logged without a code).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["MerchantCategory", "MerchantStatus", "Merchant", "OfferLimit", "OfferStatus", "Offer", "Redemption"]


class MerchantCategory(models.TextChoices):
    FOOD = "FOOD", pgettext_lazy("merchant category", "Food and drink")
    SHOPPING = "SHOPPING", pgettext_lazy("merchant category", "Shopping")
    HEALTH = "HEALTH", pgettext_lazy("merchant category", "Health")
    TRAVEL = "TRAVEL", pgettext_lazy("merchant category", "Culture and travel")
    LIFE = "LIFE", pgettext_lazy("merchant category", "Everyday services")
    OTHER = "OTHER", pgettext_lazy("merchant category", "Other")


class MerchantStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("merchant status", "Active")
    SUSPENDED = "SUSPENDED", pgettext_lazy("merchant status", "Suspended")
    EXPIRED = "EXPIRED", pgettext_lazy("merchant status", "Expired")


class Merchant(ScopedModel):
    """A partner merchant. `org` is the federation that signed the agreement (district or town)."""

    scope_lookups = ("org",)
    audit_exclude = ("pin_hash",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by"))
    code = models.CharField(_("merchant code"), max_length=12, unique=True)
    name = models.CharField(_("merchant name"), max_length=80)
    category = models.CharField(_("category"), max_length=10, choices=MerchantCategory.choices)
    address = models.CharField(_("address"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=32, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    agreement_start = models.DateField(_("agreement starts"))
    agreement_end = models.DateField(_("agreement ends"))
    status = models.CharField(_("status"), max_length=10, choices=MerchantStatus.choices,
                              default=MerchantStatus.ACTIVE)
    status_reason = models.CharField(_("reason"), max_length=400, blank=True)
    pin_hash = models.CharField(max_length=200, blank=True, editable=False)
    pin_set_at = models.DateTimeField(_("PIN set at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner merchant")
        verbose_name_plural = _("partner merchants")
        ordering = ("name", "id")
        indexes = [models.Index(fields=["status", "agreement_end"], name="services_merchant_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(agreement_end__gte=F("agreement_start")),
                                   name="services_merchant_agreement_order"),
        ]

    def __str__(self):
        return self.name

    @property
    def has_pin(self):
        return bool(self.pin_hash)


class OfferLimit(models.TextChoices):
    UNLIMITED = "UNLIMITED", pgettext_lazy("offer limit", "Unlimited")
    ONCE = "ONCE", pgettext_lazy("offer limit", "Once per member")
    PER_MONTH = "PER_MONTH", pgettext_lazy("offer limit", "N times per member per month")


class OfferStatus(models.TextChoices):
    ACTIVE = "ACTIVE", pgettext_lazy("offer status", "Active")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("offer status", "Withdrawn")


class Offer(ScopedModel):
    """One offer of a merchant to members."""

    scope_lookups = ("merchant__org",)

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="offers",
                                 verbose_name=_("merchant"))
    title = models.CharField(_("title"), max_length=80)
    discount = models.CharField(_("discount"), max_length=120)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    limit = models.CharField(_("per-member limit"), max_length=10, choices=OfferLimit.choices,
                             default=OfferLimit.UNLIMITED)
    limit_count = models.PositiveSmallIntegerField(_("times per month"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.ACTIVE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ("-valid_to", "id")
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="services_offer_dates_order"),
            models.CheckConstraint(condition=~Q(limit="PER_MONTH") | Q(limit_count__gte=1),
                                   name="services_offer_per_month_count"),
        ]

    def __str__(self):
        return self.title

    @property
    def limit_label(self):
        if self.limit == OfferLimit.PER_MONTH:
            return _("%(n)s time(s) per month") % {"n": self.limit_count}
        return self.get_limit_display()


class Redemption(ScopedModel):
    """One use of an offer by a member, logged by the merchant on the verify page (or the API).
    `org` is the merchant's signing org (the scope); `union` the member's union at that moment."""

    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by"))
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="redemptions",
                                 verbose_name=_("merchant"))
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("offer"))
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="benefit_redemptions",
                               verbose_name=_("member"))
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    redeemed_at = models.DateTimeField(_("redeemed at"), db_index=True)
    # the random nonce of the scanned e-card code (not secret, not personal); "" = logged without one
    card_nonce = models.CharField(_("e-card code nonce"), max_length=32, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ("-redeemed_at", "-id")
        indexes = [models.Index(fields=["person", "offer", "redeemed_at"], name="services_redemption_limit_idx"),
                   models.Index(fields=["merchant", "redeemed_at"], name="services_redemption_merch_idx")]
        constraints = [
            # one scanned code logs one use of an offer (a replayed screenshot, a double tap)
            models.UniqueConstraint(fields=["offer", "card_nonce"], condition=~Q(card_nonce=""),
                                    name="services_redemption_code_once"),
        ]

    def __str__(self):
        return f"{self.offer_id}/{self.person_id}"
