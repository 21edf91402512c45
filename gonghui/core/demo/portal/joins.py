"""Demo data of portal / joins: 实名入会 requests in every town and platform, town1 and town2
(the demo cadres' towns) with the most, so the cadres' list, a request's page and the dashboard's
due line have rows:

- pending: new workers (fictional people not yet in the registry), sent in the last three weeks —
  some already past the decision time (`decide_within_days`), routed to the enterprise's union, or
  to the town for an enterprise without a union or typed by name;
- approved: workers who joined in the last year (existing registry members with join kind NEW),
  as if they had asked on the portal: the request points at their person and membership;
- not approved (with a reason) and withdrawn: more new workers.

With `gen.with_accounts`, every request has a worker login of its own (no role, no usable
password; the approved members' logins are linked to their person), as real requests do; without
accounts the rows have none. Bulk writes: a few hundred rows at district scale, well under a second
apart from the encryption.
"""

import datetime

from django.utils import timezone

from gonghui.portal.models.joins import JoinRequest

MODELS = (JoinRequest,)

# Requests per town by status (small, district); town1 and town2 get `DEMO_TOWN_FACTOR` times more.
PER_TOWN = {"small": {"PENDING": 2, "APPROVED": 1, "REJECTED": 1, "WITHDRAWN": 0},
            "district": {"PENDING": 9, "APPROVED": 7, "REJECTED": 3, "WITHDRAWN": 2}}
DEMO_TOWN_FACTOR = 2
REJECT_REASONS = ["经核实，申请人已于上月离职，不再是本企业职工。", "身份证号与本人信息不符，请核对后重新申请。",
                  "申请人系企业负责人，按规定不宜加入本企业工会。", "所填企业不在本镇街辖区，请选择正确的镇街。"]
UNREGISTERED = ["{town}{word}小吃店", "{town}{word}五金加工部", "{town}{word}快递服务点", "{town}{word}家政服务部"]
WORDS = ["老街", "东门", "新民", "顺发", "兴旺", "红星"]


def _nodes(gen):
    """(town node, [firms of the town]) in tree order."""
    firms = {}
    for firm in gen.firms:
        if firm.town is not None:
            firms.setdefault(firm.town.id, []).append(firm)
    return [(town, firms.get(town.id, [])) for town in gen.towns]


def _counts(gen, town):
    from gonghui.core.demo.generator import TOWN1, TOWN2

    base = PER_TOWN.get(gen.scale.name, PER_TOWN["small"])
    if town.short_name not in (TOWN1, TOWN2):
        return dict(base)
    # the demo cadres' towns: more of each, and at least one withdrawn request at every scale
    counts = {status: n * DEMO_TOWN_FACTOR for status, n in base.items()}
    counts["WITHDRAWN"] = max(counts["WITHDRAWN"], 1)
    return counts


def _new_worker(gen):
    """A fictional worker not in the registry: name, ID card number, mobile, hometown."""
    from gonghui.core.demo import vocab
    from gonghui.core.regions import ID_PREFIX_PROVINCE

    rng = gen.rng
    gender = "M" if rng.random() < 0.55 else "F"
    migrant = rng.random() < 0.45
    region = gen._weighted(gen._migrant_regions, gen._migrant_cum) if migrant else rng.choice(vocab.LOCAL_REGIONS)
    birth_on = gen._date_between(datetime.date(1975, 1, 1), datetime.date(2006, 6, 30))
    number = gen.id_number(region, birth_on, gender)
    return {"name": gen.person_name(gender), "id_number": number, "gender": gender, "birth_on": birth_on,
            "phone": gen.mobile(), "province": ID_PREFIX_PROVINCE[region[:2]], "migrant": migrant}


def _workplace(gen, town, firms):
    """(enterprise id or None, name, route, deciding org id) for a request in `town`."""
    rng = gen.rng
    if firms and rng.random() < 0.8:
        firm = rng.choice(firms)
        if firm.union is not None:
            return firm.id, firm.name, "UNION", firm.union.id
        return firm.id, firm.name, "TOWN", town.id
    name = rng.choice(UNREGISTERED).format(town=town.short_name, word=rng.choice(WORDS))
    return None, name, "TOWN", town.id


def _request(gen, worker, *, town, workplace, status, submitted_at, decided_at=None, note=""):
    enterprise_id, name, route, org_id = workplace
    j = JoinRequest(name=worker["name"], gender=worker["gender"], birth_on=worker["birth_on"],
                    hometown_province=worker["province"], is_migrant=worker["migrant"], enterprise_id=enterprise_id,
                    enterprise_name=name, town_id=town.id, route=route, org_id=org_id, status=status,
                    consented_at=submitted_at, submitted_at=submitted_at, decided_at=decided_at, decision_note=note)
    j.set_id_number(worker["id_number"])
    j.set_phone(worker["phone"])
    return j


def _new_worker_requests(gen, town, firms, counts):
    rng, now = gen.rng, gen.now
    rows = []
    for status in ("PENDING", "REJECTED", "WITHDRAWN"):
        for _i in range(counts[status]):
            submitted = now - datetime.timedelta(days=rng.randrange(0, 22), hours=rng.randrange(0, 9))
            decided = submitted + datetime.timedelta(days=rng.randrange(1, 6)) if status != "PENDING" else None
            if decided is not None and decided > now:
                decided = now
            note = rng.choice(REJECT_REASONS) if status == "REJECTED" else ""
            rows.append(_request(gen, _new_worker(gen), town=town, workplace=_workplace(gen, town, firms),
                                 status=status, submitted_at=submitted, decided_at=decided, note=note))
    return rows


def _recent_joiners(gen, town, count):
    """Live members of the town's unions who joined in the year before the anchor day as new
    members (not transfers or rejoins), not member1 — the approved requests' people. One query
    per town on the (union, status) index."""
    from gonghui.core.demo.generator import ANCHOR
    from gonghui.members.models import JoinKind, Membership

    unions = [u.id for u in gen.unions if u.town is not None and u.town.id == town.id]
    if not unions or count <= 0:
        return []
    return list(Membership.objects.filter(union_id__in=unions, status="ACTIVE", join_kind=JoinKind.NEW,
                                          joined_on__gt=ANCHOR - datetime.timedelta(days=365))
                .exclude(person_id=gen.member1 or 0).select_related("person", "union", "enterprise")
                .order_by("id")[:count])


def _approved_requests(gen, town, count):
    rows = []
    for m in _recent_joiners(gen, town, count):
        person = m.person
        joined = timezone.make_aware(datetime.datetime.combine(m.joined_on, datetime.time(15, 30)))
        submitted = joined - datetime.timedelta(days=gen.rng.randrange(1, 10), hours=5)
        worker = {"name": person.name, "id_number": person.id_number(), "gender": person.gender,
                  "birth_on": person.birth_on, "phone": person.phone() if person.phone_enc else "",
                  "province": person.hometown_province, "migrant": person.is_migrant}
        firm = m.enterprise
        workplace = (firm.pk if firm else None, firm.name if firm else f"{m.union.name}所属企业", "UNION", m.union_id)
        j = _request(gen, worker, town=town, workplace=workplace, status="APPROVED", submitted_at=submitted,
                     decided_at=joined)
        j.union_id, j.person_id, j.membership_id = m.union_id, m.person_id, m.pk
        rows.append(j)
    return rows


def _give_logins(rows):
    """A login per request (no role; an unusable password), linked to the approved member's
    person: every demo request looks like one a worker sent from their phone."""
    from django.contrib.auth.hashers import make_password

    from gonghui.accounts.models import User
    from gonghui.members.models import Person

    start = (User.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    unusable = make_password(None)
    users = []
    for offset, j in enumerate(rows):
        user = User(username=f"joindemo{start + offset:05d}", password=unusable, display_name=j.name)
        if hasattr(user, "set_phone") and j.phone_enc:
            user.set_phone(j.phone())
        users.append(user)
    users = User.objects.bulk_create(users)
    people = []
    for user, j in zip(users, rows, strict=True):
        j.account = user
        if j.person_id:
            people.append(Person(pk=j.person_id, account=user))
    Person.objects.bulk_update(people, ["account"])
    return len(users)


def seed(gen) -> dict:
    rows = []
    for town, firms in _nodes(gen):
        counts = _counts(gen, town)
        rows.extend(_approved_requests(gen, town, counts["APPROVED"]))
        rows.extend(_new_worker_requests(gen, town, firms, counts))
    logins = _give_logins(rows) if getattr(gen, "with_accounts", True) else 0
    JoinRequest.objects.bulk_create(rows, batch_size=1000)
    by_status = {}
    for j in rows:
        by_status[j.status] = by_status.get(j.status, 0) + 1
    return {"requests": len(rows), "by_status": dict(sorted(by_status.items())), "logins": logins}
