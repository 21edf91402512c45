"""Demo rows of the `venues` area of services: the district's workers' cultural palace
(萧山区工人文化宫) with six rooms, a worker service centre with two rooms in every town, room
bookings from 60 days before today to 45 days after (past ones confirmed, a few rejected or
cancelled; future ones confirmed or requested, some requests waiting too long), art-troupe
performances (送文化进企业 requested by unions of several towns, union1 and the towns of the demo
accounts included: done with an audience, scheduled at the palace's theatre or at the enterprise,
requested, declined, cancelled) and film screenings at enterprises (shown, planned, cancelled).

Dates are relative to the day of the seed (the calendar of the current month has data). Slots
of a room never overlap (each room-day has three fixed slots, each used at most once). Bulk
writes: a few queries per table.
"""

import datetime
import random

from django.db.models import F
from django.utils import timezone

from gonghui.orgs.models import OrgLevel
from gonghui.services.models.venues import (
    BookingCounter,
    BookingStatus,
    Performance,
    PerformanceStatus,
    Room,
    RoomBooking,
    RoomKind,
    Screening,
    ScreeningStatus,
    Venue,
    VenueKind,
)

MODELS = (Venue, Room, RoomBooking, Performance, Screening, BookingCounter)
DAY = datetime.timedelta(days=1)
SLOTS = [(9, 11), (14, 16), (19, 21)]
PALACE_ROOMS = [("大剧场", RoomKind.HALL, 800, "舞台灯光、音响、LED大屏"),
                ("多功能厅", RoomKind.HALL, 300, "投影、音响"),
                ("第一会议室", RoomKind.MEETING, 40, "投影、视频会议"),
                ("培训教室", RoomKind.TRAINING, 60, "投影、电脑"),
                ("舞蹈排练厅", RoomKind.ACTIVITY, 50, "把杆、镜墙、音响"),
                ("职工篮球馆", RoomKind.SPORTS, 200, "")]
CENTRE_ROOMS = [("职工活动室", RoomKind.ACTIVITY, 50, "乒乓球桌、音响"), ("会议室", RoomKind.MEETING, 30, "投影")]
PURPOSES = ["职工代表大会", "工会干部培训", "劳模工匠座谈会", "职工文艺排练", "安全生产知识讲座", "职工书法摄影展",
            "新入会职工见面会", "女职工健康讲座", "职工技能比武动员会", "迎新春联欢会", "读书分享会", "法律援助咨询日"]
TITLES = ["送文化进企业 · 迎新春文艺演出", "劳动者之歌专场演出", "送文化进企业 · 越剧专场", "职工艺术团走基层",
          "五一劳动节文艺汇演", "送欢乐下基层 · 曲艺专场", "一线职工慰问演出"]
PROGRAMMES = ["开场舞《劳动者之歌》、越剧选段、小品《车间里的故事》、合唱《我们工人有力量》",
              "萧山莲花落、歌伴舞、魔术、器乐合奏", "独唱、舞蹈、相声、诗朗诵《致敬工匠》"]
FILMS = ["长津湖", "你好，李焕英", "流浪地球2", "中国机长", "我和我的祖国", "夺冠", "万里归途", "热辣滚烫",
         "第二十条", "飞驰人生2", "人生大事", "狙击手"]
SITES = ["厂区广场", "职工食堂", "职工之家", "宿舍区空地"]


def seed(gen) -> dict:
    return VenuesDemo(gen).write()


def with_phone(booking, number):
    """The booking with its contact's mobile written encrypted, as the application writes it."""
    booking.set_contact_phone(number)
    return booking

class VenuesDemo:
    def __init__(self, gen):
        self.gen = gen
        self.rng = random.Random(gen.seed * 7919 + 211)
        self.small = gen.scale.name == "small"
        self.now = gen.now
        self.today = timezone.localtime(gen.now).date()
        self.taken = set()  # (room id, day, slot index)
        self.numbers = {}

    def at(self, day, hour):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))

    def contact(self):
        given = ["建国", "丽华", "志强", "海燕", "伟", "芳", "军", "敏"]
        return self.rng.choice("王李张陈刘杨赵黄周吴") + self.rng.choice(given)

    def number(self, year):
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"CD{year}-{self.numbers[year]:04d}"

    def venues(self):
        gen = self.gen
        towns = [t for t in gen.towns if t.level == OrgLevel.TOWN]
        palace = Venue(org_id=gen.root.id, kind=VenueKind.CULTURAL_PALACE, name="萧山区工人文化宫",
                       address="萧山区人民路258号", contact_phone="0571-82621234",
                       description="区总工会直属的职工文化活动阵地，承接职工培训、文艺演出、展览和体育活动。")
        centres = [Venue(org_id=t.id, kind=VenueKind.SERVICE_CENTRE, name=f"{t.short_name or t.name}职工服务中心",
                         address=t.address or f"{t.short_name}政府大院内", contact_phone="0571-8" + str(
                             7000000 + i * 1371)[:7]) for i, t in enumerate(towns)]
        Venue.objects.bulk_create([palace, *centres])
        rooms = [Room(venue_id=palace.pk, name=n, kind=k, capacity=c, equipment=e,
                      opens_at=datetime.time(8), closes_at=datetime.time(21)) for n, k, c, e in PALACE_ROOMS]
        for v in centres:
            rooms += [Room(venue_id=v.pk, name=n, kind=k, capacity=c, equipment=e,
                           opens_at=datetime.time(8), closes_at=datetime.time(21)) for n, k, c, e in CENTRE_ROOMS]
        Room.objects.bulk_create(rooms)
        town_of_venue = {v.pk: t for v, t in zip(centres, towns, strict=True)}
        return palace, rooms, town_of_venue

    def unions_by_town(self):
        """{town id: unions below the town in the tree} (a union's `town` may sit elsewhere: an
        industry union's members work in a town but the union is not under it)."""
        towns = {t.path: t.id for t in self.gen.towns if t.level == OrgLevel.TOWN}
        by_town = {}
        for u in self.gen.unions:
            town_id = towns.get(u.path[:8])
            if town_id is not None:
                by_town.setdefault(town_id, []).append(u)
        return by_town

    def bookings(self, palace, rooms, town_of_venue, by_town):
        gen, rng = self.gen, self.rng
        all_unions = [u for u in gen.unions if u.town is not None]
        rows = []
        for room in rooms:
            at_palace = room.venue_id == palace.pk
            if at_palace:
                chance = 0.3 if room.kind != RoomKind.HALL else 0.15
                pool = all_unions
            else:
                chance = 0.12 if self.small else 0.08
                pool = by_town.get(town_of_venue[room.venue_id].id) or all_unions
            for offset in range(-60, 46):
                day = self.today + offset * DAY
                for i, (start, end) in enumerate(SLOTS):
                    if rng.random() >= chance:
                        continue
                    self.taken.add((room.pk, day, i))
                    union = gen.union1 if at_palace and rng.random() < 0.04 else rng.choice(pool)
                    starts_at, ends_at = self.at(day, start), self.at(day, end)
                    if starts_at < self.now:
                        status = rng.choices([BookingStatus.CONFIRMED, BookingStatus.CANCELLED,
                                              BookingStatus.REJECTED], [85, 10, 5])[0]
                    else:
                        status = rng.choices([BookingStatus.CONFIRMED, BookingStatus.REQUESTED,
                                              BookingStatus.CANCELLED], [60, 35, 5])[0]
                    if status in (BookingStatus.CANCELLED, BookingStatus.REJECTED):
                        self.taken.discard((room.pk, day, i))
                    reason = {BookingStatus.CANCELLED: "活动改期", BookingStatus.REJECTED: "场地检修"}.get(status, "")
                    rows.append(with_phone(RoomBooking(
                        number=self.number(day.year), room_id=room.pk, org_id=union.id, purpose=rng.choice(PURPOSES),
                        starts_at=starts_at, ends_at=ends_at,
                        attendees=max(1, min(room.capacity, rng.randint(room.capacity // 4 + 1, room.capacity))),
                        contact_name=self.contact(), status=status, reason=reason,
                        decided_at=None if status == BookingStatus.REQUESTED else min(starts_at - 3 * DAY, self.now)),
                        f"139{rng.randrange(10**8):08d}"))
        # the union1 chair's own bookings: one confirmed next week, one waiting
        for offset, status in ((7, BookingStatus.CONFIRMED), (12, BookingStatus.REQUESTED)):
            day = self.today + offset * DAY
            room = next(r for r in rooms if r.venue_id == palace.pk and r.kind == RoomKind.TRAINING)
            if (room.pk, day, 0) in self.taken:
                continue
            self.taken.add((room.pk, day, 0))
            rows.append(with_phone(RoomBooking(number=self.number(day.year), room_id=room.pk, org_id=gen.union1.id,
                                               purpose="工会干部业务培训", starts_at=self.at(day, 9),
                                               ends_at=self.at(day, 11), attendees=45, contact_name="王建国",
                                               status=status, decided_at=self.now if status == BookingStatus.CONFIRMED
                                               else None), "13905710001"))
        RoomBooking.objects.bulk_create(rows, batch_size=2000)
        return rows

    def performances(self, palace, rooms, by_town):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen, rng = self.gen, self.rng
        theatre = next(r for r in rooms if r.venue_id == palace.pk and r.kind == RoomKind.HALL)
        anchors = [gen.union1] + [u for name in (TOWN1, TOWN2)
                                  for u in by_town.get(gen.town_by_name[name].id, [])[:4] if u is not gen.union1]
        others = [u for u in gen.unions if u.town is not None and u not in anchors]
        hosts = anchors + rng.sample(others, min(len(others), 8 if self.small else 40))
        statuses = [PerformanceStatus.DONE] * 5 + [PerformanceStatus.SCHEDULED] * 2 + [
            PerformanceStatus.REQUESTED] * 2 + [PerformanceStatus.REJECTED, PerformanceStatus.CANCELLED]
        perfs, bookings = [], []
        for union in hosts:
            status = statuses[0] if union is gen.union1 else rng.choice(statuses)
            firm = union.enterprises[0] if union.enterprises else None
            expected = rng.randint(80, 400)
            if status == PerformanceStatus.DONE:
                day = self.today - rng.randint(3, 200) * DAY
            else:
                day = self.today + rng.randint(5, 40) * DAY
            p = Performance(org_id=union.id, title=rng.choice(TITLES), programme=rng.choice(PROGRAMMES),
                            enterprise_id=firm.id if firm else None, place=rng.choice(SITES),
                            wanted_on=day, expected_audience=expected, status=status)
            if status in (PerformanceStatus.DONE, PerformanceStatus.SCHEDULED):
                p.starts_at, p.ends_at = self.at(day, 19), self.at(day, 21)
            if status == PerformanceStatus.DONE:
                p.audience = max(20, expected + rng.randint(-60, 80))
                p.summary = "演出精彩，职工反响热烈。"
            elif status == PerformanceStatus.REJECTED:
                p.reason = "当月演出档期已满，建议改至下月"
            elif status == PerformanceStatus.CANCELLED:
                p.reason = "企业生产任务调整"
            perfs.append(p)
        # the district's own shows at the palace's theatre (confirmed bookings of the district)
        for k in range(4):
            offset = [-30, -10, 9, 23][k]
            day = self.today + offset * DAY
            if (theatre.pk, day, 2) in self.taken:
                continue
            self.taken.add((theatre.pk, day, 2))
            b = RoomBooking(number=self.number(day.year), room_id=theatre.pk, org_id=gen.root.id,
                            purpose="职工艺术团专场演出", starts_at=self.at(day, 19), ends_at=self.at(day, 21),
                            attendees=theatre.capacity, contact_name="艺术团办公室",
                            status=BookingStatus.CONFIRMED, decided_at=min(self.at(day, 9) - 7 * DAY, self.now))
            b.set_contact_phone("0571-82621234")
            bookings.append(b)
            done = offset < 0
            perfs.append(Performance(org_id=gen.root.id, title=rng.choice(TITLES), programme=rng.choice(PROGRAMMES),
                                     place="", expected_audience=700, status=PerformanceStatus.DONE if done
                                     else PerformanceStatus.SCHEDULED, starts_at=b.starts_at, ends_at=b.ends_at,
                                     audience=rng.randint(600, 800) if done else None, booking=b))
        RoomBooking.objects.bulk_create(bookings)
        for p in perfs:
            if p.booking is not None:
                p.booking_id = p.booking.pk
        Performance.objects.bulk_create(perfs, batch_size=1000)
        return perfs, bookings

    def screenings(self, by_town):
        from gonghui.core.demo.generator import TOWN1, TOWN2

        gen, rng = self.gen, self.rng
        rows = []
        per_town = 4 if self.small else 6
        for town in [t for t in gen.towns if t.level == OrgLevel.TOWN]:
            unions = [u for u in by_town.get(town.id, []) if u.enterprises]
            if not unions:
                continue
            n = per_town * (2 if town.short_name in (TOWN1, TOWN2) else 1)
            for _ in range(n):
                union = gen.union1 if town.id == gen.union1.town.id and rng.random() < 0.3 else rng.choice(unions)
                firm = union.enterprises[0] if union.enterprises else None
                offset = rng.randint(-90, 30)
                day = self.today + offset * DAY
                starts_at = self.at(day, 19)
                if starts_at < self.now:
                    status = rng.choices([ScreeningStatus.SHOWN, ScreeningStatus.CANCELLED], [9, 1])[0]
                else:
                    status = ScreeningStatus.PLANNED
                rows.append(Screening(org_id=union.id, film=rng.choice(FILMS), starts_at=starts_at,
                                      enterprise_id=firm.id if firm else None,
                                      site=f"{firm.name if firm else union.name}{rng.choice(SITES)}", status=status,
                                      audience=rng.randint(60, 350) if status == ScreeningStatus.SHOWN else None,
                                      note="天气原因取消" if status == ScreeningStatus.CANCELLED else ""))
        Screening.objects.bulk_create(rows, batch_size=1000)
        return rows

    def write(self):
        palace, rooms, town_of_venue = self.venues()
        by_town = self.unions_by_town()
        bookings = self.bookings(palace, rooms, town_of_venue, by_town)
        perfs, perf_bookings = self.performances(palace, rooms, by_town)
        screenings = self.screenings(by_town)
        BookingCounter.objects.bulk_create([BookingCounter(year=y, last=n) for y, n in self.numbers.items()])
        # created_at (auto_now_add) as the services would have written it: a week before the slot,
        # or, for future requests, recently — a share of them waiting longer than the rules allow
        RoomBooking.objects.filter(starts_at__lt=self.now + 8 * DAY).update(created_at=F("starts_at") - 8 * DAY)
        future = RoomBooking.objects.filter(starts_at__gte=self.now + 8 * DAY)
        future.filter(pk__in=[b.pk for b in bookings[::3]]).update(created_at=self.now - 4 * DAY)
        future.exclude(pk__in=[b.pk for b in bookings[::3]]).update(created_at=self.now - datetime.timedelta(hours=6))
        self.gen.writer.reset_sequences(list(MODELS))
        all_bookings = bookings + perf_bookings
        by_status = {}
        for b in all_bookings:
            by_status[str(b.status)] = by_status.get(str(b.status), 0) + 1
        return {"venues": 1 + len(town_of_venue), "rooms": len(rooms), "bookings": len(all_bookings),
                "bookings_by_status": dict(sorted(by_status.items())), "performances": len(perfs),
                "screenings": len(screenings)}
