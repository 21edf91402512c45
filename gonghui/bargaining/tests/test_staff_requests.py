"""At least a fifth of the staff ask for wage negotiation: the union owes the offer, tracked with
its deadline, reminded, and answered by the union's next offer covering the enterprise."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gonghui.bargaining import services
from gonghui.bargaining.models import StaffRequest, Stage
from gonghui.bargaining.testing import negotiation
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification

D = datetime.date


@pytest.fixture
def staffed(tree):
    tree.enterprise1.headcount = 100
    tree.enterprise1.save()
    return tree


def record(tree, signatures=20, **extra):
    return services.record_staff_request(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                                         received_on=extra.pop("received_on", D(2026, 3, 2)),
                                         signatures=signatures, **extra)


def test_exactly_one_fifth_binds_the_union_with_a_deadline(staffed):
    request = record(staffed, signatures=20)
    assert request.offer_due_on == D(2026, 3, 22)  # 20 days (local policy default)
    assert request.headcount == 100
    assert AuditEvent.objects.filter(action="bargaining.staff_request", object_id=str(request.pk)).count() == 1


@pytest.mark.parametrize("signatures, headcount, code", [
    (19, None, "below_one_fifth"),
    (0, None, "below_one_fifth"),
    (30, 20, "signatures_over_headcount"),
])
def test_requests_that_do_not_bind_are_refused_and_nothing_saved(staffed, signatures, headcount, code):
    with pytest.raises(DomainError) as refused:
        record(staffed, signatures=signatures, headcount=headcount)
    assert refused.value.code == code
    assert not StaffRequest.objects.exists()


def test_only_the_union_of_the_enterprise_may_record(tree, staffed):
    with pytest.raises(PermissionDenied):
        services.record_staff_request(actor=tree.union2_chair, org=tree.union1, enterprise=tree.enterprise1,
                                      received_on=D(2026, 3, 2), signatures=30)
    with pytest.raises(DomainError) as refused:  # union2's own enterprise is not in union1's area
        services.record_staff_request(actor=tree.district_staff, org=tree.union1, enterprise=tree.enterprise2,
                                      received_on=D(2026, 3, 2), signatures=30, headcount=100)
    assert refused.value.code == "coverage_outside"


def test_the_next_offer_answers_the_request(staffed):
    request = record(staffed)
    agreement = negotiation(actor=staffed.union1_chair, org=staffed.union1, enterprise=staffed.enterprise1,
                            stage=Stage.OFFERED, start=D(2026, 3, 10))
    request.refresh_from_db()
    assert request.agreement == agreement


def test_talks_under_way_answer_a_later_request(staffed):
    # No second offer is owed (and none could be made: one open negotiation per union and kind).
    talks = negotiation(actor=staffed.union1_chair, org=staffed.union1, enterprise=staffed.enterprise1,
                        stage=Stage.OFFERED, start=D(2026, 3, 1))
    request = record(staffed, received_on=D(2026, 3, 2))
    assert request.agreement == talks


def test_a_concluded_agreement_does_not_answer_a_later_request(staffed):
    negotiation(actor=staffed.union1_chair, org=staffed.union1, enterprise=staffed.enterprise1,
                stage=Stage.PUBLISHED, start=D(2025, 12, 1))
    assert record(staffed, received_on=D(2026, 11, 2)).agreement is None


def test_reminders_and_due_page(client, staffed):
    request = record(staffed)
    assert services.remind_due_steps(on=D(2026, 3, 19)) == 2  # chair and town cadre, due soon
    assert services.remind_due_steps(on=D(2026, 3, 23)) == 2  # overdue
    assert Notification.objects.filter(key__startswith=f"bargaining:request:{request.pk}").count() == 4
    client.force_login(staffed.town1_cadre)
    assert [r.pk for r in client.get(reverse("bargaining:due")).context["staff_requests"]] == [request.pk]
    client.force_login(staffed.town2_cadre)
    assert client.get(reverse("bargaining:due")).context["staff_requests"] == []
    assert client.get(reverse("bargaining:request_detail", args=[request.pk])).status_code == 404


def test_request_form_records_and_refuses_with_the_rule(client, staffed):
    client.force_login(staffed.union1_chair)
    page = client.get(reverse("bargaining:request_create"))
    assert page.status_code == 302 and f"org={staffed.union1.pk}" in page["Location"]
    url = reverse("bargaining:request_create")
    data = {"org": staffed.union1.pk, "enterprise": staffed.enterprise1.pk, "received_on": "2026-11-02",
            "signatures": "10", "headcount": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "signatures" in refused.context["form"].errors
    assert not StaffRequest.objects.exists()
    data["signatures"] = "25"
    saved = client.post(url, data)
    request = StaffRequest.objects.get()
    assert saved["Location"] == reverse("bargaining:request_detail", args=[request.pk])
    detail = client.get(saved["Location"])
    assert detail.status_code == 200 and detail.context["can_offer"]


def test_members_and_outsiders_cannot_record(client, staffed):
    for user in (staffed.member_user, staffed.outsider):
        client.force_login(user)
        assert client.get(reverse("bargaining:request_create")).status_code == 403
