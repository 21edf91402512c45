"""Demo theme activities (publicity `activities`): 中国梦·劳动美 and 五进五送 activities of the last
~13 months, logged by unions of every town (small scale: union1, a dozen unions of town1 and town2
and a few others; district scale: about one union in eight), by the towns themselves and by the
district. Older activities are CONFIRMED (they fill the yearly counts and the chart), the last
weeks' ones are SUBMITTED or DRAFT, a few RETURNED with a reason. union1 has one of each status
and a confirmed activity with two photos (tiny real PNGs, stored like uploads). Bulk writes."""

import datetime
import random
import struct
import zlib

from django.core.files.base import ContentFile
from django.utils import timezone

from gonghui.publicity.models.activities import ActivityPhoto, ActivityStatus, ThemeActivity

MODELS = (ThemeActivity, ActivityPhoto)

# theme: [(title, place, content, organisers)]
PLANS = {
    "CHINA_DREAM": [
        ("“中国梦·劳动美”主题宣讲", "企业多功能厅",
         "劳模进企业讲述奋斗故事，职工交流学习体会。", "区劳模宣讲团"),
        ("“劳动美”职工摄影展", "厂区文化长廊",
         "展出职工拍摄的一线劳动场景照片并评选优秀作品。", ""),
        ("“中国梦·劳动美”职工演讲比赛", "街道文体中心",
         "职工围绕岗位奉献主题演讲，评出一二三等奖。", "街道文化站"),
    ],
    "SEND_POLICY": [
        ("送政策进园区：劳动法律宣讲", "园区服务中心",
         "讲解劳动合同、工资支付和工伤保险政策，现场答疑。", "律师志愿者"),
        ("送政策进工地：农民工维权咨询", "项目工地生活区",
         "发放维权手册，登记欠薪线索。", "街道司法所"),
    ],
    "SEND_WARMTH": [
        ("送温暖：困难职工走访慰问", "职工家中",
         "走访困难职工家庭，送去慰问金和米面油。", ""),
        ("夏送清凉进工地", "项目工地",
         "为高温下作业的一线职工送去防暑降温用品。", "企业行政部"),
    ],
    "SEND_CULTURE": [
        ("送文化进企业：文艺演出", "企业食堂",
         "区文化宫艺术团为职工演出歌舞和小品。", "区职工文化宫"),
        ("职工书屋图书配送", "企业职工书屋",
         "配送新书200册，开展读书分享会。", ""),
    ],
    "SEND_HEALTH": [
        ("送健康进企业：义诊体检", "企业医务室",
         "社区医院医生为职工测血压、血糖并提供健康咨询。", "社区卫生服务中心"),
        ("职工心理健康讲座", "企业会议室",
         "心理咨询师讲解情绪管理和压力疏导。", ""),
    ],
    "SEND_SKILLS": [
        ("送技能：电工技能培训", "职业技能培训学校",
         "组织一线电工安全操作和技能提升培训。", "区职业技能培训中心"),
        ("送技能进企业：岗位练兵", "生产车间",
         "开展岗位技能比武，评选操作能手。", ""),
    ],
}
RETURN_REASONS = ["请补充活动照片", "参与人数与签到表不符，请核实", "请补充活动内容"]


def _png(rgb, width=160, height=120) -> bytes:
    """A real PNG of one colour, 4:3 like a photo (so the photo pages show an image, not a dot)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _status(rng, age_days):
    if age_days > 30:
        return ActivityStatus.CONFIRMED if rng.random() < 0.95 else ActivityStatus.RETURNED
    return rng.choice([ActivityStatus.SUBMITTED, ActivityStatus.SUBMITTED, ActivityStatus.DRAFT,
                       ActivityStatus.CONFIRMED])


def seed(gen) -> dict:
    from gonghui.core.demo.generator import TOWN1, TOWN2
    from gonghui.orgs.models import OrgLevel

    rng = random.Random(gen.seed * 7933 + 61)
    small = gen.scale.name == "small"
    today = timezone.localdate()
    now = timezone.now()
    anchors = {gen.town_by_name[name].id for name in (TOWN1, TOWN2)}
    unions = [u for u in gen.unions if u.town is not None and u is not gen.union1]
    if small:
        near = [u for u in unions if u.town.id in anchors][:12]
        others = [u for u in unions if u.town.id not in anchors]
        unions = near + rng.sample(others, min(6, len(others)))
    else:
        unions = [u for u in unions if rng.randrange(8) == 0]
    towns = [t for t in gen.towns if t.level in (OrgLevel.TOWN, OrgLevel.PLATFORM)]
    # (org id, town id, how many)
    loggers = [(gen.union1.id, gen.union1.town.id, 8)]
    loggers += [(u.id, u.town.id, rng.randint(2, 5)) for u in unions]
    loggers += [(t.id, t.id, 3) for t in towns]
    loggers.append((gen.root.id, None, 4))
    themes = list(PLANS)
    rows = []
    for org_id, town_id, n in loggers:
        for i in range(n):
            theme = themes[(i + org_id) % len(themes)] if org_id == gen.union1.id else rng.choice(themes)
            title, place, content, organisers = rng.choice(PLANS[theme])
            age = rng.randint(1, 390)
            if org_id == gen.union1.id:  # one of each status, the rest confirmed this year
                age = [3, 6, 9, 40, 45, 60, 90, 120][i]
            held_on = today - datetime.timedelta(days=age)
            status = _status(rng, age)
            if org_id == gen.union1.id:
                status = [ActivityStatus.DRAFT, ActivityStatus.SUBMITTED, ActivityStatus.RETURNED][i] if i < 3 \
                    else ActivityStatus.CONFIRMED
            at = now - datetime.timedelta(days=max(age - 2, 0))
            rows.append(ThemeActivity(
                org_id=org_id, town_id=town_id, theme=theme, title=title, held_on=held_on, place=place,
                content=content, organisers=organisers, participants=rng.choice([30, 45, 60, 80, 120, 200, 350]),
                status=status, return_reason=rng.choice(RETURN_REASONS) if status == ActivityStatus.RETURNED else "",
                submitted_at=at if status != ActivityStatus.DRAFT else None,
                reviewed_at=at if status in (ActivityStatus.CONFIRMED, ActivityStatus.RETURNED) else None))
    ThemeActivity.objects.bulk_create(rows, batch_size=2000)
    photo_of = (ThemeActivity.objects.filter(org_id=gen.union1.id, status=ActivityStatus.CONFIRMED)
                .order_by("-held_on").first())
    photos = 0
    if photo_of is not None:
        for caption, rgb in (("活动现场", (184, 35, 47)), ("职工合影", (58, 124, 165))):
            p = ActivityPhoto(activity=photo_of, kind="png", caption=caption)
            p.image.save(f"demo-{photo_of.pk}-{photos}.png", ContentFile(_png(rgb)), save=False)
            p.save()
            photos += 1
    return {"theme activities": len(rows), "theme activity photos": photos}
