"""Builders for the appeals tests (and other areas' tests, stats): an appeal written the way the
intake area writes one (numbered, routed, the clock started, SUBMITTED + ROUTED events), without
going through the submission pages, then taken through the handling services when asked."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from gonghui.core import pii
from gonghui.voice.models.appeals import Appeal, AppealEventKind
from gonghui.voice.services import appeals as services


@transaction.atomic
def appeal(tree, *, org=None, category="WAGES_OWED", received_on=None, channel="PORTAL", person=None,
           contact_name="李师傅", phone="13800138000", anonymous=False, title="拖欠三个月工资",
           enterprise=None, submitted_by=None) -> Appeal:
    """A NEW appeal held by `org` (default union1), received on `received_on` (default today)."""
    org = org or tree.union1
    day = received_on or services.today()
    a = Appeal(number=services.next_number(day.year), category=category, channel=channel, title=title,
               content="公司自今年8月起拖欠工资，多次讨要未果，请工会帮助。", anonymous=anonymous, person=person,
               submitted_by=submitted_by, enterprise=enterprise,
               contact_name="" if anonymous or person else contact_name,
               tracking_code=secrets.token_hex(6).upper(), org=org, town=services.town_of(org),
               received_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30))))
    if phone and not anonymous and person is None:
        a.contact_phone_enc, a.contact_phone_hash = pii.encrypt(phone), pii.lookup_hash(phone)
        a.contact_phone_masked = pii.mask_phone(phone)
    services.start_clock(a, day)
    a.save()
    services.add_event(a, AppealEventKind.SUBMITTED, public=True)
    services.add_event(a, AppealEventKind.ROUTED, public=True, to_org=org, actor_org=org)
    return a


def handling(tree, *, actor=None, **kwargs) -> Appeal:
    a = appeal(tree, **kwargs)
    return services.accept(actor=actor or tree.district_staff, appeal=a)


def closed(tree, *, actor=None, result="RESOLVED", **kwargs) -> Appeal:
    a = handling(tree, actor=actor, **kwargs)
    return services.close(actor=actor or tree.district_staff, appeal=a, result=result, result_text="已督促企业补发工资")
