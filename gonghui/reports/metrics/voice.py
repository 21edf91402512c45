"""Metrics of workers' appeals (诉求, DOMAIN.md §8), defined as the appeal statistics page defines
them (gonghui/voice/selectors/stats.py, docs/voice-stats.md), so the two never disagree.

Definitions (docs/reports-metrics.md has the table). The records are the appeals *received* in
year Y (`received_at` on a local day of Y, up to as_of), a cohort: every figure is about those
appeals, as they stand when the figures are counted, so the rates of a year never mix appeals of
different years. Each appeal is held by the org handling it now (`Appeal.org`, its scope).
- *received*: all of them, withdrawn ones included;
- *closed*: status CLOSED; *closed on time*: closed on or before the due date (`closed_on_time`,
  decided when closing); on-time rate = closed on time ÷ closed;
- *satisfaction*: the sum and the number of the workers' ratings (1–5) of those rated; the
  average is sum ÷ number; *satisfied*: ratings at or above `VOICE_STATS_RULES["satisfied_from"]`
  (4), and the satisfied rate = satisfied ÷ rated.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.voice.models import Appeal, AppealStatus
from gonghui.voice.rules.stats import rules as stats_rules

from . import Metric, Ratio, register

SECTION = "voice"


def _drill(**fixed):
    """drill(org, year): the appeal list of the org's subtree and the year received."""
    def url(org, year):
        return f"{reverse('voice:appeal_list')}?{urlencode({'org': org.pk, 'year': year, **fixed})}"
    return url


METRICS = [
    Metric(code="voice.appeals_received", label=_("Appeals received"), section=SECTION, drill=_drill(),
           help=_("Appeals received in the year (withdrawn ones included), at the org handling them.")),
    Metric(code="voice.appeals_closed", label=_("Appeals closed"), section=SECTION,
           drill=_drill(status=AppealStatus.CLOSED),
           help=_("Appeals received in the year and closed by now.")),
    Metric(code="voice.appeals_on_time", label=_("Appeals closed on time"), section=SECTION,
           drill=_drill(status=AppealStatus.CLOSED, closed_on_time="1"),
           help=_("Appeals received in the year and closed on or before their due date.")),
    Metric(code="voice.satisfaction_sum", label=_("Sum of satisfaction ratings"), section=SECTION, unit="score",
           shown=False, help=_("The sum of the workers' ratings (1–5) of the year's appeals.")),
    Metric(code="voice.satisfaction_count", label=_("Appeals rated"), section=SECTION, shown=False,
           help=_("Appeals of the year the worker rated.")),
    Metric(code="voice.satisfied", label=_("Satisfied ratings"), section=SECTION, shown=False,
           help=_("Ratings of the year's appeals at or above the 'satisfied' mark (4 of 5 by default).")),
]

RATIOS = [
    Ratio(code="voice.on_time_rate", label=_("On-time rate"), section=SECTION, numerator="voice.appeals_on_time",
          denominator="voice.appeals_closed", help=_("Appeals closed on time ÷ appeals closed.")),
    Ratio(code="voice.satisfaction", label=_("Average satisfaction"), section=SECTION,
          numerator="voice.satisfaction_sum", denominator="voice.satisfaction_count", percent=False, decimals=2,
          help=_("The average rating (1–5) of the rated appeals of the year.")),
    Ratio(code="voice.satisfied_rate", label=_("Satisfied rate"), section=SECTION, numerator="voice.satisfied",
          denominator="voice.satisfaction_count", help=_("Satisfied ratings ÷ ratings.")),
]


def received_between(first, until):
    """Appeals received on the local days first..until."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min), tz)
    return Appeal.objects.filter(received_at__gte=start, received_at__lt=end)


def provide(year: int, as_of: datetime.date):
    first, until = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), as_of)
    if until < first:
        return
    closed = Q(status=AppealStatus.CLOSED)
    rows = (received_between(first, until).order_by().values("org_id").annotate(
        received=Count("pk"), closed=Count("pk", filter=closed),
        on_time=Count("pk", filter=closed & Q(closed_on_time=True)),
        rated=Count("pk", filter=Q(satisfaction__isnull=False)), score=Sum("satisfaction"),
        satisfied=Count("pk", filter=Q(satisfaction__gte=stats_rules().satisfied_from))))
    codes = {"received": "voice.appeals_received", "closed": "voice.appeals_closed",
             "on_time": "voice.appeals_on_time", "rated": "voice.satisfaction_count",
             "score": "voice.satisfaction_sum", "satisfied": "voice.satisfied"}
    for row in rows:
        for key, code in codes.items():
            if row[key]:
                yield row["org_id"], code, row[key]


register(METRICS, provide, ratios=RATIOS)
