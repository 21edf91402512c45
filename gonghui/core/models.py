"""The one audit trail for the whole system, and the admin-edited working-day overrides."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedModel


class AuditEvent(ScopedModel):
    """Who did what to which record, in which org, with the values before and after.

    Written by services (never by signals, which miss bulk writes). Rows are append-only:
    no page or API edits or deletes them, and on PostgreSQL the app role may be denied
    UPDATE/DELETE (see docs/deploy.md).
    """

    scope_lookups = ("org",)

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx")]
        default_permissions = ("view",)

    @classmethod
    def default_view_action(cls):
        return "audit.view"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"


class WorkdayOverride(models.Model):
    """One day whose status differs from what `chinese-calendar` says, or a day of a year the
    library does not know yet. The State Council publishes each year's holiday arrangement in
    the autumn before; the district enters it here and it always wins over the library.

    A year counts as "known" once it has any row here (every arrangement has Spring Festival
    holidays), see `gonghui.core.workdays.year_is_known`.
    """

    day = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked for a make-up working day (调休上班); clear for a holiday."))
    note = models.CharField(_("note"), max_length=60, blank=True,
                            help_text=_("E.g. Spring Festival, make-up day for National Day."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"


class Notification(models.Model):
    """One message to one user, shown on their notifications page and counted by the navbar bell.

    `key` names what the message is about (e.g. "bargaining:42:reply:2026-12-03"): one row per
    (recipient, key), so a job that runs twice, or a reminder computed again, never notifies
    twice. Written only by `gonghui.core.notifications.notify`; delivery by e-mail or SMS is done
    by the configured backends after the transaction commits.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True,
                           help_text=_("A path on this site, such as /bargaining/42/."))
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            # The bell's unread count and the user's list, newest first.
            models.Index(fields=["recipient", "read_at", "-id"], name="notification_inbox_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


# --- Job outbox (issue 12, faults) -------------------------------------------------------------
# Migration core.0005; tests run with --nomigrations.


class JobOutbox(models.Model):
    """A background job that could not be handed to the broker (Redis down) when it was enqueued.

    Written by `gonghui.core.jobs.OutboxTask.apply_async` after its short retry gives up; sent
    again, oldest first, by `gonghui.core.jobs.flush_outbox` (every minute from beat, and when a
    worker starts). A row is deleted in the same transaction that published it.
    """

    task_name = models.CharField(_("job"), max_length=200)
    task_id = models.CharField(_("job id"), max_length=64)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    options = models.JSONField(_("options"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    error = models.CharField(_("broker error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("queued job")
        verbose_name_plural = _("queued jobs")
        ordering = ["id"]

    def __str__(self):
        return f"{self.task_name} {self.task_id}"


# --- Background export jobs (issue 12, exports) ---------------------------------------------------


class ExportJob(models.Model):
    """A large list export written in the background (`gonghui.core.exports`), for its owner only.

    The truth about a job lives here, not in the cache: the production cache drops writes while
    Redis is down, which used to lose a job started during an outage. Rows and their files are
    deleted `EXPORT_TTL_HOURS` after `created_at` by `exports.purge_export_files` (daily).
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("waiting in the queue")
        RUNNING = "RUNNING", _("being written")
        DONE = "DONE", _("ready")
        FAILED = "FAILED", _("failed")

    id = models.CharField(_("job id"), max_length=32, primary_key=True)  # uuid4 hex, the URL's id
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(_("export"), max_length=100)
    module = models.CharField(_("module"), max_length=200, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    params = models.JSONField(_("filters"), default=list)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.PENDING)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.CharField(_("file"), max_length=300, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    # Set once by the worker that takes the job: a redelivered task finds it and leaves the job.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        default_permissions = ()

    def __str__(self):
        return f"{self.kind} {self.id} {self.status}"
