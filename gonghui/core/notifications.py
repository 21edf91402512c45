"""In-app notifications, delivered also by e-mail, SMS or whatever backends a deployment plugs in.

    from gonghui.core.notifications import notify
    created = notify(recipients=users, key="bargaining:42:reply:2026-12-03",
                     title="…", body="…", url="/bargaining/42/", org=org)

- One row per (recipient, key), enforced by a unique constraint: calling `notify` again with the
  same key (a job retried, a reminder recomputed) creates nothing and sends nothing.
- Inactive users are skipped; a user listed twice gets one notification.
- The in-app row is always written. The backends named in `NOTIFICATION_BACKENDS` (dotted paths,
  default e-mail only) run after the transaction commits, for the newly created rows only, in a
  background job (`deliver_notifications_task`, eager in dev and tests). A backend that fails is
  logged and never breaks the caller's write.
- `url` is a path on this site ("/bargaining/42/"); anything else is refused with ValueError,
  so a notification cannot send a user off-site.

Plugging in an SMS gateway: subclass `SmsBackend`, implement `send_sms(phone, text)` and
`phone_of(user)`, and add its dotted path to `NOTIFICATION_BACKENDS`. `LoggingSmsBackend` is the
example: it only logs that a message would go out, without any personal data.
"""

import datetime
import logging
from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Notification

logger = logging.getLogger(__name__)

DEFAULT_BACKENDS = ["gonghui.core.notifications.EmailBackend"]


def is_local_path(url: str) -> bool:
    """A path on this site: starts with one "/", no scheme, no host, no backslash tricks."""
    if not url:
        return True
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return False
    return not any(ord(ch) < 32 for ch in url)


def notify(*, recipients, key: str, title: str, body: str = "", url: str = "", org=None) -> int:
    """Notify each active recipient once per key; returns how many notifications were created.

    Safe to call inside the caller's transaction: the rows are written with it, and delivery
    happens only after it commits."""
    if not key:
        raise ValueError("A notification needs a key.")
    if not is_local_path(url):
        raise ValueError(f"A notification links to a path on this site, not {url!r}.")
    users = {}
    for user in recipients:
        if user is not None and user.pk is not None and user.is_active:
            users.setdefault(user.pk, user)
    if not users:
        return 0
    key = key[:200]
    title = title[:200]
    with transaction.atomic():
        existing = set(Notification.objects.filter(recipient_id__in=users, key=key)
                       .values_list("recipient_id", flat=True))
        rows = [Notification(recipient=user, key=key, title=title, body=body, url=url, org=org)
                for pk, user in users.items() if pk not in existing]
        created = _insert(rows)
        if created:
            from .tasks import deliver_notifications_task

            deliver_notifications_task.delay_on_commit([n.pk for n in created])
    return len(created)


def _insert(rows):
    """Write the rows and return those this call created. Normally one INSERT; when a concurrent
    call with the same key got there first (the unique constraint refuses the batch), row by row
    in savepoints, so each row is counted, and delivered, by exactly one caller. Works the same
    on SQLite and PostgreSQL (bulk_create with ignore_conflicts would not say which rows won)."""
    if not rows:
        return []
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(rows)
    except IntegrityError:
        pass
    created = []
    for row in rows:
        row.pk = None
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(row)
    return created


def backends():
    paths = getattr(settings, "NOTIFICATION_BACKENDS", DEFAULT_BACKENDS)
    return [import_string(path)() for path in paths]


def deliver(notification_ids):
    """Hand newly created notifications to every backend. Runs after commit."""
    notifications = list(Notification.objects.select_related("recipient").filter(pk__in=notification_ids)
                         .order_by("pk"))
    if not notifications:
        return
    for backend in backends():
        try:
            backend.send(notifications)
        except Exception:  # noqa: BLE001 — delivery never breaks the write that caused it
            logger.exception("notification backend %s failed for %d notification(s)",
                             type(backend).__name__, len(notifications))


def absolute_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}" if path else f"{base}/notifications/"


class NotificationBackend(ABC):
    """Delivers notifications outside the app. `send` gets the newly created rows (recipient
    loaded); it should handle its own per-recipient failures and may raise for a total one."""

    @abstractmethod
    def send(self, notifications: list[Notification]) -> None:
        """Deliver the new notifications."""


class EmailBackend(NotificationBackend):
    """One e-mail per notification to recipients with an address: subject = title, body = text
    and the link. A failed send is logged (without the address) and the others still go."""

    def send(self, notifications):
        for notification in notifications:
            address = (notification.recipient.email or "").strip()
            if not address:
                continue
            text = "\n\n".join(part for part in (
                notification.body,
                _("Open: %(url)s") % {"url": absolute_url(notification.url)},
            ) if part)
            try:
                send_mail(notification.title, text, None, [address], fail_silently=False)
            except Exception:  # noqa: BLE001 — an SMTP failure must not reach the caller
                logger.exception("e-mail for notification %s could not be sent", notification.pk)


class SmsBackend(NotificationBackend):
    """Base for an SMS gateway: subclass, implement `phone_of` and `send_sms`."""

    max_length = 70  # one SMS segment of Chinese text

    @abstractmethod
    def phone_of(self, user) -> str | None:
        """The user's mobile number, or None to skip them."""

    @abstractmethod
    def send_sms(self, phone: str, text: str) -> None:
        """Hand one message to the gateway."""

    def text_for(self, notification) -> str:
        return notification.title[: self.max_length]

    def send(self, notifications):
        for notification in notifications:
            phone = self.phone_of(notification.recipient)
            if not phone:
                continue
            try:
                self.send_sms(phone, self.text_for(notification))
            except Exception:  # noqa: BLE001 — one failed SMS does not stop the others
                logger.exception("SMS for notification %s could not be sent", notification.pk)


class LoggingSmsBackend(SmsBackend):
    """Example gateway: logs that an SMS would be sent — notification id only, never the phone
    number, the name or the text."""

    def phone_of(self, user):
        return "logged-only"

    def send_sms(self, phone, text):
        pass

    def send(self, notifications):
        for notification in notifications:
            logger.info("SMS would be sent for notification %s (%d characters)",
                        notification.pk, len(self.text_for(notification)))


# --- reads and the reader's own writes -----------------------------------------------------------

UNREAD_CAP = 99


def own_notifications(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user, cap=UNREAD_CAP) -> int:
    """At most cap+1 (the bell shows "99+"): one indexed query, never a count of everything."""
    if user is None or not user.is_authenticated:
        return 0
    return own_notifications(user).filter(read_at__isnull=True)[: cap + 1].count()


def mark_read(*, user, notification) -> None:
    if notification.recipient_id != user.pk:
        raise ValueError("Only the recipient marks a notification read.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)


def mark_all_read(*, user) -> int:
    return own_notifications(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def purge_old_notifications(*, days=None, now=None) -> int:
    """Delete read notifications older than NOTIFICATION_RETENTION_DAYS; unread ones stay."""
    days = days if days is not None else getattr(settings, "NOTIFICATION_RETENTION_DAYS", 180)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    deleted, _per_model = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted
