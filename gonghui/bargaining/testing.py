"""Build negotiations at any stage through the real services, for tests of every layer."""

import datetime
from decimal import Decimal

from . import services
from .models import AgreementKind, Side, Stage, VotingBody
from .services import CoveredEnterprise, Offer, RepresentativeInput, VoteInput

ORDER = (Stage.OFFERED, Stage.REPLIED, Stage.IN_TALKS, Stage.APPROVED, Stage.SIGNED, Stage.FILED,
         Stage.EFFECTIVE, Stage.PUBLISHED)


def representatives(chair="", size=3):
    reps = [RepresentativeInput(Side.UNION, chair or "职工首席", "工会主席", True)]
    reps += [RepresentativeInput(Side.UNION, f"职工代表{i}") for i in range(1, size)]
    reps += [RepresentativeInput(Side.EMPLOYER, "企业首席", "总经理", True)]
    reps += [RepresentativeInput(Side.EMPLOYER, f"企业代表{i}") for i in range(1, size)]
    return reps


def negotiation(*, actor, org, enterprise=None, coverage=None, kind=AgreementKind.SINGLE,
                stage=Stage.OFFERED, start=datetime.date(2026, 3, 2), industry="", title="2026年工资专项集体合同"):
    """A negotiation of `org` advanced to `stage`, the offer sent on `start` and each later step
    a few days after the one before."""
    if coverage is None:
        coverage = [CoveredEnterprise(enterprise, min(enterprise.headcount or 50, 50))]
    offer = Offer(kind=kind, title=title, employer_party=coverage[0].enterprise.name, offered_by=Side.UNION,
                  offered_on=start, offer_received_on=start, coverage=coverage, offer_points="工资增幅",
                  industry=industry)
    agreement = services.start_negotiation(actor=actor, org=org, offer=offer)
    day = start

    def later(days=3):
        nonlocal day
        day = day + datetime.timedelta(days=days)
        return day

    target = ORDER.index(stage)
    if target >= ORDER.index(Stage.REPLIED):
        agreement = services.record_reply(actor=actor, agreement=agreement, replied_on=later(),
                                          first_meeting_on=later(10))
    if target >= ORDER.index(Stage.IN_TALKS):
        day = agreement.replied_on
        services.set_representatives(actor=actor, agreement=agreement,
                                     representatives=representatives(org.chair_name), recorder_name="记录员")
        services.record_data_exchange(actor=actor, agreement=agreement, provided_on=later(2))
        services.record_round(actor=actor, agreement=agreement, held_on=later(7), minutes="第一轮协商")
        services.update_terms(actor=actor, agreement=agreement, wage_system="岗位绩效工资制",
                              avg_wage=Decimal("78000.00"), avg_increase_pct=Decimal("6.50"),
                              min_wage=Decimal("2490.00"), min_increase_pct=Decimal("4.00"),
                              skilled_worker_clause=True, skilled_worker_terms="技师津贴每月500元")
    if target >= ORDER.index(Stage.APPROVED):
        services.record_vote(actor=actor, agreement=agreement, data=VoteInput(
            VotingBody.CONGRESS, later(), eligible=60, present=50, yes=45, no=3, abstain=2))
    if target >= ORDER.index(Stage.SIGNED):
        services.sign_agreement(actor=actor, agreement=agreement, signed_on=later(2), starts_on=day)
    if target >= ORDER.index(Stage.FILED):
        services.file_agreement(actor=actor, agreement=agreement, filed_on=later(5), bureau_ref="萧人社备2026-001")
    if target >= ORDER.index(Stage.EFFECTIVE):
        services.confirm_effective(actor=None, agreement=agreement, on=later(16))
    if target >= ORDER.index(Stage.PUBLISHED):
        services.publish_agreement(actor=actor, agreement=agreement,
                                   published_on=agreement.__class__.objects.get(pk=agreement.pk).effective_on
                                   + datetime.timedelta(days=2), method="厂务公开栏")
    return agreement.__class__.objects.get(pk=agreement.pk)
