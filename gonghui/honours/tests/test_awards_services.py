"""Awards services: quota, nomination rules, the town's and the district's reviews, the 公示
(end date across holidays), objections blocking conferral, conferral writing the record, 工人先锋号
eligibility from the records."""

import datetime

import pytest

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.honours.models.awards import (
    HonourNomination,
    HonourRecord,
    NominationStatus,
    ObjectionStatus,
)
from gonghui.honours.services import awards as services
from gonghui.honours.testing.awards import DAY, fresh, make_records, member, nomination, quota, types

pytestmark = pytest.mark.django_db
TODAY = services.today()


def _code(call):
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value.code


def test_the_full_flow_writes_one_honour_record(tree):
    n = nomination(tree, NominationStatus.CONFERRED)
    assert n.status == NominationStatus.CONFERRED and n.record is not None
    record = HonourRecord.objects.get(pk=n.record_id)
    assert record.person == n.person and record.title == "金齿轮奖" and record.category == "AWARD"
    assert record.source_key == f"honours.HonourNomination:{n.pk}" and record.org == tree.union1
    actions = set(AuditEvent.objects.filter(object_type="honours.HonourNomination", object_id=str(n.pk))
                  .values_list("action", flat=True))
    assert {"honours.award_nominate", "honours.award_town_forward", "honours.award_notice_start",
            "honours.award_confer"} <= actions


def test_quota_is_enforced_and_freed_by_a_rejection(tree):
    quota(tree, places=1, year=TODAY.year)
    t = types(tree)["GOLD_GEAR"]
    first = services.nominate_honour(actor=tree.union1_chair, honour_type=t, org=tree.union1, person=member(tree),
                                     deeds="事迹")
    other = member(tree, tree.union1b, "李四")
    assert _code(lambda: services.nominate_honour(actor=tree.district_staff, honour_type=t, org=tree.union1b,
                                                  person=other, deeds="事迹")) == "quota_full"
    services.review_by_town(actor=tree.town1_cadre, nomination=first, decision="reject", reason="不符合条件")
    services.nominate_honour(actor=tree.district_staff, honour_type=t, org=tree.union1b, person=other,
                             deeds="事迹")
    assert HonourNomination.objects.filter(status="SUBMITTED").count() == 1


def test_no_quota_no_nomination(tree):
    t = types(tree)["GOLD_GEAR"]
    quota(tree, org=tree.town2)
    assert _code(lambda: services.nominate_honour(actor=tree.union1_chair, honour_type=t, org=tree.union1,
                                                  person=member(tree), deeds="事迹")) == "no_quota"


def test_the_nearest_quota_counts(tree):
    quota(tree, org=tree.town1, places=5)
    union_quota = quota(tree, org=tree.union1, places=1)
    n = nomination(tree, start=TODAY)
    assert n.quota == union_quota


def test_a_quota_cannot_go_below_its_used_places(tree):
    n = nomination(tree, places=2)
    assert _code(lambda: services.set_quota(actor=tree.district_staff, honour_type=n.honour_type, org=tree.town1,
                                            year=n.year, places=0)) == "below_used"


@pytest.mark.parametrize("field, value, code", [
    ("deeds", "", "required"), ("person", None, "invalid_holder"), ("year", 1990, "invalid_year"),
    ("submitted_on", TODAY + DAY, "date_in_future")])
def test_nomination_rejects_bad_input(tree, field, value, code):
    quota(tree)
    t = types(tree)["GOLD_GEAR"]
    kwargs = {"actor": tree.union1_chair, "honour_type": t, "org": tree.union1, "person": member(tree),
              "deeds": "事迹", field: value}
    assert _code(lambda: services.nominate_honour(**kwargs)) == code
    assert not HonourNomination.objects.exists()


def test_a_non_member_and_a_double_nomination_are_refused(tree):
    quota(tree)
    t = types(tree)["GOLD_GEAR"]
    outsider = member(tree, tree.union2, "外单位")
    assert _code(lambda: services.nominate_honour(actor=tree.union1_chair, honour_type=t, org=tree.union1,
                                                  person=outsider, deeds="事迹")) == "not_a_member"
    p = member(tree)
    services.nominate_honour(actor=tree.union1_chair, honour_type=t, org=tree.union1, person=p, deeds="事迹")
    assert _code(lambda: services.nominate_honour(actor=tree.union1_chair, honour_type=t, org=tree.union1,
                                                  person=p, deeds="事迹")) == "already_nominated"


@pytest.mark.parametrize("start, end", [
    (datetime.date(2026, 6, 1), datetime.date(2026, 6, 5)),     # Monday → Friday
    # National Day: 1–7 October off, Saturday 10 October a make-up working day.
    (datetime.date(2026, 9, 30), datetime.date(2026, 10, 12)),
    (datetime.date(2026, 10, 3), datetime.date(2026, 10, 13)),  # starts in the holiday: counted from the 8th
    # Spring Festival: 15–23 February off, Saturday 14 February worked.
    (datetime.date(2026, 2, 12), datetime.date(2026, 2, 25)),
])
def test_notice_end_counts_five_working_days_across_holidays(start, end):
    assert services.notice_end(start) == end


def test_a_notice_shorter_than_five_working_days_is_refused_as_configuration(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.HONOURS_AWARDS_RULES = {"notice_working_days": 3}
    with pytest.raises(ImproperlyConfigured):
        services.notice_end(datetime.date(2026, 6, 1))


def test_notice_end_honours_the_holiday_table(tree, settings):
    from gonghui.core import workdays
    from gonghui.core.models import WorkdayOverride

    start = datetime.date(2026, 6, 1)
    WorkdayOverride.objects.create(day=datetime.date(2026, 6, 3), is_working_day=False, note="测试假日")
    workdays.forget_overrides()
    try:
        assert services.notice_end(start) == datetime.date(2026, 6, 8)
        settings.HONOURS_AWARDS_RULES = {"notice_working_days": 7}
        assert services.notice_end(start) == datetime.date(2026, 6, 10)
    finally:
        WorkdayOverride.objects.all().delete()
        workdays.forget_overrides()


def test_district_approval_opens_the_notice(tree):
    n = nomination(tree, NominationStatus.FORWARDED, start=TODAY - 3 * DAY)
    n = services.review_by_district(actor=tree.district_staff, nomination=n, decision="approve",
                                    notice_starts_on=TODAY + 2 * DAY)
    assert n.status == NominationStatus.NOTICE
    assert n.notice_starts_on == TODAY + 2 * DAY and n.notice_ends_on == services.notice_end(TODAY + 2 * DAY)


def test_a_notice_cannot_start_far_ahead(tree):
    n = nomination(tree, NominationStatus.FORWARDED, start=TODAY - 3 * DAY)
    assert _code(lambda: services.review_by_district(actor=tree.district_staff, nomination=n, decision="approve",
                                                     notice_starts_on=datetime.date(9999, 12, 31))) == "date_order"
    assert fresh(n).status == NominationStatus.FORWARDED


def test_no_conferral_while_the_notice_runs(tree):
    n = nomination(tree, NominationStatus.NOTICE, start=TODAY - 2 * DAY)
    assert _code(lambda: services.confer_award(actor=tree.district_staff, nomination=n)) == "notice_running"


def test_an_open_objection_blocks_conferral_until_decided(tree):
    n = nomination(tree, NominationStatus.NOTICE)
    o = services.add_objection(actor=tree.town1_cadre, nomination=n, content="事迹有夸大", objector="匿名")
    assert _code(lambda: services.confer_award(actor=tree.district_staff, nomination=n)) == "objection_open"
    assert fresh(n).status == NominationStatus.NOTICE and not HonourRecord.objects.exists()
    services.decide_objection(actor=tree.district_staff, objection=o, decision="dismiss", note="经核实，事迹属实")
    n = services.confer_award(actor=tree.district_staff, nomination=n)
    assert n.status == NominationStatus.CONFERRED and HonourRecord.objects.count() == 1


def test_an_upheld_objection_rejects_the_nomination(tree):
    n = nomination(tree, NominationStatus.NOTICE)
    o = services.add_objection(actor=tree.district_staff, nomination=n, content="存在违纪情况")
    o = services.decide_objection(actor=tree.district_staff, objection=o, decision="uphold", note="情况属实")
    assert o.status == ObjectionStatus.UPHELD
    n = fresh(n)
    assert n.status == NominationStatus.REJECTED and "情况属实" in n.reject_reason
    assert _code(lambda: services.confer_award(actor=tree.district_staff, nomination=n)) == "wrong_stage"
    assert _code(lambda: services.decide_objection(actor=tree.district_staff, objection=o, decision="dismiss",
                                                   note="x")) == "wrong_stage"


def test_objections_only_during_the_notice(tree):
    n = nomination(tree, NominationStatus.FORWARDED)
    assert _code(lambda: services.add_objection(actor=tree.town1_cadre, nomination=n, content="x")) == "wrong_stage"


def test_steps_out_of_order_are_wrong_stage(tree):
    n = nomination(tree)
    assert _code(lambda: services.review_by_district(actor=tree.district_staff, nomination=n,
                                                     decision="approve")) == "wrong_stage"
    assert _code(lambda: services.review_by_town(actor=tree.town1_cadre, nomination=n, decision="reject",
                                                 reason="")) == "required"
    assert fresh(n).status == NominationStatus.SUBMITTED


def test_withdraw_frees_the_place(tree):
    n = nomination(tree, NominationStatus.WITHDRAWN, places=1)
    assert n.status == NominationStatus.WITHDRAWN
    nomination(tree, start=n.submitted_on)  # the one place is free again


# --- 工人先锋号 eligibility -----------------------------------------------------------------------------

def _team(tree, **extra):
    t = types(tree)["PIONEER_TEAM"]
    quota(tree, kind="PIONEER_TEAM")
    return lambda: services.nominate_honour(actor=tree.union1_chair, honour_type=t, org=tree.union1,
                                            team_name="质检班组", enterprise=tree.enterprise1, deeds="事迹", **extra)


def test_a_team_with_the_records_is_eligible_once_a_year(tree):
    make_records(tree, tree.enterprise1, TODAY)
    n = _team(tree)()
    assert n.team_name == "质检班组" and all(c["ok"] for c in n.eligibility)
    assert _code(_team(tree)) == "already_nominated"
    assert HonourNomination.objects.count() == 1


@pytest.mark.parametrize("missing, text", [("congress", "职代会"), ("agreement", "集体")])
def test_a_team_without_congress_or_agreement_is_blocked(tree, missing, text):
    make_records(tree, tree.enterprise1, TODAY, **{missing: False})
    with pytest.raises(DomainError) as exc:
        _team(tree)()
    assert exc.value.code == "ineligible"
    assert not HonourNomination.objects.exists()


def test_a_team_without_a_union_is_blocked(tree):
    tree.enterprise1.union = None
    tree.enterprise1.save()
    assert _code(_team(tree)) == "ineligible"


@pytest.mark.parametrize("extra", [{"wage_arrears": True}, {"no_social_insurance": True},
                                   {"serious_accident_on": TODAY - 700 * DAY}])
def test_declared_arrears_insurance_or_accident_block_with_a_reason(tree, extra):
    make_records(tree, tree.enterprise1, TODAY)
    with pytest.raises(DomainError) as exc:
        _team(tree, **extra)()
    assert exc.value.code == "ineligible" and exc.value.field == "enterprise"
    assert not HonourNomination.objects.exists()


def test_an_accident_more_than_three_years_ago_does_not_block(tree):
    make_records(tree, tree.enterprise1, TODAY)
    n = _team(tree, serious_accident_on=TODAY - 4 * 366 * DAY)()
    assert n.status == NominationStatus.SUBMITTED


def test_a_team_award_takes_a_team_and_a_person_award_a_person(tree):
    quota(tree)
    t = types(tree)["GOLD_GEAR"]
    assert _code(lambda: services.nominate_honour(actor=tree.union1_chair, honour_type=t, org=tree.union1,
                                                  team_name="班组", deeds="事迹")) == "invalid_holder"
    assert _code(_team(tree)) == "ineligible"  # no congress, no agreement on record


def test_a_model_worker_award_goes_through_the_registry(tree):
    n = nomination(tree, NominationStatus.CONFERRED, kind="MODEL_WORKER")
    record = HonourRecord.objects.get(source_key=f"honours.HonourNomination:{n.pk}")
    assert record.category == "MODEL_WORKER" and n.record_id == record.pk
    from gonghui.honours.models.modelworkers import ModelWorkerTitle

    assert ModelWorkerTitle.objects.filter(source_key=f"honours.HonourNomination:{n.pk}").exists()


def test_an_award_conferred_the_next_january_is_recorded_in_its_own_year(tree):
    n = nomination(tree, NominationStatus.NOTICE, start=datetime.date(2025, 12, 1))
    n = services.confer_award(actor=tree.district_staff, nomination=n, conferred_on=datetime.date(2026, 1, 12))
    record = HonourRecord.objects.get(pk=n.record_id)
    assert (record.year, record.conferred_on) == (2025, datetime.date(2026, 1, 12))


def test_record_honour_is_idempotent_on_source(tree):
    p = member(tree)
    kwargs = {"actor": tree.district_staff, "org": tree.union1, "title": "技能状元", "category": "CONTEST",
              "level": "DISTRICT", "conferred_on": TODAY, "person": p, "source_key": "competitions.X:1"}
    assert services.record_honour(**kwargs).pk == services.record_honour(**kwargs).pk
    assert HonourRecord.objects.count() == 1
    too_long = {**kwargs, "source_key": "", "title": "奖" * 201}
    assert _code(lambda: services.record_honour(**too_long)) == "too_long"
    later = {**kwargs, "source_key": "", "year": TODAY.year + 2}  # at most next year's honour
    assert _code(lambda: services.record_honour(**later)) == "invalid_year"
    assert HonourRecord.objects.count() == 1
    assert services.record_honour(**{**later, "year": TODAY.year + 1}).year == TODAY.year + 1
