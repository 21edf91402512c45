"""Who may do what with seasonal campaigns (the review chain: union → town → district).

- `welfare.configure` (district only): create and edit campaigns, open and close them, allocate
  budgets (on the organiser's org);
- `welfare.submit` on the applicant's union: a union applies for its members, withdraws an
  application before approval (union chair and staff; district staff);
- `welfare.review` on the applicant's town: the town reviews a submitted application (passes it on
  or rejects it);
- `welfare.approve` on the organiser's org: approves (the budget is consumed) or rejects;
- `welfare.change` on the organiser's org or on the org whose budget paid for it: records the
  payment or hands over the goods; `welfare.change` on an org: records goods it handed out;
- `welfare.view` / `welfare.export`: lists, pages and Excel exports of the subtree;
- members have no role action: they apply and withdraw on /welfare/my/applications/.

These helpers decide which buttons a page shows; the services check again (`require`).
"""

from ..models.campaigns import ApplicationStatus, BenefitKind, CampaignStatus

VIEW = "welfare.view"
CHANGE = "welfare.change"
SUBMIT = "welfare.submit"
REVIEW = "welfare.review"
APPROVE = "welfare.approve"
EXPORT = "welfare.export"
CONFIGURE = "welfare.configure"

WITHDRAWABLE = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.TOWN_REVIEWED)


def can(user, action, org=None) -> bool:
    return bool(user and user.is_authenticated and user.can(action, org))


def may_configure(user, campaign) -> bool:
    return can(user, CONFIGURE, campaign.org)


def may_submit(user, x) -> bool:
    return x.status == ApplicationStatus.DRAFT and can(user, SUBMIT, x.union)


def may_review(user, x) -> bool:
    return x.status == ApplicationStatus.SUBMITTED and can(user, REVIEW, x.town if x.town_id else x.campaign.org)


def may_approve(user, x) -> bool:
    return x.status == ApplicationStatus.TOWN_REVIEWED and can(user, APPROVE, x.campaign.org)


def may_reject(user, x) -> bool:
    return may_review(user, x) or (x.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.TOWN_REVIEWED)
                                   and can(user, APPROVE, x.campaign.org))


def may_withdraw(user, x) -> bool:
    return x.status in WITHDRAWABLE and can(user, SUBMIT, x.union)


def may_pay(user, x) -> bool:
    if x.status != ApplicationStatus.APPROVED:
        return False
    orgs = [x.campaign.org] + ([x.budget.org] if x.budget_id else [])
    return any(can(user, CHANGE, o) for o in orgs)


def pays_in_goods(x) -> bool:
    return x.campaign.benefit == BenefitKind.GOODS


def campaign_open(campaign) -> bool:
    return campaign.status == CampaignStatus.OPEN
