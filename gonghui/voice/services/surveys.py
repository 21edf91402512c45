"""Services of the `surveys` area (晴雨表).

Every write is atomic, checked (`require` on the survey's owner org), locked (`lock_one` on the
survey), validated (DomainError naming the field) and audited (`voice.survey_*`).

- create / update (`voice.change`): a DRAFT survey of an org in the actor's subtree; targeted
  orgs must lie in the owner's subtree;
- questions (`voice.change`): add, move up/down, remove — only while DRAFT and nothing answered;
- open: DRAFT → OPEN, needs at least one question and two options per choice question; counts the
  targeted persons (by town);
- close: OPEN → CLOSED, counts the targeted persons again;
- submit_response (the member, on their own record): one response per person per survey — the
  unique constraint decides under a race, the loser gets "already answered".
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.locking import lock_one
from gonghui.core.policies import require
from gonghui.orgs.models import Industry, Org

from ..models.surveys import (
    Option,
    Question,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAudience,
    SurveyResponse,
    SurveyStatus,
)
from ..policies.surveys import CHANGE
from ..rules.surveys import age_band, rules
from ..selectors import surveys as sel

SURVEY_FIELDS = ("title", "intro", "status", "opens_on", "closes_on", "anonymous_results", "audience", "industries",
                 "targeted_count", "response_count")


def today():
    return timezone.localdate()


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _text(value, field, label, *, required=True, limit=120):
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if len(value) > limit:
        raise DomainError(_("%(label)s is longer than %(n)s characters.") % {"label": label, "n": limit},
                          code="too_long", field=field)
    return value


def _snapshot(s):
    return audit.snapshot(s, fields=SURVEY_FIELDS)


def _record(actor, action, s, before, **extra):
    b, a = audit.changed(before, _snapshot(s))
    audit.record(actor=actor, action=action, obj=s, org=s.org, before=b, after={**a, **extra})


def _wrong_stage(s):
    return DomainError(_("This step cannot be taken now: the survey is “%(status)s”.")
                       % {"status": s.get_status_display()}, code="wrong_stage")


def _check_fields(*, title, intro, opens_on, closes_on, audience, industries):
    title = _text(title, "title", _("The title"))
    intro = _text(intro, "intro", _("The introduction"), required=False, limit=2000)
    if opens_on is None:
        raise DomainError(_("The opening date is required."), code="required", field="opens_on")
    if closes_on is None:
        raise DomainError(_("The closing date is required."), code="required", field="closes_on")
    if closes_on < opens_on:
        raise DomainError(_("The closing date cannot be before the opening date."), code="date_order",
                          field="closes_on")
    if closes_on - opens_on > datetime.timedelta(days=366):
        raise DomainError(_("A survey runs for at most a year."), code="too_long", field="closes_on")
    if audience not in SurveyAudience.values:
        raise DomainError(_("Choose who is asked."), code="invalid_choice", field="audience")
    industries = sorted(set(industries or []))
    if any(i not in Industry.values for i in industries):
        raise DomainError(_("Unknown industry."), code="invalid_choice", field="industries")
    return title, intro, industries


def _check_targets(actor, org, target_orgs):
    """Each targeted org lies in the owner's subtree (and so in the actor's reach)."""
    targets = list(target_orgs or [])
    for t in targets:
        if not t.path.startswith(org.path):
            raise DomainError(_("%(org)s is not under %(owner)s.") % {"org": t.name, "owner": org.name},
                              code="out_of_subtree", field="target_orgs")
    return targets


@transaction.atomic
def create_survey(*, actor, org, title, intro="", opens_on, closes_on, anonymous_results=True,
                  audience=SurveyAudience.MEMBERS, target_orgs=(), industries=()) -> Survey:
    if org is None:
        raise DomainError(_("Choose the owner organisation."), code="required", field="org")
    require(actor, CHANGE, org)
    title, intro, industries = _check_fields(title=title, intro=intro, opens_on=opens_on, closes_on=closes_on,
                                             audience=audience, industries=industries)
    targets = _check_targets(actor, org, target_orgs)
    s = Survey.objects.create(org=org, title=title, intro=intro, opens_on=opens_on, closes_on=closes_on,
                              anonymous_results=bool(anonymous_results), audience=audience, industries=industries,
                              created_by=_actor(actor))
    s.target_orgs.set(targets)
    audit.record(actor=actor, action="voice.survey_create", obj=s, org=org,
                 after={**_snapshot(s), "org": org.pk, "target_orgs": [t.pk for t in targets]})
    return s


def _editable(actor, survey):
    require(actor, CHANGE, survey.org)
    s = lock_one(Survey, survey.pk)
    if s.status != SurveyStatus.DRAFT:
        raise _wrong_stage(s)
    if s.responses.exists():
        raise DomainError(_("The survey has answers: its questions can no longer change."), code="answered")
    return s


@transaction.atomic
def update_survey(*, actor, survey, title, intro="", opens_on, closes_on, anonymous_results=True,
                  audience=SurveyAudience.MEMBERS, target_orgs=(), industries=()) -> Survey:
    s = _editable(actor, survey)
    before = _snapshot(s)
    s.title, s.intro, s.industries = _check_fields(title=title, intro=intro, opens_on=opens_on, closes_on=closes_on,
                                                   audience=audience, industries=industries)
    targets = _check_targets(actor, s.org, target_orgs)
    s.opens_on, s.closes_on, s.anonymous_results, s.audience = opens_on, closes_on, bool(anonymous_results), audience
    s.save()
    s.target_orgs.set(targets)
    _record(actor, "voice.survey_update", s, before, target_orgs=[t.pk for t in targets])
    return s


# --- questions ----------------------------------------------------------------------------------

def _clean_options(options):
    cleaned = [(o or "").replace("\x00", "").strip() for o in (options or [])]
    cleaned = [o for o in cleaned if o]
    r = rules()
    if len(cleaned) < 2:
        raise DomainError(_("A choice question needs at least two options."), code="too_few_options",
                          field="options")
    if len(cleaned) > r.max_options:
        raise DomainError(_("At most %(n)s options.") % {"n": r.max_options}, code="too_many_options",
                          field="options")
    if len(set(cleaned)) != len(cleaned):
        raise DomainError(_("Two options have the same text."), code="duplicate_option", field="options")
    for o in cleaned:
        if len(o) > 120:
            raise DomainError(_("An option is longer than %(n)s characters.") % {"n": 120}, code="too_long",
                              field="options")
    return cleaned


@transaction.atomic
def add_question(*, actor, survey, kind, text, required=True, scale_max=None, options=()) -> Question:
    s = _editable(actor, survey)
    if kind not in QuestionKind.values:
        raise DomainError(_("Choose the kind of question."), code="invalid_choice", field="kind")
    text = _text(text, "text", _("The question"), limit=300)
    r = rules()
    if s.questions.count() >= r.max_questions:
        raise DomainError(_("At most %(n)s questions.") % {"n": r.max_questions}, code="too_many_questions")
    cleaned = _clean_options(options) if kind in (QuestionKind.SINGLE, QuestionKind.MULTI) else []
    if kind == QuestionKind.SCALE:
        try:
            scale_max = int(scale_max)
        except (TypeError, ValueError):
            scale_max = None
        if scale_max not in r.scales:
            raise DomainError(_("Choose the scale (1–5 or 1–10)."), code="invalid_scale", field="scale_max")
    else:
        scale_max = None
    last = s.questions.order_by("-order").values_list("order", flat=True).first()
    q = Question.objects.create(survey=s, kind=kind, text=text, required=bool(required), scale_max=scale_max,
                                order=(last or 0) + 1)
    Option.objects.bulk_create([Option(question=q, order=i + 1, text=t) for i, t in enumerate(cleaned)])
    audit.record(actor=actor, action="voice.survey_question_add", obj=s, org=s.org,
                 after={"question": text, "kind": kind, "options": cleaned, "scale_max": scale_max})
    return q


def _question_of(s, question_id):
    q = s.questions.filter(pk=question_id).first()
    if q is None:
        raise DomainError(_("No such question in this survey."), code="not_found", field="question")
    return q


@transaction.atomic
def remove_question(*, actor, survey, question_id) -> None:
    s = _editable(actor, survey)
    q = _question_of(s, question_id)
    text = q.text
    q.delete()
    audit.record(actor=actor, action="voice.survey_question_remove", obj=s, org=s.org, before={"question": text})


@transaction.atomic
def move_question(*, actor, survey, question_id, up: bool) -> None:
    """Swap a question with its neighbour above (up) or below; the order is renumbered 1..n."""
    s = _editable(actor, survey)
    q = _question_of(s, question_id)
    rows = list(s.questions.order_by("order", "id"))
    i = next(i for i, row in enumerate(rows) if row.pk == q.pk)
    j = i - 1 if up else i + 1
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    for n, row in enumerate(rows, start=1):
        row.order = n
    Question.objects.bulk_update(rows, ["order"])
    audit.record(actor=actor, action="voice.survey_question_move", obj=s, org=s.org,
                 after={"question": q.text, "position": (j if 0 <= j < len(rows) else i) + 1})


# --- open and close -----------------------------------------------------------------------------

def recount(s) -> None:
    s.targeted_count, s.targeted_by_town = sel.count_targeted(s)


@transaction.atomic
def open_survey(*, actor, survey) -> Survey:
    require(actor, CHANGE, survey.org)
    s = lock_one(Survey, survey.pk)
    if s.status != SurveyStatus.DRAFT:
        raise _wrong_stage(s)
    questions = list(s.questions.all())
    if not questions:
        raise DomainError(_("Add at least one question before opening the survey."), code="no_questions")
    for q in questions:
        if q.is_choice and q.options.count() < 2:
            raise DomainError(_("“%(q)s” needs at least two options.") % {"q": q.text}, code="too_few_options")
    if s.closes_on < today():
        raise DomainError(_("The closing date has passed."), code="closed_date", field="closes_on")
    before = _snapshot(s)
    recount(s)
    s.status, s.opened_at = SurveyStatus.OPEN, timezone.now()
    s.save()
    _record(actor, "voice.survey_open", s, before)
    return s


@transaction.atomic
def close_survey(*, actor, survey) -> Survey:
    require(actor, CHANGE, survey.org)
    return _close(actor, survey)


def _close(actor, survey) -> Survey:
    """OPEN → CLOSED (a cadre's step, or the daily task as the system, actor None)."""
    s = lock_one(Survey, survey.pk)
    if s.status != SurveyStatus.OPEN:
        raise _wrong_stage(s)
    before = _snapshot(s)
    recount(s)
    s.status, s.closed_at = SurveyStatus.CLOSED, timezone.now()
    s.save()
    _record(actor, "voice.survey_close", s, before)
    return s


# --- responses ----------------------------------------------------------------------------------

def _age(birth_on, day):
    return day.year - birth_on.year - ((day.month, day.day) < (birth_on.month, birth_on.day))


def _answer_rows(questions, answers: dict) -> list[SurveyAnswer]:
    """Validate the raw answers {question id (int or str): value} per question kind → unsaved rows.
    SINGLE: an option id; MULTI: a list of option ids; SCALE: 1..scale_max; TEXT: up to 1000 chars."""
    rows = []
    answers = {str(k): v for k, v in (answers or {}).items()}
    for q in questions:
        field = f"q{q.pk}"
        raw = answers.get(str(q.pk))
        empty = raw in (None, "", []) or (isinstance(raw, str) and not raw.strip())
        if empty:
            if q.required:
                raise DomainError(_("“%(q)s” needs an answer.") % {"q": q.text}, code="required", field=field)
            continue
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
            values = raw if isinstance(raw, list | tuple) else [raw]
            if q.kind == QuestionKind.SINGLE and len(values) != 1:
                raise DomainError(_("“%(q)s” takes one choice.") % {"q": q.text}, code="one_choice", field=field)
            valid = {o.pk: o for o in q.options.all()}
            try:
                ids = {int(v) for v in values}
            except (TypeError, ValueError):
                ids = {None}
            if not ids or not ids <= set(valid):
                raise DomainError(_("“%(q)s”: choose among the options.") % {"q": q.text}, code="invalid_choice",
                                  field=field)
            rows += [SurveyAnswer(question=q, option=valid[i]) for i in sorted(ids)]
        elif q.kind == QuestionKind.SCALE:
            try:
                value = int(raw)
            except (TypeError, ValueError):
                value = 0
            if not 1 <= value <= (q.scale_max or 5):
                raise DomainError(_("“%(q)s”: choose from 1 to %(n)s.") % {"q": q.text, "n": q.scale_max},
                                  code="out_of_scale", field=field)
            rows.append(SurveyAnswer(question=q, value=value))
        else:
            text = str(raw).replace("\x00", "").strip()
            if len(text) > 1000:
                raise DomainError(_("“%(q)s” is longer than %(n)s characters.") % {"q": q.text, "n": 1000},
                                  code="too_long", field=field)
            rows.append(SurveyAnswer(question=q, text=text))
    return rows


class AlreadyAnswered(DomainError):
    def __init__(self):
        super().__init__(_("You have already answered this survey."), code="already_answered")


@transaction.atomic
def submit_response(*, actor, person, survey, answers: dict) -> SurveyResponse:
    """The member `person` answers `survey` (open today, targeted at them). One response per person:
    checked, and enforced by the unique constraint when two submissions race."""
    if person is None:
        raise DomainError(_("Your login is not linked to a member record."), code="no_person")
    s = Survey.objects.select_related("org").get(pk=survey.pk)
    day = today()
    if s.status != SurveyStatus.OPEN or not s.opens_on <= day <= s.closes_on:
        raise DomainError(_("This survey is not open."), code="not_open")
    periods = sel.memberships_of(person)
    period = sel.person_targets(s, periods)
    if period is None:
        raise DomainError(_("This survey is not addressed to you."), code="not_targeted")
    if SurveyResponse.objects.filter(survey=s, person=person).exists():
        raise AlreadyAnswered()
    rows = _answer_rows(sel.questions_of(s), answers)
    # Lock the survey for the respondent number (sequential, the export's only identifier).
    s = lock_one(Survey, s.pk)
    town = period.union.town()
    resp = SurveyResponse(survey=s, person=person, respondent_no=s.next_respondent_no, town=town,
                          union=period.union, industry=period.enterprise.industry if period.enterprise else "",
                          age_band=age_band(_age(person.birth_on, day)))
    try:
        with transaction.atomic():
            resp.save()
    except IntegrityError as exc:
        raise AlreadyAnswered() from exc
    for row in rows:
        row.response = resp
    SurveyAnswer.objects.bulk_create(rows)
    Survey.objects.filter(pk=s.pk).update(next_respondent_no=F("next_respondent_no") + 1,
                                          response_count=F("response_count") + 1)
    # The audit never carries the answers nor the respondent number (the export's row key). For an
    # anonymous survey it does not name the respondent either: the trail's time orders the responses
    # like the text answers and the export's numbers, so a named event would tie a worker to answers.
    audit.record(actor=None if s.anonymous_results else actor, action="voice.survey_respond", obj=s, org=s.org,
                 after={})
    return resp


def close_due_surveys(day=None) -> int:
    """Close the open surveys whose closing date has passed (the daily task). Returns how many."""
    day = day or today()
    n = 0
    for s in Survey.objects.filter(status=SurveyStatus.OPEN, closes_on__lt=day).select_related("org"):
        with transaction.atomic():
            _close(None, s)
        n += 1
    return n


def target_org_choices(actor, org):
    return Org.objects.visible_to(actor, CHANGE).filter(path__startswith=org.path, is_active=True)


# --- exports ------------------------------------------------------------------------------------

def export_surveys(*, actor, filters):
    """(rewound temporary file, rows): the filtered surveys list (no answers)."""
    import tempfile

    from gonghui.core.excel import XlsxStream

    from ..policies.surveys import EXPORT

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    exportable = Survey.objects.visible_to(actor, EXPORT).values("pk")
    qs = (sel.filtered_surveys(actor, filters).filter(pk__in=exportable).order_by("-opens_on", "-id")
          .values_list("title", "org__name", "status", "opens_on", "closes_on", "audience", "targeted_count",
                       "response_count"))
    statuses, audiences = dict(SurveyStatus.choices), dict(SurveyAudience.choices)
    headers = [_("Title"), pgettext("survey", "Owner"), _("Status"), _("Opens on"), _("Closes on"),
               pgettext("survey", "Audience"), _("Targeted"),
               _("Responses"), _("Participation (%)")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Surveys"), headers=headers, widths=[30, 24, 8, 12, 12, 14, 10, 10, 10])
        for title, org, status, opens, closes, audience, targeted, responded in qs.iterator(chunk_size=1000):
            rate = round(100 * responded / targeted, 1) if targeted else None
            sheet.append([title, org, str(statuses.get(status, status)), opens, closes,
                          str(audiences.get(audience, audience)), targeted, responded, rate])
            rows += 1
    audit.record_export(actor=actor, action="voice.survey_list_export", object_type="voice.SurveyExport",
                        org=filters.org, reach_action=EXPORT, after={
                            "rows": rows, "filters": {"status": filters.status, "q": filters.q, "year": filters.year}})
    handle.seek(0)
    return handle, rows


def export_answers(*, actor, survey):
    """(rewound temporary file, rows): the anonymised answers of one survey, one row per response —
    the respondent number, town, industry, age band and the day, then one column per question (the
    chosen options joined by "；", the scale value, the text). No name, ID number, phone or union."""
    import tempfile

    from gonghui.core.excel import XlsxStream
    from gonghui.orgs.models import Industry

    from ..policies.surveys import EXPORT

    require(actor, EXPORT, survey.org)
    questions = sel.questions_of(survey)
    options = {o.pk: o.text for q in questions for o in q.options.all()}
    towns = dict(Org.objects.filter(level__in=("TOWN", "PLATFORM")).values_list("pk", "name"))
    industries = dict(Industry.choices)
    group = _export_groups(survey)
    headers = [_("Respondent no."), _("Town"), _("Industry"), _("Age band"), _("Submitted on")]
    headers += [f"Q{i}. {q.text}" for i, q in enumerate(questions, start=1)]
    column = {q.pk: i for i, q in enumerate(questions)}
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    responses = (SurveyResponse.objects.filter(survey=survey).order_by("respondent_no")
                 .values_list("pk", "respondent_no", "town_id", "industry", "age_band", "submitted_at"))
    with XlsxStream(handle) as book:
        sheet = book.sheet(_("Answers"), headers=headers, widths=[10, 18, 16, 10, 12] + [24] * len(questions))
        for chunk in _chunks(responses.iterator(chunk_size=1000), 500):
            answers = {}
            for rid, qid, opt, value, text in (SurveyAnswer.objects.filter(response_id__in=[c[0] for c in chunk])
                                               .order_by("id").values_list("response_id", "question_id", "option_id",
                                                                           "value", "text")):
                cells = answers.setdefault(rid, [[] for _q in questions])
                cells[column[qid]].append(options.get(opt, "") if opt else str(value) if value else text)
            for pk, no, town_id, industry, band, at in chunk:
                cells = answers.get(pk, [[] for _q in questions])
                sheet.append([no, group("town", town_id, towns.get(town_id, "")),
                              group("industry", industry, str(industries.get(industry, ""))),
                              group("age_band", band, band),
                              timezone.localtime(at).date()] + ["；".join(c) for c in cells])
                rows += 1
    audit.record(actor=actor, action="voice.survey_export", obj=survey, org=survey.org, after={"rows": rows})
    handle.seek(0)
    return handle, rows


def _export_groups(survey):
    """label(by, raw value, label) for the export's town / industry / age band columns: as the results
    page and the API show the breakdowns (`selectors.group_plan`) — for an anonymous survey a value
    of a small group reads "Other (small groups)", so a row cannot single out a small group."""
    if not survey.anonymous_results:
        return lambda by, raw, label: label
    plans = {by: sel.group_plan(survey, by) for by in sel.BREAKDOWNS}
    other = _("Other (small groups)")

    def label(by, raw, text):
        plan = plans[by]
        return text if plan.groups and plan.key(raw) not in (None, sel.OTHER) else other

    return label


def _chunks(iterable, n):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
