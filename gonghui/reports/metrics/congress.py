"""Metrics of workers' congresses and proposals (DOMAIN.md §3; section `congress`).

Definitions (as the congress statistics of `gonghui.congress.stats` count them):
- `congress.sessions`: sessions held in the year (`held_on` in it; status HELD or REPORTED),
  held by the session's union (`Session.org`);
- `congress.proposals`: proposals submitted in the year (`submitted_on`), whatever happened
  since, held by the proposal's union (`Proposal.org`);
- `congress.proposals_accepted`: of those, accepted as proposals (立案: ACCEPTED, ASSIGNED,
  REPLIED or ARCHIVED);
- `congress.proposals_adopted`: of those, replied with outcome A (solved) or B (in the plan);
- `congress.proposal_benefit`: the verified economic benefit (yuan, `benefit_verified`) of those
  adopted proposals; `congress.proposal_benefit_estimated` the estimated one (`benefit_estimated`).
  A figure left on a proposal reopened and answered C is not counted.
"""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gonghui.congress.models import ADOPTED_OUTCOMES, Proposal, ProposalStatus, Session, SessionStatus

from . import Metric, register
from .members import list_url, year_range

SECTION = "congress"
HELD_STATUSES = (SessionStatus.HELD, SessionStatus.REPORTED)
ACCEPTED_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.ASSIGNED, ProposalStatus.REPLIED,
                     ProposalStatus.ARCHIVED)


def _drill(url_name, **fixed):
    def url(org, year):
        return list_url(url_name, org=org.pk, year=year, **fixed)
    return url


METRICS = [
    Metric(code="congress.sessions", label=_("Congress sessions held"), section=SECTION,
           drill=_drill("congress:session_list"),
           help=_("Workers' congress and all-staff meeting sessions held in the year.")),
    Metric(code="congress.proposals", label=_("Proposals filed"), section=SECTION,
           drill=_drill("congress:proposal_list"), help=_("Proposals submitted in the year.")),
    Metric(code="congress.proposals_accepted", label=_("Proposals accepted"), section=SECTION,
           drill=_drill("congress:proposal_list"),
           help=_("Proposals submitted in the year and accepted as proposals (立案).")),
    Metric(code="congress.proposals_adopted", label=_("Proposals adopted"), section=SECTION,
           drill=_drill("congress:proposal_list"),
           help=_("Proposals submitted in the year and answered A (solved) or B (put in the plan).")),
    Metric(code="congress.proposal_benefit", label=_("Benefit of adopted proposals (yuan)"), section=SECTION,
           unit="yuan", drill=_drill("congress:proposal_list"),
           help=_("Verified economic benefit of the adopted proposals submitted in the year.")),
    Metric(code="congress.proposal_benefit_estimated", label=_("Estimated benefit of adopted proposals (yuan)"),
           section=SECTION, unit="yuan", drill=_drill("congress:proposal_list"),
           help=_("Estimated economic benefit of the adopted proposals submitted in the year.")),
]


def provide(year, as_of):
    start, end = year_range(year)
    held = (Session.objects.filter(status__in=HELD_STATUSES, held_on__gte=start, held_on__lte=end)
            .order_by().values_list("org_id").annotate(n=Count("id")))
    for org_id, n in held:
        yield org_id, "congress.sessions", n
    adopted = Q(outcome__in=ADOPTED_OUTCOMES)
    proposals = (Proposal.objects.filter(submitted_on__gte=start, submitted_on__lte=end)
                 .order_by().values_list("org_id")
                 .annotate(n=Count("id"), accepted=Count("id", filter=Q(status__in=ACCEPTED_STATUSES)),
                           adopted=Count("id", filter=adopted),
                           verified=Sum("benefit_verified", filter=adopted),
                           estimated=Sum("benefit_estimated", filter=adopted)))
    for org_id, n, accepted, adopted_n, verified, estimated in proposals:
        yield org_id, "congress.proposals", n
        yield org_id, "congress.proposals_accepted", accepted
        yield org_id, "congress.proposals_adopted", adopted_n
        yield org_id, "congress.proposal_benefit", verified or 0
        yield org_id, "congress.proposal_benefit_estimated", estimated or 0


register(METRICS, provide)
