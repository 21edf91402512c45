"""Demo rows of the `benefits` area of services (会员普惠).

Merchants: partner merchants signed by the district (serving every town) and by 城厢街道 (town1 of
the demo accounts), 北干街道 (town2) and a few other towns (more at district scale): restaurants,
supermarkets, pharmacies, scenic spots, barbers, cinemas…; agreements over one or two years, one
suspended, one expired, one ending within the month (a due line on the dashboard). Every merchant
has the demo PIN `DEMO_PIN` (hashed once: one hash shared, so seeding stays fast).
Offers: one to three per merchant, mixing unlimited, once per member and N per month; one
withdrawn. Redemptions: over the last six months by live members of unions in each merchant's
area, within each offer's limit (ONCE: a person once; PER_MONTH: a person at most N a month); the
demo member1 (`gen.member1`) has a few, so the e-card page lists them. Each redemption carries the
nonce of the (pretend) scanned e-card code, distinct per offer as the unique constraint requires.
Deterministic (gen.seed); bulk writes; a few thousand rows at most.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gonghui.members.models import LIVE_STATUSES, Membership
from gonghui.orgs.models import Org
from gonghui.services.models.benefits import (
    Merchant,
    MerchantStatus,
    Offer,
    OfferLimit,
    OfferStatus,
    Redemption,
)

MODELS = (Merchant, Offer, Redemption)
DEMO_PIN = "246813"

# (name, category, address fragment) per signer: None = the district, else a town's short name.
MERCHANTS = {
    None: [("萧山影城", "TRAVEL", "人民路288号"), ("湘湖景区", "TRAVEL", "湘湖路1号"),
           ("联华华商超市萧山店", "SHOPPING", "市心中路399号"), ("萧山大药房", "HEALTH", "金城路76号"),
           ("新华书店萧山店", "SHOPPING", "人民路15号"), ("萧山中医院体检中心", "HEALTH", "育才路98号")],
    "城厢街道": [("老街面馆", "FOOD", "城厢街道西河路12号"), ("红山农场生鲜店", "SHOPPING", "城厢街道萧然南路66号"),
             ("城厢理发店", "LIFE", "城厢街道江寺路8号"), ("回春堂药店", "HEALTH", "城厢街道体育路33号"),
             ("萧然家政服务", "LIFE", "城厢街道城河街21号")],
    "北干街道": [("北干山茶楼", "FOOD", "北干街道金城路1100号"), ("百草堂大药房", "HEALTH", "北干街道博学路5号"),
             ("北干洗衣店", "LIFE", "北干街道兴议路18号"), ("北干健身馆", "LIFE", "北干街道山阴路700号")],
    "衙前镇": [("衙前农家菜馆", "FOOD", "衙前镇衙前路210号"), ("衙前超市", "SHOPPING", "衙前镇项漾路3号")],
    "临浦镇": [("临浦老字号糕点", "FOOD", "临浦镇东藩路12号"), ("临浦眼镜店", "LIFE", "临浦镇峙山路45号")],
}
DISTRICT_EXTRA = {
    "瓜沥镇": [("瓜沥萝卜干专卖", "FOOD", "瓜沥镇航坞路120号"), ("瓜沥影剧院", "TRAVEL", "瓜沥镇友谊路1号")],
    "宁围街道": [("宁围咖啡馆", "FOOD", "宁围街道市心北路800号")],
    "新塘街道": [("新塘羽绒服工厂店", "SHOPPING", "新塘街道通惠北路300号")],
}
OFFERS = {
    "FOOD": [("会员就餐九折", "九折", OfferLimit.UNLIMITED, None), ("工会会员赠饮", "每次消费赠饮品一杯",
                                                                 OfferLimit.PER_MONTH, 4)],
    "SHOPPING": [("会员日95折", "全场95折（特价除外）", OfferLimit.UNLIMITED, None),
                 ("满200减30", "满200元减30元", OfferLimit.PER_MONTH, 2)],
    "HEALTH": [("会员购药92折", "非处方药92折", OfferLimit.UNLIMITED, None),
               ("职工体检优惠", "体检套餐立减100元", OfferLimit.ONCE, None)],
    "TRAVEL": [("会员票价优惠", "门票/电影票8折", OfferLimit.PER_MONTH, 2),
               ("职工家庭套票", "家庭套票立减50元", OfferLimit.ONCE, None)],
    "LIFE": [("会员服务八八折", "八八折", OfferLimit.UNLIMITED, None),
             ("首次体验免费", "首次服务免费", OfferLimit.ONCE, None)],
}


def seed(gen) -> dict:
    rng = random.Random(gen.seed * 7919 + 211)
    small = gen.scale.name == "small"
    today = timezone.localdate()
    now = timezone.now()
    pin_hash = make_password(DEMO_PIN)
    signers = dict(MERCHANTS)
    if not small:
        signers.update(DISTRICT_EXTRA)
    merchants, n = [], 0
    for town, rows in signers.items():
        node = gen.root if town is None else gen.town_by_name.get(town)
        if node is None:
            continue
        for name, category, address in rows:
            n += 1
            start = today - datetime.timedelta(days=rng.randint(120, 500))
            end = start + datetime.timedelta(days=rng.choice([730, 1095]))
            status, reason = MerchantStatus.ACTIVE, ""
            if n == 4:
                status, reason = MerchantStatus.SUSPENDED, "顾客投诉服务态度，整改中"
            elif n == 9:
                end, status, reason = today - datetime.timedelta(days=20), MerchantStatus.EXPIRED, "协议到期未续签"
            elif n == 7:
                end = today + datetime.timedelta(days=12)  # ending soon: the dashboard's due line
            merchants.append(Merchant(
                org_id=node.id, code=f"PH{100000 + n * 37:06d}", name=name, category=category,
                address=f"萧山区{address}", contact_name=rng.choice(["王经理", "李店长", "陈女士", "张先生"]),
                contact_phone=f"0571-8{rng.randint(2000000, 2999999)}", agreement_start=start, agreement_end=end,
                status=status, status_reason=reason, pin_hash=pin_hash, pin_set_at=now))
    Merchant.objects.bulk_create(merchants)
    merchants = list(Merchant.objects.filter(code__in=[m.code for m in merchants]).select_related("org"))
    offers = []
    for m in merchants:
        choices = OFFERS[m.category]
        for i, (title, discount, limit, count) in enumerate(choices[: rng.randint(1, len(choices))]):
            start = max(m.agreement_start, today - datetime.timedelta(days=200))
            offers.append(Offer(merchant=m, title=title, discount=discount, valid_from=start,
                                valid_to=min(m.agreement_end, start + datetime.timedelta(days=365 + i * 90)),
                                limit=limit, limit_count=count,
                                description=f"凭会员电子卡在{m.name}享受：{discount}。",
                                status=OfferStatus.WITHDRAWN if (len(offers) == 5) else OfferStatus.ACTIVE))
    Offer.objects.bulk_create(offers)
    offers = list(Offer.objects.filter(merchant__in=merchants).select_related("merchant", "merchant__org"))
    redemptions = _redemptions(gen, rng, offers, small, now)
    Redemption.objects.bulk_create(redemptions, batch_size=2000)
    return {"merchants": len(merchants), "offers": len(offers), "redemptions": len(redemptions)}


def _redemptions(gen, rng, offers, small, now):
    member1 = getattr(gen, "member1", None)
    nonces = random.Random(gen.seed * 104729 + 13)  # apart from `rng`: the other rows stay as they were
    seen = set()

    def nonce():
        while True:
            value = f"{nonces.getrandbits(64):016x}"
            if value not in seen:
                seen.add(value)
                return value

    union1_path = Org.objects.filter(pk=gen.union1.id).values_list("path", flat=True).first() or ""
    people_by_org = {}
    rows = []
    per_offer = (8, 30) if small else (30, 120)
    for o in offers:
        m = o.merchant
        if m.status == MerchantStatus.SUSPENDED and rng.random() < 0.5:
            continue
        org = m.org
        if org.pk not in people_by_org:
            people_by_org[org.pk] = list(
                Membership.objects.filter(union__path__startswith=org.path, status__in=LIVE_STATUSES)
                .order_by("id").values_list("person_id", "union_id")[:600])
        people = people_by_org[org.pk]
        if not people:
            continue
        first = max(o.valid_from, (now - datetime.timedelta(days=180)).date())
        last = min(o.valid_to, now.date(), m.agreement_end)
        if last < first:
            continue
        span = (last - first).days
        used = {}
        for _i in range(rng.randint(*per_offer)):
            person_id, union_id = rng.choice(people)
            day = first + datetime.timedelta(days=rng.randint(0, span))
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 20),
                                                                                  rng.randint(0, 59))))
            if at > now:
                continue
            key = (person_id, (day.year, day.month) if o.limit == OfferLimit.PER_MONTH else None)
            cap = 1 if o.limit == OfferLimit.ONCE else (o.limit_count if o.limit == OfferLimit.PER_MONTH else 99)
            if used.get(key, 0) >= cap:
                continue
            used[key] = used.get(key, 0) + 1
            rows.append(Redemption(org_id=org.pk, merchant=m, offer=o, person_id=person_id, union_id=union_id,
                                   redeemed_at=at, card_nonce=nonce()))
        # member1 (union1) uses a few offers open to union1
        if member1 and union1_path.startswith(org.path) and o.status == OfferStatus.ACTIVE and \
                m.status == MerchantStatus.ACTIVE and o.limit != OfferLimit.ONCE and rng.random() < 0.6:
            day = max(first, now.date() - datetime.timedelta(days=rng.randint(1, 20)))
            if day <= last:
                at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, rng.randint(0, 59))))
                if at <= now and used.get((member1, (day.year, day.month) if o.limit == OfferLimit.PER_MONTH
                                           else None), 0) < (o.limit_count or 99):
                    rows.append(Redemption(org_id=org.pk, merchant=m, offer=o, person_id=member1,
                                           union_id=gen.union1.id, redeemed_at=at, card_nonce=nonce()))
    return rows
