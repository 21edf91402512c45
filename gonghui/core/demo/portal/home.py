"""Demo data of portal / home: the messages (消息) on the member logins' phones.

The portal's home reads what the other modules seeded (memberships, campaigns, surveys, appeals,
events, courses, news, offers): it has no table of its own. What no module seeds is the in-app
messages a member would have received about those records, so the portal's 消息 tab and the
home's "latest messages" would be empty. `message_demo_members` writes them — a few per member
login, about that member's own records, some read and some not — once the logins exist:
`core.demo.accounts.create_demo_accounts` calls it after linking member1 (the logins are created
after the module seeds), and this area's `seed` calls it for logins made earlier (the joins
area's admitted workers).

Bulk: one query per kind of record for all the logins together, one INSERT; idempotent (keys already
sent are skipped; a second run inserts nothing).
"""

from gonghui.core.models import Notification

MODELS = ()  # Notification rows belong to their users; deleting the demo users deletes them.

# How many messages of each kind per member, newest records first.
PER_KIND = 3


def seed(gen) -> dict:
    return {"messages": message_demo_members()}


def _linked_people():
    from gonghui.members.models import Person

    return {p.pk: p.account for p in Person.objects.filter(account__isnull=False).select_related("account")
            if p.account.is_active}


def _latest_per_person(rows, person_of):
    out = {}
    for row in rows:
        bucket = out.setdefault(person_of(row), [])
        if len(bucket) < PER_KIND:
            bucket.append(row)
    return out


def _application_messages(people):
    from django.urls import reverse

    from gonghui.welfare.models.campaigns import CampaignApplication

    rows = (CampaignApplication.objects.filter(person_id__in=people).select_related("campaign")
            .order_by("person_id", "-created_at", "-id"))
    for person_id, apps in _latest_per_person(rows, lambda a: a.person_id).items():
        for a in apps:
            yield person_id, f"welfare.application:{a.pk}:{a.status}", \
                f"您的{a.campaign.title}申请：{a.get_status_display()}", f"申请编号 {a.number}", \
                reverse("welfare:my_applications")


def _appeal_messages(people):
    from django.urls import reverse

    from gonghui.voice.models.appeals import Appeal

    rows = Appeal.objects.filter(person_id__in=people).order_by("person_id", "-received_at", "-id")
    for person_id, appeals in _latest_per_person(rows, lambda a: a.person_id).items():
        for a in appeals:
            yield person_id, f"voice.appeal:{a.pk}:{a.status}", f"您的诉求“{a.title}”：{a.get_status_display()}", \
                f"诉求编号 {a.number}", reverse("voice:my_appeal_detail", args=[a.pk])


def _event_messages(people):
    from django.urls import reverse

    from gonghui.services.models.events import Registration

    rows = (Registration.objects.filter(person_id__in=people).select_related("event")
            .order_by("person_id", "-event__starts_at", "-id"))
    for person_id, regs in _latest_per_person(rows, lambda r: r.person_id).items():
        for r in regs:
            yield person_id, f"services.registration:{r.pk}:{r.status}", \
                f"活动报名：{r.event.title}（{r.get_status_display()}）", \
                f"活动时间 {r.event.starts_at:%Y-%m-%d %H:%M}", reverse("services:my_events")


def _course_messages(people):
    from django.urls import reverse

    from gonghui.training.models.enrolment import Enrolment

    rows = (Enrolment.objects.filter(person_id__in=people).select_related("course")
            .order_by("person_id", "-enrolled_at", "-id"))
    for person_id, enrolments in _latest_per_person(rows, lambda e: e.person_id).items():
        for e in enrolments:
            yield person_id, f"training.enrolment:{e.pk}:{e.status}", \
                f"培训报名：{e.course.title}（{e.get_status_display()}）", "", reverse("training:my_courses")


def message_demo_members() -> int:
    """Messages for every active member login about their own records; the older half read."""
    from django.utils import timezone

    accounts = _linked_people()
    if not accounts:
        return 0
    people = list(accounts)
    rows = []
    for source in (_course_messages, _event_messages, _application_messages, _appeal_messages):
        rows.extend(source(people))
    now = timezone.now()
    users = [u.pk for u in accounts.values()]
    sent = set(Notification.objects.filter(recipient_id__in=users, key__startswith="demo:")
               .values_list("recipient_id", "key"))
    notifications = []
    per_user = {}
    for person_id, key, title, body, url in rows:
        user = accounts[person_id]
        if (user.pk, f"demo:{key}") in sent:
            continue
        n = per_user[user.pk] = per_user.get(user.pk, 0) + 1
        notifications.append(Notification(recipient=user, key=f"demo:{key}", title=title[:200], body=body,
                                          url=url, read_at=now if n % 2 else None))
    Notification.objects.bulk_create(notifications, batch_size=1000)
    return len(notifications)
