"""Excel export of the suggestion list: the list page's filters, one row per suggestion, only
what the exporter may export (`innovation.export`). Written with `core.excel.XlsxStream`
(constant memory, every string through `safe_cell`) into a temporary file the response streams
and deletes; one audit row per top org the export covered (object type `innovation.Export`)."""

import tempfile
import uuid

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.core.excel import XlsxStream
from gonghui.core.policies import require
from gonghui.orgs.models import Org

from . import selectors
from .models import Suggestion, SuggestionKind, SuggestionStatus
from .policies import EXPORT
from .rules import grade_label

OBJECT_TYPE = "innovation.Export"


class _ExportRef:
    def __init__(self, ref):
        self.pk = ref

    def __str__(self):
        return _("Suggestion export")


def _export_reach(actor):
    if actor.is_superuser:
        return list(Org.objects.filter(depth=1).order_by("path"))
    return list(Org.objects.filter(path__in=actor.scope_paths(EXPORT)).order_by("path"))


def describe_filters(filters: selectors.SuggestionFilters) -> dict:
    return {"q": filters.q, "kind": filters.kind, "status": filters.status,
            "org": filters.org.pk if filters.org else None, "year": filters.year}


def export_queryset(user, filters: selectors.SuggestionFilters):
    listed = selectors.filtered(user, filters).values("pk")
    exportable = Suggestion.objects.visible_to(user, EXPORT).values("pk")
    return Suggestion.objects.filter(pk__in=listed).filter(pk__in=exportable).order_by("-submitted_on", "-id")


FIELDS = ("kind", "title", "org__name", "enterprise__name", "enterprise__town__name", "submitter_name", "co_authors",
          "submitted_on", "status", "evaluated_on", "total_score", "grade", "decided_on", "decline_reason",
          "implemented_on", "benefit_yuan", "reward_yuan", "reward_paid_on", "reward_recipients")


def _label(name):
    return capfirst(Suggestion._meta.get_field(name).verbose_name)


def headers():
    return [_label("kind"), _label("title"), _label("org"), _label("enterprise"), _("Town"), _label("submitter_name"),
            _label("co_authors"), _label("submitted_on"), _label("status"), _label("evaluated_on"),
            _label("total_score"), _label("grade"), _label("decided_on"), _label("decline_reason"),
            _label("implemented_on"), _label("benefit_yuan"), _label("reward_yuan"), _label("reward_paid_on"),
            _label("reward_recipients")]


WIDTHS = [18, 36, 26, 30, 16, 12, 20, 12, 12, 12, 8, 14, 12, 24, 12, 14, 12, 12, 24]


def write_suggestions(target, qs) -> int:
    kinds = {code: str(label) for code, label in SuggestionKind.choices}
    statuses = {code: str(label) for code, label in SuggestionStatus.choices}
    rows = 0
    with XlsxStream(target) as book:
        sheet = book.sheet(_("Suggestions"), headers=headers(), widths=WIDTHS)
        for values in qs.values_list(*FIELDS).iterator(chunk_size=1000):
            row = list(values)
            row[0] = kinds.get(row[0], row[0])
            row[8] = statuses.get(row[8], row[8])
            row[11] = grade_label(row[11]) if row[11] else ""
            row[15] = float(row[15]) if row[15] is not None else None
            row[16] = float(row[16]) if row[16] is not None else None
            sheet.append(row)
            rows += 1
    return rows


def export_suggestions(*, actor, filters: selectors.SuggestionFilters):
    """(rewound temporary file, rows): the filtered list the actor may export, audited."""
    require(actor, EXPORT, filters.org) if filters.org else require(actor, EXPORT)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — the response closes it
    try:
        rows = write_suggestions(handle, export_queryset(actor, filters))
        ref = uuid.uuid4().hex
        for place in [filters.org] if filters.org is not None else (_export_reach(actor) or [None]):
            audit.record(actor=actor, action="innovation.export", obj=_ExportRef(ref), object_type=OBJECT_TYPE,
                         org=place, after={"filters": describe_filters(filters), "rows": rows})
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows


def filename(now=None):
    return f"suggestions-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"
