"""Liaison services: visits (topics, dates, cadres), assignments (bulk, one live per cadre and
enterprise, cadres whose area covers the enterprise), follow-ups (due dates, closure) and the
daily reminder job — each rule at its edge, and nothing saved when a rule refuses."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.core.testing.factories import EnterpriseFactory
from gonghui.grassroots.models.liaison import (
    AssignmentStatus,
    FollowUpStatus,
    LiaisonAssignment,
    LiaisonFollowUp,
    LiaisonVisit,
)
from gonghui.grassroots.services import liaison as services
from gonghui.grassroots.services.liaison import FollowUpInput, VisitInput
from gonghui.grassroots.testing.liaison import assignment, follow_up, visit

pytestmark = pytest.mark.django_db
TODAY = services.today()
DAY = datetime.timedelta(days=1)


def _visit_input(**kw):
    data = {"visited_on": TODAY, "topics": ["CONGRESS", "WAGES"], "notes": "了解职代会筹备"}
    data.update(kw)
    return VisitInput(**data)


def _refused(code, field=None):
    def check(exc):
        assert exc.value.code == code
        if field is not None:
            assert exc.value.field == field
    return check


# --- visits ------------------------------------------------------------------------------------

def test_record_visit_with_topics_and_a_follow_up(tree):
    v = services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=_visit_input(
        problems="未签订工资集体协议",
        follow_ups=[FollowUpInput(action="督促启动工资协商", due_on=TODAY + 30 * DAY, owner=tree.town1_cadre)]))
    assert v.town == tree.town1 and v.cadre == tree.town1_cadre and v.cadre_name == "town1"
    assert sorted(v.topic_codes) == ["CONGRESS", "WAGES"]
    up = v.follow_ups.get()
    assert up.owner == tree.town1_cadre and up.status == FollowUpStatus.OPEN and up.enterprise == tree.enterprise1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"grassroots.liaison_visit", "grassroots.liaison_follow_up"} <= actions


def test_visit_date_edges(tree):
    services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=_visit_input(visited_on=TODAY))
    with pytest.raises(DomainError) as exc:
        services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1,
                              data=_visit_input(visited_on=TODAY + DAY))
    _refused("date_in_future", "visited_on")(exc)
    limit = services.rules().backdate_days
    services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1,
                          data=_visit_input(visited_on=TODAY - limit * DAY))
    with pytest.raises(DomainError) as exc:
        services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1,
                              data=_visit_input(visited_on=TODAY - (limit + 1) * DAY))
    _refused("too_old", "visited_on")(exc)
    assert LiaisonVisit.objects.count() == 2


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"topics": []}, "required", "topics"),
    ({"topics": ["NOPE"]}, "invalid_topic", "topics"),
    ({"topics": ["OTHER"]}, "required", "topic_other"),
    ({"notes": "", "problems": ""}, "required", "notes"),
    ({"cadre_name": "x" * 65}, "too_long", "cadre_name"),
])
def test_bad_visits_save_nothing(tree, kw, code, field):
    with pytest.raises(DomainError) as exc:
        services.record_visit(actor=tree.district_staff, enterprise=tree.enterprise1, data=_visit_input(**kw))
    _refused(code, field)(exc)
    assert not LiaisonVisit.objects.exists()


def test_other_topic_text_ticks_other(tree):
    v = services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1,
                              data=_visit_input(topics=["SAFETY"], topic_other="消防演练"))
    assert sorted(v.topic_codes) == ["OTHER", "SAFETY"] and v.topic_other == "消防演练"


def test_cadre_must_cover_the_enterprise(tree):
    with pytest.raises(DomainError) as exc:
        services.record_visit(actor=tree.district_staff, enterprise=tree.enterprise1,
                              data=_visit_input(cadre=tree.town2_cadre))
    _refused("not_a_cadre", "cadre")(exc)
    with pytest.raises(DomainError):  # a chair is not a cadre either
        services.record_visit(actor=tree.district_staff, enterprise=tree.enterprise1,
                              data=_visit_input(cadre=tree.union1_chair))
    v = services.record_visit(actor=tree.district_staff, enterprise=tree.enterprise1,
                              data=_visit_input(cadre=tree.town1_cadre, companions="李四"))
    assert v.cadre == tree.town1_cadre and v.created_by == tree.district_staff


def test_cadre_without_account_by_name(tree):
    v = services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1,
                              data=_visit_input(cadre_name="王建国"))
    assert v.cadre is None and v.cadre_name == "王建国"


def test_follow_up_in_visit_due_before_visit_saves_nothing(tree):
    with pytest.raises(DomainError) as exc:
        services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=_visit_input(
            visited_on=TODAY - 3 * DAY, follow_ups=[FollowUpInput(action="a", due_on=TODAY - 4 * DAY,
                                                                  owner_name="甲")]))
    _refused("date_order", "follow_up_due_on")(exc)
    assert not LiaisonVisit.objects.exists() and not LiaisonFollowUp.objects.exists()


# --- follow-ups -------------------------------------------------------------------------------

def test_add_and_close_follow_up(tree):
    v = visit(tree.enterprise1, TODAY - 10 * DAY)
    up = services.add_follow_up(actor=tree.town1_cadre, visit=v,
                                data=FollowUpInput(action="复查", due_on=TODAY - 10 * DAY, owner_name="张三"))
    assert up.owner is None and up.owner_name == "张三"
    with pytest.raises(DomainError) as exc:
        services.close_follow_up(actor=tree.town1_cadre, follow_up=up, closed_on=TODAY - 11 * DAY, note="已整改")
    _refused("date_order", "closed_on")(exc)
    with pytest.raises(DomainError) as exc:
        services.close_follow_up(actor=tree.town1_cadre, follow_up=up, closed_on=TODAY + DAY, note="已整改")
    _refused("date_in_future", "closed_on")(exc)
    with pytest.raises(DomainError) as exc:
        services.close_follow_up(actor=tree.town1_cadre, follow_up=up, closed_on=TODAY, note=" ")
    _refused("required", "note")(exc)
    done = services.close_follow_up(actor=tree.town1_cadre, follow_up=up, closed_on=TODAY - 10 * DAY, note="已整改")
    assert done.status == FollowUpStatus.CLOSED and done.closed_on == TODAY - 10 * DAY
    with pytest.raises(DomainError) as exc:
        services.close_follow_up(actor=tree.town1_cadre, follow_up=up, note="again")
    _refused("wrong_stage")(exc)


def test_follow_up_owner_must_be_a_cadre_of_the_area(tree):
    v = visit(tree.enterprise1, TODAY)
    with pytest.raises(DomainError) as exc:
        services.add_follow_up(actor=tree.town1_cadre, visit=v,
                               data=FollowUpInput(action="复查", due_on=TODAY, owner=tree.town2_cadre))
    _refused("not_a_cadre", "owner")(exc)


def test_closed_follow_up_needs_a_date_db_constraint(tree):
    v = visit(tree.enterprise1, TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        follow_up(v, TODAY, status=FollowUpStatus.CLOSED, closed_on=None)


# --- assignments ------------------------------------------------------------------------------

def test_bulk_assign_and_one_live_assignment(tree):
    extra = EnterpriseFactory(town=tree.town1, union=None, top100=True)
    created = services.assign_cadre(actor=tree.town1_cadre, cadre=tree.town1_cadre,
                                    enterprises=[tree.enterprise1, extra], starts_on=TODAY)
    assert len(created) == 2 and all(a.pk for a in created)
    assert AuditEvent.objects.filter(action="grassroots.liaison_assign").count() == 2
    with pytest.raises(DomainError) as exc:  # all or nothing: enterprise1 is taken, so extra2 is not assigned
        extra2 = EnterpriseFactory(town=tree.town1)
        services.assign_cadre(actor=tree.town1_cadre, cadre=tree.town1_cadre, enterprises=[extra2, tree.enterprise1],
                              starts_on=TODAY)
    _refused("already_open", "enterprises")(exc)
    assert not LiaisonAssignment.objects.filter(enterprise=extra2).exists()
    # the district's staff may be a town enterprise's liaison too
    services.assign_cadre(actor=tree.town1_cadre, cadre=tree.district_staff, enterprises=[tree.enterprise1],
                          starts_on=TODAY)
    ended = services.end_assignment(actor=tree.town1_cadre, assignment=created[0], ends_on=TODAY)
    assert ended.status == AssignmentStatus.ENDED
    again = services.assign_cadre(actor=tree.town1_cadre, cadre=tree.town1_cadre, enterprises=[tree.enterprise1],
                                  starts_on=TODAY)
    assert len(again) == 1
    with pytest.raises(DomainError) as exc:
        services.end_assignment(actor=tree.town1_cadre, assignment=ended)
    _refused("wrong_stage")(exc)


def test_one_live_assignment_is_a_db_constraint(tree):
    assignment(tree.enterprise1, cadre=tree.town1_cadre)
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment(tree.enterprise1, cadre=tree.town1_cadre)
    assignment(tree.enterprise1, cadre=tree.town1_cadre, status=AssignmentStatus.ENDED, ends_on=TODAY)
    assignment(tree.enterprise1, cadre_name="王建国")
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment(tree.enterprise1, cadre_name="王建国")


@pytest.mark.parametrize(("kw", "code", "field"), [
    ({"enterprises": []}, "required", "enterprises"),
    ({"cadre": None}, "required", "cadre"),
    ({"ends_on": TODAY - DAY}, "date_order", "ends_on"),
    ({"note": "x" * 201}, "too_long", "note"),
])
def test_bad_assignments_save_nothing(tree, kw, code, field):
    args = {"cadre": tree.town1_cadre, "enterprises": [tree.enterprise1], "starts_on": TODAY, **kw}
    with pytest.raises(DomainError) as exc:
        services.assign_cadre(actor=tree.town1_cadre, **args)
    _refused(code, field)(exc)
    assert not LiaisonAssignment.objects.exists()


def test_cadre_of_another_town_cannot_be_assigned(tree):
    with pytest.raises(DomainError) as exc:
        services.assign_cadre(actor=tree.district_staff, cadre=tree.town2_cadre, enterprises=[tree.enterprise1],
                              starts_on=TODAY)
    _refused("not_a_cadre", "cadre")(exc)
    tree.town2_cadre.is_active = False
    tree.town2_cadre.save()
    with pytest.raises(DomainError):
        services.assign_cadre(actor=tree.district_staff, cadre=tree.town2_cadre, enterprises=[tree.enterprise2],
                              starts_on=TODAY)


# --- reminders --------------------------------------------------------------------------------

def test_reminders_to_owner_or_town_cadres_once_per_state(tree):
    v = visit(tree.enterprise1, TODAY - 20 * DAY)
    window = services.rules().remind_days
    mine = follow_up(v, TODAY + window * DAY, owner=tree.town1_cadre)          # due soon: at the window's edge
    follow_up(v, TODAY + (window + 1) * DAY, owner=tree.town1_cadre)           # not yet
    nobody = follow_up(v, TODAY - DAY, owner_name="王建国")                       # overdue, no account
    follow_up(v, TODAY - DAY, owner=tree.town1_cadre, status=FollowUpStatus.CLOSED, closed_on=TODAY)
    assert services.remind_follow_ups(TODAY) == 2
    assert Notification.objects.filter(recipient=tree.town1_cadre).count() == 2
    keys = set(Notification.objects.values_list("key", flat=True))
    assert f"grassroots:liaison_follow_up:{mine.pk}:{mine.due_on}:soon" in keys
    assert f"grassroots:liaison_follow_up:{nobody.pk}:{nobody.due_on}:overdue" in keys
    assert services.remind_follow_ups(TODAY) == 0  # idempotent
    # the next day past its due date, the same follow-up is reminded again as overdue
    assert services.remind_follow_ups(mine.due_on + DAY) >= 1
    assert Notification.objects.filter(key=f"grassroots:liaison_follow_up:{mine.pk}:{mine.due_on}:overdue").exists()


def test_reminder_task_runs(tree):
    from gonghui.grassroots.tasks.liaison import remind_liaison_follow_ups_task

    v = visit(tree.enterprise1, TODAY - 20 * DAY)
    follow_up(v, TODAY - DAY, owner=tree.town1_cadre)
    assert remind_liaison_follow_ups_task.delay().get() == 1


def test_due_summary_counts_the_users_scope(tree):
    from gonghui.core.dashboard import due_for
    from gonghui.grassroots.selectors.liaison import due_summary

    v1, v2 = visit(tree.enterprise1, TODAY - 20 * DAY), visit(tree.enterprise2, TODAY - 20 * DAY)
    window = services.rules().remind_days
    follow_up(v1, TODAY - DAY)                       # overdue
    follow_up(v1, TODAY)                             # due today: soon, not overdue
    follow_up(v1, TODAY + window * DAY)              # soon, at the window's edge
    follow_up(v1, TODAY + (window + 1) * DAY)        # later
    follow_up(v1, TODAY - DAY, status=FollowUpStatus.CLOSED, closed_on=TODAY)
    follow_up(v2, TODAY - DAY)
    s = due_summary(tree.town1_cadre)
    assert (s.overdue, s.soon) == (1, 2) and s.url.endswith("?due=overdue")
    assert (due_summary(tree.district_staff).overdue, due_summary(tree.district_staff).soon) == (2, 2)
    assert (due_summary(tree.union2_chair).overdue, due_summary(tree.union2_chair).soon) == (1, 0)
    assert due_summary(tree.outsider) is None
    assert any(str(line.label) == str(s.label) for line in due_for(tree.town1_cadre))


def test_update_visit_replaces_topics_and_keeps_follow_ups_in_order(tree):
    v = services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=_visit_input(
        visited_on=TODAY - 10 * DAY,
        follow_ups=[FollowUpInput(action="复查", due_on=TODAY - 5 * DAY, owner_name="甲")]))
    done = services.update_visit(actor=tree.town1_cadre, visit=v, data=_visit_input(
        visited_on=TODAY - 6 * DAY, topics=["SAFETY", "WAGES"], cadre_name="王建国", problems="隐患"))
    assert sorted(done.topic_codes) == ["SAFETY", "WAGES"] and done.cadre is None and done.cadre_name == "王建国"
    event = AuditEvent.objects.get(action="grassroots.liaison_visit_edit")
    assert event.before["topics"] == ["CONGRESS", "WAGES"] and event.after["topics"] == ["SAFETY", "WAGES"]
    with pytest.raises(DomainError) as exc:  # its follow-up would be due before the visit
        services.update_visit(actor=tree.town1_cadre, visit=v, data=_visit_input(visited_on=TODAY - 4 * DAY))
    _refused("date_order", "visited_on")(exc)
    with pytest.raises(DomainError):
        services.update_visit(actor=tree.town1_cadre, visit=v, data=_visit_input(topics=[]))
    v.refresh_from_db()
    assert v.visited_on == TODAY - 6 * DAY and sorted(v.topic_codes) == ["SAFETY", "WAGES"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.update_visit(actor=tree.union1_chair, visit=v, data=_visit_input())


def test_bulk_assign_names_every_enterprise_outside_the_cadres_area(tree):
    """A bulk assign refused for the cadre's area names every refused row, and saves nothing."""
    inside = EnterpriseFactory(town=tree.town1, name="一镇甲公司")
    outside = [EnterpriseFactory(town=tree.town2, name=f"二镇{i}号公司") for i in range(12)]
    with pytest.raises(DomainError) as exc:
        services.assign_cadre(actor=tree.district_staff, cadre=tree.town1_cadre, enterprises=[inside, *outside],
                              starts_on=TODAY)
    _refused("not_a_cadre", "cadre")(exc)
    text = exc.value.text
    assert all(e.name in text for e in outside[:10]) and outside[10].name not in text and "2" in text
    assert inside.name not in text
    assert not LiaisonAssignment.objects.exists() and not AuditEvent.objects.filter(
        action="grassroots.liaison_assign").exists()


def test_an_assignment_whose_period_is_over_does_not_block_a_new_one(tree):
    """An ACTIVE assignment with an end date before the new start is over: assigning the same
    cadre again ends it (audited) instead of refusing; one still running is refused."""
    over = assignment(tree.enterprise1, cadre=tree.town1_cadre, starts_on=TODAY - 100 * DAY, ends_on=TODAY - DAY)
    running = assignment(tree.enterprise2, cadre=tree.district_staff, starts_on=TODAY - 100 * DAY, ends_on=TODAY)
    created = services.assign_cadre(actor=tree.town1_cadre, cadre=tree.town1_cadre, enterprises=[tree.enterprise1],
                                    starts_on=TODAY)
    over.refresh_from_db()
    assert over.status == AssignmentStatus.ENDED and over.ends_on == TODAY - DAY
    assert created[0].status == AssignmentStatus.ACTIVE
    event = AuditEvent.objects.get(action="grassroots.liaison_end")
    assert event.before == {"status": "ACTIVE"} and event.after == {"status": "ENDED"}
    with pytest.raises(DomainError) as exc:
        services.assign_cadre(actor=tree.district_staff, cadre=tree.district_staff, enterprises=[tree.enterprise2],
                              starts_on=TODAY)
    _refused("already_open", "enterprises")(exc)
    running.refresh_from_db()
    assert running.status == AssignmentStatus.ACTIVE


def test_a_visit_cannot_move_after_a_follow_up_was_closed(tree):
    v = services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=_visit_input(
        visited_on=TODAY - 10 * DAY, follow_ups=[FollowUpInput(action="复查", due_on=TODAY, owner_name="甲")]))
    services.close_follow_up(actor=tree.town1_cadre, follow_up=v.follow_ups.get(), closed_on=TODAY - 8 * DAY,
                             note="已整改")
    with pytest.raises(DomainError) as exc:  # the closure (day −8) would come before the visit (day −7)
        services.update_visit(actor=tree.town1_cadre, visit=v, data=_visit_input(visited_on=TODAY - 7 * DAY))
    _refused("date_order", "visited_on")(exc)
    v.refresh_from_db()
    assert v.visited_on == TODAY - 10 * DAY
    services.update_visit(actor=tree.town1_cadre, visit=v, data=_visit_input(visited_on=TODAY - 8 * DAY))


def test_several_follow_ups_a_refused_one_is_named_by_its_number(tree):
    from django.utils import translation

    with pytest.raises(DomainError) as exc, translation.override("en"):
        services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=_visit_input(
            visited_on=TODAY - 2 * DAY,
            follow_ups=[FollowUpInput(action="复查", due_on=TODAY, owner_name="甲"),
                        FollowUpInput(action="整改", due_on=TODAY - 3 * DAY, owner_name="乙")]))
    _refused("date_order", "follow_up_due_on")(exc)
    assert exc.value.text.startswith("Follow-up action 2: The due date is before the visit")
    assert not LiaisonVisit.objects.exists() and not LiaisonFollowUp.objects.exists()


def test_an_assignment_cannot_end_on_a_day_to_come(tree):
    a = assignment(tree.enterprise1, cadre=tree.town1_cadre, starts_on=TODAY - 10 * DAY)
    with pytest.raises(DomainError) as exc:
        services.end_assignment(actor=tree.town1_cadre, assignment=a, ends_on=TODAY + DAY)
    _refused("date_in_future", "ends_on")(exc)
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ACTIVE and a.ends_on is None
    assert services.end_assignment(actor=tree.town1_cadre, assignment=a, ends_on=TODAY).ends_on == TODAY


def test_a_corrected_visit_date_obeys_the_backdating_rule(tree):
    limit = services.rules().backdate_days
    v = services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1,
                              data=_visit_input(visited_on=TODAY - 10 * DAY))
    with pytest.raises(DomainError) as exc:
        services.update_visit(actor=tree.town1_cadre, visit=v,
                              data=_visit_input(visited_on=TODAY - (limit + 1) * DAY))
    _refused("too_old", "visited_on")(exc)
    services.update_visit(actor=tree.town1_cadre, visit=v, data=_visit_input(visited_on=TODAY - limit * DAY))
    old = visit(tree.enterprise1, TODAY - (limit + 50) * DAY)  # logged long ago: other fields still correctable
    done = services.update_visit(actor=tree.town1_cadre, visit=old,
                                 data=_visit_input(visited_on=old.visited_on, problems="补记"))
    assert done.problems == "补记"


def test_the_same_visit_submitted_twice_is_recorded_once(tree):
    data = _visit_input(visited_on=TODAY - DAY, problems="隐患", follow_ups=[
        FollowUpInput(action="复查", due_on=TODAY, owner_name="甲")])
    services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=data)
    with pytest.raises(DomainError) as exc:
        services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=data)
    _refused("duplicate", "visited_on")(exc)
    assert LiaisonVisit.objects.count() == 1 and LiaisonFollowUp.objects.count() == 1
    # another visit the same day (other notes) is a visit of its own
    services.record_visit(actor=tree.town1_cadre, enterprise=tree.enterprise1,
                          data=_visit_input(visited_on=TODAY - DAY, notes="下午再访"))
    assert LiaisonVisit.objects.count() == 2
