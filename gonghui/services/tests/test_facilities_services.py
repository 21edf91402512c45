"""Services of facility requests: numbering and the decision due date, the workflow by the right
side (the union requests, withdraws, rates; its town approves, names the partner, opens, closes),
specific refusals with nothing saved, the due source, and the permission matrix."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from gonghui.core import workdays
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.services.models.facilities import FacilityRequest, FacilityStatus
from gonghui.services.selectors import facilities as selectors
from gonghui.services.services import facilities as services
from gonghui.services.testing.facilities import request

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _kw(tree, **kw):
    return {"org": tree.union1, "kind": "CANTEEN", "title": "职工食堂", "location": "园区", "workers_served": 120,
            "justification": "附近没有餐馆。", **kw}


def test_numbering_due_date_and_full_workflow(tree):
    a = services.submit_request(actor=tree.union1_chair, **_kw(tree))
    assert a.number == f"SS{TODAY.year}-0001" and a.town == tree.town1
    assert a.decide_due_on == workdays.add_working_days(TODAY, 10)
    r = request(tree, FacilityStatus.OPEN)
    assert (r.status, r.partner, r.opened_on) == (FacilityStatus.OPEN, "萧山农商银行", TODAY)
    r = services.rate_request(actor=tree.union1_chair, request=r, rating=4, comment="方便")
    with pytest.raises(DomainError) as exc:
        services.rate_request(actor=tree.union1_chair, request=r, rating=5)
    assert exc.value.code == "already_rated"
    r = services.close_request(actor=tree.town1_cadre, request=r, closed_on=TODAY, reason="企业搬迁")
    actions = list(AuditEvent.objects.filter(object_type="services.FacilityRequest", object_id=str(r.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["services.facility_submit", "services.facility_approve", "services.facility_start",
                       "services.facility_open", "services.facility_rate", "services.facility_close"]


@pytest.mark.parametrize(("kw", "field", "code"), [
    ({"kind": "CASINO"}, "kind", "invalid_kind"),
    ({"workers_served": 0}, "workers_served", "out_of_range"),
    ({"enterprise": "enterprise2"}, "enterprise", "enterprise_out_of_area"),
    ({"org": "town1"}, "org", "invalid_org"),
])
def test_bad_request_input(tree, kw, field, code):
    kw = {k: (getattr(tree, v) if v in ("enterprise2", "town1") else v) for k, v in kw.items()}
    with pytest.raises(DomainError) as exc:
        services.submit_request(actor=tree.district_staff, **_kw(tree, **kw))
    assert (exc.value.code, exc.value.field) == (code, field)
    assert FacilityRequest.objects.count() == 0


def test_step_checks(tree):
    r = request(tree, FacilityStatus.APPROVED)
    for kw, code in (({"planned_open_on": TODAY - datetime.timedelta(days=1)}, "date_past"),
                     ({"planned_open_on": TODAY + datetime.timedelta(days=800)}, "date_too_far"),
                     ({"partner": ""}, "required")):
        with pytest.raises(DomainError) as exc:
            services.start_request(actor=tree.town1_cadre, request=r, **{"partner": "银行", "planned_open_on": TODAY,
                                                                        **kw})
        assert exc.value.code == code
    r = services.start_request(actor=tree.town1_cadre, request=r, partner="银行", planned_open_on=TODAY)
    with pytest.raises(DomainError) as exc:
        services.open_request(actor=tree.town1_cadre, request=r, opened_on=TODAY + datetime.timedelta(days=1))
    assert exc.value.code == "date_future"
    with pytest.raises(DomainError) as exc:
        services.approve_request(actor=tree.town1_cadre, request=r)
    assert exc.value.code == "wrong_stage"
    assert FacilityRequest.objects.get(pk=r.pk).status == FacilityStatus.IN_PROGRESS


ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
TOWN_SIDE = {"district_staff", "town1_cadre"}
UNION_SIDE = {"district_staff", "union1_chair", "union1_staff"}
ACTIONS = {
    "submit": (None, lambda u, r, t: services.submit_request(actor=u, **_kw(t)), UNION_SIDE),
    "approve": (FacilityStatus.SUBMITTED, lambda u, r, t: services.approve_request(actor=u, request=r), TOWN_SIDE),
    "reject": (FacilityStatus.SUBMITTED, lambda u, r, t: services.reject_request(actor=u, request=r, reason="x"),
               TOWN_SIDE),
    "start": (FacilityStatus.APPROVED, lambda u, r, t: services.start_request(actor=u, request=r, partner="公交公司",
                                                                              planned_open_on=TODAY), TOWN_SIDE),
    "open": (FacilityStatus.IN_PROGRESS, lambda u, r, t: services.open_request(actor=u, request=r, opened_on=TODAY),
             TOWN_SIDE),
    "rate": (FacilityStatus.OPEN, lambda u, r, t: services.rate_request(actor=u, request=r, rating=5), UNION_SIDE),
    "withdraw": (FacilityStatus.SUBMITTED, lambda u, r, t: services.withdraw_request(actor=u, request=r, reason="x"),
                 UNION_SIDE),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_service_matrix(tree, action):
    status, call, allowed = ACTIONS[action]
    for role in ROLES:
        r = request(tree, status) if status else None
        user = getattr(tree, role)
        count = FacilityRequest.objects.count()
        if role in allowed:
            assert call(user, r, tree) is not None, role
        else:
            with pytest.raises(PermissionDenied):
                call(user, r, tree)
            assert FacilityRequest.objects.count() == count, role
            if r is not None:
                assert FacilityRequest.objects.get(pk=r.pk).status == status, role


def test_due_source(tree, django_assert_num_queries):
    late = request(tree)
    FacilityRequest.objects.filter(pk=late.pk).update(decide_due_on=TODAY - datetime.timedelta(days=1))
    request(tree, org=tree.union2)
    selectors.due_requests_summary(tree.town1_cadre)
    with django_assert_num_queries(1):
        due = selectors.due_requests_summary(tree.town1_cadre)
    assert due.overdue == 1
    assert selectors.due_requests_summary(tree.union1_chair) is None  # chairs do not approve
    assert selectors.due_requests_summary(tree.district_staff).overdue == 1
