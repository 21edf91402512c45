"""Sending the member portal's SMS one-time codes through a pluggable backend.

`settings.SMS_BACKEND` is the dotted path of a class below or of your own:

- `ConsoleBackend` (development default): writes the message, code included, to the log, so a
  developer reads the code in the `runserver` console. Never in production: `manage.py check
  --deploy` reports it (portal.E001).
- `LocmemBackend` (test settings): keeps messages in `gonghui.portal.sms.outbox`, like Django's
  locmem e-mail backend; tests read the code from there.
- `DisabledBackend` (production default until a gateway is configured): refuses to send; the
  pages then say that sign-in by SMS is not available and offer the password.

Adding a real provider (阿里云短信, 腾讯云短信, a carrier's gateway…): subclass `SmsBackend`,
implement `send(phone, text)` with the provider's client, read its keys from settings (never
hard-code them), raise `SmsSendError` when the provider refuses or cannot be reached (the code
is then discarded and the user may ask again at once), and set `SMS_BACKEND` to its dotted path.
Providers in China send only approved templates with a signature: map `text` to your template
there (the code is `message.code`, the validity in minutes `message.minutes`). Do not log the
number or the text. The same class may also subclass `gonghui.core.notifications.SmsBackend`
to deliver notifications through one gateway.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_BACKEND = "gonghui.portal.sms.ConsoleBackend"

# Messages sent through LocmemBackend in this process (tests clear it).
outbox: list["SmsMessage"] = []


class SmsSendError(Exception):
    """The provider did not accept the message."""


class SmsUnavailable(SmsSendError):
    """No SMS gateway is configured."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    code: str
    purpose: str
    minutes: int


class SmsBackend:
    """Base class of SMS gateways for one-time codes. Subclasses implement `send`."""

    def send(self, message: SmsMessage) -> None:
        """Hand one message to the gateway; raise SmsSendError if it is not accepted."""
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Development: logs the message so the developer can read the code (number masked by the
    log filter, see gonghui.core.logging)."""

    def send(self, message):
        logger.warning("SMS to %s: %s", message.phone, message.text)


class LocmemBackend(SmsBackend):
    """Tests: keeps every message in `outbox`."""

    def send(self, message):
        outbox.append(message)


class DisabledBackend(SmsBackend):
    """No gateway: every send is refused."""

    def send(self, message):
        raise SmsUnavailable("no SMS gateway is configured (settings.SMS_BACKEND)")


def backend_path() -> str:
    return getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND


def get_backend() -> SmsBackend:
    return import_string(backend_path())()


def is_available() -> bool:
    """False when codes cannot be sent at all (the pages hide the SMS options)."""
    return not issubclass(import_string(backend_path()), DisabledBackend)


def send(message: SmsMessage) -> None:
    get_backend().send(message)


def last_code(phone: str) -> str | None:
    """Tests: the code of the newest message sent to `phone` through LocmemBackend."""
    for message in reversed(outbox):
        if message.phone == phone:
            return message.code
    return None


def check_backend(app_configs=None, **kwargs):
    """Deploy check: a console backend would write every code to the production logs."""
    if settings.DEBUG:
        return []
    try:
        backend = import_string(backend_path())
    except ImportError:
        return [checks.Error(f"SMS_BACKEND {backend_path()!r} cannot be imported.", id="portal.E002")]
    if issubclass(backend, ConsoleBackend | LocmemBackend):
        return [checks.Error(
            f"SMS_BACKEND is {backend.__name__}, which logs or keeps the one-time codes; set a real "
            "gateway or gonghui.portal.sms.DisabledBackend.", id="portal.E001")]
    return []
