"""Founding applications (组建) through the services: the workflow from draft to the union in the
tree, the form-versus-members rule at its edge, joint unions, and the refusals that save nothing."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from gonghui.core import workdays
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.grassroots.models import FoundingApplication, FoundingForm, FoundingStatus
from gonghui.grassroots.rules.foundings import rules
from gonghui.grassroots.selectors import foundings as selectors
from gonghui.grassroots.services import foundings as services
from gonghui.grassroots.testing.foundings import (
    DECISION,
    TODAY,
    application,
    bare_enterprise,
    founding_input,
    joint_union,
)
from gonghui.orgs.models import Enterprise, Org, OrgLevel, UnionKind

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _code(exc):
    return exc.value.code


def test_committee_application_from_draft_to_the_union_in_the_tree(tree):
    ent = bare_enterprise(tree.town1, name="星河纺织有限公司", headcount=90)
    a = services.create_application(actor=tree.town1_cadre, enterprise=ent, data=founding_input(members_count=40))
    assert a.status == FoundingStatus.DRAFT and a.town == tree.town1 and a.headcount == 90
    assert a.proposed_name == "星河纺织有限公司工会委员会"
    assert a.contact_phone_masked == "139****5678" and "13912345678" not in a.contact_phone_enc
    a = services.submit_application(actor=tree.town1_cadre, application=a, submitted_on=TODAY)
    assert a.step_due_on == workdays.add_working_days(TODAY, rules().review_working_days)
    a = services.review_application(actor=tree.town1_cadre, application=a, reviewed_on=TODAY, note="材料齐全")
    assert a.status == FoundingStatus.REVIEWED
    assert a.step_due_on == workdays.add_working_days(TODAY, rules().approve_working_days)
    a = services.approve_application(actor=tree.town1_cadre, application=a, approved_on=TODAY, decision_no=DECISION)
    assert a.status == FoundingStatus.APPROVED and a.decision_no == DECISION
    a = services.register_union(actor=tree.district_staff, application=a, registered_on=TODAY,
                                legal_cert_no="工法证字第330100000099号")
    assert a.status == FoundingStatus.REGISTERED and a.step_due_on is None
    union = Org.objects.get(pk=a.union_id)
    assert union.path[:-Org.steplen] == tree.town1.path and union.depth == tree.town1.depth + 1
    assert (union.level, union.union_kind, union.name) == (OrgLevel.GRASSROOTS, UnionKind.ENTERPRISE,
                                                           "星河纺织有限公司工会委员会")
    assert union.legal_cert_no == "工法证字第330100000099号" and union.chair_name == "李主席"
    assert union.founded_on == a.meeting_on
    assert Enterprise.objects.get(pk=ent.pk).union_id == union.pk
    codes = list(AuditEvent.objects.filter(object_type="grassroots.FoundingApplication", object_id=str(a.pk))
                 .order_by("id").values_list("action", flat=True))
    assert codes == ["grassroots.founding.create", "grassroots.founding.submit", "grassroots.founding.review",
                     "grassroots.founding.approve", "grassroots.founding.register"]
    assert AuditEvent.objects.filter(action="orgs.org.create", object_id=str(union.pk)).exists()


def test_registration_seats_the_first_committee(tree):
    pytest.importorskip("gonghui.grassroots.services.committees")
    from gonghui.grassroots.models import Committee

    ent = bare_enterprise(tree.town1)
    a = application(tree.town1_cadre, ent, FoundingStatus.REGISTERED, by=tree.district_staff)
    committee = Committee.objects.get(org_id=a.union_id)
    assert a.committee_id == committee.pk
    assert committee.source == "FOUNDING" and committee.term_years == 5 and committee.elected_on == a.meeting_on
    names = {(m.name, m.position) for m in committee.members.all()}
    assert names == {("李主席", "CHAIR"), ("赵副", "VICE_CHAIR"), ("钱一", "MEMBER"), ("孙二", "MEMBER")}


def test_no_committee_seated_without_a_founding_meeting(tree):
    ent = bare_enterprise(tree.town1)
    a = application(tree.town1_cadre, ent, FoundingStatus.REGISTERED, by=tree.district_staff, meeting_on=None,
                    term_years=None, chair_name="", vice_chair_names="", committee_member_names="")
    assert a.committee_id is None
    assert Org.objects.get(pk=a.union_id).founded_on == TODAY


@pytest.mark.parametrize(("count", "form", "ok"), [
    (25, FoundingForm.COMMITTEE, True), (25, FoundingForm.ORGANISER, False), (25, FoundingForm.JOINT, False),
    (24, FoundingForm.COMMITTEE, False), (24, FoundingForm.ORGANISER, True),
])
def test_the_form_must_match_the_members_at_the_threshold(tree, count, form, ok):
    ent = bare_enterprise(tree.town1)
    data = founding_input(members_count=count, form=form)
    if form == FoundingForm.ORGANISER:
        data = founding_input(members_count=count, form=form, vice_chair_names="", committee_member_names="")
    if ok:
        assert services.create_application(actor=tree.town1_cadre, enterprise=ent, data=data).form == form
    else:
        with pytest.raises(DomainError) as exc:
            services.create_application(actor=tree.town1_cadre, enterprise=ent, data=data)
        assert _code(exc) == "form_mismatch" and exc.value.field == "form"
        assert not FoundingApplication.objects.exists()


def test_the_threshold_comes_from_the_setting(tree, settings):
    settings.GRASSROOTS_FOUNDINGS_RULES = {"committee_min_members": 30}
    ent = bare_enterprise(tree.town1)
    with pytest.raises(DomainError) as exc:
        services.create_application(actor=tree.town1_cadre, enterprise=ent, data=founding_input(members_count=29))
    assert "30" in exc.value.text
    assert services.form_for(30) == [FoundingForm.COMMITTEE]
    settings.GRASSROOTS_FOUNDINGS_RULES = {"committee_min_member": 30}
    with pytest.raises(ImproperlyConfigured):
        rules()


def test_joining_a_joint_union_ends_at_approval(tree):
    joint = joint_union(tree.town1)
    ent = bare_enterprise(tree.town1, headcount=12)
    a = application(tree.town1_cadre, ent, FoundingStatus.JOINED, members_count=10, form=FoundingForm.JOINT,
                    joint_union=joint, meeting_on=None, term_years=None, chair_name="", vice_chair_names="",
                    committee_member_names="")
    assert a.union_id == joint.pk and a.joined_on == TODAY and a.proposed_name == ""
    assert Enterprise.objects.get(pk=ent.pk).union_id == joint.pk
    assert AuditEvent.objects.filter(action="grassroots.founding.join", object_id=str(a.pk)).exists()


def _joint_input(joint, **kw):
    return founding_input(members_count=10, form=FoundingForm.JOINT, joint_union=joint, meeting_on=None,
                          term_years=None, chair_name="", vice_chair_names="", committee_member_names="", **kw)


def test_the_joint_union_must_be_a_joint_union_of_the_same_town(tree):
    ent = bare_enterprise(tree.town1, headcount=12)
    for joint, code in [(tree.union1, "not_joint"), (joint_union(tree.town2, code="J2"), "joint_outside_town"),
                        (None, "required")]:
        with pytest.raises(DomainError) as exc:
            services.create_application(actor=tree.town1_cadre, enterprise=ent, data=_joint_input(joint))
        assert _code(exc) == code and exc.value.field == "joint_union"
    with pytest.raises(DomainError) as exc:
        services.create_application(actor=tree.town1_cadre, enterprise=ent, data=founding_input(
            members_count=10, form=FoundingForm.ORGANISER, joint_union=joint_union(tree.town1, code="J1"),
            vice_chair_names="", committee_member_names=""))
    assert _code(exc) == "joint_not_allowed"
    assert not FoundingApplication.objects.exists()


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"members_count": 81}, "members_over_headcount", "members_count"),
    ({"members_count": 0}, "members_count", "members_count"),
    ({"contact_phone": "12345"}, "phone_format", "contact_phone"),
    ({"contact_phone": "10012345678"}, "phone_format", "contact_phone"),
    ({"contact_name": "  "}, "required", "contact_name"),
    ({"meeting_on": TODAY + DAY}, "date_in_future", "meeting_on"),
    ({"meeting_on": datetime.date(1, 1, 1)}, "date_implausible", "meeting_on"),
    ({"chair_name": ""}, "required", "chair_name"),
    ({"term_years": 4}, "term_years", "term_years"),
    ({"committee_member_names": "钱一、赵副"}, "duplicate_name", "committee_member_names"),
    ({"meeting_on": None, "term_years": None}, "required", "meeting_on"),
    ({"form": FoundingForm.ORGANISER, "members_count": 20}, "organiser_only", "vice_chair_names"),
])
def test_bad_content_is_refused_with_its_field_and_saves_nothing(tree, overrides, code, field):
    ent = bare_enterprise(tree.town1, headcount=80)
    with pytest.raises(DomainError) as exc:
        services.create_application(actor=tree.town1_cadre, enterprise=ent, data=founding_input(**overrides))
    assert (_code(exc), exc.value.field) == (code, field)
    assert not FoundingApplication.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="grassroots.founding").exists()


def test_a_landline_is_accepted(tree):
    a = services.create_application(actor=tree.town1_cadre, enterprise=bare_enterprise(tree.town1),
                                    data=founding_input(contact_phone="0571-82345678"))
    assert a.contact_phone_masked == "057*****5678"


def test_an_organised_enterprise_and_a_second_open_application_are_refused(tree):
    with pytest.raises(DomainError) as exc:
        services.create_application(actor=tree.town1_cadre, enterprise=tree.enterprise1, data=founding_input())
    assert _code(exc) == "already_organised"
    ent = bare_enterprise(tree.town1)
    first = application(tree.town1_cadre, ent, FoundingStatus.SUBMITTED)
    with pytest.raises(DomainError) as exc:
        services.create_application(actor=tree.town1_cadre, enterprise=ent, data=founding_input())
    assert _code(exc) == "already_open"
    services.withdraw_application(actor=tree.town1_cadre, application=first, withdrawn_on=TODAY, reason="暂缓")
    assert services.create_application(actor=tree.town1_cadre, enterprise=ent, data=founding_input()).pk != first.pk


def test_the_database_allows_one_open_application_per_enterprise(tree):
    from django.db import IntegrityError, transaction

    ent = bare_enterprise(tree.town1)
    a = application(tree.town1_cadre, ent)
    with pytest.raises(IntegrityError), transaction.atomic():
        FoundingApplication.objects.create(enterprise=ent, town=tree.town1, applicant_kind="WORKERS",
                                           contact_name="x", members_count=30, form="COMMITTEE")
    assert FoundingApplication.objects.filter(enterprise=ent).count() == 1 == len([a])


def test_returned_application_is_changed_and_resubmitted(tree):
    ent = bare_enterprise(tree.town1)
    a = application(tree.town1_cadre, ent, FoundingStatus.REVIEWED)
    with pytest.raises(DomainError) as exc:
        services.return_application(actor=tree.town1_cadre, application=a, returned_on=TODAY, reason=" ")
    assert _code(exc) == "required"
    a = services.return_application(actor=tree.town1_cadre, application=a, returned_on=TODAY, reason="名单不全")
    assert (a.status, a.reviewed_on, a.step_due_on) == (FoundingStatus.RETURNED, None, None)
    a = services.update_application(actor=tree.town1_cadre, application=a,
                                    data=founding_input(members_count=50, committee_member_names="钱一、孙二、周三"))
    assert a.members_count == 50 and a.committee_members() == ["钱一", "孙二", "周三"]
    a = services.submit_application(actor=tree.town1_cadre, application=a, submitted_on=TODAY)
    assert a.status == FoundingStatus.SUBMITTED


@pytest.mark.parametrize(("status", "step"), [
    (FoundingStatus.DRAFT, "review"), (FoundingStatus.SUBMITTED, "approve"), (FoundingStatus.REVIEWED, "register"),
    (FoundingStatus.APPROVED, "submit"), (FoundingStatus.REGISTERED, "withdraw"), (FoundingStatus.REFUSED, "review"),
    (FoundingStatus.SUBMITTED, "edit"),
])
def test_a_step_the_status_does_not_allow_is_wrong_stage(tree, status, step):
    from gonghui.grassroots.testing.foundings import STEPS

    a = application(tree.town1_cadre, bare_enterprise(tree.town1), status, by=tree.district_staff)
    with pytest.raises(DomainError) as exc:
        if step == "edit":
            services.update_application(actor=tree.district_staff, application=a, data=founding_input())
        else:
            STEPS[step](tree.district_staff, a)
    assert _code(exc) == "wrong_stage"
    assert FoundingApplication.objects.get(pk=a.pk).status == status


def test_dates_must_follow_the_steps(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    with pytest.raises(DomainError) as exc:
        services.review_application(actor=tree.town1_cadre, application=a, reviewed_on=TODAY - DAY)
    assert (_code(exc), exc.value.field) == ("date_order", "reviewed_on")
    with pytest.raises(DomainError) as exc:
        services.review_application(actor=tree.town1_cadre, application=a, reviewed_on=TODAY + DAY)
    assert _code(exc) == "date_in_future"
    a = services.review_application(actor=tree.town1_cadre, application=a, reviewed_on=TODAY)
    with pytest.raises(DomainError) as exc:
        services.approve_application(actor=tree.town1_cadre, application=a, approved_on=TODAY, decision_no="")
    assert (_code(exc), exc.value.field) == ("required", "decision_no")


def test_a_taken_code_refuses_the_registration_and_creates_nothing(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.APPROVED)
    orgs = Org.objects.count()
    with pytest.raises(DomainError) as exc:
        services.register_union(actor=tree.district_staff, application=a, registered_on=TODAY,
                                legal_cert_no="工法证字第1号", code="U1")
    assert (_code(exc), exc.value.field) == ("code_taken", "code")
    with pytest.raises(DomainError) as exc:
        services.register_union(actor=tree.district_staff, application=a, registered_on=TODAY, legal_cert_no=" ")
    assert exc.value.field == "legal_cert_no"
    assert Org.objects.count() == orgs
    assert FoundingApplication.objects.get(pk=a.pk).status == FoundingStatus.APPROVED


def test_refusal_at_each_step_and_by_whom(tree):
    from django.core.exceptions import PermissionDenied

    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.APPROVED)
    with pytest.raises(PermissionDenied):  # after approval only the district (register) may refuse
        services.refuse_application(actor=tree.town1_cadre, application=a, refused_on=TODAY, reason="x")
    a = services.refuse_application(actor=tree.district_staff, application=a, refused_on=TODAY, reason="企业已注销")
    assert a.status == FoundingStatus.REFUSED and a.step_due_on is None


def test_due_summary_and_filters_count_overdue_and_soon(tree):
    late = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    soon = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.REVIEWED)
    application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)  # due later
    FoundingApplication.objects.filter(pk=late.pk).update(step_due_on=TODAY - DAY)
    FoundingApplication.objects.filter(pk=soon.pk).update(step_due_on=TODAY)
    summary = selectors.due_summary(tree.town1_cadre)
    assert (summary.overdue, summary.soon) == (1, 1) and summary.url.endswith("?due=overdue")
    assert selectors.due_summary(tree.town2_cadre).overdue == 0
    overdue = selectors.filtered(tree.town1_cadre, selectors.FoundingFilters(due="overdue"), on=TODAY)
    assert [a.pk for a in overdue] == [late.pk]
    assert [a.pk for a in selectors.filtered(tree.district_staff, selectors.FoundingFilters(due="soon"))] == [soon.pk]


def test_recompute_moves_deadlines_after_a_calendar_change(tree):
    a = application(tree.town1_cadre, bare_enterprise(tree.town1), FoundingStatus.SUBMITTED)
    FoundingApplication.objects.filter(pk=a.pk).update(step_due_on=TODAY)
    assert services.recompute_step_due() == 1
    assert FoundingApplication.objects.get(pk=a.pk).step_due_on == workdays.add_working_days(
        TODAY, rules().review_working_days)
    assert services.recompute_step_due() == 0


def test_unorganised_lists_enterprises_without_a_union_in_scope(tree):
    big = bare_enterprise(tree.town1, headcount=300, top100=True)
    small = bare_enterprise(tree.town1, headcount=12)
    other = bare_enterprise(tree.town2, headcount=50)
    application(tree.town1_cadre, small, FoundingStatus.SUBMITTED, members_count=10, form=FoundingForm.ORGANISER,
                vice_chair_names="", committee_member_names="")
    rows = selectors.unorganised_page(tree.town1_cadre, selectors.UnorganisedFilters()).items
    assert [e.pk for e in rows] == [big.pk, small.pk]
    assert [e.has_open_application for e in rows] == [False, True]
    f = selectors.UnorganisedFilters(application="none", top100=True, size="100_499")
    assert [e.pk for e in selectors.unorganised(tree.district_staff, f)] == [big.pk]
    towns = selectors.town_summary(tree.district_staff, selectors.UnorganisedFilters())
    assert [(t.town.pk, t.enterprises, t.headcount, t.open_applications) for t in towns] == [
        (tree.town1.pk, 2, 312, 1), (tree.town2.pk, 1, 50, 0)]
    assert selectors.town_summary(tree.town1_cadre, selectors.UnorganisedFilters()) == []
    assert other.pk not in {e.pk for e in selectors.unorganised(tree.town1_cadre, selectors.UnorganisedFilters())}
    assert not selectors.unorganised(tree.union1_chair, selectors.UnorganisedFilters()).exists()
