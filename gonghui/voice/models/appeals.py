"""Appeals (诉求, DOMAIN.md §8): a worker — a member or not — asks the union for help; the union
answers "有组织地反映诉求, 有组织地解决问题".

`Appeal`: numbered SQ<year>-NNNNNN from `AppealCounter`; a category (rules/appeals.py gives each
its time limit in working days and whether it may be anonymous); the channel it came in by; who
submitted it (a linked member `person`, or a worker known by name and phone, or nobody when
anonymous) and the enterprise it is about; the org handling it now (`org`, the scope) and its
`town`; the clock (`clock_started_on` → `due_on`, in working days, `core.workdays`); status
NEW (routed, not yet accepted) → HANDLING → CLOSED (with a result), or WITHDRAWN by the worker;
escalation when overdue (`escalation_level`, `escalated_to`); the worker's satisfaction after
closing; one re-open (`reopen_count`, at most 1).

`AppealEvent`: the history — every step, note and reply; `public` says whether the worker sees it
(internal notes do not). `AppealAttachment`: files on the appeal or on one event.

Ownership: the `appeals` area writes the handling steps (dispatch, transfer, accept, note, reply,
escalate, close); the `intake` area writes the submission and the worker's steps (withdraw, rate,
re-open); `stats` reads.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.scoping import ScopedModel

__all__ = ["OPEN_STATUSES", "AppealCategory", "AppealChannel", "AppealStatus", "AppealResult", "AppealEventKind",
           "Appeal",
           "AppealEvent", "AppealAttachment", "AppealCounter"]


class AppealCategory(models.TextChoices):
    WAGES_OWED = "WAGES_OWED", pgettext_lazy("appeal category", "Wages owed")
    CONTRACT = "CONTRACT", pgettext_lazy("appeal category", "Labour contract")
    INJURY = "INJURY", pgettext_lazy("appeal category", "Work injury")
    SOCIAL_INSURANCE = "SOCIAL_INSURANCE", pgettext_lazy("appeal category", "Social insurance")
    DISMISSAL = "DISMISSAL", pgettext_lazy("appeal category", "Dismissal")
    HARDSHIP = "HARDSHIP", pgettext_lazy("appeal category", "Hardship and help")
    OTHER = "OTHER", pgettext_lazy("appeal category", "Other")


class AppealChannel(models.TextChoices):
    PORTAL = "PORTAL", pgettext_lazy("appeal channel", "Member portal (phone)")
    WEB = "WEB", pgettext_lazy("appeal channel", "Public web form")
    API = "API", pgettext_lazy("appeal channel", "API")
    PHONE = "PHONE", pgettext_lazy("appeal channel", "Phone call (entered by staff)")
    VISIT = "VISIT", pgettext_lazy("appeal channel", "Visit (entered by staff)")


class AppealStatus(models.TextChoices):
    NEW = "NEW", pgettext_lazy("appeal status", "Received")
    HANDLING = "HANDLING", pgettext_lazy("appeal status", "Being handled")
    CLOSED = "CLOSED", pgettext_lazy("appeal status", "Closed")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("appeal status", "Withdrawn")


OPEN_STATUSES = (AppealStatus.NEW, AppealStatus.HANDLING)


class AppealResult(models.TextChoices):
    RESOLVED = "RESOLVED", pgettext_lazy("appeal result", "Resolved")
    PARTLY = "PARTLY", pgettext_lazy("appeal result", "Partly resolved")
    REFERRED = "REFERRED", pgettext_lazy("appeal result", "Referred to the competent authority")
    EXPLAINED = "EXPLAINED", pgettext_lazy("appeal result", "Explained; no case")
    NOT_ACCEPTED = "NOT_ACCEPTED", pgettext_lazy("appeal result", "Not accepted")


class AppealEventKind(models.TextChoices):
    SUBMITTED = "SUBMITTED", pgettext_lazy("appeal event", "Submitted")
    ROUTED = "ROUTED", pgettext_lazy("appeal event", "Routed automatically")
    DISPATCHED = "DISPATCHED", pgettext_lazy("appeal event", "Dispatched")
    TRANSFERRED = "TRANSFERRED", pgettext_lazy("appeal event", "Transferred")
    ACCEPTED = "ACCEPTED", pgettext_lazy("appeal event", "Accepted")
    NOTE = "NOTE", pgettext_lazy("appeal event", "Internal note")
    REPLY = "REPLY", pgettext_lazy("appeal event", "Reply to the worker")
    ESCALATED = "ESCALATED", pgettext_lazy("appeal event", "Escalated (overdue)")
    CLOSED = "CLOSED", pgettext_lazy("appeal event", "Closed")
    RATED = "RATED", pgettext_lazy("appeal event", "Rated by the worker")
    REOPENED = "REOPENED", pgettext_lazy("appeal event", "Re-opened by the worker")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("appeal event", "Withdrawn by the worker")


class Appeal(ScopedModel):
    scope_lookups = ("org",)

    number = models.CharField(_("appeal number"), max_length=20, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=AppealCategory.choices)
    channel = models.CharField(pgettext_lazy("appeal", "channel"), max_length=10, choices=AppealChannel.choices)
    title = models.CharField(_("title"), max_length=120)
    content = models.TextField(_("content"), max_length=5000)
    # Who: a member linked to the registry, or a worker by name and phone; nobody when anonymous
    # (then name and phone stay empty and `person` null — the worker follows it by tracking code).
    anonymous = models.BooleanField(_("anonymous"), default=False)
    person = models.ForeignKey("members.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("worker"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by (login)"))
    contact_name = models.CharField(_("contact name"), max_length=64, blank=True)
    contact_phone_enc = models.TextField(blank=True)
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    contact_phone_masked = models.CharField(_("contact phone"), max_length=11, blank=True)
    # Where: the enterprise the appeal is about (registered, or a name typed by the worker).
    enterprise = models.ForeignKey("orgs.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("enterprise"))
    enterprise_name = models.CharField(_("enterprise name (as given)"), max_length=200, blank=True)
    # A random code the worker keeps to follow the appeal without logging in (with the phone).
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    # Who handles it now (the scope), and the town it belongs to (statistics; copied, like
    # training's Enrolment.town: null above town level).
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+",
                            verbose_name=pgettext_lazy("appeal", "handled by"))
    town = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("town"))
    status = models.CharField(_("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.NEW)
    received_at = models.DateTimeField(_("received at"))
    # The clock: working days from `clock_started_on` (the day received; a transfer restarts it
    # only when the rules say so) to `due_on`.
    clock_started_on = models.DateField(_("clock started on"))
    due_on = models.DateField(_("due on"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("handler"))
    # Escalation when overdue: 0 = none; each step up names the org now supervising it.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("escalated to"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_on_time = models.BooleanField(_("closed on time"), null=True, blank=True)
    result = models.CharField(pgettext_lazy("appeal", "result"), max_length=14, choices=AppealResult.choices,
                              blank=True)
    result_text = models.TextField(_("result (told to the worker)"), max_length=2000, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    satisfaction_comment = models.CharField(_("comment"), max_length=400, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times re-opened"), default=0)
    reopened_at = models.DateTimeField(_("re-opened at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=["status", "due_on"], name="voice_appeal_status_due"),
            models.Index(fields=["received_at"], name="voice_appeal_received"),
            models.Index(fields=["category", "received_at"], name="voice_appeal_category"),
            models.Index(fields=["escalated_to", "status"], name="voice_appeal_escalated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                                   name="voice_appeal_satisfaction_range",
                                   violation_error_message=_("Satisfaction is from 1 to 5.")),
            models.CheckConstraint(condition=Q(reopen_count__lte=1), name="voice_appeal_reopen_once",
                                   violation_error_message=_("An appeal can be re-opened once.")),
            models.CheckConstraint(condition=Q(anonymous=False) | Q(person__isnull=True, contact_name=""),
                                   name="voice_appeal_anonymous_has_no_name",
                                   violation_error_message=_("An anonymous appeal carries no name.")),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("clock_started_on")),
                                   name="voice_appeal_due_after_start",
                                   violation_error_message=_("The due date cannot be before the clock starts.")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class AppealEvent(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events", verbose_name=_("appeal"))
    kind = models.CharField(_("kind"), max_length=12, choices=AppealEventKind.choices)
    # Shown to the worker (submission, acceptance, replies, closing…) or internal (notes,
    # transfers' reasons when the rules keep them internal).
    public = models.BooleanField(_("shown to the worker"), default=False)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    # The reason of a transfer or the instructions of a dispatch: internal even when the event is
    # public (the worker sees "transferred to X", never why). Added by the appeals area.
    reason = models.TextField(_("internal reason"), max_length=2000, blank=True)
    from_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("from"))
    to_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("to"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    # Who the worker sees acting: the org's name, never a cadre's personal name.
    actor_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("acting org"))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal events")
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["appeal", "created_at"], name="voice_appealevent_appeal")]

    def __str__(self):
        return f"{self.appeal_id} {self.kind}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments",
                               verbose_name=_("appeal"))
    event = models.ForeignKey(AppealEvent, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="attachments", verbose_name=pgettext_lazy("appeal", "event"))
    file = models.FileField(_("file"), upload_to="voice/appeals/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # Files the worker attached or a reply's files are shown to the worker; a note's are not.
    public = models.BooleanField(_("shown to the worker"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal attachment")
        verbose_name_plural = _("appeal attachments")
        ordering = ("id",)

    def __str__(self):
        return self.name


class AppealCounter(models.Model):
    """The last appeal number given in a year (SQ2026-000001…), locked FOR UPDATE when numbering."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("appeal number counter")
        verbose_name_plural = _("appeal number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"
