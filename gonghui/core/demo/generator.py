"""Generate the demo district: org tree, enterprises, people and membership history.

Everything is drawn from one `random.Random(seed)` in a fixed order, so the same seed gives the
same names, ID numbers (hence the same lookup hashes), tree and dates on any database. Only the
Fernet ciphertexts differ between runs (Fernet uses a fresh IV each time) — they decrypt to the
same values.

Rows are written in bulk (`bulk.RowWriter`: COPY on PostgreSQL, batched INSERTs elsewhere), with
PII encrypted and hashed exactly as `Person.set_id_number` / `set_phone` do (`core.pii`) and
pinyin initials from `core.text.pinyin_initials`. No audit rows per record: one
`core.seed_demo` event with the counts is written at the end.
"""

import bisect
import datetime
import itertools
import random
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from gonghui.core import audit, pii
from gonghui.core.regions import ID_PREFIX_PROVINCE
from gonghui.core.testing.identifiers import USCC_ALPHABET
from gonghui.core.text import pinyin_initials
from gonghui.members.models import (
    Education,
    JoinKind,
    Membership,
    MembershipStatus,
    Person,
    SkillLevel,
    Transfer,
    TransferStatus,
)
from gonghui.orgs.models import Enterprise, Industry, Org, OrgLevel, UnionKind

from . import vocab
from .bulk import RowWriter
from .ids import id_check_digit, uscc_check_digit
from .version import DATASET_VERSION

# Every generated date is on or before this day, so data does not depend on when it is seeded.
ANCHOR = datetime.date(2026, 10, 31)
DEFAULT_SEED = 2026

DISTRICT_NAME = "萧山区总工会"
# (name, level, relative size). The demo district of DOMAIN.md §1: 10 街道, 12 镇, 2 platforms.
TOWNS = [
    ("城厢街道", OrgLevel.TOWN, 5), ("北干街道", OrgLevel.TOWN, 5), ("蜀山街道", OrgLevel.TOWN, 4),
    ("新塘街道", OrgLevel.TOWN, 5), ("靖江街道", OrgLevel.TOWN, 4), ("南阳街道", OrgLevel.TOWN, 4),
    ("闻堰街道", OrgLevel.TOWN, 2), ("宁围街道", OrgLevel.TOWN, 6), ("新街街道", OrgLevel.TOWN, 5),
    ("盈丰街道", OrgLevel.TOWN, 2),
    ("楼塔镇", OrgLevel.TOWN, 1.5), ("河上镇", OrgLevel.TOWN, 1.5), ("戴村镇", OrgLevel.TOWN, 1.5),
    ("浦阳镇", OrgLevel.TOWN, 2), ("进化镇", OrgLevel.TOWN, 2), ("临浦镇", OrgLevel.TOWN, 4),
    ("义桥镇", OrgLevel.TOWN, 3), ("所前镇", OrgLevel.TOWN, 2), ("衙前镇", OrgLevel.TOWN, 4),
    ("瓜沥镇", OrgLevel.TOWN, 7), ("益农镇", OrgLevel.TOWN, 2), ("党湾镇", OrgLevel.TOWN, 2),
    ("经济技术开发区", OrgLevel.PLATFORM, 9), ("钱江世纪城", OrgLevel.PLATFORM, 4),
]
TOWN1, TOWN2 = "城厢街道", "北干街道"
# District-level industry unions: (name, industry, share of that industry's unions placed under it).
DISTRICT_INDUSTRY_UNIONS = [("区建筑业工会", Industry.CONSTRUCTION, 0.35),
                            ("区物流行业工会", Industry.LOGISTICS, 0.25)]
# Town-level industry unions: (town, name, industry, share).
TOWN_INDUSTRY_UNIONS = [("瓜沥镇", "瓜沥镇纺织化纤行业工会", Industry.TEXTILES, 0.3),
                        ("衙前镇", "衙前镇化纤行业工会", Industry.TEXTILES, 0.3)]
INDUSTRY_WEIGHTS = [(Industry.TEXTILES, 30), (Industry.AUTO_PARTS, 18), (Industry.CONSTRUCTION, 12),
                    (Industry.LOGISTICS, 10), (Industry.SERVICES, 20), (Industry.MANUFACTURING, 10)]

MIGRANT_SHARE = 0.40
TRANSFERRED_SHARE = 0.09  # live members with an earlier period in another union
REJOINED_SHARE = 0.01  # live members who left once and came back
LEFT_SHARE = 0.05  # people (per live member) who left and hold no membership now


@dataclass(frozen=True)
class Scale:
    name: str
    enterprises: int
    members: int  # live memberships, approximately
    pending_transfers: int
    public_units_per_town: int
    # headcount bands: (share, low, high), log-uniform inside a band
    bands: tuple
    chunk: int = 20000


SCALES = {
    "small": Scale("small", enterprises=24, members=700, pending_transfers=3, public_units_per_town=1,
                   bands=((0.35, 5, 24), (0.55, 25, 60), (0.10, 60, 120))),
    "district": Scale("district", enterprises=8000, members=600_000, pending_transfers=300,
                      public_units_per_town=3,
                      bands=((0.55, 5, 24), (0.30, 25, 99), (0.12, 100, 499), (0.027, 500, 1999),
                             (0.003, 2000, 6000))),
}
FLAGSHIP_HEADCOUNT = {"small": 60, "district": 860}
# The district's key-enterprise list (the seed's "top-100"): the largest firms, and union1's.
TOP_ENTERPRISES = {"small": 6, "district": 100}


@dataclass
class Node:
    name: str
    level: str
    parent: "Node | None"
    code: str
    union_kind: str = ""
    short_name: str = ""
    town: "Node | None" = None
    founded_on: datetime.date | None = None
    chair_name: str = ""
    legal_cert_no: str = ""
    address: str = ""
    children: list = field(default_factory=list)
    id: int = 0
    path: str = ""
    # grassroots unions only
    enterprises: list = field(default_factory=list)
    members: int = 0


@dataclass
class Firm:
    name: str
    uscc: str
    industry: str
    headcount: int
    above_scale: bool
    address: str
    town: Node
    union: Node | None = None
    id: int = 0
    raw_members: int = 0
    top100: bool = False


@dataclass
class SeedResult:
    counts: dict
    seconds: float
    root: Org
    town1: Org
    town2: Org
    union1: Org
    member1_person: Person | None


class Generator:
    def __init__(self, scale: Scale, seed: int, *, progress=None, writer_method=None):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.progress = progress  # a tqdm-like object with update(n) or None
        self.writer = RowWriter(connection, method=writer_method)
        self.now = timezone.now()
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._usccs: set[str] = set()
        self._firm_names: set[str] = set()
        surnames, weights = zip(*vocab.SURNAMES, strict=True)
        self._surnames = surnames
        self._surname_cum = list(itertools.accumulate(weights))
        regions, rweights = zip(*vocab.MIGRANT_REGIONS, strict=True)
        self._migrant_regions = regions
        self._migrant_cum = list(itertools.accumulate(rweights))
        self._encrypt = pii.encrypt
        self._hash = pii.lookup_hash

    # --- small helpers --------------------------------------------------------------------------
    def _weighted(self, items, cum):
        return items[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def _date_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        if end <= start:
            return start
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def person_name(self, gender: str) -> str:
        surname = self._weighted(self._surnames, self._surname_cum)
        chars = vocab.GIVEN_MALE if gender == "M" else vocab.GIVEN_FEMALE
        given = self.rng.choice(chars)
        if self.rng.random() < 0.7:
            given += self.rng.choice(chars)
        return surname + given

    def id_number(self, region: str, birth_on: datetime.date, gender: str) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
            body = f"{region}{birth_on:%Y%m%d}{seq:03d}"
            number = body + id_check_digit(body)
            if number not in self._ids:
                self._ids.add(number)
                return number
            birth_on += datetime.timedelta(days=1)

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(vocab.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def uscc(self, public=False) -> str:
        while True:
            body = ("12" if public else "91") + "330109" + "".join(self.rng.choices(USCC_ALPHABET, k=9))
            code = body + uscc_check_digit(body)
            if code not in self._usccs:
                self._usccs.add(code)
                return code

    def address(self, town_name: str) -> str:
        return f"{town_name}{self.rng.choice(vocab.ROADS)}{self.rng.randrange(1, 999)}号"

    # --- the tree and enterprises ------------------------------------------------------------
    def plan(self):
        rng = self.rng
        self.root = Node(DISTRICT_NAME, OrgLevel.DISTRICT, None, "XS", short_name="区总工会",
                         founded_on=datetime.date(1950, 5, 1), address="萧山区人民路1号")
        self.towns = []
        for i, (name, level, _w) in enumerate(TOWNS, start=1):
            prefix = "P" if level == OrgLevel.PLATFORM else "T"
            node = Node(f"{name}总工会" if level == OrgLevel.TOWN else f"{name}工会", level, self.root,
                        f"XS-{prefix}{i:02d}", short_name=name, founded_on=datetime.date(1985 + i % 20, 3, 1),
                        chair_name=self.person_name(rng.choice("MF")), address=self.address(name))
            node.town = node
            self.root.children.append(node)
            self.towns.append(node)
        self.town_by_name = {t.short_name: t for t in self.towns}
        self.industry_unions = {}
        for j, (name, industry, share) in enumerate(DISTRICT_INDUSTRY_UNIONS, start=1):
            node = Node(name, OrgLevel.INDUSTRY, self.root, f"XS-I{j:02d}", short_name=name,
                        founded_on=datetime.date(2008, 1, 1), chair_name=self.person_name(rng.choice("MF")))
            self.root.children.append(node)
            self.industry_unions[(None, industry)] = (node, share)
        for j, (town_name, name, industry, share) in enumerate(TOWN_INDUSTRY_UNIONS, start=1):
            town = self.town_by_name[town_name]
            node = Node(name, OrgLevel.INDUSTRY, town, f"{town.code}-I{j:02d}", short_name=name, town=town,
                        founded_on=datetime.date(2012, 1, 1), chair_name=self.person_name(rng.choice("MF")))
            town.children.append(node)
            self.industry_unions[(town.short_name, industry)] = (node, share)

        self.firms = self._plan_firms()
        self.unions = self._plan_unions()
        self._scale_members()
        self._plan_groups()
        self._assign_paths()

    def _plan_firms(self):
        rng, scale = self.rng, self.scale
        town_cum = list(itertools.accumulate(w for _n, _l, w in TOWNS))
        industries, iweights = zip(*INDUSTRY_WEIGHTS, strict=True)
        industry_cum = list(itertools.accumulate(iweights))
        band_cum = list(itertools.accumulate(b[0] for b in scale.bands))
        firms = []
        for i in range(scale.enterprises):
            if i == 0:
                town, industry, headcount = self.town_by_name[TOWN1], Industry.TEXTILES, FLAGSHIP_HEADCOUNT[scale.name]
            else:  # the first few firms sit in the demo accounts' towns
                town = self.town_by_name[TOWN1 if i % 2 else TOWN2] if i < 9 else self._weighted(self.towns, town_cum)
                industry = self._weighted(industries, industry_cum)
                _share, low, high = self._weighted(scale.bands, band_cum)
                headcount = int(round(low * (high / low) ** rng.random()))
            above = headcount >= 500 or (headcount >= 100 and rng.random() < 0.7) or (
                headcount >= 50 and rng.random() < 0.15)
            firms.append(Firm(self._firm_name(industry), self.uscc(), industry, headcount, above,
                              self.address(town.short_name), town))
        for town in self.towns:
            for k in range(scale.public_units_per_town):
                unit = vocab.PUBLIC_UNITS[(k + len(town.code)) % len(vocab.PUBLIC_UNITS)]
                headcount = int(round(30 * (8 ** rng.random())))
                firms.append(Firm(f"杭州市萧山区{town.short_name}{unit}", self.uscc(public=True), Industry.PUBLIC,
                                  headcount, False, self.address(town.short_name), town))
        return firms

    def _firm_name(self, industry):
        words = vocab.INDUSTRY_WORDS[industry]
        while True:
            trade = "".join(self.rng.sample(vocab.TRADE_CHARS, 2))
            kind = "股份有限公司" if self.rng.random() < 0.1 else "有限公司"
            name = f"杭州{trade}{self.rng.choice(words)}{kind}"
            if name not in self._firm_names:
                self._firm_names.add(name)
                return name

    def _plan_unions(self):
        rng = self.rng
        unions = []
        union_no = itertools.count(1)

        def new_union(name, kind, parent, town, firm_list):
            n = next(union_no)
            node = Node(name, OrgLevel.GRASSROOTS, parent, f"XS-G{n:06d}", union_kind=kind, town=town,
                        short_name=name[:40],
                        founded_on=self._date_between(datetime.date(1992, 1, 1), datetime.date(2024, 12, 31)),
                        chair_name=self.person_name(rng.choice("MF")),
                        legal_cert_no=f"工法证字第3301{n:06d}号" if rng.random() < 0.8 else "",
                        address=firm_list[0].address)
            node.enterprises = firm_list
            for firm in firm_list:
                firm.union = node
            parent.children.append(node)
            unions.append(node)
            return node

        pools: dict[str, list] = {}
        for index, firm in enumerate(self.firms):
            if firm.industry == Industry.PUBLIC:
                new_union(f"{firm.name}工会", UnionKind.INSTITUTION, firm.town, firm.town, [firm])
                continue
            if index == 0 or firm.headcount >= 25:
                if index != 0 and rng.random() >= 0.93:
                    continue  # not yet organised (组建 work to do)
                parent = firm.town
                if index != 0:
                    for key in ((firm.town.short_name, firm.industry), (None, firm.industry)):
                        if key in self.industry_unions:
                            node, share = self.industry_unions[key]
                            if rng.random() < share:
                                parent = node
                            break
                new_union(f"{firm.name}工会委员会", UnionKind.ENTERPRISE, parent, firm.town, [firm])
            elif rng.random() < 0.88:
                pools.setdefault(firm.town.short_name, []).append(firm)
        for town in self.towns:
            pool = pools.get(town.short_name, [])
            start = 0
            while start < len(pool):
                size = rng.randint(3, 12)
                members = pool[start:start + size]
                start += size
                area = "".join(rng.sample(vocab.VILLAGE_CHARS, 2))
                suffix = rng.choice(["村", "社区", "工业园区", "商贸区"])
                new_union(f"{town.short_name}{area}{suffix}联合工会委员会", UnionKind.JOINT, town, town, members)
        return unions

    def _scale_members(self):
        rng = self.rng
        raw_total = 0
        for union in self.unions:
            low, high = (0.70, 0.95) if union.union_kind == UnionKind.JOINT else (0.80, 0.98)
            for firm in union.enterprises:
                firm.raw_members = max(1, round(firm.headcount * rng.uniform(low, high)))
                raw_total += firm.raw_members
        factor = self.scale.members / raw_total
        for union in self.unions:
            union.members = 0
            for firm in union.enterprises:
                firm.raw_members = max(1, round(firm.raw_members * factor))
                firm.headcount = max(firm.headcount, firm.raw_members)
                union.members += firm.raw_members

    def _plan_groups(self):
        for union in self.unions:
            m = union.members
            n = 0 if m < 20 else min(2 + m // 200, len(vocab.GROUP_NAMES))
            for g in range(n):
                group = Node(f"{vocab.GROUP_NAMES[g]}工会小组", OrgLevel.GROUP, union, f"{union.code}-{g + 1:02d}",
                             town=union.town, founded_on=union.founded_on,
                             chair_name=self.person_name(self.rng.choice("MF")))
                union.children.append(group)

    def _assign_paths(self):
        next_id = (Org.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        roots = Org.objects.filter(depth=1).count()
        self.nodes = []

        def walk(node, path):
            nonlocal next_id
            node.id, node.path = next_id, path
            next_id += 1
            self.nodes.append(node)
            depth = len(path) // Org.steplen
            for step, child in enumerate(node.children, start=1):
                walk(child, Org._get_path(path, depth + 1, step))

        walk(self.root, Org._get_path(None, 1, roots + 1))

    # --- writing ------------------------------------------------------------------------------
    def write_orgs(self):
        now = self.now
        cols = ["id", "path", "depth", "numchild", "name", "short_name", "level", "union_kind", "code",
                "founded_on", "chair_name", "legal_cert_no", "address", "is_active", "created_at", "updated_at"]
        rows = [(n.id, n.path, len(n.path) // Org.steplen, len(n.children), n.name, n.short_name, n.level,
                 n.union_kind, n.code, n.founded_on, n.chair_name, n.legal_cert_no, n.address, True, now, now)
                for n in self.nodes]
        self.writer.write(Org, cols, rows)

    def mark_top_enterprises(self):
        largest = sorted(self.firms, key=lambda f: (-f.headcount, f.uscc))[:TOP_ENTERPRISES[self.scale.name] - 1]
        for firm in (*largest, self.firms[0]):
            firm.top100 = True

    def write_enterprises(self):
        next_id = (Enterprise.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        now = self.now
        self.mark_top_enterprises()
        rows = []
        for firm in self.firms:
            firm.id = next_id
            next_id += 1
            rows.append((firm.id, firm.name, firm.uscc, firm.industry, firm.headcount, firm.above_scale,
                         firm.top100, firm.address, firm.town.id, firm.union.id if firm.union else None, now, now))
        cols = ["id", "name", "uscc", "industry", "headcount", "above_scale", "top100", "address", "town_id",
                "union_id", "created_at", "updated_at"]
        self.writer.write(Enterprise, cols, rows)

    PERSON_COLS = ["id", "name", "name_initials", "id_number_enc", "id_number_hash", "id_number_masked",
                   "gender", "birth_on", "phone_enc", "phone_hash", "phone_masked", "hometown_province",
                   "is_migrant", "education", "skill_level", "created_at", "updated_at"]
    MEMBERSHIP_COLS = ["id", "person_id", "union_id", "enterprise_id", "status", "joined_on", "join_kind",
                       "ended_on", "end_reason", "created_at", "person_name", "person_initials"]
    TRANSFER_COLS = ["id", "person_id", "from_membership_id", "from_union_id", "to_union_id", "to_enterprise_id",
                     "to_membership_id", "status", "reason", "effective_on", "requested_by_id", "requested_at",
                     "decided_by_id", "decided_at", "decision_note"]

    def _new_person(self):
        rng = self.rng
        gender = "M" if rng.random() < 0.56 else "F"
        migrant = rng.random() < MIGRANT_SHARE
        region = self._weighted(self._migrant_regions, self._migrant_cum) if migrant else rng.choice(
            vocab.LOCAL_REGIONS)
        birth_on = self._date_between(datetime.date(1968, 1, 1), datetime.date(2006, 10, 31))
        number = self.id_number(region, birth_on, gender)
        name = self.person_name(gender)
        phone = self.mobile() if rng.random() < 0.92 else ""
        education = self._weighted(EDU_VALUES, EDU_CUM_MIGRANT if migrant else EDU_CUM_LOCAL)
        skill = self._weighted(SKILL_VALUES, SKILL_CUM)
        self.person_id += 1
        self.migrants += migrant
        enc, hsh = self._encrypt, self._hash
        initials = pinyin_initials(name)
        # a person's memberships are written right after the person: they copy these (search columns)
        self.person_search = (name, initials)
        row = (self.person_id, name, initials, enc(number), hsh(number), pii.mask_id_number(number),
               gender, birth_on, enc(phone), hsh(phone), pii.mask_phone(phone), ID_PREFIX_PROVINCE[region[:2]],
               migrant, education, skill, self.now, self.now)
        self.person_rows.append(row)
        self.hashes.append(row[4])
        return self.person_id, name, birth_on

    def _membership(self, person_id, union, firm_id, status, joined_on, join_kind, ended_on=None, reason=""):
        self.membership_id += 1
        self.membership_rows.append((self.membership_id, person_id, union.id, firm_id, status, joined_on, join_kind,
                                     ended_on, reason, self.now, *self.person_search))
        self.status_counts[str(status)] = self.status_counts.get(str(status), 0) + 1
        return self.membership_id

    def _transfer(self, person_id, from_mid, from_union, to_union, to_firm, to_mid, status, effective_on):
        self.transfer_id += 1
        requested_at = timezone.make_aware(datetime.datetime.combine(effective_on, datetime.time(9, 30)))
        decided_at = requested_at + datetime.timedelta(days=2) if status != TransferStatus.PENDING else None
        self.transfer_rows.append((self.transfer_id, person_id, from_mid, from_union.id, to_union.id, to_firm,
                                   to_mid, status, self.rng.choice(TRANSFER_REASONS), effective_on, None,
                                   requested_at, None, decided_at, ""))
        self.transfer_counts[str(status)] = self.transfer_counts.get(str(status), 0) + 1

    def write_people(self):
        rng = self.rng
        self.person_id = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.membership_id = Membership.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.transfer_id = Transfer.objects.order_by("-id").values_list("id", flat=True).first() or 0
        self.person_rows, self.membership_rows, self.transfer_rows, self.hashes = [], [], [], []
        self.status_counts, self.transfer_counts = {}, {}
        self.member1 = None
        self.person_count = 0
        self.migrants = 0
        total_live = sum(u.members for u in self.unions)
        # every `stride`-th live member (never member1) has a transfer waiting for the receiving union
        stride = max(total_live // max(self.scale.pending_transfers, 1), 1)
        live_index = 0
        unions = self.unions
        min_join = datetime.date(2000, 1, 1)

        def other_union(union):
            while True:
                other = unions[rng.randrange(len(unions))]
                if other is not union or len(unions) == 1:
                    return other

        def firm_of(union):
            firms = union.enterprises
            return firms[0].id if len(firms) == 1 else firms[rng.randrange(len(firms))].id

        def earliest_join(birth_on, union):
            adult = birth_on.replace(year=birth_on.year + 18) if not (
                birth_on.month == 2 and birth_on.day == 29) else datetime.date(birth_on.year + 18, 3, 1)
            return max(adult, union.founded_on or min_join, min_join)

        for union in unions:
            for _ in range(union.members):
                pid, name, birth_on = self._new_person()
                firm_id = firm_of(union)
                roll = rng.random()
                start = earliest_join(birth_on, union)
                if roll < TRANSFERRED_SHARE or roll < TRANSFERRED_SHARE + REJOINED_SHARE:
                    prev = other_union(union) if roll < TRANSFERRED_SHARE else union
                    first_on = self._date_between(max(start, earliest_join(birth_on, prev)), ANCHOR)
                    moved_on = self._date_between(first_on, ANCHOR)
                    if roll < TRANSFERRED_SHARE:
                        old = self._membership(pid, prev, firm_of(prev), MembershipStatus.TRANSFERRED_OUT, first_on,
                                               JoinKind.NEW, moved_on, f"转往{union.name}")
                        new = self._membership(pid, union, firm_id, MembershipStatus.ACTIVE, moved_on,
                                               JoinKind.TRANSFER_IN)
                        self._transfer(pid, old, prev, union, firm_id, new, TransferStatus.ACCEPTED, moved_on)
                        current = new
                    else:
                        self._membership(pid, union, firm_id, MembershipStatus.LEFT, first_on, JoinKind.NEW,
                                         moved_on, rng.choice(LEAVING_REASONS))
                        back_on = self._date_between(moved_on, ANCHOR)
                        current = self._membership(pid, union, firm_id, MembershipStatus.ACTIVE, back_on,
                                                   JoinKind.REJOIN)
                    joined_current = self.membership_rows[-1][5]
                else:
                    joined_current = self._date_between(start, ANCHOR)
                    current = self._membership(pid, union, firm_id, MembershipStatus.ACTIVE, joined_current,
                                               JoinKind.NEW)
                if union is self.union1 and self.member1 is None and joined_current <= ANCHOR:
                    self.member1 = pid
                elif live_index % stride == stride // 2 and len(unions) > 1:
                    row = self.membership_rows[-1]
                    self.membership_rows[-1] = row[:4] + (MembershipStatus.TRANSFER_PENDING,) + row[5:]
                    self.status_counts["ACTIVE"] -= 1
                    self.status_counts["TRANSFER_PENDING"] = self.status_counts.get("TRANSFER_PENDING", 0) + 1
                    target = other_union(union)
                    effective = self._date_between(max(joined_current, ANCHOR - datetime.timedelta(days=30)), ANCHOR)
                    self._transfer(pid, current, union, target, None, None, TransferStatus.PENDING, effective)
                live_index += 1
                self._tick()
            for _ in range(round(union.members * LEFT_SHARE)):
                pid, name, birth_on = self._new_person()
                joined = self._date_between(earliest_join(birth_on, union), ANCHOR)
                left = self._date_between(joined, ANCHOR)
                self._membership(pid, union, firm_of(union), MembershipStatus.LEFT, joined, JoinKind.NEW, left,
                                 rng.choice(LEAVING_REASONS))
                self._tick()
        self._flush()

    def _tick(self):
        self.person_count += 1
        if len(self.person_rows) >= self.scale.chunk:
            self._flush()

    def _flush(self):
        n = len(self.person_rows)
        self.writer.write(Person, self.PERSON_COLS, self.person_rows)
        self.writer.write(Membership, self.MEMBERSHIP_COLS, self.membership_rows)
        self.writer.write(Transfer, self.TRANSFER_COLS, self.transfer_rows)
        self.person_rows, self.membership_rows, self.transfer_rows = [], [], []
        if self.progress is not None:
            self.progress.update(n)

    def total_people(self):
        return sum(u.members + round(u.members * LEFT_SHARE) for u in self.unions)


EDU_VALUES = (Education.PRIMARY, Education.JUNIOR, Education.SENIOR, Education.COLLEGE, Education.BACHELOR,
              Education.POSTGRADUATE)
SKILL_VALUES = (SkillLevel.NONE, SkillLevel.LEVEL5, SkillLevel.LEVEL4, SkillLevel.LEVEL3, SkillLevel.LEVEL2,
                SkillLevel.LEVEL1)
EDU_CUM_MIGRANT = list(itertools.accumulate((8, 40, 32, 12, 7, 1)))
EDU_CUM_LOCAL = list(itertools.accumulate((2, 18, 30, 25, 21, 4)))
SKILL_CUM = list(itertools.accumulate((62, 14, 12, 8, 3, 1)))
LEAVING_REASONS = ["离职", "退休", "调离本单位", "企业关停", "个人申请退会"]
TRANSFER_REASONS = ["工作调动", "更换工作单位", "企业改制", "随迁就业"]


def database_is_empty() -> bool:
    return not (Org.objects.exists() or Enterprise.objects.exists() or Person.objects.exists())


def seed(*, scale: str, seed: int = DEFAULT_SEED, progress_factory=None, writer_method=None,
         accounts=True) -> SeedResult:
    """Generate and write the demo district in one transaction. `progress_factory(total)` returns
    a tqdm-like progress bar (or None). Returns the counts and the demo accounts' anchors."""
    from . import accounts as demo_accounts
    from . import bargaining as demo_bargaining
    from . import competitions as demo_competitions
    from . import congress as demo_congress
    from . import grassroots as demo_grassroots
    from . import honours as demo_honours
    from . import innovation as demo_innovation
    from . import portal as demo_portal
    from . import publicity as demo_publicity
    from . import reports as demo_reports
    from . import services as demo_services
    from . import training as demo_training
    from . import voice as demo_voice
    from . import welfare as demo_welfare

    started = time.monotonic()
    gen = Generator(SCALES[scale], seed, writer_method=writer_method)
    # Seeds that need logins of their own (study sessions invite cadres) make none without accounts.
    gen.with_accounts = accounts
    with transaction.atomic():
        gen.plan()
        gen.union1 = gen.firms[0].union
        gen.write_orgs()
        gen.write_enterprises()
        progress = progress_factory(gen.total_people()) if progress_factory else None
        gen.progress = progress
        try:
            gen.write_people()
        finally:
            if progress is not None:
                progress.close()
        gen.writer.reset_sequences([Org, Enterprise, Person, Membership, Transfer])
        bargaining_started = time.monotonic()
        wage_counts = demo_bargaining.seed_bargaining(gen)
        wage_counts["seconds"] = round(time.monotonic() - bargaining_started, 1)
        congress_counts = demo_congress.seed_congress(gen)
        innovation_counts = demo_innovation.seed_innovation(gen)
        grassroots_counts = demo_grassroots.seed_grassroots(gen)
        # Contest results and competition awards end in the honour records: competitions first.
        competitions_counts = demo_competitions.seed_all(gen)
        honours_counts = demo_honours.seed_all(gen)
        training_counts = demo_training.seed_all(gen)
        services_counts = demo_services.seed_all(gen)
        welfare_counts = demo_welfare.seed_all(gen)
        voice_counts = demo_voice.seed_all(gen)
        publicity_counts = demo_publicity.seed_all(gen)
        portal_counts = demo_portal.seed_all(gen)
        root = Org.objects.get(pk=gen.root.id)
        town1 = Org.objects.get(pk=gen.town_by_name[TOWN1].id)
        town2 = Org.objects.get(pk=gen.town_by_name[TOWN2].id)
        union1 = Org.objects.get(pk=gen.union1.id)
        member1 = Person.objects.get(pk=gen.member1) if gen.member1 else None
        counts = {
            "orgs": len(gen.nodes),
            "towns": sum(1 for t in gen.towns if t.level == OrgLevel.TOWN),
            "platforms": sum(1 for t in gen.towns if t.level == OrgLevel.PLATFORM),
            "unions": len(gen.unions),
            "groups": sum(1 for n in gen.nodes if n.level == OrgLevel.GROUP),
            "enterprises": len(gen.firms),
            "people": gen.person_count,
            "memberships": sum(gen.status_counts.values()),
            "live_memberships": gen.status_counts.get("ACTIVE", 0) + gen.status_counts.get("TRANSFER_PENDING", 0),
            "memberships_by_status": dict(sorted(gen.status_counts.items())),
            "transfers_by_status": dict(sorted(gen.transfer_counts.items())),
        }
        counts["migrant_share"] = round(gen.migrants / max(counts["people"], 1), 3)
        counts["wage_agreements"] = wage_counts
        counts["congress"] = congress_counts
        counts["innovation"] = innovation_counts
        counts["grassroots"] = grassroots_counts
        counts["competitions"] = competitions_counts
        counts["honours"] = honours_counts
        counts["training"] = training_counts
        counts["services"] = services_counts
        counts["welfare"] = welfare_counts
        counts["voice"] = voice_counts
        counts["publicity"] = publicity_counts
        counts["portal"] = portal_counts
        if accounts:
            counts["accounts"] = demo_accounts.create_demo_accounts(
                root=root, town1=town1, town2=town2, union1=union1, member1_person=member1)
        # Roll-ups last: they sum what every module above wrote.
        counts["reports"] = demo_reports.seed_all(gen)
        counts["seconds_before_commit"] = round(time.monotonic() - started, 1)
        counts["scale"], counts["seed"], counts["database"] = scale, seed, connection.vendor
        counts["dataset_version"] = DATASET_VERSION
        audit.record(actor=None, action="core.seed_demo", obj=root, org=root, after=counts)
    # Fresh planner statistics after a bulk load (PostgreSQL's autovacuum would get there later;
    # SQLite has none until ANALYZE runs, and without them it drives member searches from the
    # status index: a phone search at district scale takes ~1 s instead of ~10 ms).
    # VACUUM also sets the visibility map, so name searches and counts can be answered from the
    # membership indexes alone (index-only scans); it cannot run inside a transaction (tests).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for model in (Org, Enterprise, Person, Membership, Transfer, *demo_bargaining.MODELS,
                          *demo_congress.MODELS, *demo_innovation.MODELS,
                          *demo_grassroots.all_models(), *demo_competitions.all_models(),
                          *demo_honours.all_models(), *demo_training.all_models(),
                          *demo_services.all_models(), *demo_welfare.all_models(),
                          *demo_voice.all_models(), *demo_publicity.all_models(),
                          *demo_portal.all_models(), *demo_reports.all_models()):
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
    # the total includes the commit (PostgreSQL checks the deferred foreign keys there) and ANALYZE
    seconds = round(time.monotonic() - started, 1)
    return SeedResult(counts=counts, seconds=seconds, root=root, town1=town1, town2=town2, union1=union1,
                      member1_person=member1)

