ACTION_CODES = (
    "honours.modelworker_register", "honours.modelworker_title_add", "honours.modelworker_level",
    "honours.modelworker_edit", "honours.modelworker_story_edit", "honours.modelworker_story_publish",
    "honours.modelworker_story_withdraw", "honours.modelworker_care_add", "honours.modelworker_care_remove",
    "honours.modelworker_export",
)


def ready():
    """Registrations of this area: audit labels, due-soon sources, the yearly-care reminder task."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
        register_value_fields,
    )
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "honours.modelworker_register": pgettext_lazy("audit action", "Added to the model-worker registry"),
        "honours.modelworker_title_add": pgettext_lazy("audit action", "Model-worker title added"),
        "honours.modelworker_level": pgettext_lazy("audit action", "Model worker's highest level raised"),
        "honours.modelworker_edit": pgettext_lazy("audit action", "Model-worker registry entry changed"),
        "honours.modelworker_story_edit": pgettext_lazy("audit action", "Model worker's story edited"),
        "honours.modelworker_story_publish": pgettext_lazy("audit action", "Model worker's story published"),
        "honours.modelworker_story_withdraw": pgettext_lazy("audit action", "Model worker's story withdrawn"),
        "honours.modelworker_care_add": pgettext_lazy("audit action", "Model-worker care recorded"),
        "honours.modelworker_care_remove": pgettext_lazy("audit action", "Model-worker care record removed"),
        "honours.modelworker_export": pgettext_lazy("audit action", "Model-worker registry exported"),
    }, group=_("Honours and model workers"))
    register_object_labels({"honours.ModelWorkerExport": _("Model-worker registry export")})
    # A title's or a care record's own fields are recorded on the entry (its history shows them).
    own = {"title": "honours.ModelWorkerTitle.title", "conferred_on": "honours.ModelWorkerTitle.conferred_on",
           "conferred_by": "honours.ModelWorkerTitle.conferred_by", "kind": "honours.ModelWorkerCare.kind",
           "happened_on": "honours.ModelWorkerCare.happened_on", "amount": "honours.ModelWorkerCare.amount",
           "description": "honours.ModelWorkerCare.description", "handled_by": "honours.ModelWorkerCare.handled_by"}
    register_value_fields("honours.ModelWorker", own)
    register_field_labels("honours.ModelWorker", {
        "title": pgettext_lazy("model worker title", "title"), "conferred_on": _("conferred on"),
        "conferred_by": _("conferred by"), "source_key": _("conferred on the platform by"),
        "kind": pgettext_lazy("model worker care", "kind"), "happened_on": _("date"), "amount": _("amount (yuan)"),
        "description": _("description"), "handled_by": _("handled by")})
    register_name_fields({"honours.ModelWorker": "person__name"})

    from ..selectors.modelworkers import DUE_SOURCES
    from ..tasks import modelworkers as _tasks  # noqa: F401 — registers remind_model_worker_care_task

    for source in DUE_SOURCES:
        register_due_source(source)
