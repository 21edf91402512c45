"""Models of the `joins` area: 实名入会 — a worker's real-name request to join the union.

`JoinRequest`: a worker signed in on the member portal (an account with no role yet) gives their
real name, ID card number (birth date and gender come from it), mobile, hometown province and
the enterprise they work at, and accepts the union's charter. The request is routed when it
arrives:

- the enterprise has a union → that union decides (`route` UNION, `org` = the union);
- otherwise (a registered enterprise without a union, or one typed by name with its town) → the
  town (or platform) decides (`route` TOWN, `org` = the town), admitting the worker to one of the
  town's joint unions (联合基层工会) or another union in the town.

`org` is the deciding org (the scope); `union` is the union the worker was admitted to, set on
approval together with the registry `person` and `membership` (members.services.register_member).
Status PENDING → APPROVED / REJECTED (with a reason) / WITHDRAWN (by the worker). One pending
request per account and per ID card number (partial unique constraints). ID and mobile are
stored like the registry's: encrypted, a keyed hash, a masked copy.

Member transfers asked from the portal (a member changing jobs) are the registry's own
`members.Transfer` rows: this area adds no model for them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core import pii
from gonghui.core.regions import PROVINCE_CHOICES
from gonghui.core.scoping import ScopedModel
from gonghui.members.models import Gender

__all__ = ["JoinStatus", "JoinRoute", "JoinChannel", "OPEN_JOIN_STATUSES", "JoinRequest"]


class JoinStatus(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("join request status", "Awaiting decision")
    APPROVED = "APPROVED", pgettext_lazy("join request status", "Approved")
    REJECTED = "REJECTED", pgettext_lazy("join request status", "Not approved")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("join request status", "Withdrawn")


OPEN_JOIN_STATUSES = (JoinStatus.PENDING,)


class JoinRoute(models.TextChoices):
    UNION = "UNION", pgettext_lazy("join request route", "The enterprise's union")
    TOWN = "TOWN", pgettext_lazy("join request route", "The town (joint union)")


class JoinChannel(models.TextChoices):
    PORTAL = "PORTAL", pgettext_lazy("join request channel", "Member portal")
    API = "API", pgettext_lazy("join request channel", "API")


class JoinRequest(ScopedModel):
    # The deciding org's subtree sees it. The union admitted to is always inside that subtree
    # (the enterprise's union itself, or a union of the deciding town), so one lookup suffices:
    # no DISTINCT, and the list's counts use the (org, status) index. A joint union's chair thus
    # does not see the town's requests that became their members (the members are on their list).
    scope_lookups = ("org",)

    account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="join_requests", verbose_name=_("portal account"))
    name = models.CharField(_("name"), max_length=64)
    id_number_enc = models.TextField()
    id_number_hash = models.CharField(max_length=64, db_index=True)
    id_number_masked = models.CharField(_("ID card number"), max_length=18)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_on = models.DateField(_("date of birth"))
    phone_enc = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("mobile"), max_length=11, blank=True)
    hometown_province = models.CharField(_("hometown province"), max_length=16, choices=PROVINCE_CHOICES)
    is_migrant = models.BooleanField(_("migrant worker"), default=False)
    # Where the worker works: a registered enterprise, or a name typed by the worker (then `town`
    # is the town they chose).
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("enterprise"))
    enterprise_name = models.CharField(_("enterprise name (as given)"), max_length=200)
    town = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("town"))
    route = models.CharField(pgettext_lazy("join request", "decided by"), max_length=8, choices=JoinRoute.choices)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name=pgettext_lazy("join request", "deciding organisation"))
    union = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=pgettext_lazy("join request", "admitted to"))
    status = models.CharField(_("status"), max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING)
    channel = models.CharField(pgettext_lazy("join request", "channel"), max_length=8, choices=JoinChannel.choices,
                               default=JoinChannel.PORTAL)
    consented_at = models.DateTimeField(_("charter accepted at"))
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decision_note = models.CharField(pgettext_lazy("join request", "reason"), max_length=400, blank=True)
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("person"))
    membership = models.ForeignKey("members.Membership", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("membership"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="portal_join_status_at"),
            models.Index(fields=["org", "status"], name="portal_join_org_status"),
            models.Index(fields=["town", "status"], name="portal_join_town_status"),
            models.Index(fields=["name"], name="portal_join_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["account"], condition=Q(status="PENDING"),
                                    name="portal_join_one_pending_per_account"),
            models.UniqueConstraint(fields=["id_number_hash"], condition=Q(status="PENDING"),
                                    name="portal_join_one_pending_per_id"),
            models.CheckConstraint(condition=~Q(status="APPROVED") | Q(union__isnull=False, membership__isnull=False),
                                   name="portal_join_approved_has_membership"),
            models.CheckConstraint(condition=~Q(status="REJECTED") | ~Q(decision_note=""),
                                   name="portal_join_rejected_has_reason"),
        ]

    def __str__(self):
        return f"{self.name} → {self.org}" if self.org_id else self.name

    @classmethod
    def default_view_action(cls):
        return "portal.view"

    @property
    def is_pending(self):
        return self.status == JoinStatus.PENDING

    # Clear values only on purpose (approval builds the registry person from them).
    def id_number(self):
        return pii.decrypt(self.id_number_enc)

    def phone(self):
        return pii.decrypt(self.phone_enc) if self.phone_enc else ""

    def set_id_number(self, number: str):
        self.id_number_enc = pii.encrypt(number)
        self.id_number_hash = pii.lookup_hash(number)
        self.id_number_masked = pii.mask_id_number(number)

    def set_phone(self, number: str):
        if not number:
            self.phone_enc = self.phone_hash = self.phone_masked = ""
            return
        self.phone_enc = pii.encrypt(number)
        self.phone_hash = pii.lookup_hash(number)
        self.phone_masked = pii.mask_phone(number)
