"""Permission matrix of mutual aid: role × action for a union1 (town1) batch and claim. Enrolment
and claims are written by the union's roles and the district; the town reviews and records
payments; the district configures plans, approves and pays out. The town2 cadre and union2's chair
do not see union1's records (404 on pages and API, PermissionDenied in the services); members and
outsiders have no role (403 on the lists, 404 on the records)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gonghui.core.testing.api import api_as
from gonghui.welfare.models.mutualaid import ClaimStatus, MutualAidClaim, PaymentStatus
from gonghui.welfare.services import mutualaid as services
from gonghui.welfare.testing.mutualaid import claim, covered, pdf, plan, reviewed

pytestmark = pytest.mark.django_db

ROLES = ["district_staff", "town1_cadre", "town2_cadre", "union1_chair", "union1_staff", "union2_chair",
         "member_user", "outsider"]
UNION1 = {"district_staff", "town1_cadre", "union1_chair", "union1_staff"}
ALLOWED = {
    "enrol": UNION1,
    "pay_batch": {"district_staff", "town1_cadre"},
    "create_claim": {"district_staff", "union1_chair", "union1_staff"},
    "submit": {"district_staff", "union1_chair", "union1_staff"},
    "review": {"district_staff", "town1_cadre"},
    "approve": {"district_staff"},
    "payout": {"district_staff"},
    "open_plan": {"district_staff"},
}


def fixtures(tree):
    """One record at the right stage for each action (all of union1), built by the district."""
    p = plan(tree)
    covs = covered(tree, p, people=[tree.member().person for _ in range(4)])
    submit = claim(tree, covs[0])
    services.add_document(actor=tree.district_staff, claim=submit, upload=pdf())
    approve = reviewed(tree, claim(tree, covs[2]))
    payout = services.approve_claim(actor=tree.district_staff, claim=reviewed(tree, claim(tree, covs[3])))
    tree.member()  # someone for "enrol" to enrol
    return {
        "enrol": p,
        "pay_batch": services.enrol(actor=tree.district_staff, plan=p, union=tree.union1,
                                    people=[tree.member().person.pk]),
        "create_claim": covs[0], "submit": submit, "review": claim(tree, covs[1], submit=True),
        "approve": approve, "payout": payout, "open_plan": plan(tree, year=p.year + 1, open_=False),
    }


ACTIONS = {
    "enrol": lambda u, x, t: services.enrol(actor=u, plan=x, union=t.union1),
    "pay_batch": lambda u, x, t: services.record_payment(actor=u, enrolment=x, paid_on=services.today(),
                                                         reference="R"),
    "create_claim": lambda u, x, t: claim(t, x, actor=u, when=(services.today() - services.datetime.timedelta(
        days=50), services.today() - services.datetime.timedelta(days=45))),
    "submit": lambda u, x, t: services.submit_claim(actor=u, claim=x),
    "review": lambda u, x, t: services.review_claim(actor=u, claim=x),
    "approve": lambda u, x, t: services.approve_claim(actor=u, claim=x),
    "payout": lambda u, x, t: services.pay_claim(actor=u, claim=x, paid_on=services.today(), reference="P"),
    "open_plan": lambda u, x, t: services.open_plan(actor=u, plan=x),
}


@pytest.mark.parametrize("role", ROLES)
def test_service_matrix(tree, role):
    records = fixtures(tree)
    user = getattr(tree, role)
    for action, run in ACTIONS.items():
        claims_before = MutualAidClaim.objects.count()
        if role in ALLOWED[action]:
            assert run(user, records[action], tree) is not None, action
        else:
            with pytest.raises(PermissionDenied):
                run(user, records[action], tree)
            assert MutualAidClaim.objects.count() == claims_before, action


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_404_out_of_scope(tree, role):
    p = plan(tree)
    (cov,) = covered(tree, p)
    c = claim(tree, cov, submit=True)
    e = cov.enrolment
    user = getattr(tree, role)
    web = Client()
    web.force_login(user)
    api = api_as(user)
    codes = (web.get(reverse("welfare:claim_detail", args=[c.pk])).status_code,
             web.get(reverse("welfare:enrolment_detail", args=[e.pk])).status_code,
             api.get(f"/mutual-aid-claims/{c.pk}").status_code,
             api.get(f"/mutual-aid-enrolments/{e.pk}").status_code)
    review = web.post(reverse("welfare:claim_step", args=[c.pk, "review"]), {"review-note": ""}).status_code
    lists = (web.get(reverse("welfare:claim_list")).status_code, web.get(reverse("welfare:enrolment_list")).status_code,
             web.get(reverse("welfare:plan_list")).status_code, web.get(reverse("welfare:claim_export")).status_code)
    status = MutualAidClaim.objects.get(pk=c.pk).status
    if role in UNION1:
        assert codes == (200, 200, 200, 200), role
        assert review == 302
        assert status == (ClaimStatus.REVIEWED if role in ALLOWED["review"] else ClaimStatus.SUBMITTED)
    else:
        assert codes == (404, 404, 404, 404), role
        assert review == 404 and status == ClaimStatus.SUBMITTED
    no_role = role in ("member_user", "outsider")
    assert lists == ((403,) * 4 if no_role else (200,) * 4), role
    assert e.status == PaymentStatus.PAID
