"""Builders for the founding area's tests: an enterprise without a union, a joint union, and an
application driven through the services to a given status."""

import datetime

from gonghui.core.testing.factories import EnterpriseFactory, add_org
from gonghui.orgs.models import Org, OrgLevel, UnionKind

from ..models.foundings import FoundingForm, FoundingStatus
from ..services import foundings as services

TODAY = services.today()
PHONE = "13912345678"


def bare_enterprise(town, **kwargs):
    kwargs.setdefault("headcount", 80)
    return EnterpriseFactory(town=town, union=None, **kwargs)


def joint_union(town, name="城南村联合工会委员会", code=None):
    node = add_org(town, name, OrgLevel.GRASSROOTS, union_kind=UnionKind.JOINT, **({"code": code} if code else {}))
    return Org.objects.get(pk=node.pk)


def founding_input(**overrides):
    values = {"applicant_kind": "WORKERS", "contact_name": "王联络", "contact_phone": PHONE, "members_count": 40,
              "form": FoundingForm.COMMITTEE, "meeting_on": TODAY - datetime.timedelta(days=20), "term_years": 5,
              "chair_name": "李主席", "vice_chair_names": "赵副", "committee_member_names": "钱一、孙二"}
    values.update(overrides)
    return services.FoundingInput(**values)


S = FoundingStatus
PATHS = {
    S.DRAFT: [], S.SUBMITTED: ["submit"], S.REVIEWED: ["submit", "review"],
    S.APPROVED: ["submit", "review", "approve"], S.REGISTERED: ["submit", "review", "approve", "register"],
    S.JOINED: ["submit", "review", "approve"], S.RETURNED: ["submit", "return"], S.REFUSED: ["submit", "refuse"],
    S.WITHDRAWN: ["submit", "withdraw"],
}
DECISION = "萧工复〔2026〕1号"
STEPS = {
    "submit": lambda u, a: services.submit_application(actor=u, application=a, submitted_on=TODAY),
    "review": lambda u, a: services.review_application(actor=u, application=a, reviewed_on=TODAY),
    "approve": lambda u, a: services.approve_application(actor=u, application=a, approved_on=TODAY,
                                                         decision_no=DECISION),
    "register": lambda u, a: services.register_union(actor=u, application=a, registered_on=TODAY,
                                                     legal_cert_no="工法证字第330100000001号"),
    "return": lambda u, a: services.return_application(actor=u, application=a, returned_on=TODAY, reason="材料不全"),
    "refuse": lambda u, a: services.refuse_application(actor=u, application=a, refused_on=TODAY, reason="不符合条件"),
    "withdraw": lambda u, a: services.withdraw_application(actor=u, application=a, withdrawn_on=TODAY),
}


def application(actor, enterprise, status=FoundingStatus.DRAFT, *, by=None, **overrides):
    """An application of `enterprise` recorded by `actor` and moved on to `status` (the later
    steps by `by`, default `actor`)."""
    a = services.create_application(actor=actor, enterprise=enterprise, data=founding_input(**overrides))
    for step in PATHS[status]:
        a = STEPS[step](by or actor, a)
    assert a.status == status, (a.status, status)
    return a
