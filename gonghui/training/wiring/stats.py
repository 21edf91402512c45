ACTION_CODES = ("training.target_set", "training.stats_export")


def ready():
    """Registrations of this area: audit labels, due-soon sources, tasks."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels, register_field_labels, register_object_labels

    register_action_labels({
        "training.target_set": pgettext_lazy("audit action", "Training target set"),
        "training.stats_export": pgettext_lazy("audit action", "Training statistics exported"),
    }, group=_("Training"))
    register_object_labels({"training.StatsExport": _("Training statistics export")})
    register_field_labels("training.TrainingTarget", {
        "org": _("organisation"), "year": _("year"), "trainees": _("trainees target"),
        "person_times": _("person-times target"), "hours": _("class hours target"), "note": _("note"),
    })
