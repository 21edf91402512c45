"""Every write of the 职工之家 assessment. Atomic, checked (`require` on the union, or
`grassroots.configure` for standards), locked, validated against the status and the dates, and
audited (`grassroots.home_*`).

Standards: district staff start a version from the built-in template (`rules.homes`) or by
copying the previous one, edit it while it is a draft, and publish it (frozen from then on).

Assessments: the union prepares its application (self-scores, evidence) and submits it
(`submit`); the town reviews (`review`: scores every REVIEWER line, forwards or returns it); the
district reviews (`award`: final scores, then awards with a certificate number when the total
reaches the pass mark, or refuses with a reason). AUTO lines are computed from the records when
the assessment starts and again at submission and at each review. An award is re-checked every
`rules().recheck_years` years: the re-check is a new assessment linked to the award; awarded, it
becomes the standing award (the old one RENEWED); refused, the old award is REVOKED.
"""

import datetime
import os
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, workdays
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.core.uploads import extension_of, validate_document
from gonghui.orgs.models import OrgLevel

from ..models.homes import (
    OPEN_HOME_STATUSES,
    AssessmentKind,
    HomeAssessment,
    HomeAssessmentItem,
    HomeAssessmentStatus,
    HomeCriterion,
    HomeEvidence,
    HomeLevel,
    HomeStandard,
    ScoringMethod,
    StandardStatus,
)
from ..policies.homes import AWARD, CHANGE, CONFIGURE, REVIEW, SUBMIT
from ..rules.homes import default_pass_mark, rules
from ..selectors.homes import AUTO_SOURCES, compute_auto, current_standard

MIN_YEAR, MAX_YEAR = 2000, 2100


def today():
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------

def _date(day, field, label, *, not_before=None, not_before_label=""):
    if day is None:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    if not_before and day < not_before:
        raise DomainError(_("%(label)s cannot be before %(other)s (%(day)s).")
                          % {"label": label, "other": not_before_label, "day": not_before.isoformat()},
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


def _year(value, field="year"):
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_YEAR <= value <= MAX_YEAR:
        raise DomainError(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                          code="invalid_year", field=field)
    return value


def _wrong_stage(record):
    return DomainError(_("This step cannot be recorded now: the record is “%(status)s”.")
                       % {"status": record.get_status_display()}, code="wrong_stage")


def _require_status(record, *statuses):
    if record.status not in statuses:
        raise _wrong_stage(record)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _lock(assessment):
    """The assessment locked FOR UPDATE (two reviewers at once cannot both win), read afresh."""
    return HomeAssessment.objects.select_for_update().select_related("org", "standard").get(pk=assessment.pk)


def _snapshot(a):
    return audit.snapshot(a, fields=["status", "submitted_on", "town_reviewed_on", "decided_on", "total_score",
                                     "certificate_no", "recheck_due_on", "return_reason", "refuse_reason",
                                     "revoked_on", "withdrawn_on"])


def _scores_snapshot(items, attr):
    return {i.code: getattr(i, attr) for i in items if not i.is_auto}


# --- standards ----------------------------------------------------------------------------------

def _level(level):
    if level not in HomeLevel.values:
        raise DomainError(_("Choose a level of the workers' home."), code="invalid_level", field="level")
    return level


def _year_free(level, year, field="effective_year"):
    if HomeStandard.objects.filter(level=level, effective_year=year).exists():
        raise DomainError(_("The %(level)s standard already has a version in force from %(year)s; edit or copy "
                            "that one.") % {"level": HomeLevel(level).label, "year": year},
                          code="already_exists", field=field)


def _create(standard, criteria, *, actor, action, before=None):
    try:
        with transaction.atomic():
            standard.full_clean()
            standard.save()
    except IntegrityError as exc:
        raise DomainError(_("This version already exists; reload the page."), code="already_exists",
                          field="effective_year") from exc
    for n, c in enumerate(criteria, start=1):
        c.standard = standard
        c.order = n
        c.full_clean()
    HomeCriterion.objects.bulk_create(criteria)
    audit.record(actor=actor, action=action, obj=standard, after={
        **audit.snapshot(standard, fields=["level", "effective_year", "title", "pass_mark", "copied_from"]),
        "criteria": [c.code for c in criteria]})
    return standard


@transaction.atomic
def create_standard(*, actor, level, effective_year) -> HomeStandard:
    """A draft version of a level's standard from the built-in template (`rules.homes`)."""
    require(actor, CONFIGURE)
    level = _level(level)
    year = _year(effective_year, "effective_year")
    _year_free(level, year)
    label = HomeLevel(level).label
    standard = HomeStandard(level=level, effective_year=year, pass_mark=default_pass_mark(level),
                            title=(_("%(level)s standard (%(year)s)") % {"level": label, "year": year})[:120])
    criteria = [HomeCriterion(code=c.code, text=str(c.text)[:300], max_score=c.max_score, method=c.method,
                              auto_source=c.auto_source, evidence_hint=str(c.evidence_hint)[:300])
                for c in rules().template]
    return _create(standard, criteria, actor=actor, action="grassroots.home_standard_create")


@transaction.atomic
def copy_standard(*, actor, standard, effective_year) -> HomeStandard:
    """A draft new version with the criteria and pass mark of `standard`."""
    require(actor, CONFIGURE)
    year = _year(effective_year, "effective_year")
    _year_free(standard.level, year)
    title = standard.title.replace(str(standard.effective_year), str(year)) if str(standard.effective_year) in \
        standard.title else standard.title
    copy = HomeStandard(level=standard.level, effective_year=year, pass_mark=standard.pass_mark, title=title[:120],
                        copied_from=standard)
    criteria = [HomeCriterion(code=c.code, text=c.text, max_score=c.max_score, method=c.method,
                              auto_source=c.auto_source, evidence_hint=c.evidence_hint)
                for c in standard.criteria.order_by("order", "id")]
    return _create(copy, criteria, actor=actor, action="grassroots.home_standard_copy")


def _lock_draft(standard):
    standard = lock_one(HomeStandard, standard.pk)
    if standard.status != StandardStatus.DRAFT:
        raise DomainError(_("A published standard cannot be changed: copy it into a new version."),
                          code="wrong_stage")
    return standard


@transaction.atomic
def update_standard(*, actor, standard, title, pass_mark) -> HomeStandard:
    require(actor, CONFIGURE)
    standard = _lock_draft(standard)
    before = audit.snapshot(standard, fields=["title", "pass_mark"])
    standard.title = _text(title, "title", _("Title"), limit=120)
    if not isinstance(pass_mark, int) or isinstance(pass_mark, bool) or not 1 <= pass_mark <= 100:
        raise DomainError(_("The pass mark must be a whole number from 1 to 100."), code="invalid_pass_mark",
                          field="pass_mark")
    standard.pass_mark = pass_mark
    standard.full_clean()
    standard.save()
    b, a = audit.changed(before, audit.snapshot(standard, fields=["title", "pass_mark"]))
    audit.record(actor=actor, action="grassroots.home_standard_edit", obj=standard, before=b, after=a)
    return standard


@dataclass
class CriterionInput:
    code: str
    text: str
    max_score: int
    method: str
    auto_source: str = ""
    evidence_hint: str = ""


@transaction.atomic
def save_criterion(*, actor, standard, data: CriterionInput, criterion=None) -> HomeCriterion:
    """Add a criterion to a draft standard, or change one of its criteria."""
    require(actor, CONFIGURE)
    standard = _lock_draft(standard)
    code = _text(data.code, "code", _("Code"), limit=32).upper()
    if not all(ch.isalnum() or ch in "_-" for ch in code) or not code.isascii():
        raise DomainError(_("The code may hold only letters, digits, “_” and “-” (e.g. MEMBERSHIP)."),
                          code="invalid_code", field="code")
    text = _text(data.text, "text", _("Criterion"), limit=300)
    if not isinstance(data.max_score, int) or isinstance(data.max_score, bool) or not 1 <= data.max_score <= 100:
        raise DomainError(_("The maximum score must be a whole number from 1 to 100."), code="invalid_max_score",
                          field="max_score")
    if data.method not in ScoringMethod.values:
        raise DomainError(_("Choose how the criterion is scored."), code="invalid_method", field="method")
    source = (data.auto_source or "").strip()
    if data.method == ScoringMethod.AUTO:
        if source not in AUTO_SOURCES:
            raise DomainError(_("A criterion computed from records needs one of the record sources."),
                              code="invalid_source", field="auto_source")
    else:
        source = ""
    clash = standard.criteria.filter(code=code)
    if criterion is not None:
        clash = clash.exclude(pk=criterion.pk)
    if clash.exists():
        raise DomainError(_("The code %(code)s is already used in this standard.") % {"code": code},
                          code="code_taken", field="code")
    if criterion is None:
        criterion = HomeCriterion(standard=standard, order=(standard.criteria.count() + 1))
        before = None
        action = "grassroots.home_criterion_add"
    else:
        criterion = HomeCriterion.objects.get(pk=criterion.pk, standard=standard)
        before = audit.snapshot(criterion)
        action = "grassroots.home_criterion_edit"
    criterion.code, criterion.text, criterion.max_score = code, text, data.max_score
    criterion.method, criterion.auto_source = data.method, source
    criterion.evidence_hint = _text(data.evidence_hint, "evidence_hint", _("Evidence expected"), required=False,
                                    limit=300)
    criterion.full_clean()
    criterion.save()
    b, a = audit.changed(before, audit.snapshot(criterion))
    audit.record(actor=actor, action=action, obj=standard, before=b, after={"criterion": code, **a})
    return criterion


@transaction.atomic
def delete_criterion(*, actor, criterion) -> None:
    require(actor, CONFIGURE)
    standard = _lock_draft(criterion.standard)
    before = audit.snapshot(criterion)
    criterion.delete()
    audit.record(actor=actor, action="grassroots.home_criterion_delete", obj=standard, before=before)


@transaction.atomic
def publish_standard(*, actor, standard, published_on=None) -> HomeStandard:
    """Freeze a draft: from now on new assessments of its level (from its year) are scored on it."""
    require(actor, CONFIGURE)
    standard = _lock_draft(standard)
    criteria = list(standard.criteria.all())
    if not criteria:
        raise DomainError(_("Add at least one criterion before publishing."), code="no_criteria")
    total = sum(c.max_score for c in criteria)
    if standard.pass_mark > total:
        raise DomainError(_("The pass mark %(mark)s is more than the %(total)s points the criteria give.")
                          % {"mark": standard.pass_mark, "total": total}, code="pass_mark_too_high",
                          field="pass_mark")
    standard.status = StandardStatus.PUBLISHED
    standard.published_on = _date(published_on or today(), "published_on", _("Published on"))
    standard.save()
    audit.record(actor=actor, action="grassroots.home_standard_publish", obj=standard,
                 after={"status": standard.status, "published_on": standard.published_on.isoformat(),
                        "total": total, "pass_mark": standard.pass_mark})
    return standard


# --- assessments: scoring -----------------------------------------------------------------------

def refresh_auto(assessment, on) -> list:
    """Recompute every AUTO line from the records as of `on`; store the total. Returns the items."""
    items = list(assessment.items.all())
    changed = []
    for item in items:
        if not item.is_auto:
            continue
        result = compute_auto(item.auto_source, assessment.org, assessment.year, on)
        item.auto_met, item.auto_figures, item.auto_summary = result.met, result.figures, result.summary[:300]
        changed.append(item)
    HomeAssessmentItem.objects.bulk_update(changed, ["auto_met", "auto_figures", "auto_summary"])
    assessment.auto_computed_on = on
    assessment.total_score = total_of(items)
    return items


def total_of(items) -> int:
    return sum(i.current_score or 0 for i in items)


def _apply_scores(items, scores, *, score_attr, note_attr, required):
    """Put `scores` ({code: {"score": int|None, "note": str}}) on the REVIEWER lines. Every
    REVIEWER line needs a score when `required`. Refuses unknown codes, AUTO lines and scores out
    of 0..maximum, naming the line."""
    by_code = {i.code: i for i in items}
    scores = scores or {}
    for code, entry in scores.items():
        item = by_code.get(code)
        if item is None:
            raise DomainError(_("There is no line %(code)s in this assessment.") % {"code": code},
                              code="unknown_criterion", field="scores")
        if item.is_auto:
            raise DomainError(_("Line %(code)s is computed from the records and cannot be scored by hand.")
                              % {"code": code}, code="auto_criterion", field="scores")
        entry = entry if isinstance(entry, dict) else {"score": entry}
        score = entry.get("score")
        if score is not None and (not isinstance(score, int) or isinstance(score, bool)
                                  or not 0 <= score <= item.max_score):
            raise DomainError(_("Line %(code)s (%(text)s): the score must be a whole number from 0 to %(max)s.")
                              % {"code": code, "text": item.text, "max": item.max_score},
                              code="invalid_score", field="scores")
        setattr(item, score_attr, score)
        note = (entry.get("note") or "").strip()
        if len(note) > 400:
            raise DomainError(_("Line %(code)s: the note is longer than 400 characters.") % {"code": code},
                              code="too_long", field="scores")
        setattr(item, note_attr, note)
    if required:
        missing = [i.code for i in items if not i.is_auto and getattr(i, score_attr) is None]
        if missing:
            raise DomainError(_("Give a score for every line scored by reviewers; missing: %(codes)s.")
                              % {"codes": "、".join(missing)}, code="score_missing", field="scores")
    HomeAssessmentItem.objects.bulk_update([i for i in items if not i.is_auto], [score_attr, note_attr])


# --- assessments: workflow -----------------------------------------------------------------------

def _new_assessment(*, org, standard, level, year, started_on, kind, recheck_of=None):
    assessment = HomeAssessment(org=org, standard=standard, level=level, year=year, kind=kind,
                                recheck_of=recheck_of, started_on=started_on, status=HomeAssessmentStatus.DRAFT)
    assessment.full_clean(exclude=["org", "standard", "recheck_of"])
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as exc:
        raise _already_open(org, level) from exc
    HomeAssessmentItem.objects.bulk_create([
        HomeAssessmentItem(assessment=assessment, code=c.code, text=c.text, max_score=c.max_score, method=c.method,
                           auto_source=c.auto_source, evidence_hint=c.evidence_hint, order=c.order)
        for c in standard.criteria.order_by("order", "id")])
    refresh_auto(assessment, started_on)
    assessment.save(update_fields=["auto_computed_on", "total_score", "updated_at"])
    return assessment


def _already_open(org, level):
    return DomainError(_("%(org)s already has an open %(level)s assessment; continue that one.")
                       % {"org": org.name, "level": HomeLevel(level).label}, code="already_open", field="level")


@transaction.atomic
def start_assessment(*, actor, org, level, year=None, started_on=None) -> HomeAssessment:
    """A union's application for a level, scored under the standard in force in `year`."""
    require(actor, CHANGE, org)
    level = _level(level)
    started_on = _date(started_on or today(), "started_on", _("Started on"))
    year = _year(year if year is not None else started_on.year)
    if year > today().year:
        raise DomainError(_("The year cannot be after this year."), code="invalid_year", field="year")
    if org.level != OrgLevel.GRASSROOTS or not org.is_active:
        raise DomainError(_("%(org)s is not an active grassroots union.") % {"org": org}, code="wrong_union",
                          field="org")
    if HomeAssessment.objects.filter(org=org, level=level, status__in=OPEN_HOME_STATUSES).exists():
        raise _already_open(org, level)
    if HomeAssessment.objects.filter(org=org, level=level, status=HomeAssessmentStatus.AWARDED).exists():
        raise DomainError(_("%(org)s already holds the %(level)s award; start its re-check instead.")
                          % {"org": org.name, "level": HomeLevel(level).label}, code="already_awarded",
                          field="level")
    standard = current_standard(level, year)
    if standard is None:
        raise DomainError(_("No published %(level)s standard is in force for %(year)s; the district publishes one "
                            "first.") % {"level": HomeLevel(level).label, "year": year}, code="no_standard",
                          field="level")
    assessment = _new_assessment(org=org, standard=standard, level=level, year=year, started_on=started_on,
                                 kind=AssessmentKind.INITIAL)
    audit.record(actor=actor, action="grassroots.home_start", obj=assessment, org=org,
                 after={**_snapshot(assessment), "standard": standard.pk, "level": level, "year": year})
    return assessment


@transaction.atomic
def start_recheck(*, actor, award, started_on=None) -> HomeAssessment:
    """The re-check of a standing award: a new assessment under the standard in force now."""
    award = _lock(award)
    require(actor, CHANGE, award.org)
    _require_status(award, HomeAssessmentStatus.AWARDED)
    started_on = _date(started_on or today(), "started_on", _("Started on"),
                       not_before=award.decided_on, not_before_label=_("the award"))
    if award.rechecks.filter(status__in=OPEN_HOME_STATUSES).exists():
        raise _already_open(award.org, award.level)
    standard = current_standard(award.level, started_on.year)
    if standard is None:
        raise DomainError(_("No published %(level)s standard is in force for %(year)s; the district publishes one "
                            "first.") % {"level": award.get_level_display(), "year": started_on.year},
                          code="no_standard")
    # The award itself is AWARDED, not open: the one-open constraint lets its re-check start.
    assessment = _new_assessment(org=award.org, standard=standard, level=award.level, year=started_on.year,
                                 started_on=started_on, kind=AssessmentKind.RECHECK, recheck_of=award)
    audit.record(actor=actor, action="grassroots.home_recheck_start", obj=assessment, org=award.org,
                 after={**_snapshot(assessment), "recheck_of": award.pk, "standard": standard.pk})
    return assessment


@transaction.atomic
def save_self_scores(*, actor, assessment, scores) -> HomeAssessment:
    """The union's own scores and notes on the REVIEWER lines while it prepares the application."""
    a = _lock(assessment)
    require(actor, CHANGE, a.org)
    _require_status(a, HomeAssessmentStatus.DRAFT, HomeAssessmentStatus.RETURNED)
    items = list(a.items.all())
    before = _scores_snapshot(items, "self_score")
    _apply_scores(items, scores, score_attr="self_score", note_attr="self_note", required=False)
    a.total_score = total_of(items)
    a.save(update_fields=["total_score", "updated_at"])
    b, after = audit.changed(before, _scores_snapshot(items, "self_score"))
    audit.record(actor=actor, action="grassroots.home_self_score", obj=a, org=a.org, before=b, after=after)
    return a


@transaction.atomic
def add_evidence(*, actor, assessment, item_code, upload) -> HomeEvidence:
    """A PDF/JPG/PNG document backing one line, while the assessment is open."""
    a = _lock(assessment)
    require(actor, CHANGE, a.org)
    if not a.is_open:
        raise _wrong_stage(a)
    item = a.items.filter(code=item_code).first()
    if item is None:
        raise DomainError(_("There is no line %(code)s in this assessment.") % {"code": item_code},
                          code="unknown_criterion", field="item")
    if upload is None:
        raise DomainError(_("Choose a file to upload."), code="required", field="file")
    try:
        kind = validate_document(upload)
    except ValidationError as exc:  # from core.uploads: keep its message, name the field
        raise DomainError(" ".join(exc.messages), code=exc.code or "invalid_file", field="file") from exc
    original = os.path.basename(getattr(upload, "name", "") or "")[:200] or "file"
    size = upload.size
    upload.name = f"{uuid.uuid4().hex}.{extension_of(kind)}"
    evidence = HomeEvidence(item=item, file=upload, name=original, kind=kind, size=size, uploaded_by=actor)
    evidence.save()
    audit.record(actor=actor, action="grassroots.home_evidence_add", obj=a, org=a.org,
                 after={"line": item.code, "file": original, "size": size})
    return evidence


@transaction.atomic
def remove_evidence(*, actor, evidence) -> None:
    """Only while the union prepares (DRAFT/RETURNED): once submitted, the files the reviewers
    scored stay with the record."""
    a = _lock(evidence.item.assessment)
    require(actor, CHANGE, a.org)
    _require_status(a, HomeAssessmentStatus.DRAFT, HomeAssessmentStatus.RETURNED)
    before = {"line": evidence.item.code, "file": evidence.name}
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
    audit.record(actor=actor, action="grassroots.home_evidence_remove", obj=a, org=a.org, before=before)


@transaction.atomic
def submit_assessment(*, actor, assessment, submitted_on=None) -> HomeAssessment:
    """The union applies to the town (`submit`). AUTO lines are computed again as of that day."""
    a = _lock(assessment)
    require(actor, SUBMIT, a.org)
    _require_status(a, HomeAssessmentStatus.DRAFT, HomeAssessmentStatus.RETURNED)
    before = _snapshot(a)
    a.submitted_on = _date(submitted_on or today(), "submitted_on", _("Submitted on"),
                           not_before=a.returned_on or a.started_on, not_before_label=_("the last step"))
    refresh_auto(a, a.submitted_on)
    a.status = HomeAssessmentStatus.SUBMITTED
    a.review_due_on = workdays.add_working_days(a.submitted_on, rules().review_working_days)
    a.save()
    b, after = audit.changed(before, _snapshot(a))
    audit.record(actor=actor, action="grassroots.home_submit", obj=a, org=a.org, before=b, after=after)
    return a


FORWARD, RETURN = "forward", "return"
AWARD_DECISION, REFUSE = "award", "refuse"


@transaction.atomic
def town_review(*, actor, assessment, decision, scores=None, reviewed_on=None, reviewer="", comments="",
                reason="") -> HomeAssessment:
    """The town's review (`review`): scores every REVIEWER line and forwards to the district, or
    returns the application to the union with the reason."""
    a = _lock(assessment)
    require(actor, REVIEW, a.org)
    _require_status(a, HomeAssessmentStatus.SUBMITTED)
    if decision not in (FORWARD, RETURN):
        raise DomainError(_("Choose whether to forward the application or return it."), code="invalid_decision",
                          field="decision")
    before = _snapshot(a)
    day = _date(reviewed_on or today(), "reviewed_on", _("Reviewed on"), not_before=a.submitted_on,
                not_before_label=_("the submission"))
    items = refresh_auto(a, day)
    _apply_scores(items, scores, score_attr="town_score", note_attr="town_note", required=decision == FORWARD)
    a.total_score = total_of(items)
    a.town_reviewed_on = day
    a.town_reviewer = _text(reviewer or actor.get_full_name() or actor.get_username(), "reviewer",
                            _("Reviewer"), limit=64)
    a.town_comments = _text(comments, "comments", _("Comments"), required=False, limit=2000)
    if decision == FORWARD:
        a.status = HomeAssessmentStatus.FORWARDED
        a.review_due_on = workdays.add_working_days(day, rules().review_working_days)
        action = "grassroots.home_town_forward"
    else:
        a.return_reason = _text(reason, "reason", _("Reason for returning"))
        a.returned_on = day
        a.status = HomeAssessmentStatus.RETURNED
        a.review_due_on = None
        action = "grassroots.home_town_return"
    a.save()
    b, after = audit.changed(before, _snapshot(a))
    audit.record(actor=actor, action=action, obj=a, org=a.org, before=b,
                 after={**after, "scores": _scores_snapshot(items, "town_score")})
    return a


@transaction.atomic
def district_review(*, actor, assessment, decision, scores=None, decided_on=None, comments="", reason="",
                    certificate_no="") -> HomeAssessment:
    """The district's review (`award`): final scores on every REVIEWER line (the town's when none
    is given), then award with a certificate number — only when the total reaches the standard's
    pass mark — or refuse with the reason. For a re-check, awarding renews the award and refusing
    revokes it."""
    a = _lock(assessment)
    require(actor, AWARD, a.org)
    _require_status(a, HomeAssessmentStatus.FORWARDED)
    if decision not in (AWARD_DECISION, REFUSE):
        raise DomainError(_("Choose whether to award or refuse."), code="invalid_decision", field="decision")
    before = _snapshot(a)
    day = _date(decided_on or today(), "decided_on", _("Decided on"), not_before=a.town_reviewed_on,
                not_before_label=_("the town's review"))
    items = refresh_auto(a, day)
    scores = dict(scores or {})
    for item in items:  # the town's score stands where the district gives none
        if item.is_auto:
            continue
        entry = scores.get(item.code)
        entry = entry if isinstance(entry, dict) else {"score": entry}
        if entry.get("score") is None:
            scores[item.code] = {**entry, "score": item.town_score}
    _apply_scores(items, scores, score_attr="final_score", note_attr="final_note", required=True)
    a.total_score = total_of(items)
    a.decided_on = day
    a.review_due_on = None
    a.district_comments = _text(comments, "comments", _("Comments"), required=False, limit=2000)
    old = _lock(a.recheck_of) if a.recheck_of_id else None
    if decision == AWARD_DECISION:
        if a.total_score < a.standard.pass_mark:
            raise DomainError(_("The total of %(total)s points is below the pass mark of %(mark)s: the assessment "
                                "cannot be awarded.") % {"total": a.total_score, "mark": a.standard.pass_mark},
                              code="below_pass_mark", field="decision")
        number = (certificate_no or "").strip() or (old.certificate_no if old else "")
        a.certificate_no = _text(number, "certificate_no", _("Certificate number"), limit=64)
        a.recheck_due_on = add_years(day, rules().recheck_years)
        if old is not None:
            old.status = HomeAssessmentStatus.RENEWED
            old.save(update_fields=["status", "updated_at"])
            audit.record(actor=actor, action="grassroots.home_renew", obj=old, org=old.org,
                         before={"status": HomeAssessmentStatus.AWARDED}, after={"status": old.status, "by": a.pk})
        a.status = HomeAssessmentStatus.AWARDED
        action = "grassroots.home_award"
    else:
        a.refuse_reason = _text(reason, "reason", _("Reason for not awarding"))
        a.status = HomeAssessmentStatus.REFUSED
        action = "grassroots.home_refuse"
        if old is not None and old.status == HomeAssessmentStatus.AWARDED:
            old.status = HomeAssessmentStatus.REVOKED
            old.revoked_on = day
            old.revoke_reason = _("Re-check failed: %(reason)s") % {"reason": a.refuse_reason}
            old.save(update_fields=["status", "revoked_on", "revoke_reason", "updated_at"])
            audit.record(actor=actor, action="grassroots.home_revoke", obj=old, org=old.org,
                         before={"status": HomeAssessmentStatus.AWARDED},
                         after={"status": old.status, "revoked_on": day.isoformat(), "by": a.pk})
    a.save()
    b, after = audit.changed(before, _snapshot(a))
    audit.record(actor=actor, action=action, obj=a, org=a.org, before=b,
                 after={**after, "scores": _scores_snapshot(items, "final_score")})
    return a


@transaction.atomic
def withdraw_assessment(*, actor, assessment, withdrawn_on=None, reason="") -> HomeAssessment:
    a = _lock(assessment)
    require(actor, CHANGE, a.org)
    _require_status(a, HomeAssessmentStatus.DRAFT, HomeAssessmentStatus.RETURNED, HomeAssessmentStatus.SUBMITTED)
    before = _snapshot(a)
    # Not before the last step taken on it (a submitted application is withdrawn after it was sent).
    last = max(d for d in (a.started_on, a.submitted_on, a.returned_on) if d is not None)
    a.withdrawn_on = _date(withdrawn_on or today(), "withdrawn_on", _("Withdrawn on"), not_before=last,
                           not_before_label=_("the last step"))
    a.status = HomeAssessmentStatus.WITHDRAWN
    a.review_due_on = None
    a.save()
    b, after = audit.changed(before, _snapshot(a))
    audit.record(actor=actor, action="grassroots.home_withdraw", obj=a, org=a.org, before=b,
                 after={**after, "reason": _text(reason, "reason", _("Reason"), required=False)})
    return a


@transaction.atomic
def mark_recheck_reminded(*, assessment, stage) -> bool:
    """The daily job's bookkeeping: True the first time a reminder stage is reached."""
    a = HomeAssessment.objects.select_for_update().get(pk=assessment.pk)
    if a.recheck_reminded == stage or a.status != HomeAssessmentStatus.AWARDED:
        return False
    a.recheck_reminded = stage
    a.save(update_fields=["recheck_reminded", "updated_at"])
    return True


# --- export ---------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Workers' home export")


def export_assessments(*, actor, filters):
    """(rewound temporary file, rows): the filtered list the actor may export, audited once per
    top org of the export (object type `grassroots.HomeExport`)."""
    import tempfile

    from gonghui.core.excel import XlsxStream
    from gonghui.orgs.models import Org

    from ..policies.homes import EXPORT
    from ..selectors.homes import filtered

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    listed = filtered(actor, filters).values("pk")
    exportable = HomeAssessment.objects.visible_to(actor, EXPORT).values("pk")
    qs = (HomeAssessment.objects.filter(pk__in=listed).filter(pk__in=exportable)
          .order_by("-year", "-id").values_list("org__name", "level", "kind", "year", "status", "submitted_on",
                                                 "town_reviewed_on", "decided_on", "total_score", "standard__pass_mark",
                                                 "certificate_no", "recheck_due_on"))
    levels, kinds, statuses = dict(HomeLevel.choices), dict(AssessmentKind.choices), dict(HomeAssessmentStatus.choices)
    headers = [_("Union"), _("Level"), _("Kind"), _("Year"), _("Status"), _("Submitted on"), _("Town reviewed on"),
               _("Decided on"), _("Total score"), _("Pass mark"), _("Certificate number"), _("Re-check due on")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    try:
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Workers' homes"), headers=headers,
                               widths=[30, 22, 10, 6, 18, 12, 12, 12, 8, 8, 18, 12])
            for values in qs.iterator(chunk_size=1000):
                row = list(values)
                row[1], row[2], row[4] = str(levels.get(row[1], row[1])), str(kinds.get(row[2], row[2])), \
                    str(statuses.get(row[4], row[4]))
                sheet.append(row)
                rows += 1
        ref = uuid.uuid4().hex
        places = [filters.org] if filters.org is not None else (
            list(Org.objects.filter(depth=1)) if actor.is_superuser
            else list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
        for place in places or [None]:
            audit.record(actor=actor, action="grassroots.home_export", obj=_ExportRef(ref),
                         object_type="grassroots.HomeExport", org=place,
                         after={"filters": {"level": filters.level, "status": filters.status, "year": filters.year,
                                            "due": filters.due, "q": filters.q}, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


# --- reminders ------------------------------------------------------------------------------------------

def remind_rechecks(*, on=None) -> int:
    """The daily job: union chairs and the town's cadres are told once when an award's re-check
    comes within `rules().recheck_soon_days` days, and once more when it is overdue (the stage
    reached is stored on the award, and `notify` keys are unique per award and stage). Returns the
    number of notifications created. Idempotent."""
    from django.urls import reverse

    from gonghui.accounts.selectors import chairs_and_town_cadres
    from gonghui.core.notifications import notify

    from ..selectors.homes import rechecks_to_remind

    on = on or today()
    due = list(rechecks_to_remind(on))
    if not due:
        return 0
    recipients = chairs_and_town_cadres([a.org for a in due])
    sent = 0
    for award in due:
        stage = "OVERDUE" if award.recheck_due_on < on else "SOON"
        if award.recheck_reminded == stage:
            continue
        with transaction.atomic():
            if not mark_recheck_reminded(assessment=award, stage=stage):
                continue
            title = (_("Workers' home re-check overdue: %(org)s") if stage == "OVERDUE"
                     else _("Workers' home re-check due: %(org)s")) % {"org": award.org.name}
            body = _("The %(level)s award (certificate %(no)s) is due for its re-check on %(day)s.") % {
                "level": award.get_level_display(), "no": award.certificate_no,
                "day": award.recheck_due_on.isoformat()}
            sent += notify(recipients=recipients.get(award.org_id, []),
                           key=f"grassroots.home_recheck:{award.pk}:{stage}", title=title, body=body,
                           url=reverse("grassroots:home_detail", args=[award.pk]), org=award.org)
    return sent
