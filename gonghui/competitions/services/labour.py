"""Every write of labour competitions (五比五赛). Atomic, checked (`require` on the organiser or the
team's union), locked, validated, and audited (`competitions.labour_*`).

Lifecycle: the organiser prepares the competition (details, the weighted criteria set — the
default 比质量/安全/高效/创新/作风 from `rules.labour` — and the teams), starts it (at least two
teams, weights summing to exactly 100%; the set is fixed from then on), opens one scoring round
at a time (a month or a quarter, with its named judges), records each judge's scores (0–100 per
team and criterion) and closes the round once every judge scored every team on every criterion
(the weighted totals and ranks are written then), then finishes the competition and confers the
立功 awards (team and individual), each written to the honour registry with `record_honour`
(category COMPETITION). Teams upload evidence throughout.
"""

import os
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.core.uploads import extension_of, validate_document
from gonghui.members.models import LIVE_STATUSES
from gonghui.orgs.models import Org, OrgLevel

from ..models.labour import (
    CompetitionAward,
    CompetitionAwardKind,
    CompetitionCriterion,
    CompetitionEvidence,
    CompetitionScore,
    CompetitionStatus,
    CompetitionTeam,
    LabourCompetition,
    RoundPeriod,
    RoundResult,
    RoundStatus,
    ScoringRound,
    TeamKind,
)
from ..policies.labour import CHANGE, EXPORT, SUBMIT, publish_action
from ..rules.labour import rules
from ..selectors.labour import missing_scores, quantize, rank, round_totals

MIN_YEAR, MAX_YEAR = 2000, 2100
HUNDRED = Decimal(100)


def today():
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------------

def _text(value, field, label, *, required=True, limit=120):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _day(value, field, label, *, not_future=False):
    if value is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if not_future and value > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    return value


def _year(value):
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_YEAR <= value <= MAX_YEAR:
        raise DomainError(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                          code="invalid_year", field="year")
    return value


def _wrong_stage(record):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": record.get_status_display()}, code="wrong_stage")


def _require_status(record, *statuses):
    if record.status not in statuses:
        raise _wrong_stage(record)


def _lock(competition):
    return LabourCompetition.objects.select_for_update().select_related("org").get(pk=competition.pk)


def _snapshot(c):
    return audit.snapshot(c, fields=["name", "year", "starts_on", "ends_on", "period", "status", "started_on",
                                     "finished_on", "cancelled_on", "cancel_reason", "description"])


def _dates(starts_on, ends_on):
    _day(starts_on, "starts_on", _("The start date"))
    _day(ends_on, "ends_on", _("The end date"))
    if ends_on < starts_on:
        raise DomainError(_("The end date cannot be before the start date."), code="date_order", field="ends_on")


def _period(value):
    if value not in RoundPeriod.values:
        raise DomainError(_("Choose how often the competition is scored."), code="invalid_period", field="period")
    return value


def parse_score(value, field="score"):
    """A score 0–100 with at most two decimals, as Decimal."""
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("A score must be a number from 0 to 100."), code="invalid_score", field=field) from exc
    if not score.is_finite() or score < 0 or score > HUNDRED:
        raise DomainError(_("A score must be a number from 0 to 100."), code="invalid_score", field=field)
    if score != score.quantize(Decimal("0.01")):
        raise DomainError(_("A score has at most two decimals."), code="invalid_score", field=field)
    return score


# --- the competition ---------------------------------------------------------------------------------

@dataclass
class CriterionInput:
    code: str
    name: str
    weight: object
    description: str = ""


def _default_criteria():
    return [CriterionInput(code=c.code, name=str(c.name), weight=c.weight) for c in rules().criteria]


def _write_criteria(c, criteria):
    rows = []
    codes = set()
    total = Decimal(0)
    if not criteria:
        raise DomainError(_("Add at least one criterion."), code="no_criteria", field="criteria")
    for n, item in enumerate(criteria, start=1):
        code = _text(item.code, "criteria", _("The code of criterion %(n)s") % {"n": n}, limit=32).upper()
        if code in codes:
            raise DomainError(_("The code %(code)s is used twice.") % {"code": code}, code="duplicate_code",
                              field="criteria")
        codes.add(code)
        name = _text(item.name, "criteria", _("The name of criterion %(n)s") % {"n": n}, limit=60)
        try:
            weight = Decimal(str(item.weight).strip())
        except (InvalidOperation, ValueError) as exc:
            raise DomainError(_("The weight of “%(name)s” must be a percentage.") % {"name": name},
                              code="invalid_weight", field="criteria") from exc
        if not weight.is_finite() or weight <= 0 or weight > HUNDRED or weight != weight.quantize(Decimal("0.01")):
            raise DomainError(_("The weight of “%(name)s” must be more than 0%% and at most 100%%, with at most two "
                                "decimals.") % {"name": name}, code="invalid_weight", field="criteria")
        total += weight
        rows.append(CompetitionCriterion(competition=c, code=code, name=name, weight=weight, order=n,
                                         description=_text(item.description, "criteria", _("Description"),
                                                           required=False, limit=300)))
    if total != HUNDRED:
        raise DomainError(_("The weights add up to %(total)s%%; they must add up to exactly 100%%.")
                          % {"total": total.normalize() if total == total.to_integral() else total},
                          code="weights_not_100", field="criteria")
    CompetitionCriterion.objects.filter(competition=c).delete()
    CompetitionCriterion.objects.bulk_create(rows)
    return rows


def _organiser(org):
    if org is None or not org.is_active:
        raise DomainError(_("Choose the organising union."), code="required", field="org")
    if org.level not in (OrgLevel.DISTRICT, OrgLevel.TOWN, OrgLevel.GRASSROOTS):
        raise DomainError(_("A competition is organised by the district, a town or an enterprise union."),
                          code="invalid_org", field="org")
    return org


@transaction.atomic
def create_competition(*, actor, org, name, year, starts_on, ends_on, period=RoundPeriod.MONTHLY,
                       description="") -> LabourCompetition:
    """A competition being prepared, with the default criteria set (five criteria, 20% each)."""
    org = _organiser(org)
    require(actor, CHANGE, org)
    _dates(starts_on, ends_on)
    c = LabourCompetition(org=org, name=_text(name, "name", _("The name")), year=_year(year), starts_on=starts_on,
                          ends_on=ends_on, period=_period(period),
                          description=_text(description, "description", _("Description"), required=False,
                                            limit=4000))
    # A second click on the page (the API has its Idempotency-Key) must not create it twice.
    if LabourCompetition.objects.filter(org=org, name=c.name, year=c.year).exclude(
            status=CompetitionStatus.CANCELLED).exists():
        raise DomainError(_("%(org)s already has a competition named “%(name)s” in %(year)s.")
                          % {"org": org.name, "name": c.name, "year": c.year}, code="already_exists", field="name")
    c.save()
    rows = _write_criteria(c, _default_criteria())
    audit.record(actor=actor, action="competitions.labour_create", obj=c, org=org,
                 after={**_snapshot(c), "criteria": {r.code: str(r.weight) for r in rows}})
    return c


@transaction.atomic
def update_competition(*, actor, competition, name, year, starts_on, ends_on, period, description="") \
        -> LabourCompetition:
    c = _lock(competition)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.PLANNED)
    _dates(starts_on, ends_on)
    before = _snapshot(c)
    c.name, c.year, c.starts_on, c.ends_on = _text(name, "name", _("The name")), _year(year), starts_on, ends_on
    c.period = _period(period)
    c.description = _text(description, "description", _("Description"), required=False, limit=4000)
    c.save()
    audit.record(actor=actor, action="competitions.labour_edit", obj=c, org=c.org, before=before,
                 after=_snapshot(c))
    return c


@transaction.atomic
def set_criteria(*, actor, competition, criteria: list[CriterionInput]) -> list[CompetitionCriterion]:
    """Replace the criteria set: codes unique, weights above 0 and summing to exactly 100%."""
    c = _lock(competition)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.PLANNED)
    before = {x.code: str(x.weight) for x in c.criteria.all()}
    rows = _write_criteria(c, criteria)
    audit.record(actor=actor, action="competitions.labour_criteria", obj=c, org=c.org,
                 before={"criteria": before}, after={"criteria": {r.code: str(r.weight) for r in rows}})
    return rows


# --- teams ------------------------------------------------------------------------------------------

@transaction.atomic
def add_team(*, actor, competition, org, name, kind=TeamKind.ENTERPRISE, leader="") -> CompetitionTeam:
    c = _lock(competition)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.PLANNED, CompetitionStatus.RUNNING)
    if org is None or not org.path.startswith(c.org.path) or not org.is_active:
        raise DomainError(_("The team's union must belong to the organiser (%(org)s).") % {"org": c.org.name},
                          code="outside_organiser", field="org")
    if kind not in TeamKind.values:
        raise DomainError(_("Choose the kind of team."), code="invalid_kind", field="kind")
    name = _text(name, "name", _("The team's name"))
    if c.teams.filter(name=name).exists():
        raise DomainError(_("A team named “%(name)s” already takes part.") % {"name": name}, code="already_exists",
                          field="name")
    team = CompetitionTeam(competition=c, org=org, name=name, kind=kind,
                           leader=_text(leader, "leader", _("The team leader"), required=False, limit=64))
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as exc:
        raise DomainError(_("A team named “%(name)s” already takes part.") % {"name": name}, code="already_exists",
                          field="name") from exc
    audit.record(actor=actor, action="competitions.labour_team_add", obj=c, org=c.org,
                 after={"team": name, "union": org.pk, "kind": kind})
    return team


@transaction.atomic
def remove_team(*, actor, team) -> None:
    """Only while the competition is being prepared (no scores yet)."""
    c = _lock(team.competition)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.PLANNED)
    team = lock_one(CompetitionTeam, team.pk)
    if team.evidence.exists():
        raise DomainError(_("This team has uploaded evidence; it cannot be removed."), code="has_evidence")
    name = team.name
    team.delete()
    audit.record(actor=actor, action="competitions.labour_team_remove", obj=c, org=c.org, before={"team": name})


# --- lifecycle ----------------------------------------------------------------------------------------

@transaction.atomic
def start_competition(*, actor, competition, started_on=None) -> LabourCompetition:
    c = _lock(competition)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.PLANNED)
    started_on = _day(started_on or today(), "started_on", _("The start date"), not_future=True)
    if c.teams.count() < 2:
        raise DomainError(_("A competition needs at least two teams to start."), code="too_few_teams")
    total = sum((x.weight for x in c.criteria.all()), Decimal(0))
    if total != HUNDRED:
        raise DomainError(_("The weights add up to %(total)s%%; they must add up to exactly 100%%.")
                          % {"total": total}, code="weights_not_100", field="criteria")
    before = _snapshot(c)
    c.status, c.started_on = CompetitionStatus.RUNNING, started_on
    c.save()
    audit.record(actor=actor, action="competitions.labour_start", obj=c, org=c.org, before=before,
                 after=_snapshot(c))
    return c


@transaction.atomic
def cancel_competition(*, actor, competition, reason, cancelled_on=None) -> LabourCompetition:
    c = _lock(competition)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.PLANNED, CompetitionStatus.RUNNING)
    reason = _text(reason, "reason", _("The reason"), limit=400)
    before = _snapshot(c)
    c.status, c.cancelled_on, c.cancel_reason = CompetitionStatus.CANCELLED, cancelled_on or today(), reason
    c.save()
    ScoringRound.objects.filter(competition=c, status=RoundStatus.OPEN).update(status=RoundStatus.CLOSED,
                                                                               closed_on=c.cancelled_on)
    audit.record(actor=actor, action="competitions.labour_cancel", obj=c, org=c.org, before=before,
                 after=_snapshot(c))
    return c


@transaction.atomic
def finish_competition(*, actor, competition, finished_on=None) -> LabourCompetition:
    """Publish the final ranking: no round open, at least one closed. Needs the publishing right
    (`policies.labour.publish_action`)."""
    c = _lock(competition)
    require(actor, publish_action(c), c.org)
    _require_status(c, CompetitionStatus.RUNNING)
    finished_on = _day(finished_on or today(), "finished_on", _("The finishing date"), not_future=True)
    if c.rounds.filter(status=RoundStatus.OPEN).exists():
        raise DomainError(_("Close the open scoring round first."), code="round_open")
    if not c.rounds.filter(status=RoundStatus.CLOSED).exists():
        raise DomainError(_("No scoring round has been closed yet."), code="no_results")
    if finished_on < c.started_on:
        raise DomainError(_("The finishing date cannot be before the start (%(day)s).")
                          % {"day": c.started_on.isoformat()}, code="date_order", field="finished_on")
    before = _snapshot(c)
    c.status, c.finished_on = CompetitionStatus.FINISHED, finished_on
    c.save()
    audit.record(actor=actor, action="competitions.labour_finish", obj=c, org=c.org, before=before,
                 after=_snapshot(c))
    return c


# --- rounds and scores ----------------------------------------------------------------------------------

def _judges(judges):
    names = []
    for raw in judges or []:
        name = (raw or "").strip()
        if not name:
            continue
        if len(name) > 64:
            raise DomainError(_("A judge's name is longer than 64 characters."), code="too_long", field="judges")
        if name in names:
            raise DomainError(_("The judge %(name)s is named twice.") % {"name": name}, code="duplicate_judge",
                              field="judges")
        names.append(name)
    if not names:
        raise DomainError(_("Name at least one judge."), code="required", field="judges")
    limit = rules().max_judges
    if len(names) > limit:
        raise DomainError(_("At most %(n)s judges may score a round.") % {"n": limit}, code="too_many_judges",
                          field="judges")
    return names


@transaction.atomic
def open_round(*, actor, competition, label, period_starts_on, period_ends_on, judges) -> ScoringRound:
    c = _lock(competition)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.RUNNING)
    if c.rounds.filter(status=RoundStatus.OPEN).exists():
        raise DomainError(_("Close the open scoring round first."), code="round_open")
    label = _text(label, "label", _("The period"), limit=60)
    _day(period_starts_on, "period_starts_on", _("The start of the period"))
    _day(period_ends_on, "period_ends_on", _("The end of the period"))
    if period_ends_on < period_starts_on:
        raise DomainError(_("The end of the period cannot be before its start."), code="date_order",
                          field="period_ends_on")
    if period_starts_on < c.starts_on or period_ends_on > c.ends_on:
        raise DomainError(_("The period must lie within the competition (%(start)s to %(end)s).")
                          % {"start": c.starts_on.isoformat(), "end": c.ends_on.isoformat()},
                          code="outside_competition", field="period_starts_on")
    last = c.rounds.order_by("-number").first()
    if last is not None and period_starts_on <= last.period_ends_on:
        raise DomainError(_("The period must start after the previous round's (%(day)s).")
                          % {"day": last.period_ends_on.isoformat()}, code="date_order", field="period_starts_on")
    rnd = ScoringRound(competition=c, number=(last.number + 1) if last else 1, label=label,
                       period_starts_on=period_starts_on, period_ends_on=period_ends_on, judges=_judges(judges))
    rnd.save()
    audit.record(actor=actor, action="competitions.labour_round_open", obj=c, org=c.org,
                 after={"round": rnd.number, "label": label, "judges": rnd.judges})
    return rnd


def _lock_round(rnd):
    # The competition first, as every other write locks it: round-then-competition here against
    # cancel_competition (competition, then its open rounds) could deadlock.
    c = _lock(LabourCompetition(pk=rnd.competition_id))
    rnd = ScoringRound.objects.select_for_update().get(pk=rnd.pk)
    return rnd, c


@transaction.atomic
def record_scores(*, actor, round, judge, scores: dict) -> int:  # noqa: A002 — the domain's word
    """One judge's scores in the open round: `{team_id: {criterion_code: score}}`, each 0–100.
    A score given again replaces the earlier one. Returns how many were written."""
    rnd, c = _lock_round(round)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.RUNNING)
    if rnd.status != RoundStatus.OPEN:
        raise _wrong_stage(rnd)
    judge = (judge or "").strip()
    if judge not in (rnd.judges or []):
        raise DomainError(_("%(name)s is not a judge of this round.") % {"name": judge or "—"},
                          code="unknown_judge", field="judge")
    teams = {t.pk: t for t in c.teams.all()}
    criteria = {x.code: x for x in c.criteria.all()}
    rows = []
    for team_id, by_code in (scores or {}).items():
        try:
            team = teams.get(int(team_id))
        except (TypeError, ValueError):
            team = None
        if team is None:
            raise DomainError(_("There is no such team in this competition."), code="unknown_team", field="scores")
        for code, value in (by_code or {}).items():
            criterion = criteria.get(code)
            if criterion is None:
                raise DomainError(_("There is no criterion %(code)s in this competition.") % {"code": code},
                                  code="unknown_criterion", field="scores")
            if value is None or value == "":
                continue
            rows.append((team, criterion, parse_score(value, "scores")))
    if not rows:
        raise DomainError(_("Enter at least one score."), code="required", field="scores")
    for team, criterion, score in rows:
        CompetitionScore.objects.update_or_create(round=rnd, team=team, criterion=criterion, judge=judge,
                                                  defaults={"score": score, "recorded_by": actor})
    audit.record(actor=actor, action="competitions.labour_scores", obj=c, org=c.org,
                 after={"round": rnd.number, "judge": judge,
                        "scores": {f"{t.name}/{x.code}": str(s) for t, x, s in rows}})
    return len(rows)


@transaction.atomic
def close_round(*, actor, round, closed_on=None) -> ScoringRound:  # noqa: A002
    """Close a round whose every judge scored every team on every criterion; write each team's
    weighted total and rank (`selectors.labour`)."""
    rnd, c = _lock_round(round)
    require(actor, CHANGE, c.org)
    _require_status(c, CompetitionStatus.RUNNING)
    if rnd.status != RoundStatus.OPEN:
        raise _wrong_stage(rnd)
    closed_on = _day(closed_on or today(), "closed_on", _("The closing date"), not_future=True)
    if closed_on < rnd.period_starts_on:
        raise DomainError(_("The closing date cannot be before the period starts (%(day)s).")
                          % {"day": rnd.period_starts_on.isoformat()}, code="date_order", field="closed_on")
    teams = list(c.teams.all())
    criteria = list(c.criteria.all())
    missing = missing_scores(rnd, teams, criteria)
    if missing:
        raise DomainError(_("%(n)s score(s) are still missing: every judge scores every team on every criterion.")
                          % {"n": missing}, code="scores_missing")
    totals = round_totals(rnd, {x.code: x.weight for x in criteria})
    ranked = rank(totals, {t.pk: t.name for t in teams})
    RoundResult.objects.bulk_create([RoundResult(round=rnd, team_id=team_id, total=quantize(total), rank=n)
                                     for team_id, total, n in ranked])
    rnd.status, rnd.closed_on = RoundStatus.CLOSED, closed_on
    rnd.save(update_fields=["status", "closed_on"])
    names = {t.pk: t.name for t in teams}
    audit.record(actor=actor, action="competitions.labour_round_close", obj=c, org=c.org,
                 after={"round": rnd.number, "results": {names[t]: f"{total} (#{n})" for t, total, n in ranked}})
    return rnd


# --- evidence -------------------------------------------------------------------------------------------

@transaction.atomic
def add_evidence(*, actor, team, upload, round=None, criterion=None, note="") -> CompetitionEvidence:  # noqa: A002
    """A PDF/JPG/PNG backing a team's results, while the competition is prepared or under way; by
    the team's union (`competitions.submit`) or the organiser (`competitions.change`)."""
    c = _lock(team.competition)
    if not (actor.can(SUBMIT, team.org) or actor.can(CHANGE, c.org)):
        require(actor, SUBMIT, team.org)
    _require_status(c, CompetitionStatus.PLANNED, CompetitionStatus.RUNNING)
    if round is not None and round.competition_id != c.pk:
        raise DomainError(_("There is no such round in this competition."), code="unknown_round", field="round")
    if criterion is not None and criterion.competition_id != c.pk:
        raise DomainError(_("There is no criterion %(code)s in this competition.") % {"code": criterion.code},
                          code="unknown_criterion", field="criterion")
    if upload is None:
        raise DomainError(_("Choose a file to upload."), code="required", field="file")
    try:
        kind = validate_document(upload)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code=exc.code or "invalid_file", field="file") from exc
    note = _text(note, "note", _("Note"), required=False, limit=200)
    original = os.path.basename(getattr(upload, "name", "") or "")[:200] or "file"
    size = upload.size
    upload.name = f"{uuid.uuid4().hex}.{extension_of(kind)}"
    evidence = CompetitionEvidence(team=team, round=round, criterion=criterion, file=upload, name=original,
                                   kind=kind, size=size, note=note, uploaded_by=actor)
    evidence.save()
    audit.record(actor=actor, action="competitions.labour_evidence_add", obj=c, org=team.org,
                 after={"team": team.name, "file": original, "size": size})
    return evidence


@transaction.atomic
def remove_evidence(*, actor, evidence) -> None:
    team = evidence.team
    c = _lock(team.competition)
    if not (actor.can(SUBMIT, team.org) or actor.can(CHANGE, c.org)):
        require(actor, SUBMIT, team.org)
    _require_status(c, CompetitionStatus.PLANNED, CompetitionStatus.RUNNING)
    before = {"team": team.name, "file": evidence.name}
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    audit.record(actor=actor, action="competitions.labour_evidence_remove", obj=c, org=team.org, before=before)


# --- awards ---------------------------------------------------------------------------------------------

HONOUR_LEVELS = {OrgLevel.DISTRICT: "DISTRICT", OrgLevel.TOWN: "TOWN", OrgLevel.GRASSROOTS: "ENTERPRISE"}


@transaction.atomic
def confer_award(*, actor, competition, kind, team, title, person=None, conferred_on=None) -> CompetitionAward:
    """A 立功 recognition of a team (`kind` TEAM) or of one person of a team (INDIVIDUAL, a live
    member of the team's union subtree), once the competition is finished. Also writes the honour
    record (category COMPETITION, level from the organiser), in the same transaction."""
    from gonghui.honours.services.awards import record_honour

    c = _lock(competition)
    require(actor, publish_action(c), c.org)
    _require_status(c, CompetitionStatus.FINISHED)
    if kind not in CompetitionAwardKind.values:
        raise DomainError(_("Choose a team or an individual award."), code="invalid_kind", field="kind")
    if team is None or team.competition_id != c.pk:
        raise DomainError(_("There is no such team in this competition."), code="unknown_team", field="team")
    title = _text(title, "title", _("The recognition"))
    conferred_on = _day(conferred_on or today(), "conferred_on", _("The date conferred"), not_future=True)
    if conferred_on < c.finished_on:
        raise DomainError(_("Awards are conferred on or after the competition finished (%(day)s).")
                          % {"day": c.finished_on.isoformat()}, code="date_order", field="conferred_on")
    if kind == CompetitionAwardKind.TEAM:
        person = None
        if c.awards.filter(kind=kind, team=team).exists():
            raise DomainError(_("The team %(team)s has already been awarded in this competition.")
                              % {"team": team.name}, code="already_awarded", field="team")
    else:
        if person is None:
            raise DomainError(_("Choose the person awarded."), code="required", field="person")
        live = person.memberships.filter(union__path__startswith=team.org.path, status__in=LIVE_STATUSES)
        if not live.exists():
            raise DomainError(_("%(name)s is not a member of the team's union.") % {"name": person.name},
                              code="not_in_team", field="person")
        if c.awards.filter(kind=kind, person=person).exists():
            raise DomainError(_("%(name)s has already been awarded in this competition.") % {"name": person.name},
                              code="already_awarded", field="person")
    award = CompetitionAward(competition=c, kind=kind, team=team, person=person, title=title,
                             conferred_on=conferred_on)
    award.save()
    honour = record_honour(
        actor=actor, org=team.org, title=title, category="COMPETITION",
        level=HONOUR_LEVELS.get(c.org.level, "ENTERPRISE"), conferred_on=conferred_on, person=person,
        team_name="" if person is not None else team.name, conferred_by=c.org.name[:120],
        source_key=f"competitions.CompetitionAward:{award.pk}", source_label=c.name[:200])
    award.honour = honour
    award.save(update_fields=["honour"])
    audit.record(actor=actor, action="competitions.labour_award", obj=c, org=c.org,
                 after={"kind": kind, "team": team.name, "person": person.pk if person else None, "title": title,
                        "conferred_on": conferred_on.isoformat()})
    return award


# --- export ----------------------------------------------------------------------------------------------

class _ExportRef:
    class _meta:  # noqa: N801 — what audit.record reads
        label = "competitions.LabourExport"

    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Labour competitions export")


def export_competitions(*, actor, filters):
    """(rewound temporary file, rows) of the filtered list, audited once per top org exported."""
    import tempfile

    from gonghui.core.excel import XlsxStream

    from ..selectors.labour import filtered

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    listed = filtered(actor, filters).values("pk")
    exportable = LabourCompetition.objects.visible_to(actor, EXPORT).values("pk")
    qs = (LabourCompetition.objects.filter(pk__in=listed).filter(pk__in=exportable).order_by("-year", "-id")
          .values_list("pk", "name", "org__name", "year", "period", "status", "starts_on", "ends_on", "finished_on"))
    statuses, periods = dict(CompetitionStatus.choices), dict(RoundPeriod.choices)
    headers = [_("Competition"), _("Organiser"), _("Year"), _("Scored"), _("Status"), _("Starts on"), _("Ends on"),
               _("Finished on"), _("Teams"), _("Rounds closed"), _("Leading team")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    try:
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Labour competitions"), headers=headers,
                               widths=[36, 28, 6, 8, 10, 12, 12, 12, 6, 8, 28])
            for chunk in _chunks(list(qs), 500):
                ids = [r[0] for r in chunk]
                teams = _count_by(CompetitionTeam.objects.filter(competition_id__in=ids), "competition_id")
                closed = _count_by(ScoringRound.objects.filter(competition_id__in=ids, status=RoundStatus.CLOSED),
                                   "competition_id")
                leaders = _leaders(ids)
                for pk, name, org, year, period, status, starts, ends, finished in chunk:
                    sheet.append([name, org, year, str(periods.get(period, period)),
                                  str(statuses.get(status, status)), starts, ends, finished, teams.get(pk, 0),
                                  closed.get(pk, 0), leaders.get(pk, "")])
                    rows += 1
        ref = uuid.uuid4().hex
        places = [filters.org] if filters.org is not None else (
            list(Org.objects.filter(depth=1)) if actor.is_superuser
            else list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
        for place in places or [None]:
            audit.record(actor=actor, action="competitions.labour_export", obj=_ExportRef(ref),
                         object_type="competitions.LabourExport", org=place,
                         after={"filters": {"status": filters.status, "year": filters.year, "q": filters.q},
                                "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


def _chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _count_by(qs, key):
    from django.db.models import Count

    return dict(qs.order_by().values(key).annotate(n=Count("pk")).values_list(key, "n"))


def _leaders(ids):
    """The team ranked first in each competition's latest closed round."""
    out = {}
    rows = (RoundResult.objects.filter(round__competition_id__in=ids, rank=1)
            .order_by("round__competition_id", "-round__number", "team__name")
            .values_list("round__competition_id", "team__name"))
    for cid, name in rows:
        out.setdefault(cid, name)
    return out
