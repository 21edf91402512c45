"""Town worker service centres, the service catalogue, orders and projects (DOMAIN.md §7).

- `ServiceCentre`: a 职工服务中心 run by a town (or the district): address, phone, opening hours,
  manager, active or not. Scoped by the running org.
- `ServiceItem`: a service of the catalogue (法律援助, 心理咨询…), owned by the district or a town
  (`org`), optionally offered by one centre only; delivered by ORDER (订单式), PROJECT (项目式) or
  BOTH; active or not.
- `ServiceOrder` (订单式): a grassroots union (`org`) orders an item from its town's centre or the
  district's: wanted date, headcount, place/enterprise, note; numbered FW<year>-NNNN;
  SUBMITTED → ACCEPTED (scheduled date, delivered by staff or a partner) or DECLINED (reason) →
  DELIVERED (date, people served, summary) → RATED (1–5 and a comment, by the ordering union);
  CANCELLED by the orderer before acceptance. `accept_due_on`: acceptance is due within N
  working days. Visible in the ordering union's subtree (which the centre's cadres cover).
- `ServiceProject` (项目式): a centre's project (item, period, targets, planned beneficiaries,
  budget), PLANNED → RUNNING → DONE (or CANCELLED); `ProjectDelivery` records (date, union
  served, enterprise, people served) and `ProjectRating` (one per served union, 1–5).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["ServiceCategory", "Delivery", "ServiceCentre", "ServiceItem", "OrderStatus", "DeliveredBy",
           "ServiceOrder", "ServiceOrderCounter", "ProjectStatus", "ServiceProject", "ProjectDelivery",
           "ProjectRating", "OPEN_ORDER_STATUSES"]


class ServiceCategory(models.TextChoices):
    LEGAL = "LEGAL", pgettext_lazy("service category", "Legal aid")
    PSYCHOLOGY = "PSYCHOLOGY", pgettext_lazy("service category", "Counselling")
    EMPLOYMENT = "EMPLOYMENT", pgettext_lazy("service category", "Employment services")
    HEALTH = "HEALTH", pgettext_lazy("service category", "Health services")
    CULTURE = "CULTURE", pgettext_lazy("service category", "Culture and sports")
    SKILLS = "SKILLS", pgettext_lazy("service category", "Skills training")
    HARDSHIP = "HARDSHIP", pgettext_lazy("service category", "Hardship aid")
    OTHER = "OTHER", pgettext_lazy("service category", "Other")


class Delivery(models.TextChoices):
    ORDER = "ORDER", pgettext_lazy("service delivery", "By order")
    PROJECT = "PROJECT", pgettext_lazy("service delivery", "As a project")
    BOTH = "BOTH", pgettext_lazy("service delivery", "By order or as a project")


class ServiceCentre(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    name = models.CharField(pgettext_lazy("service centre", "name"), max_length=120)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    manager = models.CharField(_("manager"), max_length=60, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ("name", "id")
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="services_centre_name_per_org",
                                               violation_error_message=_("This organisation already runs a "
                                                                         "centre of this name."))]

    def __str__(self):
        return self.name


class ServiceItem(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    centre = models.ForeignKey(ServiceCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="items",
                               verbose_name=_("service centre"))
    name = models.CharField(pgettext_lazy("service item", "name"), max_length=120)
    category = models.CharField(_("category"), max_length=12, choices=ServiceCategory.choices)
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.BOTH)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ("category", "name", "id")

    def __str__(self):
        return self.name


class OrderStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", pgettext_lazy("service order status", "Submitted")
    ACCEPTED = "ACCEPTED", pgettext_lazy("service order status", "Accepted")
    DECLINED = "DECLINED", pgettext_lazy("service order status", "Declined")
    DELIVERED = "DELIVERED", pgettext_lazy("service order status", "Delivered")
    RATED = "RATED", pgettext_lazy("service order status", "Rated")
    CANCELLED = "CANCELLED", pgettext_lazy("service order status", "Cancelled")


OPEN_ORDER_STATUSES = (OrderStatus.SUBMITTED, OrderStatus.ACCEPTED)


class DeliveredBy(models.TextChoices):
    STAFF = "STAFF", pgettext_lazy("delivered by", "Centre staff")
    PARTNER = "PARTNER", pgettext_lazy("delivered by", "A partner")


class ServiceOrder(ScopedModel):
    """An order of a grassroots union (`org`) to a centre of its town or the district: visible in
    the union's subtree, which both sides' cadres cover (the centre's org is above the union)."""

    scope_lookups = ("org",)

    number = models.CharField(_("order number"), max_length=20, unique=True)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("ordering union"))
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="orders",
                               verbose_name=_("service centre"))
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="orders",
                             verbose_name=_("service item"))
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("enterprise"))
    place = models.CharField(_("place"), max_length=200)
    wanted_on = models.DateField(_("wanted on"))
    headcount = models.PositiveIntegerField(_("headcount"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED)
    submitted_on = models.DateField(_("submitted on"))
    accept_due_on = models.DateField(_("acceptance due on"))
    scheduled_on = models.DateField(_("scheduled on"), null=True, blank=True)
    delivered_by = models.CharField(_("delivered by"), max_length=8, choices=DeliveredBy.choices, blank=True)
    partner = models.CharField(_("partner"), max_length=120, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=400, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    people_served = models.PositiveIntegerField(_("people served"), null=True, blank=True)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=400, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service order")
        verbose_name_plural = _("service orders")
        ordering = ("-id",)
        indexes = [models.Index(fields=["status", "accept_due_on"], name="services_order_status_due")]
        constraints = [
            models.CheckConstraint(condition=Q(headcount__gt=0), name="services_order_headcount_positive",
                                   violation_error_message=_("The headcount must be at least 1.")),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="services_order_rating_range",
                                   violation_error_message=_("Satisfaction is from 1 to 5.")),
        ]

    def __str__(self):
        return self.number


class ServiceOrderCounter(models.Model):
    """The last order number given in a year (FW2026-0001…), locked FOR UPDATE when numbering."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("service order number counter")
        verbose_name_plural = _("service order number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class ProjectStatus(models.TextChoices):
    PLANNED = "PLANNED", pgettext_lazy("service project status", "Planned")
    RUNNING = "RUNNING", pgettext_lazy("service project status", "Running")
    DONE = "DONE", pgettext_lazy("service project status", "Done")
    CANCELLED = "CANCELLED", pgettext_lazy("service project status", "Cancelled")


class ServiceProject(ScopedModel):
    scope_lookups = ("org",)

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by"))
    centre = models.ForeignKey(ServiceCentre, on_delete=models.PROTECT, related_name="projects",
                               verbose_name=_("service centre"))
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="projects",
                             verbose_name=_("service item"))
    title = models.CharField(_("title"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    targets = models.CharField(_("target enterprises and unions"), max_length=400, blank=True)
    planned_beneficiaries = models.PositiveIntegerField(_("planned beneficiaries"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=14, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices,
                              default=ProjectStatus.PLANNED)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=400, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ("-starts_on", "-id")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="services_project_period_order",
                                   violation_error_message=_("A project cannot end before it starts.")),
            models.CheckConstraint(condition=Q(budget__gte=0), name="services_project_budget_positive"),
        ]

    def __str__(self):
        return self.title


class ProjectDelivery(models.Model):
    """One delivery of a project: read through its project."""

    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name=_("service project"))
    delivered_on = models.DateField(_("delivered on"))
    union = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("union served"))
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("enterprise"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    people_served = models.PositiveIntegerField(_("people served"))
    note = models.CharField(_("note"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project delivery")
        verbose_name_plural = _("project deliveries")
        ordering = ("-delivered_on", "-id")

    def __str__(self):
        return f"{self.project} {self.delivered_on}"


class ProjectRating(models.Model):
    project = models.ForeignKey(ServiceProject, on_delete=models.CASCADE, related_name="ratings",
                                verbose_name=_("service project"))
    union = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    rating = models.PositiveSmallIntegerField(_("satisfaction"))
    comment = models.CharField(_("comment"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("project rating")
        verbose_name_plural = _("project ratings")
        constraints = [
            models.UniqueConstraint(fields=["project", "union"], name="services_project_rating_once",
                                    violation_error_message=_("This union has already rated the project.")),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="services_project_rating_range",
                                   violation_error_message=_("Satisfaction is from 1 to 5.")),
        ]

    def __str__(self):
        return f"{self.project} {self.rating}"
