"""Every write of the model-worker registry (劳模). Atomic, checked (`require`), locked, validated
and audited (`honours.modelworker_*`).

- `add_title` is the stable entry point another area calls when a 劳动模范 award is conferred
  (`services.awards`): it creates the registry entry if the person has none, adds the title
  (idempotent on `source_key`) and writes the person's `HonourRecord` (category MODEL_WORKER,
  with the same `source_key`, so the conferral never writes two records). The caller has checked
  its own permission for the conferral.
- `enter_title`: district staff add a title conferred outside the platform (a city, provincial or
  national title, or an older district one) by hand (`honours.register`).
- `update_worker`, `save_story`, `publish_story`, `withdraw_story`: the entry and its profile.
- `add_care`, `remove_care`: the yearly care (health checks, visits, subsidies with an amount).
"""

import datetime
import decimal
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.errors import DomainError
from gonghui.core.policies import require

from ..models.awards import HonourCategory
from ..models.modelworkers import (
    MODEL_WORKER_LEVEL_RANK,
    ModelWorker,
    ModelWorkerCare,
    ModelWorkerCareKind,
    ModelWorkerLevel,
    ModelWorkerTitle,
)
from ..policies.modelworkers import CHANGE, EXPORT, REGISTER
from ..rules.modelworkers import rules
from .awards import record_honour

MIN_YEAR, MAX_YEAR = 1950, 2100
WORKER_FIELDS = ["person", "org", "level", "year", "note"]
TITLE_FIELDS = ["level", "year", "title", "conferred_on", "conferred_by", "source_key"]
STORY_FIELDS = ["story_title", "story", "story_published", "story_published_on"]
CARE_FIELDS = ["kind", "happened_on", "amount", "description", "handled_by"]


def today():
    return timezone.localdate()


# --- helpers ----------------------------------------------------------------------------------

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


def _date(day, field, label):
    if not isinstance(day, datetime.date):
        raise DomainError(_("%(label)s is required.") % {"label": label}, code="required", field=field)
    if day > today():
        raise DomainError(_("%(label)s is in the future; record it on or after that day.") % {"label": label},
                          code="date_in_future", field=field)
    return day


def _level(level):
    if level not in ModelWorkerLevel.values:
        raise DomainError(_("Choose the level of the model-worker title: district, city, province or national."),
                          code="invalid_level", field="level")
    return level


def _is_higher(level, year, than_level, than_year):
    rank, than = MODEL_WORKER_LEVEL_RANK[level], MODEL_WORKER_LEVEL_RANK[than_level]
    return rank > than or (rank == than and year > than_year)


def _lock(worker):
    return ModelWorker.objects.select_for_update().select_related("org", "person").get(pk=worker.pk)


def _worker_for(*, actor, person, org, level, year):
    """The person's registry entry, locked; created (at `org`) when they have none."""
    existing = ModelWorker.objects.select_for_update().filter(person=person).first()
    if existing is not None:
        return existing, False
    worker = ModelWorker(person=person, org=org, level=level, year=year,
                         created_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError:
        # A concurrent call registered the person first: theirs is the entry.
        return ModelWorker.objects.select_for_update().get(person=person), False
    audit.record(actor=actor, action="honours.modelworker_register", obj=worker, org=org,
                 after=audit.snapshot(worker, fields=WORKER_FIELDS))
    return worker, True


# --- titles -------------------------------------------------------------------------------------

@transaction.atomic
def add_title(*, actor, person, org, level, year, title, conferred_on, conferred_by="",
              source_key="") -> ModelWorkerTitle:
    """Add a model-worker title to the person's registry entry (created at `org` if absent) and
    to their honour record (`record_honour`, category MODEL_WORKER, same `source_key`).

    `level` is one of DISTRICT, CITY, PROVINCE, NATIONAL (the values `HonourLevel` shares).
    Idempotent on `source_key`: a second call for the same source returns the first title.
    The caller has checked its own permission (a conferral needs `honours.confer`).
    """
    source_key = (source_key or "").strip()
    if source_key:
        existing = ModelWorkerTitle.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    if person is None:
        raise DomainError(_("Choose the person."), code="required", field="person")
    if org is None:
        raise DomainError(_("Choose the union."), code="required", field="org")
    level = _level(level)
    year = _year(year)
    title = _text(title, "title", _("The name of the title"), limit=200)
    conferred_on = _date(conferred_on, "conferred_on", _("The date of conferral"))
    conferred_by = _text(conferred_by, "conferred_by", _("The conferring body"), required=False, limit=120)

    worker, _created = _worker_for(actor=actor, person=person, org=org, level=level, year=year)
    if source_key:  # a concurrent call for the same source may have finished while we waited for the lock
        existing = ModelWorkerTitle.objects.filter(source_key=source_key).first()
        if existing is not None:
            return existing
    clash = ModelWorkerTitle.objects.select_for_update().filter(worker=worker, level=level, year=year).first()
    if clash is not None and source_key and not clash.source_key:
        return _adopt(actor, worker, clash, source_key)
    if clash is not None:
        raise DomainError(_("%(name)s already holds the %(level)s title of %(year)s.")
                          % {"name": person.name, "level": ModelWorkerLevel(level).label, "year": year},
                          code="already_exists", field="year")
    entry = ModelWorkerTitle(worker=worker, level=level, year=year, title=title, conferred_on=conferred_on,
                             conferred_by=conferred_by, source_key=source_key,
                             created_by=actor if getattr(actor, "pk", None) else None)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        if source_key:  # a concurrent call for the same source won
            return ModelWorkerTitle.objects.get(source_key=source_key)
        raise DomainError(_("%(name)s already holds the %(level)s title of %(year)s.")
                          % {"name": person.name, "level": ModelWorkerLevel(level).label, "year": year},
                          code="already_exists", field="year") from None
    # The honour is recorded at the conferring union (a nomination's), even when the entry is
    # looked after by another one: the nomination's record stays in its nominator's scope.
    record = record_honour(
        actor=actor, org=org, person=person, title=title, category=HonourCategory.MODEL_WORKER,
        level=level, year=year, conferred_on=conferred_on, conferred_by=conferred_by,
        source_key=source_key or f"honours.ModelWorkerTitle:{entry.pk}",
        source_label=_("Model-worker registry"))
    entry.honour_record = record
    entry.save(update_fields=["honour_record"])
    if _is_higher(level, year, worker.level, worker.year):
        before = audit.snapshot(worker, fields=["level", "year"])
        worker.level, worker.year = level, year
        worker.save(update_fields=["level", "year", "updated_at"])
        if not _created:
            audit.record(actor=actor, action="honours.modelworker_level", obj=worker, org=worker.org,
                         before=before, after=audit.snapshot(worker, fields=["level", "year"]))
    audit.record(actor=actor, action="honours.modelworker_title_add", obj=worker, org=worker.org,
                 after=audit.snapshot(entry, fields=TITLE_FIELDS))
    return entry


def _check_union(org):
    """A registry entry is looked after by a grassroots union (where the members are), not by a
    town's or the district's federation."""
    from gonghui.orgs.models import OrgLevel

    if org is not None and org.level != OrgLevel.GRASSROOTS:
        raise DomainError(_("Choose the grassroots union that looks after the model worker."), code="not_union",
                          field="org")


def _adopt(actor, worker, entry, source_key):
    """A conferral on the platform of a title already entered by hand (the same level and year):
    the entered title and its honour record take the conferral's key, so the conferral goes
    through and the person keeps one title and one record."""
    from ..models.awards import HonourRecord

    entry.source_key = source_key
    entry.save(update_fields=["source_key"])
    if entry.honour_record_id:
        HonourRecord.objects.filter(pk=entry.honour_record_id).update(source_key=source_key)
    audit.record(actor=actor, action="honours.modelworker_title_add", obj=worker, org=worker.org,
                 after=audit.snapshot(entry, fields=TITLE_FIELDS))
    return entry


def _member_under(person, org) -> bool:
    from gonghui.members.models import Membership

    return Membership.objects.filter(person=person, union__path__startswith=org.path).exists()


def enter_title(*, actor, person, org, level, year, title, conferred_on, conferred_by="") -> ModelWorkerTitle:
    """A title conferred outside the platform, entered by district staff (`honours.register`).
    A title of a year is conferred in that year or early the next: a date outside is a typing
    error. (A conferral on the platform is not held to it: awards take nominations for next year.)"""
    require(actor, REGISTER, org)
    year = _year(year)
    conferred_on = _date(conferred_on, "conferred_on", _("The date of conferral"))
    if not year <= conferred_on.year <= year + 1:
        raise DomainError(_("A title of %(year)s is conferred in %(year)s or early the next year; check the year "
                          "and the date of conferral.") % {"year": year}, code="date_order", field="conferred_on")
    if person is not None and hasattr(person, "model_worker"):
        org = person.model_worker.org  # the entry stays where it is; its union is changed apart
        require(actor, REGISTER, org)
    else:
        _check_union(org)
        if person is not None and not _member_under(person, org):
            raise DomainError(_("The person is not a member of this union or of a union under it."),
                              code="not_member", field="person")
    return add_title(actor=actor, person=person, org=org, level=level, year=year, title=title,
                     conferred_on=conferred_on, conferred_by=conferred_by)


# --- the entry and its story ---------------------------------------------------------------------

@transaction.atomic
def update_worker(*, actor, worker, org, note="") -> ModelWorker:
    """Move the entry to another union (the one that looks after the person now) or change the
    note. Needs `honours.register` on both unions."""
    worker = _lock(worker)
    require(actor, REGISTER, worker.org)
    if org is None:
        raise DomainError(_("Choose the union."), code="required", field="org")
    require(actor, REGISTER, org)
    _check_union(org)
    note = _text(note, "note", _("The note"), required=False, limit=400)
    if org.pk != worker.org_id and not _member_under(worker.person, org):
        raise DomainError(_("The person is not a member of this union or of a union under it."),
                          code="not_member", field="org")
    before = audit.snapshot(worker, fields=["org", "note"])
    worker.org, worker.note = org, note
    worker.save(update_fields=["org", "note", "updated_at"])
    b, a = audit.changed(before, audit.snapshot(worker, fields=["org", "note"]))
    if a:
        audit.record(actor=actor, action="honours.modelworker_edit", obj=worker, org=worker.org, before=b, after=a)
    return worker


@transaction.atomic
def save_story(*, actor, worker, story_title, story) -> ModelWorker:
    """The profile told as an advanced-model story (`honours.change`). A published story that is
    edited stays published with the new text."""
    worker = _lock(worker)
    require(actor, CHANGE, worker.org)
    story_title = _text(story_title, "story_title", _("The story title"), required=False, limit=120)
    story = _text(story, "story", _("The story"), required=False, limit=rules().story_max_chars)
    if worker.story_published and not story:
        raise DomainError(_("A published story cannot be emptied; withdraw it first."), code="story_published",
                          field="story")
    before = audit.snapshot(worker, fields=STORY_FIELDS)
    worker.story_title, worker.story = story_title, story
    worker.save(update_fields=["story_title", "story", "updated_at"])
    b, a = audit.changed(before, audit.snapshot(worker, fields=STORY_FIELDS))
    if a:
        audit.record(actor=actor, action="honours.modelworker_story_edit", obj=worker, org=worker.org,
                     before=b, after=a)
    return worker


@transaction.atomic
def publish_story(*, actor, worker, published_on=None) -> ModelWorker:
    """Publish the story (`honours.register`): it shows on the read-only story page, and the
    publicity module will list it once it exists."""
    worker = _lock(worker)
    require(actor, REGISTER, worker.org)
    if worker.story_published:
        raise DomainError(_("The story is already published."), code="wrong_stage")
    if not worker.story.strip() or not worker.story_title.strip():
        raise DomainError(_("Write the story title and the story before publishing it."), code="story_missing",
                          field="story")
    before = audit.snapshot(worker, fields=["story_published", "story_published_on"])
    worker.story_published, worker.story_published_on = True, published_on or today()
    worker.save(update_fields=["story_published", "story_published_on", "updated_at"])
    audit.record(actor=actor, action="honours.modelworker_story_publish", obj=worker, org=worker.org,
                 before=before, after=audit.snapshot(worker, fields=["story_published", "story_published_on"]))
    return worker


@transaction.atomic
def withdraw_story(*, actor, worker) -> ModelWorker:
    worker = _lock(worker)
    require(actor, REGISTER, worker.org)
    if not worker.story_published:
        raise DomainError(_("The story is not published."), code="wrong_stage")
    before = audit.snapshot(worker, fields=["story_published", "story_published_on"])
    worker.story_published, worker.story_published_on = False, None
    worker.save(update_fields=["story_published", "story_published_on", "updated_at"])
    audit.record(actor=actor, action="honours.modelworker_story_withdraw", obj=worker, org=worker.org,
                 before=before, after=audit.snapshot(worker, fields=["story_published", "story_published_on"]))
    return worker


# --- care ----------------------------------------------------------------------------------------

def _decimal(amount):
    try:
        return decimal.Decimal(str(amount))
    except (decimal.InvalidOperation, ValueError):
        raise DomainError(_("The amount must be a number of yuan."), code="invalid_amount", field="amount") from None


def _amount(kind, amount):
    if kind != ModelWorkerCareKind.SUBSIDY:
        if amount not in (None, "") and _decimal(amount) != 0:
            raise DomainError(_("Only a subsidy has an amount; leave it empty for a health check or a visit."),
                              code="amount_not_allowed", field="amount")
        return None
    if amount in (None, ""):
        raise DomainError(_("A subsidy needs its amount in yuan."), code="required", field="amount")
    amount = _decimal(amount)
    if not amount.is_finite() or amount <= 0:
        raise DomainError(_("The amount must be more than 0 yuan."), code="invalid_amount", field="amount")
    if amount > rules().max_subsidy:
        raise DomainError(_("The amount is more than %(max)s yuan; check it.") % {"max": rules().max_subsidy},
                          code="invalid_amount", field="amount")
    if amount != amount.quantize(decimal.Decimal("0.01")):
        raise DomainError(_("The amount has at most two decimals (fen)."), code="invalid_amount", field="amount")
    return amount


@transaction.atomic
def add_care(*, actor, worker, kind, happened_on, amount=None, description="", handled_by="") -> ModelWorkerCare:
    """One health check, visit or subsidy (`honours.change` on the entry's union)."""
    worker = _lock(worker)
    require(actor, CHANGE, worker.org)
    if kind not in ModelWorkerCareKind.values:
        raise DomainError(_("Choose the kind of care: health check, visit or subsidy."), code="invalid_kind",
                          field="kind")
    happened_on = _date(happened_on, "happened_on", _("The date"))
    if happened_on.year < MIN_YEAR:
        raise DomainError(_("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
                          code="invalid_year", field="happened_on")
    amount = _amount(kind, amount)
    description = _text(description, "description", _("The description"),
                        required=kind == ModelWorkerCareKind.VISIT, limit=400)
    handled_by = _text(handled_by, "handled_by", _("Handled by"), required=False, limit=120)
    # The entry is locked, so a second click of the same form finds the first record here.
    if worker.care_records.filter(kind=kind, happened_on=happened_on, amount=amount,
                                  description=description).exists():
        raise DomainError(_("This care record is already recorded for that day."), code="already_exists",
                          field="happened_on")
    care = ModelWorkerCare(worker=worker, kind=kind, happened_on=happened_on, amount=amount, description=description,
                           handled_by=handled_by, created_by=actor if getattr(actor, "pk", None) else None)
    care.save()
    audit.record(actor=actor, action="honours.modelworker_care_add", obj=worker, org=worker.org,
                 after=audit.snapshot(care, fields=CARE_FIELDS))
    return care


@transaction.atomic
def remove_care(*, actor, care) -> None:
    """Remove a care record entered in error (`honours.register`): kept in the entry's history."""
    worker = _lock(care.worker)
    require(actor, REGISTER, worker.org)
    care = ModelWorkerCare.objects.select_for_update().get(pk=care.pk)
    snap = audit.snapshot(care, fields=CARE_FIELDS)
    care.delete()
    audit.record(actor=actor, action="honours.modelworker_care_remove", obj=worker, org=worker.org,
                 before=snap)


# --- export ---------------------------------------------------------------------------------------

class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Model-worker registry export")


def export_workers(*, actor, filters):
    """(rewound temporary file, rows): the filtered registry the actor may export, audited once
    per top org of the export (object type `honours.ModelWorkerExport`)."""
    import tempfile

    from gonghui.core.excel import XlsxStream
    from gonghui.orgs.models import Org

    from ..selectors.modelworkers import filtered, with_care_years

    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    listed = filtered(actor, filters).values("pk")
    exportable = ModelWorker.objects.visible_to(actor, EXPORT).values("pk")
    year = today().year
    qs = with_care_years(ModelWorker.objects.filter(pk__in=listed).filter(pk__in=exportable), year).order_by(
        "-year", "-id").values_list("person__name", "org__name", "level", "year", "title_count", "last_health_check",
                                    "last_visit", "subsidy_total", "story_published")
    levels = dict(ModelWorkerLevel.choices)
    headers = [_("Name"), _("Union"), _("Highest level"), _("Year"), _("Titles"), _("Last health check"),
               _("Last visit"), _("Subsidies this year (yuan)"), _("Story published")]
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    rows = 0
    try:
        with XlsxStream(handle) as book:
            sheet = book.sheet(_("Model workers"), headers=headers, widths=[12, 30, 16, 6, 6, 12, 12, 14, 8])
            for values in qs.iterator(chunk_size=1000):
                row = list(values)
                row[2] = str(levels.get(row[2], row[2]))
                row[7] = row[7] or decimal.Decimal("0")
                row[8] = _("Yes") if row[8] else _("No")
                sheet.append(row)
                rows += 1
        ref = uuid.uuid4().hex
        places = [filters.org] if filters.org is not None else (
            list(Org.objects.filter(depth=1)) if actor.is_superuser
            else list(Org.objects.filter(path__in=actor.scope_paths(EXPORT))))
        for place in places or [None]:
            audit.record(actor=actor, action="honours.modelworker_export", obj=_ExportRef(ref),
                         object_type="honours.ModelWorkerExport", org=place,
                         after={"filters": {"level": filters.level, "year": filters.year, "care": filters.care,
                                            "q": filters.q}, "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


# --- reminders ------------------------------------------------------------------------------------------

def remind_care(*, on=None) -> int:
    """The daily job: from `rules().care_due_month` on, the union chairs and the town's cadres of
    each union with model workers missing this year's health check or visit are told once a year
    (one notification per union and year: `notify` keys are unique). Returns the number of
    notifications created. Idempotent."""
    from django.urls import reverse

    from gonghui.accounts.selectors import chairs_and_town_cadres
    from gonghui.core.notifications import notify

    from ..selectors.modelworkers import care_stage, care_to_remind

    on = on or today()
    if not care_stage(on):
        return 0
    grouped = care_to_remind(on)
    if not grouped:
        return 0
    recipients = chairs_and_town_cadres(list(grouped))
    url = reverse("honours:modelworker_list") + "?care=missing"
    sent = 0
    for org, entries in grouped.items():
        names = "、".join(w.person.name for w in entries[:20]) + ("…" if len(entries) > 20 else "")
        sent += notify(recipients=recipients.get(org.pk, []), key=f"honours.modelworker_care:{org.pk}:{on.year}",
                       title=_("Model workers' yearly care due: %(org)s") % {"org": org.name},
                       body=_("%(n)s model workers have no health check or no visit recorded in %(year)s: "
                              "%(names)s.") % {"n": len(entries), "year": on.year, "names": names},
                       url=url, org=org)
    return sent
