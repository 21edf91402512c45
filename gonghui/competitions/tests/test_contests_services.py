"""Skills contests at the service level: weights, eligibility, capacity, exam numbers, scores,
ranking with its tie-break, publication into the honours registry, certificates."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from gonghui.competitions.models.contests import ContestEntry, ContestStatus, SkillContest
from gonghui.competitions.services import contests as services
from gonghui.competitions.testing.contests import (
    DAY,
    contest,
    contest_input,
    fresh,
    held_in_past,
    published,
    register,
    trade,
)
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.honours.models.awards import HonourRecord

pytestmark = pytest.mark.django_db


def _code(exc_info):
    return exc_info.value.code


# --- setting up ----------------------------------------------------------------------------------

def test_create_contest_levels_follow_the_organiser(tree):
    t = trade(tree.district_staff)
    d = services.create_contest(actor=tree.district_staff, org=tree.district, data=contest_input(t))
    town = services.create_contest(actor=tree.town1_cadre, org=tree.town1, data=contest_input(t, name="镇赛"))
    ent = services.create_contest(actor=tree.union1_chair, org=tree.union1, data=contest_input(t, name="厂赛"))
    assert (d.level, town.level, ent.level) == ("DISTRICT", "TOWN", "ENTERPRISE")
    assert d.exam_prefix != town.exam_prefix and d.exam_prefix.startswith(str(d.year))
    assert AuditEvent.objects.filter(action="competitions.contest_create").count() == 3


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"theory_weight": 40, "practical_weight": 70}, "weights_not_100", "practical_weight"),
    ({"theory_weight": 101, "practical_weight": -1}, "invalid_number", "theory_weight"),
    ({"capacity": 0}, "invalid_number", "capacity"),
    ({"min_age": 50, "max_age": 30}, "age_range", "max_age"),
    ({"name": "  "}, "required", "name"),
    ({"min_skill_level": "LEVEL9"}, "invalid_skill_level", "min_skill_level"),
])
def test_create_contest_rejects_bad_input_and_saves_nothing(tree, overrides, code, field):
    t = trade(tree.district_staff)
    with pytest.raises(DomainError) as exc:
        services.create_contest(actor=tree.district_staff, org=tree.district, data=contest_input(t, **overrides))
    assert (_code(exc), exc.value.field) == (code, field)
    assert not SkillContest.objects.exists()


def test_registration_must_close_before_the_contest_day(tree):
    t = trade(tree.district_staff)
    on = services.today()
    with pytest.raises(DomainError) as exc:
        services.create_contest(actor=tree.district_staff, org=tree.district, data=contest_input(
            t, held_on=on + 5 * DAY, registration_closes_on=on + 6 * DAY))
    assert _code(exc) == "date_order"


def test_weights_are_a_database_constraint(tree):
    c = contest(tree)
    with pytest.raises(IntegrityError):
        SkillContest.objects.filter(pk=c.pk).update(theory_weight=50)


def test_trade_catalogue_is_the_districts(tree):
    with pytest.raises(PermissionDenied):
        services.save_trade(actor=tree.town1_cadre, code="X", name="新工种")
    t = trade(tree.district_staff)
    with pytest.raises(DomainError) as exc:
        services.save_trade(actor=tree.district_staff, code="weld", name="另一个")
    assert _code(exc) == "code_taken"
    assert services.ensure_default_trades(actor=tree.district_staff) == 9  # WELD/焊工 already there
    assert t.is_regular


# --- eligibility ------------------------------------------------------------------------------------

def test_eligible_member_gets_the_next_exam_number(tree):
    c = contest(tree)
    a, b = register(tree, c, 2)
    assert a.exam_no == f"{c.exam_prefix}-001" and b.exam_no == f"{c.exam_prefix}-002"
    assert a.union == tree.union1 and a.status == "REGISTERED"


def test_age_on_the_contest_day_is_checked(tree):
    c = contest(tree, max_age=35)
    held = c.held_on
    old = tree.member(birth_on=datetime.date(held.year - 36, 1, 1)).person
    young = tree.member(birth_on=datetime.date(held.year - 16, 1, 1)).person
    for person in (old, young):
        with pytest.raises(DomainError) as exc:
            services.register_entrant(actor=tree.union1_chair, contest=c, person=person)
        assert _code(exc) == "not_eligible" and person.name in exc.value.text
    # exactly 35 on the contest day: eligible
    edge = tree.member(birth_on=held.replace(year=held.year - 35)).person
    assert services.register_entrant(actor=tree.union1_chair, contest=c, person=edge).exam_no


def test_skill_grade_minimum(tree):
    c = contest(tree, min_skill_level="LEVEL4")
    low = tree.member(skill_level="LEVEL5").person
    with pytest.raises(DomainError) as exc:
        services.register_entrant(actor=tree.union1_chair, contest=c, person=low)
    assert _code(exc) == "not_eligible"
    high = tree.member(skill_level="LEVEL2").person
    assert services.register_entrant(actor=tree.union1_chair, contest=c, person=high)


def test_a_live_membership_is_required(tree):
    from gonghui.members.models import Membership

    c = contest(tree)
    m = tree.member()
    Membership.objects.filter(pk=m.pk).update(status="LEFT", ended_on=services.today())
    for actor in (tree.union1_chair, tree.district_staff):
        with pytest.raises(DomainError) as exc:
            services.register_entrant(actor=actor, contest=c, person=m.person)
        assert _code(exc) == "not_eligible"


def test_town_contest_is_open_to_its_own_unions_only(tree):
    c = contest(tree, org=tree.town1, actor=tree.town1_cadre)
    other = tree.member(union=tree.union2).person
    with pytest.raises(DomainError) as exc:
        services.register_entrant(actor=tree.district_staff, contest=c, person=other)
    assert _code(exc) == "not_eligible"
    assert register(tree, c, 1)[0].union == tree.union1


def test_same_person_twice_is_refused_and_can_reenter_after_withdrawal(tree):
    c = contest(tree)
    (e,) = register(tree, c)
    with pytest.raises(DomainError) as exc:
        services.register_entrant(actor=tree.union1_chair, contest=c, person=e.person)
    assert _code(exc) == "already_registered"
    services.withdraw_entry(actor=tree.union1_chair, entry=e)
    again = services.register_entrant(actor=tree.union1_chair, contest=c, person=e.person)
    assert again.exam_no == f"{c.exam_prefix}-002"  # numbers are never reused


def test_registration_only_while_open(tree):
    c = contest(tree, ContestStatus.DRAFT)
    person = tree.member().person
    with pytest.raises(DomainError) as exc:
        services.register_entrant(actor=tree.union1_chair, contest=c, person=person)
    assert _code(exc) == "wrong_stage"


def test_member_self_registration_for_the_portal(tree):
    c = contest(tree)
    person = tree.member().person
    tree.member_user.person_id = person.pk  # the portal will link the member's account to their person
    entry = services.register_entrant(actor=tree.member_user, contest=c, person=person, self_service=True)
    assert entry.self_registered
    other = tree.member().person
    with pytest.raises(PermissionDenied):
        services.register_entrant(actor=tree.member_user, contest=c, person=other, self_service=True)


# --- capacity and exam numbers ---------------------------------------------------------------------

def test_capacity_is_enforced(tree):
    c = contest(tree, capacity=2)
    register(tree, c, 2)
    person = tree.member().person
    with pytest.raises(DomainError) as exc:
        services.register_entrant(actor=tree.union1_chair, contest=c, person=person)
    assert _code(exc) == "full"
    assert ContestEntry.objects.filter(contest=c).count() == 2


def test_capacity_cannot_drop_below_registrations(tree):
    c = contest(tree, capacity=5)
    register(tree, c, 3)
    with pytest.raises(DomainError) as exc:
        services.update_contest(actor=tree.district_staff, contest=c, data=contest_input(c.trade, capacity=2))
    assert _code(exc) == "capacity_below_registered"


def test_exam_numbers_are_unique_per_contest(tree):
    c1, c2 = contest(tree), contest(tree, name="另一场")
    e1 = register(tree, c1, 3)
    e2 = register(tree, c2, 2)
    assert len({e.exam_no for e in e1 + e2}) == 5
    with pytest.raises(IntegrityError):
        ContestEntry.objects.filter(pk=e1[1].pk).update(exam_no=e1[0].exam_no)


# --- scores and ranking -------------------------------------------------------------------------------

def test_weighted_total_rounds_half_up(tree):
    c = contest(tree, theory_weight=35, practical_weight=65)
    assert services.weighted_total(Decimal("80.5"), Decimal("90.25"), c) == Decimal("86.84")


def test_scores_are_validated_naming_the_exam_number(tree):
    c = contest(tree)
    (e,) = register(tree, c)
    services.close_registration(actor=tree.district_staff, contest=c)
    for bad in ({"theory": 101, "practical": 50}, {"theory": "abc", "practical": 1},
                {"theory": "80.123", "practical": 1}):
        with pytest.raises(DomainError) as exc:
            services.record_scores(actor=tree.district_staff, contest=c, scores={e.pk: bad})
        assert _code(exc) == "invalid_score" and e.exam_no in exc.value.text
    assert fresh(e).theory_score is None
    services.record_scores(actor=tree.district_staff, contest=c, scores={e.pk: {"theory": 80, "practical": 90}})
    assert fresh(e).total_score == Decimal("87.00")


def test_ranking_by_total_then_practical_then_registration(tree):
    # 30/70 weights. A: 90/80 → 83.00; B: 76/86 → 83.00 (higher practical); C: 90/80 → 83.00 (registered
    # after A); D: 100/100 → 100; E absent.
    c, (a, b, cc, d, e) = published(tree, [(90, 80), (76, 86), (90, 80), (100, 100), None])
    assert a.total_score == b.total_score == cc.total_score == Decimal("83.00")
    assert [d.rank, b.rank, a.rank, cc.rank] == [1, 2, 3, 4]
    assert e.rank is None and e.absent
    assert c.status == ContestStatus.PUBLISHED and c.published_on == services.today()


def test_equal_registration_time_falls_back_to_entry_id(tree):
    c = contest(tree)
    a, b = register(tree, c, 2)
    ContestEntry.objects.filter(pk=b.pk).update(registered_at=fresh(a).registered_at)
    services.close_registration(actor=tree.district_staff, contest=c)
    services.record_scores(actor=tree.district_staff, contest=c, scores={
        a.pk: {"theory": 70, "practical": 70}, b.pk: {"theory": 70, "practical": 70}})
    services.publish_results(actor=tree.district_staff, contest=held_in_past(c))
    assert (fresh(a).rank, fresh(b).rank) == (1, 2)


def test_publish_needs_every_score(tree):
    c = contest(tree)
    a, b = register(tree, c, 2)
    services.close_registration(actor=tree.district_staff, contest=c)
    services.record_scores(actor=tree.district_staff, contest=c, scores={a.pk: {"theory": 70, "practical": 70}})
    with pytest.raises(DomainError) as exc:
        services.publish_results(actor=tree.district_staff, contest=held_in_past(c))
    assert _code(exc) == "scores_missing" and b.exam_no in exc.value.text
    assert fresh(c).status == ContestStatus.CLOSED and fresh(a).rank is None


def test_publish_not_before_the_contest_day(tree):
    c = contest(tree)
    register(tree, c, 1)
    services.close_registration(actor=tree.district_staff, contest=c)
    with pytest.raises(DomainError) as exc:
        services.publish_results(actor=tree.district_staff, contest=c)
    assert _code(exc) in ("date_order", "scores_missing")


# --- honours and certificates ------------------------------------------------------------------------

def test_winners_flow_into_the_honours_registry_once(tree):
    c, made = published(tree, [(90, 90), (80, 80), (70, 70), (60, 60)], winners=3)
    records = HonourRecord.objects.filter(category="CONTEST").order_by("title")
    assert records.count() == 3
    first = HonourRecord.objects.get(source_key=f"competitions.ContestEntry:{made[0].pk}")
    assert first.person == made[0].person and first.level == "DISTRICT" and c.name in first.title
    assert first.org == tree.union1 and first.conferred_on == c.published_on
    assert not HonourRecord.objects.filter(person=made[3].person).exists()


def test_town_contest_honours_are_town_level(tree):
    published(tree, [(90, 90)], org=tree.town1, actor=tree.town1_cadre)
    assert HonourRecord.objects.get(category="CONTEST").level == "TOWN"


def test_certificate_pdf_renders_chinese(tree):
    from django.utils import translation

    from gonghui.core.pdf import cjk_font_available, pdf_text

    if not cjk_font_available():
        pytest.skip("no CJK font on this machine")
    c, (e,) = published(tree, [(88, 92)])
    with translation.override("zh-hans"):
        pdf = services.render_certificate(actor=tree.union1_chair, entry=e)
    text = pdf_text(pdf).replace(" ", "").replace("\n", "")
    assert pdf.startswith(b"%PDF")
    assert "区职工焊工技能比武" in text and e.person_name in text and e.exam_no in text
    assert "荣誉证书" in text and "第1名" in text and "90.80" in text  # 88×30% + 92×70%
    assert AuditEvent.objects.filter(action="competitions.contest_certificate").exists()
    # town2 sees neither the organiser (the district) nor the entry's union (union1)
    with pytest.raises(PermissionDenied):
        services.render_certificate(actor=tree.town2_cadre, entry=e)


def test_no_certificate_before_publication(tree):
    c = contest(tree)
    (e,) = register(tree, c)
    with pytest.raises(DomainError) as exc:
        services.render_certificate(actor=tree.union1_chair, entry=e)
    assert _code(exc) == "no_certificate"


def test_cancel_needs_a_reason(tree):
    c = contest(tree)
    with pytest.raises(DomainError):
        services.cancel_contest(actor=tree.district_staff, contest=c, reason="")
    assert services.cancel_contest(actor=tree.district_staff, contest=c, reason="场地原因").status == "CANCELLED"


def test_a_contest_day_cannot_be_moved_into_the_past(tree):
    c = contest(tree)
    with pytest.raises(DomainError) as exc:
        services.update_contest(actor=tree.district_staff, contest=c, data=contest_input(
            c.trade, held_on=services.today() - DAY, registration_closes_on=services.today() - 2 * DAY))
    assert _code(exc) == "date_in_past" and fresh(c).held_on > services.today()


def test_scores_need_at_least_one_entry(tree):
    c = contest(tree, ContestStatus.CLOSED)
    with pytest.raises(DomainError) as exc:
        services.record_scores(actor=tree.district_staff, contest=c, scores={})
    assert _code(exc) == "required"
    assert not AuditEvent.objects.filter(action="competitions.contest_scores").exists()
