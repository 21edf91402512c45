"""Background jobs that survive a broker outage: the project's Celery task class and its outbox.

When Redis is down, `task.delay(...)` / `delay_on_commit(...)` would raise in the middle of a
request (or, worse, inside an on_commit hook after the user's data was saved, so the job were
simply lost). `OutboxTask.apply_async` tries the broker a short, bounded while (the publish retry
policy in settings), and then stores the call in `JobOutbox` instead and returns the job's id as
usual. `flush_outbox` sends the stored calls again, oldest first, each deleted in the transaction
that published it; beat runs it every minute and every worker runs it when it starts.

Delivery is at least once, not exactly once: if the database commit fails right after a publish,
the row stays and is published again with the same task id. The project's jobs are idempotent
(see docs/faults.md), so a second run does no harm.

Eager mode (dev, tests) never touches a broker and is unchanged.
"""

import datetime
import logging
import uuid

from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, transaction
from django.db import OperationalError as DjangoOperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)

# What a broker that cannot be reached raises: kombu wraps the transport's errors in its
# OperationalError; a refused or reset socket can also surface as a plain OSError.
BROKER_ERRORS = (KombuOperationalError, ConnectionError, TimeoutError, OSError)

# Options of a call worth keeping for the later send (links, producers and connections are not).
KEPT_OPTIONS = ("queue", "routing_key", "priority", "ignore_result", "eta", "expires")


class OutboxTask(DjangoTask):
    """The project's base task (config/celery.py sets it as the app's task_cls).

    Set `keep_in_outbox = False` on a task that must not be stored when the broker is down (the
    outbox flush itself: beat sends it again a minute later anyway)."""

    keep_in_outbox = True

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None,
                    link=None, link_error=None, shadow=None, **options):
        app = self._get_app()
        if app.conf.task_always_eager or not self.keep_in_outbox:
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)
        task_id = task_id or str(uuid.uuid4())
        try:
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, shadow, **options)
        except BROKER_ERRORS as exc:
            if link or link_error:
                raise  # a chain cannot be stored faithfully; let the caller see the outage
            store_in_outbox(self, args, kwargs, task_id, options, exc)
            return self.AsyncResult(task_id)


def _jsonable_options(task, options):
    merged = dict(task._get_exec_options(), **options)
    merged.setdefault("ignore_result", task.ignore_result)
    if merged.get("countdown") is not None:  # a delay counts from now, not from the later send
        merged["eta"] = timezone.now() + datetime.timedelta(seconds=float(merged["countdown"]))
    kept = {}
    for key in KEPT_OPTIONS:
        value = merged.get(key)
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        if value is not None:
            kept[key] = value
    return kept


def _already_waiting(task_name, args, kwargs):
    """A scheduled job without arguments (beat sends it every few minutes) waits once, not once
    per tick of the outage."""
    from .models import JobOutbox

    if args or kwargs:
        return False
    return JobOutbox.objects.filter(task_name=task_name, args=[], kwargs={}).exists()


def store_in_outbox(task, args, kwargs, task_id, options, exc):
    """Keep a call the broker refused, to be sent by `flush_outbox`."""
    from .models import JobOutbox

    args, kwargs = list(args or ()), dict(kwargs or {})
    logger.warning("broker unavailable, job %s kept in the outbox: %s", task.name, exc)
    if _already_waiting(task.name, args, kwargs):
        return None
    return JobOutbox.objects.create(task_name=task.name, task_id=task_id, args=args, kwargs=kwargs,
                                    options=_jsonable_options(task, options), error=str(exc)[:500])


def _publish(app, row):
    options = dict(row.options)
    for key in ("eta", "expires"):
        if isinstance(options.get(key), str):
            options[key] = datetime.datetime.fromisoformat(options[key])
    app.send_task(row.task_name, args=row.args, kwargs=row.kwargs, task_id=row.task_id, **options)


def flush_outbox(app=None, *, limit=1000):
    """Send the stored calls, oldest first; return how many were sent. Each row is locked
    (skip_locked: two flushes never send the same row) and deleted in the transaction that
    published it. Stops at the first broker error: the rest wait for the next flush. A row that
    fails for any other reason (it cannot be sent as stored, e.g. an unparsable `eta`) is logged
    with its id and left in the table for an operator; the rows after it are still sent."""
    from celery import current_app

    from .models import JobOutbox

    app = app or current_app
    sent, skipped = 0, []
    while sent < limit:
        row = None
        try:
            with transaction.atomic():
                row = (JobOutbox.objects.select_for_update(skip_locked=True).exclude(pk__in=skipped)
                       .order_by("id").first())
                if row is None:
                    break
                _publish(app, row)
                row.delete()
        except BROKER_ERRORS as exc:
            logger.warning("broker still unavailable, %s job(s) sent before it failed: %s", sent, exc)
            break
        except DATABASE_CONNECTION_ERRORS:
            raise  # the database, not the row: the next flush tries again
        except Exception:  # noqa: BLE001 — one bad row must not hold back the others
            if row is None:
                raise
            logger.exception("outbox row %s (%s) could not be sent; left in the outbox, the next rows go on",
                             row.pk, row.task_name)
            skipped.append(row.pk)
            continue
        sent += 1
    if sent:
        logger.info("outbox: %s job(s) sent to the broker", sent)
    return sent


# --- Jobs whose database connection drops ----------------------------------------------------------

DATABASE_CONNECTION_ERRORS = (DjangoOperationalError, InterfaceError)


def retry_when_database_drops(task, exc, *, give_up=None):
    """From a bound task's `except DATABASE_CONNECTION_ERRORS` block: drop the broken connection
    and run the job again later (5, 10, 20… seconds); once its max_retries are used, call
    `give_up()` (which should record the failure for the user) and raise the error.

    The job must be idempotent and its work one transaction, so that the attempt that lost the
    connection left nothing behind (the server rolls back a transaction whose client vanished)."""
    from django.db import close_old_connections

    close_old_connections()
    attempt = task.request.retries
    if attempt >= task.max_retries:
        _give_up(task, give_up, exc)
        raise exc
    logger.warning("%s: database connection lost (%s), retry %s of %s", task.name, exc, attempt + 1,
                   task.max_retries)
    raise task.retry(exc=exc, countdown=5 * 2 ** attempt)


def _give_up(task, give_up, exc):
    """Run `give_up()`, which writes to the database that has just been failing: if it fails too,
    log that and let the caller raise the original error (what the job's log should show). The
    record it could not write is caught up by a periodic sweep (members: fail_stale_imports)."""
    if give_up is None:
        return
    try:
        give_up()
    except Exception:  # noqa: BLE001 — anything: the original error must still be raised
        logger.exception("%s: gave up after %s, but recording the failure failed too; raising the original error",
                         task.name, type(exc).__name__)
