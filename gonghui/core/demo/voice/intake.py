"""Demo rows of voice `intake`: appeals as they arrive by every channel, written through the real
submission service (numbered after the `appeals` area's rows, routed, timed, with their public
events), on top of the `appeals` demo:

- member1 (the linked demo member): a portal appeal with a photo, one closed and rated, one
  closed then re-opened, one withdrawn — so /voice/my/appeals/ shows every state;
- the public form: a named appeal about union1's enterprise (tracking code `GHWEB23456`, mobile
  ending 5678) and an anonymous one about a town2 enterprise (code `GHANQN2345`, the code alone);
- the API: an appeal naming an unknown enterprise (goes to the district to dispatch);
- staff entry: a call taken by town1 and kept ("我单位受理"), a visit to town2 routed on.

A dozen rows at every scale (the volume is the `appeals` area's): a second or so.
"""

import datetime

from django.utils import timezone

from gonghui.voice.models.appeals import Appeal, AppealEventKind, AppealResult, AppealStatus

MODELS = ()  # the rows are the `appeals` area's tables, wiped with them
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEB_CODE, ANON_CODE = "GHWEB23456", "GHANQN2345"


def _close(appeal, *, days_ago, text, rating=None):
    from gonghui.voice.services import appeals as shared

    closed_at = timezone.now() - datetime.timedelta(days=days_ago)
    appeal.status, appeal.result, appeal.result_text = AppealStatus.CLOSED, AppealResult.RESOLVED, text
    appeal.closed_at, appeal.closed_on_time = closed_at, timezone.localdate(closed_at) <= appeal.due_on
    if rating:
        appeal.satisfaction, appeal.satisfaction_comment, appeal.rated_at = rating, "处理及时，感谢工会", closed_at
    appeal.save()
    shared.add_event(appeal, AppealEventKind.REPLY, public=True, actor_org=appeal.org, text=text)
    shared.add_event(appeal, AppealEventKind.CLOSED, public=True, actor_org=appeal.org, text=text)
    if rating:
        shared.add_event(appeal, AppealEventKind.RATED, public=True, text=f"{rating}/5 处理及时，感谢工会")
    return appeal


def _member_appeals(gen, s) -> int:
    """member1's appeals by the person (the demo logins are made after the seeds; the member's
    pages find them by the registry person once the account is linked)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.members.models import Person

    person = Person.objects.filter(pk=gen.member1).first() if gen.member1 else None
    if person is None:
        return 0
    enterprise = s.member_enterprise(person)

    def portal(**kw):
        return s.submit(actor=None, channel="PORTAL", person=person, enterprise=enterprise, **kw)

    portal(category="WAGES_OWED", title="十一月加班费未发放",
           content="车间十一月加班共36小时，公司至今未支付加班费，请工会帮助协调。",
           files=[SimpleUploadedFile("加班记录.png", PNG, content_type="image/png")])
    _close(portal(category="OTHER", title="食堂晚餐供应时间太短",
                  content="夜班职工下班时食堂已关门，希望延长晚餐供应时间。"),
           days_ago=5, text="已与企业行政部沟通，食堂晚餐延长至20:30。", rating=5)
    reopened = _close(portal(category="SOCIAL_INSURANCE", title="社保缴费基数低于实际工资",
                             content="公司按最低基数缴纳社保，与实际工资不符。"),
                      days_ago=3, text="企业承诺下月起按实际工资调整缴费基数。")
    s.reopen(actor=None, appeal=reopened, reason="下月已到，缴费基数仍未调整。")
    withdrawn = portal(category="OTHER", title="希望组织篮球比赛", content="职工希望工会组织一次篮球友谊赛。")
    s.withdraw(actor=None, appeal=withdrawn, reason="已由企业团委组织。")
    return 4


def _staff_appeals(gen, s) -> int:
    """A call kept by town1 (accepted at once) and a visit to town2 routed to the enterprise's
    union, as `create_by_staff` writes them (no staff login exists yet while seeding)."""
    from gonghui.core.demo.generator import TOWN1

    town1 = _org(gen.town_by_name[TOWN1])
    s.submit(actor=None, channel="PHONE", category="DISMISSAL", title="被口头辞退未获经济补偿",
             content="职工来电反映被公司口头通知辞退，未签解除协议，也未获经济补偿。", contact_name="周师傅",
             contact_phone="13905710021", handle_org=town1)
    s.submit(actor=None, channel="VISIT", category="DISMISSAL", title="调岗降薪咨询",
             content="职工来访反映公司单方面调岗并降薪三成。", contact_name="孙女士", contact_phone="13905710022",
             enterprise=_enterprise(_town2_firm(gen)))
    return 2


def _org(node):
    from gonghui.orgs.models import Org

    return Org.objects.get(pk=node.id)


def _town2_firm(gen):
    from gonghui.core.demo.generator import TOWN2

    town2 = gen.town_by_name[TOWN2]
    return next((f for f in gen.firms if f.town is not None and f.town.id == town2.id), gen.firms[0])


def seed(gen) -> dict:
    from gonghui.voice.services import intake as s

    firm1 = gen.firms[0]
    web = s.submit(actor=None, channel="WEB", category="WAGES_OWED", title="拖欠两个月工资",
                   content="公司以资金紧张为由拖欠九、十月工资。", contact_name="王建国", contact_phone="13857105678",
                   enterprise=_enterprise(firm1))
    Appeal.objects.filter(pk=web.pk).update(tracking_code=WEB_CODE)
    town2_firm = _town2_firm(gen)
    anon = s.submit(actor=None, channel="WEB", category="OTHER", title="车间高温降温措施不足", anonymous=True,
                    content="夏季车间温度超过35度，仅有两台风扇，希望工会督促企业落实防暑降温。",
                    enterprise=_enterprise(town2_firm))
    Appeal.objects.filter(pk=anon.pk).update(tracking_code=ANON_CODE)
    s.submit_public(category="CONTRACT", title="试用期被延长至一年",
                    content="入职时约定试用期三个月，现被要求延长至一年。",
                    contact_name="陈丽", contact_phone="13957106688", enterprise_name="某某物流有限公司",
                    channel="API")
    members = _member_appeals(gen, s)
    staff = _staff_appeals(gen, s)
    return {"public": 3, "member": members, "staff": staff}


def _enterprise(firm):
    from gonghui.orgs.models import Enterprise

    return Enterprise.objects.select_related("union", "town").filter(pk=firm.id).first()
