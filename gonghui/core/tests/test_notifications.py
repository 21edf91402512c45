"""In-app notifications: once per (recipient, key), delivered by the backends after commit for
new rows only, the user's own list (others' answer 404), the navbar bell, retention."""

import datetime
import logging

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from gonghui.core import notifications
from gonghui.core.models import Notification
from gonghui.core.notifications import NotificationBackend, notify
from gonghui.core.tasks import purge_old_notifications_task
from gonghui.core.testing.factories import UserFactory

KEY = "bargaining:42:reply:2026-12-03"
sent_batches = []


class RecordingBackend(NotificationBackend):
    def send(self, notifications):
        sent_batches.append(sorted(n.pk for n in notifications))


class BrokenBackend(NotificationBackend):
    def send(self, notifications):
        raise RuntimeError("gateway down")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://gh.example.cn"
    sent_batches.clear()


@pytest.fixture
def users(db):
    return [UserFactory(email=f"u{i}@example.cn") for i in range(3)]


def _notify(recipients, key=KEY, **extra):
    return notify(recipients=recipients, key=key, title=extra.pop("title", "Reply due"),
                  body=extra.pop("body", "The employer must reply by 3 December."),
                  url=extra.pop("url", "/bargaining/42/"), **extra)


def test_notify_is_idempotent_per_recipient_and_key(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(users) == 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _notify(users) == 0
    assert callbacks == []  # nothing new, nothing delivered
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3
    # A new key is a new notification; one more recipient gets only theirs.
    late = UserFactory(email="late@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([*users, late]) == 1
    assert Notification.objects.filter(recipient=late).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(users, key=KEY + ":again") == 3
    assert len(mail.outbox) == 3 + 1 + 3


def test_the_database_refuses_a_second_row_per_key(users):
    Notification.objects.create(recipient=users[0], key=KEY, title="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=users[0], key=KEY, title="b")


def test_inactive_users_and_duplicates_are_skipped(users, django_capture_on_commit_callbacks):
    inactive = UserFactory(is_active=False, email="gone@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify([users[0], users[0], inactive, None, users[1]]) == 2
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {users[0].pk, users[1].pk}
    assert sorted(m.to[0] for m in mail.outbox) == ["u0@example.cn", "u1@example.cn"]
    assert _notify([]) == 0 and _notify([inactive]) == 0


def test_a_row_written_meanwhile_by_someone_else_is_not_counted_or_delivered_twice(
        users, django_capture_on_commit_callbacks, monkeypatch):
    """The race: another call inserts (recipient, key) between our check and our insert."""
    real_filter = Notification.objects.filter
    raced = {}

    def racing_filter(*args, **kwargs):
        if "recipient_id__in" in kwargs and not raced:
            raced["done"] = True
            Notification.objects.create(recipient=users[1], key=KEY, title="first")
            return real_filter(pk__in=[])  # our check saw nothing
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Notification.objects, "filter", racing_filter)
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify(users) == 2
    monkeypatch.undo()
    assert Notification.objects.filter(key=KEY).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["u0@example.cn", "u2@example.cn"]


def test_backends_run_on_commit_only_for_new_rows(users, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_BACKENDS = ["gonghui.core.tests.test_notifications.RecordingBackend"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(users[:2])
        assert sent_batches == []  # not before commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent_batches == [sorted(Notification.objects.values_list("pk", flat=True))]
    sent_batches.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(users)
    assert sent_batches == [[Notification.objects.get(recipient=users[2]).pk]]
    assert mail.outbox == []  # e-mail not configured here


def test_rolled_back_notifications_are_never_delivered(users, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_BACKENDS = ["gonghui.core.tests.test_notifications.RecordingBackend"]
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _notify(users)
                raise RuntimeError("the caller's write failed")
        except RuntimeError:
            pass
    assert sent_batches == [] and not Notification.objects.exists()


def test_email_has_the_title_body_and_an_absolute_link(users, django_capture_on_commit_callbacks):
    no_address = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        _notify([users[0], no_address], title="Employer reply due", body="By 3 December.")
    [message] = mail.outbox
    assert message.subject == "Employer reply due" and message.to == ["u0@example.cn"]
    assert "By 3 December." in message.body and "https://gh.example.cn/bargaining/42/" in message.body


def test_a_failing_backend_is_logged_and_never_breaks_the_caller(users, settings, caplog,
                                                                 django_capture_on_commit_callbacks):
    settings.NOTIFICATION_BACKENDS = ["gonghui.core.tests.test_notifications.BrokenBackend",
                                      "gonghui.core.notifications.EmailBackend"]
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        assert _notify(users[:1]) == 1
    assert "BrokenBackend failed" in caplog.text
    assert len(mail.outbox) == 1  # the other backends still ran


def test_smtp_failure_is_logged_not_raised(users, monkeypatch, caplog, django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(notifications, "send_mail", refuse)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        assert _notify(users[:2]) == 2
    assert "could not be sent" in caplog.text
    assert "u0@example.cn" not in caplog.text  # no address in the log


def test_sms_example_backend_logs_without_personal_data(users, settings, caplog, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_BACKENDS = ["gonghui.core.notifications.LoggingSmsBackend"]
    users[0].display_name = "王小明"
    users[0].save()
    with caplog.at_level(logging.INFO, logger="gonghui.core.notifications"), \
            django_capture_on_commit_callbacks(execute=True):
        _notify(users[:1], title="协商回复期限将至")
    assert "SMS would be sent for notification" in caplog.text
    for secret in ("王小明", "协商回复期限将至", users[0].username, "u0@example.cn"):
        assert secret not in caplog.text


@pytest.mark.parametrize("url", ["https://evil.example/x", "//evil.example/x", "http:/evil", "javascript:alert(1)",
                                 "bargaining/42/", "/\\evil.example", "/ok\nLocation: x"])
def test_off_site_urls_are_refused(users, url):
    with pytest.raises(ValueError):
        _notify(users, url=url)
    assert not Notification.objects.exists()


def test_a_link_is_optional(users):
    assert _notify(users[:1], url="") == 1


# --- pages --------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in(client, db):
    for url in (reverse("core:notification_list"), reverse("core:notification_open", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    response = client.post(reverse("core:notification_read_all"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_list_shows_own_notifications_newest_first(client, users):
    me, other = users[0], users[1]
    _notify([me], key="a", title="First thing")
    _notify([me], key="b", title="Second thing")
    _notify([other], key="c", title="Someone else's")
    Notification.objects.filter(recipient=me, key="a").update(read_at=timezone.now())
    client.force_login(me)
    body = client.get(reverse("core:notification_list")).content.decode()
    assert body.index("Second thing") < body.index("First thing")
    assert "Someone else" not in body
    assert body.count("Unread</span>") == 1


def test_open_marks_read_and_follows_the_link_only_for_own(client, users):
    me, other = users[0], users[1]
    _notify(users[:2])
    mine = Notification.objects.get(recipient=me)
    theirs = Notification.objects.get(recipient=other)
    client.force_login(me)
    response = client.get(reverse("core:notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/bargaining/42/"
    mine.refresh_from_db()
    assert mine.read_at is not None

    for name in ("core:notification_open", "core:notification_read"):
        url = reverse(name, args=[theirs.pk])
        response = client.get(url) if name.endswith("open") else client.post(url)
        assert response.status_code == 404
    missing = reverse("core:notification_open", args=[theirs.pk + 1000])
    assert client.get(missing).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_open_never_redirects_off_site_even_for_a_row_written_directly(client, users):
    evil = Notification.objects.create(recipient=users[0], key="x", title="x", url="//evil.example/")
    client.force_login(users[0])
    response = client.get(reverse("core:notification_open", args=[evil.pk]))
    assert response["Location"] == reverse("core:notification_list")


def test_mark_one_and_all_read(client, users):
    me = users[0]
    for key in "abc":
        _notify([me], key=key)
    client.force_login(me)
    one = Notification.objects.filter(recipient=me).first()
    assert client.get(reverse("core:notification_read", args=[one.pk])).status_code == 405  # POST only
    response = client.post(reverse("core:notification_read", args=[one.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=me, read_at__isnull=True).count() == 2
    two = Notification.objects.filter(recipient=me, read_at__isnull=True).first()
    response = client.post(reverse("core:notification_read", args=[two.pk]), {"follow": "1"})
    assert response["Location"] == "/bargaining/42/"
    _notify([users[1]], key="other")
    response = client.post(reverse("core:notification_read_all"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("core:notification_list")
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=users[1], read_at__isnull=True).count() == 1


def test_navbar_bell_counts_unread_with_one_query_and_caps_at_99(client, users, django_assert_max_num_queries):
    me = users[0]
    client.force_login(me)
    url = reverse("accounts:profile")
    body = client.get(url).content.decode()
    assert reverse("core:notification_list") in body and "data-unread" not in body  # bell, no badge
    _notify([me], key="one")
    _notify([me], key="two")
    Notification.objects.filter(key="two").update(read_at=timezone.now())
    body = client.get(url).content.decode()
    assert 'data-unread="1"' in body and "Notifications, 1 unread" in body
    Notification.objects.bulk_create([Notification(recipient=me, key=f"k{i}", title="t") for i in range(120)])
    body = client.get(url).content.decode()
    assert ">99+</span>" in body

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert sum("core_notification" in q["sql"] for q in ctx.captured_queries) == 1


def test_list_page_query_count_does_not_grow(client, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    me = users[0]
    client.force_login(me)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("core:notification_list"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    _notify([me], key="first")
    few = count()
    for i in range(30):
        _notify([me], key=f"n{i}")
    assert count() == few


def test_the_list_pages_by_keyset(client, users, settings):
    settings.LIST_PAGE_SIZE = 5
    me = users[0]
    for i in range(7):
        _notify([me], key=f"n{i}", title=f"Item {i}")
    client.force_login(me)
    first = client.get(reverse("core:notification_list"))
    page = first.context["page"]
    assert [n.title for n in page.items] == [f"Item {i}" for i in (6, 5, 4, 3, 2)]
    second = client.get(reverse("core:notification_list"), {"after": page.next_after})
    assert [n.title for n in second.context["page"].items] == ["Item 1", "Item 0"]


# --- retention ----------------------------------------------------------------------------------

def test_purge_deletes_only_old_read_notifications(users, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 180
    me = users[0]
    for key in ("old-read", "old-unread", "new-read"):
        _notify([me], key=key)
    old = timezone.now() - datetime.timedelta(days=181)
    Notification.objects.filter(key__startswith="old").update(created_at=old)
    Notification.objects.filter(key__in=["old-read", "new-read"]).update(read_at=timezone.now())
    purge_old_notifications_task.delay()
    assert sorted(Notification.objects.values_list("key", flat=True)) == ["new-read", "old-unread"]


def test_purge_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "gonghui.core.tasks.purge_old_notifications_task" in tasks
