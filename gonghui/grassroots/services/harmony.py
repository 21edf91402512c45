"""Every write of 和谐劳动关系 creation. Each function is atomic, checks the actor's right on the
record's union (or its enterprise's town), locks what it changes, validates against the status,
the dates and the indicator set, and audits (`grassroots.harmony_*`).

Workflow: the district prepares and publishes the year's indicator set (`configure`); the union
starts its self-assessment (`change`; one per enterprise per year, a DB constraint), scores the
self-scored indicators with notes and evidence while the congress and wage-agreement indicators
are prefilled from the records, and submits it (`submit`); the town reviews — adjusts scores and
forwards, or returns it with a reason (`review`); the district rates it (`rate`): 示范 / 达标 /
未达标 by the thresholds of `rules()`, or otherwise with a reason.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import OrgLevel

from ..models.harmony import (
    HarmonyAssessment,
    HarmonyEvidence,
    HarmonyRating,
    HarmonyStatus,
    Indicator,
    IndicatorScore,
    IndicatorSet,
    IndicatorSetStatus,
    IndicatorSource,
)
from ..policies.harmony import CHANGE, CONFIGURE, RATE, REVIEW, SUBMIT
from ..rules.harmony import TOTAL_POINTS, rules
from ..selectors.harmony import record_figure

AUTO_SOURCES = (IndicatorSource.CONGRESS, IndicatorSource.AGREEMENT)


def today():
    return timezone.localdate()


def _wrong_stage(record):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": record.get_status_display()}, code="wrong_stage")


def _day(day, field, label, *, not_before=None, before_label=""):
    if day is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    if not_before and day < not_before:
        raise DomainError(_("%(label)s cannot be before %(other)s (%(day)s).")
                          % {"label": label, "other": before_label, "day": f"{not_before:%Y-%m-%d}"},
                          code="date_order", field=field)
    return day


def _text(value, field, label, *, required=True, limit=400):
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _saved(*, actor, record, before, action, extra=None):
    record.full_clean()
    record.save()
    old, new = audit.changed(before, audit.snapshot(record))
    audit.record(actor=actor, action=action, obj=record, org=getattr(record, "org", None), before=old,
                 after={**new, **(extra or {})})
    return record


# --- indicator sets -----------------------------------------------------------------------------------

def _check_year(year):
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), code="invalid_year", field="year")


@transaction.atomic
def create_indicator_set(*, actor, year, copy_from=None) -> IndicatorSet:
    """A DRAFT set for `year`: the built-in indicators of `rules()`, or a copy of another year's."""
    require(actor, CONFIGURE)
    _check_year(year)
    if IndicatorSet.objects.filter(year=year).exists():
        raise DomainError(_("The indicator set of %(year)s already exists; edit it instead.") % {"year": year},
                          code="already_open", field="year")
    r = rules()
    if copy_from is not None:
        rows = [(i.code, i.name, i.max_score, i.source, i.evidence) for i in copy_from.indicators.all()]
    else:
        rows = [(d.code, str(d.name), d.max_score, d.source, str(d.evidence)) for d in r.indicators]
    indicator_set = IndicatorSet(year=year, title=_("Harmonious labour relations indicators %(year)s") % {"year": year},
                                 submit_due_on=r.due_on(year))
    indicator_set.full_clean()
    try:
        with transaction.atomic():
            indicator_set.save()
    except IntegrityError as exc:
        raise DomainError(_("The indicator set of %(year)s already exists; edit it instead.") % {"year": year},
                          code="already_open", field="year") from exc
    Indicator.objects.bulk_create([Indicator(indicator_set=indicator_set, code=code, name=name, max_score=score,
                                             source=source, evidence=evidence, position=n)
                                   for n, (code, name, score, source, evidence) in enumerate(rows, start=1)])
    audit.record(actor=actor, action="grassroots.harmony_set_create", obj=indicator_set,
                 after={**audit.snapshot(indicator_set), "copied_from": copy_from.year if copy_from else None,
                        "indicators": [r[0] for r in rows]})
    return indicator_set


def validate_indicators(rows) -> list[dict]:
    """Rows of {code, name, max_score, source, evidence}: each code once (letters, digits, -, _),
    a name, a maximum of 1–100, the maxima adding up to exactly 100, at most one indicator taken
    from each kind of record. Errors name the row (1-based)."""
    import re

    if not rows:
        raise DomainError(_("Add at least one indicator."), code="no_indicators", field="indicators")
    clean, codes, sources = [], set(), set()
    for n, row in enumerate(rows, start=1):
        code = (str(row.get("code") or "")).strip()
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code):
            raise DomainError(_("Row %(n)s: the code must be 1–32 letters, digits, “-” or “_”.") % {"n": n},
                              code="invalid_code", field="indicators")
        if code in codes:
            raise DomainError(_("Row %(n)s: the code “%(code)s” is used twice.") % {"n": n, "code": code},
                              code="duplicate_code", field="indicators")
        codes.add(code)
        name = (str(row.get("name") or "")).strip()
        if not name or len(name) > 120:
            raise DomainError(_("Row %(n)s: enter the indicator's name (at most 120 characters).") % {"n": n},
                              code="invalid_name", field="indicators")
        try:
            score = int(row.get("max_score"))
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= TOTAL_POINTS:
            raise DomainError(_("Row %(n)s: the maximum score must be a whole number from 1 to 100.") % {"n": n},
                              code="invalid_max_score", field="indicators")
        source = row.get("source") or IndicatorSource.SELF
        if source not in IndicatorSource.values:
            raise DomainError(_("Row %(n)s: choose how the indicator is scored.") % {"n": n},
                              code="invalid_source", field="indicators")
        if source in AUTO_SOURCES and source in sources:
            raise DomainError(_("Row %(n)s: only one indicator may be taken from these records.") % {"n": n},
                              code="duplicate_source", field="indicators")
        sources.add(source)
        evidence = (str(row.get("evidence") or "")).strip()
        if len(evidence) > 400:
            raise DomainError(_("Row %(n)s: the evidence expected is longer than 400 characters.") % {"n": n},
                              code="too_long", field="indicators")
        clean.append({"code": code, "name": name, "max_score": score, "source": source, "evidence": evidence})
    total = sum(r["max_score"] for r in clean)
    if total != TOTAL_POINTS:
        raise DomainError(_("The maximum scores add up to %(total)s; they must add up to exactly 100.")
                          % {"total": total}, code="weights_total", field="indicators")
    return clean


@transaction.atomic
def save_indicators(*, actor, indicator_set, rows, title=None, submit_due_on=None) -> IndicatorSet:
    """Replace the indicators of a DRAFT set (and optionally its title and deadline)."""
    require(actor, CONFIGURE)
    indicator_set = lock_one(IndicatorSet, indicator_set.pk)
    if indicator_set.status != IndicatorSetStatus.DRAFT:
        raise DomainError(_("A published indicator set cannot be changed; prepare next year's instead."),
                          code="wrong_stage")
    clean = validate_indicators(rows)
    before = {**audit.snapshot(indicator_set), "indicators": list(indicator_set.indicators.values(
        "code", "name", "max_score", "source"))}
    if title is not None:
        indicator_set.title = _text(title, "title", _("The title"), limit=120)
    if submit_due_on is not None:
        if submit_due_on.year != indicator_set.year:
            raise DomainError(_("The deadline must fall in %(year)s.") % {"year": indicator_set.year},
                              code="date_order", field="submit_due_on")
        indicator_set.submit_due_on = submit_due_on
    indicator_set.full_clean()
    indicator_set.save()
    indicator_set.indicators.all().delete()
    Indicator.objects.bulk_create([Indicator(indicator_set=indicator_set, position=n, **row)
                                   for n, row in enumerate(clean, start=1)])
    after = {**audit.snapshot(indicator_set), "indicators": [
        {k: row[k] for k in ("code", "name", "max_score", "source")} for row in clean]}
    old, new = audit.changed(before, after)
    audit.record(actor=actor, action="grassroots.harmony_set_edit", obj=indicator_set, before=old, after=new)
    return indicator_set


@transaction.atomic
def publish_indicator_set(*, actor, indicator_set) -> IndicatorSet:
    """Freeze the set: unions may then assess themselves against it."""
    require(actor, CONFIGURE)
    indicator_set = lock_one(IndicatorSet, indicator_set.pk)
    if indicator_set.status != IndicatorSetStatus.DRAFT:
        raise DomainError(_("This indicator set is already published."), code="wrong_stage")
    validate_indicators(list(indicator_set.indicators.values("code", "name", "max_score", "source", "evidence")))
    before = audit.snapshot(indicator_set)
    indicator_set.status = IndicatorSetStatus.PUBLISHED
    indicator_set.published_on = today()
    return _saved(actor=actor, record=indicator_set, before=before, action="grassroots.harmony_set_publish")


# --- self-assessment ------------------------------------------------------------------------------------

def _refresh_auto(assessment, scores, on=None):
    """Prefill the indicators taken from records: full marks when the record shows it, else 0."""
    for score in scores:
        figure = record_figure(score.indicator.source, assessment.enterprise, assessment.year, on)
        if figure is not None:
            score.self_score = score.max_score if figure.met else 0
            score.record_figure = figure.text[:200]


@transaction.atomic
def start_assessment(*, actor, enterprise, year) -> HarmonyAssessment:
    """The union's self-assessment of `year` against the year's published indicator set, with the
    indicators taken from records already filled in."""
    union = enterprise.union
    require(actor, CHANGE, *[o for o in (union, enterprise.town) if o is not None])
    if union is None or union.level != OrgLevel.GRASSROOTS or not union.is_active:
        raise DomainError(_("%(enterprise)s has no active grassroots union.") % {"enterprise": enterprise.name},
                          code="wrong_union", field="enterprise")
    _check_year(year)
    if year > today().year:
        raise DomainError(_("A self-assessment of %(year)s cannot be started before that year.") % {"year": year},
                          code="invalid_year", field="year")
    indicator_set = IndicatorSet.objects.filter(year=year, status=IndicatorSetStatus.PUBLISHED).first()
    if indicator_set is None:
        raise DomainError(_("The district has not published the indicator set of %(year)s yet.") % {"year": year},
                          code="no_indicator_set", field="year")
    duplicate = DomainError(_("%(enterprise)s already has a self-assessment of %(year)s; open it from the list.")
                            % {"enterprise": enterprise.name, "year": year}, code="already_open", field="enterprise")
    if HarmonyAssessment.objects.filter(enterprise=enterprise, year=year).exists():
        raise duplicate
    assessment = HarmonyAssessment(org=union, enterprise=enterprise, indicator_set=indicator_set, year=year,
                                   due_on=indicator_set.submit_due_on)
    assessment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as exc:  # a second request between the check and the insert
        raise duplicate from exc
    scores = [IndicatorScore(assessment=assessment, indicator=i, max_score=i.max_score)
              for i in indicator_set.indicators.all()]
    _refresh_auto(assessment, scores)
    IndicatorScore.objects.bulk_create(scores)
    audit.record(actor=actor, action="grassroots.harmony_start", obj=assessment, org=union,
                 after={**audit.snapshot(assessment),
                        "prefilled": {s.indicator.code: s.self_score for s in scores if s.indicator.is_auto}})
    return assessment


def _locked(assessment):
    """The assessment locked FOR UPDATE (its own row only: the town join may be an outer join)."""
    return (HarmonyAssessment.objects.select_for_update(of=("self",))
            .select_related("org", "enterprise", "enterprise__town").get(pk=assessment.pk))


def _scores_of(assessment):
    return list(IndicatorScore.objects.select_related("indicator").filter(assessment=assessment)
                .order_by("indicator__position", "indicator_id"))


def _points(value, score, field_prefix):
    """A whole number of points from 0 to the indicator's maximum, or None when left empty."""
    if value is None or value == "":
        return None
    try:
        points = int(value)
        if str(value).strip() not in (str(points), f"{points}.0"):
            raise ValueError
    except (TypeError, ValueError) as exc:
        raise DomainError(_("“%(indicator)s”: the score must be a whole number.") % {"indicator": score.indicator.name},
                          code="invalid_score", field=f"{field_prefix}{score.indicator.code}") from exc
    if not 0 <= points <= score.max_score:
        raise DomainError(_("“%(indicator)s”: the score must be between 0 and %(max)s.")
                          % {"indicator": score.indicator.name, "max": score.max_score},
                          code="score_out_of_range", field=f"{field_prefix}{score.indicator.code}")
    return points


def _unknown_codes(given, scores):
    unknown = set(given) - {s.indicator.code for s in scores}
    if unknown:
        raise DomainError(_("Unknown indicator: %(codes)s.") % {"codes": ", ".join(sorted(unknown))},
                          code="unknown_indicator", field="scores")


@transaction.atomic
def save_self_scores(*, actor, assessment, scores: dict, note=None) -> HarmonyAssessment:
    """`scores`: {indicator code: {"score": points or None, "note": text}} for self-scored
    indicators; the indicators taken from records are refreshed from them, never typed."""
    assessment = _locked(assessment)
    require(actor, CHANGE, *assessment.scope_orgs())
    if not assessment.is_open:
        raise _wrong_stage(assessment)
    rows = _scores_of(assessment)
    _unknown_codes(scores, rows)
    before = {s.indicator.code: s.self_score for s in rows}
    for score in rows:
        given = scores.get(score.indicator.code)
        if given is None or score.indicator.is_auto:
            continue
        score.self_score = _points(given.get("score"), score, "score_")
        score.self_note = _text(given.get("note"), f"note_{score.indicator.code}", score.indicator.name,
                                required=False, limit=1000)
    _refresh_auto(assessment, rows)
    IndicatorScore.objects.bulk_update(rows, ["self_score", "self_note", "record_figure"])
    snap = audit.snapshot(assessment)
    if note is not None:
        assessment.self_note = _text(note, "self_note", _("Notes of the self-assessment"), required=False, limit=4000)
        assessment.save(update_fields=["self_note", "updated_at"])
    after = {s.indicator.code: s.self_score for s in rows}
    old, new = audit.changed({**snap, "scores": before}, {**audit.snapshot(assessment), "scores": after})
    audit.record(actor=actor, action="grassroots.harmony_self_score", obj=assessment, org=assessment.org,
                 before=old, after=new)
    return assessment


@transaction.atomic
def submit_assessment(*, actor, assessment, submitted_on) -> HarmonyAssessment:
    """Submit to the town: every self-scored indicator must have a score."""
    assessment = _locked(assessment)
    require(actor, SUBMIT, *assessment.scope_orgs())
    if not assessment.is_open:
        raise _wrong_stage(assessment)
    # A returned self-assessment is submitted again on or after the day it came back.
    if assessment.returned_on:
        _day(submitted_on, "submitted_on", _("The submission date"), not_before=assessment.returned_on,
             before_label=_("the return date"))
    else:
        _day(submitted_on, "submitted_on", _("The submission date"), not_before=datetime.date(assessment.year, 1, 1),
             before_label=_("the start of the year"))
    rows = _scores_of(assessment)
    _refresh_auto(assessment, rows)
    missing = [s.indicator.name for s in rows if s.self_score is None]
    if missing:
        raise DomainError(_("Score every indicator before submitting; missing: %(names)s.")
                          % {"names": "、".join(missing)}, code="scores_missing", field="scores")
    IndicatorScore.objects.bulk_update(rows, ["self_score", "record_figure"])
    before = audit.snapshot(assessment)
    assessment.self_total = sum(s.self_score for s in rows)
    assessment.submitted_on = submitted_on
    assessment.status = HarmonyStatus.SUBMITTED
    return _saved(actor=actor, record=assessment, before=before, action="grassroots.harmony_submit",
                  extra={"scores": {s.indicator.code: s.self_score for s in rows}})


# --- town review ------------------------------------------------------------------------------------

@transaction.atomic
def return_assessment(*, actor, assessment, reason, returned_on) -> HarmonyAssessment:
    """The town sends the self-assessment back to the union with a reason."""
    assessment = _locked(assessment)
    require(actor, REVIEW, *assessment.scope_orgs())
    if assessment.status != HarmonyStatus.SUBMITTED:
        raise _wrong_stage(assessment)
    before = audit.snapshot(assessment)
    assessment.return_reason = _text(reason, "reason", _("The reason for returning"))
    assessment.returned_on = _day(returned_on, "returned_on", _("The return date"), not_before=assessment.submitted_on,
                                  before_label=_("the submission date"))
    assessment.status = HarmonyStatus.RETURNED
    return _saved(actor=actor, record=assessment, before=before, action="grassroots.harmony_return")


@transaction.atomic
def forward_assessment(*, actor, assessment, scores: dict, reviewed_on, note="") -> HarmonyAssessment:
    """The town's review: `scores` {code: {"score", "note"}} adjusts indicators (a changed score
    needs a note); an indicator left out keeps the union's score. Forwarded to the district."""
    assessment = _locked(assessment)
    require(actor, REVIEW, *assessment.scope_orgs())
    if assessment.status != HarmonyStatus.SUBMITTED:
        raise _wrong_stage(assessment)
    _day(reviewed_on, "reviewed_on", _("The review date"), not_before=assessment.submitted_on,
         before_label=_("the submission date"))
    rows = _scores_of(assessment)
    _unknown_codes(scores, rows)
    for score in rows:
        given = scores.get(score.indicator.code) or {}
        points = _points(given.get("score"), score, "score_")
        score.review_score = score.self_score if points is None else points
        score.review_note = _text(given.get("note"), f"note_{score.indicator.code}", score.indicator.name,
                                  required=False)
        if score.review_score != score.self_score and not score.review_note:
            raise DomainError(_("“%(indicator)s”: say why the score was changed from %(old)s to %(new)s.")
                              % {"indicator": score.indicator.name, "old": score.self_score,
                                 "new": score.review_score},
                              code="note_required", field=f"note_{score.indicator.code}")
    IndicatorScore.objects.bulk_update(rows, ["review_score", "review_note"])
    before = audit.snapshot(assessment)
    assessment.review_total = sum(s.review_score for s in rows)
    assessment.reviewed_on = reviewed_on
    assessment.review_note = _text(note, "note", _("The review opinion"), required=False, limit=4000)
    assessment.status = HarmonyStatus.FORWARDED
    return _saved(actor=actor, record=assessment, before=before, action="grassroots.harmony_forward",
                  extra={"scores": {s.indicator.code: s.review_score for s in rows if s.review_score != s.self_score}})


# --- district rating --------------------------------------------------------------------------------

@transaction.atomic
def rate_assessment(*, actor, assessment, rated_on, rating=None, reason="") -> HarmonyAssessment:
    """The district's rating: by the thresholds of `rules()` on the reviewed score, or another
    rating decided with a reason."""
    assessment = _locked(assessment)
    require(actor, RATE, *assessment.scope_orgs())
    if assessment.status != HarmonyStatus.FORWARDED:
        raise _wrong_stage(assessment)
    _day(rated_on, "rated_on", _("The rating date"), not_before=assessment.reviewed_on,
         before_label=_("the review date"))
    by_threshold = rules().rating_for(assessment.review_total)
    rating = rating or by_threshold
    if rating not in HarmonyRating.values:
        raise DomainError(_("Choose a rating."), code="invalid_rating", field="rating")
    reason = _text(reason, "reason", _("The reason for the rating"), required=rating != by_threshold)
    if rating != by_threshold and not reason:
        raise DomainError(_("The rating differs from the thresholds; give the reason."), code="reason_required",
                          field="reason")
    before = audit.snapshot(assessment)
    assessment.threshold_rating = by_threshold
    assessment.rating = rating
    assessment.rating_reason = reason
    assessment.rated_on = rated_on
    assessment.status = HarmonyStatus.RATED
    return _saved(actor=actor, record=assessment, before=before, action="grassroots.harmony_rate")


# --- evidence -------------------------------------------------------------------------------------------

@transaction.atomic
def add_evidence(*, actor, assessment, indicator_code, upload, kind_extension) -> HarmonyEvidence:
    """Attach a checked upload (see `core.uploads.validate_document`) to an indicator."""
    assessment = _locked(assessment)
    require(actor, CHANGE, *assessment.scope_orgs())
    if not assessment.is_open:
        raise _wrong_stage(assessment)
    indicator = assessment.indicator_set.indicators.filter(code=indicator_code).first()
    if indicator is None:
        raise DomainError(_("Choose the indicator the file proves."), code="unknown_indicator", field="indicator")
    original = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:100] or "evidence"
    upload.name = f"harmony-{assessment.pk}-{indicator.code}.{kind_extension}"
    evidence = HarmonyEvidence(assessment=assessment, indicator=indicator, file=upload, name=original,
                               uploaded_by=actor if getattr(actor, "pk", None) else None)
    evidence.save()
    audit.record(actor=actor, action="grassroots.harmony_evidence_add", obj=assessment, org=assessment.org,
                 after={"indicator": indicator.code, "file": original})
    return evidence


@transaction.atomic
def remove_evidence(*, actor, evidence) -> None:
    assessment = _locked(evidence.assessment)
    require(actor, CHANGE, *assessment.scope_orgs())
    if not assessment.is_open:
        raise _wrong_stage(assessment)
    name, code = evidence.name, evidence.indicator.code
    stored = evidence.file.name
    evidence.delete()
    storage = HarmonyEvidence._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored))
    audit.record(actor=actor, action="grassroots.harmony_evidence_remove", obj=assessment, org=assessment.org,
                 before={"indicator": code, "file": name})


# --- reminders --------------------------------------------------------------------------------------------

REMIND_POINTS = (30, 7, 0)  # days before the deadline; 0: the day after it passed (overdue)


def remind_harmony_submissions(*, on=None) -> int:
    """Notify the union chairs and town cadres of self-assessments not yet submitted, once per
    assessment at each point (30 and 7 days before the deadline, and once overdue)."""
    from django.urls import reverse

    from gonghui.accounts.selectors import chairs_and_town_cadres
    from gonghui.core.notifications import notify

    on = on or today()
    pending = list(HarmonyAssessment.objects.filter(status__in=(HarmonyStatus.DRAFT, HarmonyStatus.RETURNED),
                                                    due_on__lte=on + datetime.timedelta(days=max(REMIND_POINTS)))
                   .select_related("org", "enterprise").order_by("pk"))
    if not pending:
        return 0
    recipients = chairs_and_town_cadres({a.org for a in pending})
    sent = 0
    for a in pending:
        left = (a.due_on - on).days
        point = "overdue" if left < 0 else next((str(p) for p in sorted(REMIND_POINTS) if left <= p), None)
        if point is None:
            continue
        if point == "overdue":
            title = _("Harmony self-assessment of %(enterprise)s (%(year)s) is overdue") % {
                "enterprise": a.enterprise.name, "year": a.year}
        else:
            title = _("Harmony self-assessment of %(enterprise)s (%(year)s) is due on %(day)s") % {
                "enterprise": a.enterprise.name, "year": a.year, "day": f"{a.due_on:%Y-%m-%d}"}
        sent += notify(recipients=recipients.get(a.org_id, []), key=f"grassroots.harmony.{a.pk}.{point}",
                       title=title, url=reverse("grassroots:harmony_detail", args=[a.pk]), org=a.org)
    return sent


# --- export -----------------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Harmony assessment export")


def export_assessments(*, actor, filters, rated_only=False):
    """(rewound temporary file, rows): the filtered list the actor may export (`export`),
    written with `core.excel.XlsxStream`, audited once per export."""
    import tempfile
    import uuid

    from django.utils.text import capfirst

    from gonghui.core.excel import XlsxStream

    from ..policies.harmony import EXPORT
    from ..selectors.harmony import AssessmentFilters, filtered

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    if rated_only:
        filters = AssessmentFilters(q=filters.q, year=filters.year, rating=filters.rating, org=filters.org,
                                    status=HarmonyStatus.RATED)
    exportable = HarmonyAssessment.objects.visible_to(actor, EXPORT).values("pk")
    qs = (filtered(actor, filters).filter(pk__in=exportable).order_by("year", "enterprise__name", "id")
          .values_list("year", "enterprise__name", "enterprise__town__name", "org__name", "status", "self_total",
                       "submitted_on", "review_total", "reviewed_on", "rating", "rated_on", "rating_reason"))
    statuses = dict(HarmonyStatus.choices)
    ratings = dict(HarmonyRating.choices)

    def label(name):
        return str(capfirst(HarmonyAssessment._meta.get_field(name).verbose_name))

    headers = [label("year"), label("enterprise"), _("Town"), label("org"), label("status"), label("self_total"),
               label("submitted_on"), label("review_total"), label("reviewed_on"), label("rating"), label("rated_on"),
               label("rating_reason")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    try:
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Harmony assessments"), headers=headers,
                               widths=[6, 32, 14, 26, 18, 8, 12, 8, 12, 22, 12, 30])
            for values in qs.iterator(chunk_size=1000):
                row = list(values)
                row[4] = str(statuses.get(row[4], row[4]))
                row[9] = str(ratings.get(row[9], row[9] or ""))
                sheet.append(row)
                rows += 1
        audit.record(actor=actor, action="grassroots.harmony_export", obj=_ExportRef(uuid.uuid4().hex),
                     object_type="grassroots.HarmonyExport", org=filters.org,
                     after={"filters": {"year": filters.year, "status": filters.status, "rating": filters.rating,
                                        "org": filters.org.pk if filters.org else None, "q": filters.q},
                            "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows
