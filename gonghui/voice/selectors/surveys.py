"""Reads of the `surveys` area, scoped to the user. Shared: `participation_by_town` (voice stats),
`targeted_memberships` / `is_targeted` (who a survey asks, see models.surveys for the definition).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.pagination import keyset_page
from gonghui.members.models import LIVE_STATUSES, Membership, MembershipStatus
from gonghui.orgs.models import Org, OrgLevel

from ..models.surveys import QuestionKind, Survey, SurveyAnswer, SurveyAudience, SurveyResponse, SurveyStatus
from ..policies.surveys import CHANGE, VIEW
from ..rules.surveys import age_bands, rules


def today():
    return timezone.localdate()


def surveys(user, action=VIEW):
    return Survey.objects.visible_to(user, action)


# --- targeting ----------------------------------------------------------------------------------

def target_paths(survey) -> list[str]:
    """The org paths a survey targets: its chosen orgs, or the owner's whole subtree."""
    paths = [o.path for o in survey.target_orgs.all()] if survey.pk else []
    return paths or [survey.org.path]


def targeted_memberships(survey):
    """The membership periods that make their person targeted (see models.surveys). Several
    periods of one person may match: count distinct persons."""
    place = Q()
    for path in target_paths(survey):
        place |= Q(union__path__startswith=path)
    qs = Membership.objects.filter(place)
    if survey.industries:
        qs = qs.filter(enterprise__industry__in=list(survey.industries))
    live = Q(status__in=LIVE_STATUSES)
    if survey.audience == SurveyAudience.WORKERS:
        has_live = Membership.objects.filter(person=OuterRef("person"), status__in=LIVE_STATUSES)
        qs = qs.filter(live | (Q(status=MembershipStatus.LEFT) & ~Exists(has_live)))
    else:
        qs = qs.filter(live)
    return qs


def count_targeted(survey) -> tuple[int, dict]:
    """(targeted persons, {town id as str or "": persons}) — the participation denominators.
    A person is counted once, in the town of their first matching period (by id)."""
    towns = town_index()
    seen = set()
    by_town = defaultdict(int)
    for person_id, path in (targeted_memberships(survey).order_by("person_id", "id")
                            .values_list("person_id", "union__path").iterator(chunk_size=5000)):
        if person_id in seen:
            continue
        seen.add(person_id)
        by_town[town_of_path(path, towns)] += 1
    return len(seen), dict(by_town)


def town_index() -> dict[str, int]:
    """{path: id} of every town and platform (a small table)."""
    return dict(Org.objects.filter(level__in=(OrgLevel.TOWN, OrgLevel.PLATFORM)).values_list("path", "id"))


def town_of_path(path: str, towns: dict[str, int]) -> str:
    """The id (as str) of the nearest town above `path`, or "" (a union straight under the district)."""
    best = ""
    best_len = 0
    for town_path, town_id in towns.items():
        if path.startswith(town_path) and len(town_path) > best_len:
            best, best_len = str(town_id), len(town_path)
    return best


def person_targets(survey, memberships) -> Membership | None:
    """The first of a person's membership periods by which `survey` targets them, or None
    (Python twin of `targeted_memberships`, for one person's few periods)."""
    paths = target_paths(survey)
    has_live = any(m.status in LIVE_STATUSES for m in memberships)
    for m in memberships:
        if not any(m.union.path.startswith(p) for p in paths):
            continue
        if survey.industries and (m.enterprise is None or m.enterprise.industry not in survey.industries):
            continue
        if m.status in LIVE_STATUSES:
            return m
        if survey.audience == SurveyAudience.WORKERS and m.status == MembershipStatus.LEFT and not has_live:
            return m
    return None


def memberships_of(person) -> list[Membership]:
    # Live periods first: a targeted person's response is placed in their current union.
    rows = list(Membership.objects.filter(person=person).select_related("union", "enterprise").order_by("-id"))
    return sorted(rows, key=lambda m: m.status not in LIVE_STATUSES)


def open_now(day=None):
    day = day or today()
    return Survey.objects.filter(status=SurveyStatus.OPEN, opens_on__lte=day, closes_on__gte=day)


def surveys_for_person(person, day=None) -> list[dict]:
    """The open surveys targeted at `person` today, each with whether they have answered:
    [{"survey", "answered"}]. Open surveys are few; targeting is checked in Python."""
    if person is None:
        return []
    periods = memberships_of(person)
    answered = set(SurveyResponse.objects.filter(person=person).values_list("survey_id", flat=True))
    out = []
    for s in open_now(day).select_related("org").prefetch_related("target_orgs").order_by("closes_on", "id"):
        if person_targets(s, periods) is not None:
            out.append({"survey": s, "answered": s.pk in answered})
    return out


def is_targeted(survey, person) -> bool:
    return person is not None and person_targets(survey, memberships_of(person)) is not None


# --- lists --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SurveyFilters:
    q: str = ""
    status: str = ""
    org: Org | None = None
    year: int | None = None


def filtered_surveys(user, f: SurveyFilters):
    qs = surveys(user)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.org is not None:
        qs = qs.filter(org__path__startswith=f.org.path)
    if f.year:
        qs = qs.filter(opens_on__year=f.year)
    q = (f.q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(org__name__icontains=q))
    return qs


def survey_page(user, f: SurveyFilters, *, after=None, size=None):
    return keyset_page(filtered_surveys(user, f), after=after, size=size,
                       load=Survey.objects.select_related("org").annotate(n_questions=Count("questions")))


def org_choices(user, q="", limit=50):
    """Active orgs where the user may own or target a survey, by path (tree order)."""
    qs = Org.objects.visible_to(user, CHANGE).filter(is_active=True)
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return list(qs.order_by("path")[:limit])


def questions_of(survey):
    return list(survey.questions.prefetch_related("options").order_by("order", "id"))


# --- results ------------------------------------------------------------------------------------

BREAKDOWNS = ("town", "industry", "age_band")


def breakdown_groups(survey, by: str) -> list[tuple[str, str]]:
    """[(key, label)] of the groups of a breakdown present among the responses."""
    from gonghui.orgs.models import Industry

    responses = SurveyResponse.objects.filter(survey=survey).order_by()
    if by == "town":
        ids = set(responses.values_list("town_id", flat=True).distinct())
        names = dict(Org.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))
        groups = [(str(i), names[i]) for i in sorted(names, key=lambda i: names[i])]
        if None in ids:
            groups.append(("", _("Directly under the district")))
        return groups
    if by == "industry":
        present = set(responses.values_list("industry", flat=True).distinct())
        groups = [(k, str(v)) for k, v in Industry.choices if k in present]
        if "" in present:
            groups.append(("", _("No enterprise on record")))
        return groups
    if by == "age_band":
        present = set(responses.values_list("age_band", flat=True).distinct())
        return [(b, b) for b in age_bands() if b in present]
    return []


def _group_field(by):
    return {"town": "response__town_id", "industry": "response__industry", "age_band": "response__age_band"}[by]


def _key(v):
    return "" if v is None else str(v)


OTHER = "_other"


@dataclass(frozen=True)
class GroupPlan:
    """How the responses of one breakdown are shown: `groups` [(key, label)] in order, `shown`
    {raw key: shown key} (a merged group's raw key maps to OTHER), `sizes` {shown key: responses}."""

    groups: list
    shown: dict
    sizes: dict

    def key(self, raw):
        return self.shown.get(_key(raw))


def group_plan(survey, by: str) -> GroupPlan:
    """The groups of a breakdown as every output shows them (results page, API, Excel export).

    Anonymous results: the groups with fewer than `rules().min_group` responses are merged into one
    "Other (small groups)" group; when the merged group itself is still smaller than min_group, the
    smallest shown groups join it until it is not (otherwise total − shown groups = the small group).
    When nothing would remain but "Other", the breakdown shows no group at all."""
    field = {"town": "town_id", "industry": "industry", "age_band": "age_band"}[by]
    sizes = {_key(row[field]): row["n"] for row in SurveyResponse.objects.filter(survey=survey).order_by()
             .values(field).annotate(n=Count("pk"))}
    groups = [g for g in breakdown_groups(survey, by) if g[0] in sizes]
    if not survey.anonymous_results:
        return GroupPlan(groups, {k: k for k in sizes}, dict(sizes))
    min_group = rules().min_group
    labelled = {g[0] for g in groups}
    merged = {k for k, n in sizes.items() if n < min_group or k not in labelled}
    rest = sorted((k for k in sizes if k not in merged), key=lambda k: (sizes[k], k))
    while merged and sum(sizes[k] for k in merged) < min_group and rest:
        merged.add(rest.pop(0))
    kept = [g for g in groups if g[0] not in merged]
    if not kept:
        return GroupPlan([], {}, {})
    shown = {k: (OTHER if k in merged else k) for k in sizes}
    out = {k: sizes[k] for k, _label in kept}
    if merged:
        kept.append((OTHER, _("Other (small groups)")))
        out[OTHER] = sum(sizes[k] for k in merged)
    return GroupPlan(kept, shown, out)


def question_results(survey, questions=None, by: str = "") -> list[dict]:
    """Per question: counts of each option (choices) or each value (scale), the number answering,
    the scale's average; with `by`, the same counts per group of `group_plan` (small groups of an
    anonymous survey merged into "Other"). Text questions: only the count (their answers are paged
    by `text_answers`)."""
    questions = questions if questions is not None else questions_of(survey)
    by = by if by in BREAKDOWNS else ""
    plan = group_plan(survey, by) if by else GroupPlan([], {}, {})
    answers = SurveyAnswer.objects.filter(response__survey=survey).order_by()
    out = []
    for q in questions:
        qa = answers.filter(question=q)
        answered = qa.values("response_id").distinct().count()
        item = {"question": q, "answered": answered, "labels": [], "counts": [], "average": None, "groups": []}
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
            options = list(q.options.all())
            item["labels"] = [o.text for o in options]
            keys = [o.pk for o in options]
            value_field = "option_id"
        elif q.kind == QuestionKind.SCALE:
            keys = list(range(1, (q.scale_max or 5) + 1))
            item["labels"] = [str(k) for k in keys]
            value_field = "value"
        else:
            out.append(item)
            continue
        totals = dict(qa.values_list(value_field).annotate(n=Count("pk")))
        item["counts"] = [totals.get(k, 0) for k in keys]
        if q.kind == QuestionKind.SCALE and answered:
            item["average"] = round(sum(k * totals.get(k, 0) for k in keys) / answered, 2)
        if plan.groups:
            per = defaultdict(lambda: defaultdict(int))
            for g, v, n in qa.values_list(_group_field(by), value_field).annotate(n=Count("pk")):
                per[plan.key(g)][v] += n
            item["groups"] = [{"key": g, "label": label, "responses": plan.sizes.get(g, 0),
                               "counts": [per[g].get(k, 0) for k in keys]} for g, label in plan.groups]
        out.append(item)
    return out


def text_answers(question, *, after=None, size=None):
    """The text answers of a question, newest first, keyset-paged (no respondent shown)."""
    qs = SurveyAnswer.objects.filter(question=question).exclude(text="")
    return keyset_page(qs, after=after, size=size or rules().text_page_size)


def participation_of(survey) -> list[dict]:
    """Responses ÷ targeted by town for one survey: [{town_id, town_name, targeted, responded}]."""
    responded = {_key(t): n for t, n in SurveyResponse.objects.filter(survey=survey).order_by()
                 .values_list("town_id").annotate(n=Count("pk"))}
    keys = set(survey.targeted_by_town) | set(responded)
    names = dict(Org.objects.filter(pk__in=[int(k) for k in keys if k]).values_list("pk", "name"))
    rows = [{"town_id": int(k) if k else None,
             "town_name": names.get(int(k), "") if k else _("Directly under the district"),
             "targeted": survey.targeted_by_town.get(k, 0), "responded": responded.get(k, 0)} for k in keys]
    return sorted(rows, key=lambda r: (r["town_id"] is None, r["town_name"]))


def participation_by_town(user, year) -> list[dict]:
    """Survey participation by town for the surveys in the user's reach opened in `year` (not
    drafts): [{town_id, town_name, surveys, targeted, responded}], by town name, the people under
    no town last (town_id None).

    - surveys: how many of these surveys targeted at least one person in the town;
    - targeted: the sum over these surveys of the persons targeted in the town (counted when each
      survey opened, again when it closed: see models.surveys);
    - responded: the responses from the town (the respondent's town when they answered).
    Rate = responded ÷ targeted (the caller divides; targeted may be 0).
    """
    qs = (surveys(user).filter(opens_on__year=int(year))
          .exclude(status=SurveyStatus.DRAFT).only("pk", "targeted_by_town"))
    acc = defaultdict(lambda: {"surveys": 0, "targeted": 0, "responded": 0})
    ids = []
    for s in qs:
        ids.append(s.pk)
        for k, n in (s.targeted_by_town or {}).items():
            if n:
                acc[k]["surveys"] += 1
                acc[k]["targeted"] += n
    for town_id, n in (SurveyResponse.objects.filter(survey_id__in=ids).order_by()
                       .values_list("town_id").annotate(n=Count("pk"))):
        acc[_key(town_id)]["responded"] += n
    names = dict(Org.objects.filter(pk__in=[int(k) for k in acc if k]).values_list("pk", "name"))
    rows = [{"town_id": int(k) if k else None,
             "town_name": names.get(int(k), "") if k else _("Directly under the district"), **v}
            for k, v in acc.items()]
    return sorted(rows, key=lambda r: (r["town_id"] is None, r["town_name"]))


# --- overview -----------------------------------------------------------------------------------

def overview_card(user):
    """晴雨表 on the voice overview: open surveys, closing soon, drafts, responses this year."""
    from django.urls import reverse

    from gonghui.core.overview import Card, Row

    if not user.is_authenticated or not user.can(VIEW):
        return None
    day = today()
    soon = day + datetime.timedelta(days=rules().closing_soon_days)
    is_open = Q(status=SurveyStatus.OPEN)
    c = surveys(user).order_by().aggregate(
        open=Count("pk", filter=is_open),
        closing=Count("pk", filter=is_open & Q(closes_on__gte=day, closes_on__lte=soon)),
        drafts=Count("pk", filter=Q(status=SurveyStatus.DRAFT)),
        closed=Count("pk", filter=Q(status=SurveyStatus.CLOSED, opens_on__year=day.year)))
    url = reverse("voice:survey_list")
    return Card(title=_("Surveys (晴雨表)"), url=url, rows=[
        Row(_("Open surveys"), c["open"], url + "?status=OPEN"),
        Row(_("Closing within a few days"), c["closing"], url + "?status=OPEN"),
        Row(_("Drafts"), c["drafts"], url + "?status=DRAFT"),
        Row(_("Closed this year"), c["closed"], url + f"?status=CLOSED&year={day.year}"),
    ])


DUE_SOURCES = ()
