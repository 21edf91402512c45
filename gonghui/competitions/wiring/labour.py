ACTION_CODES = (
    "competitions.labour_create", "competitions.labour_edit", "competitions.labour_criteria",
    "competitions.labour_team_add", "competitions.labour_team_remove", "competitions.labour_start",
    "competitions.labour_cancel", "competitions.labour_finish", "competitions.labour_round_open",
    "competitions.labour_scores", "competitions.labour_round_close", "competitions.labour_evidence_add",
    "competitions.labour_evidence_remove", "competitions.labour_award", "competitions.labour_export",
)


def ready():
    """Registrations of this area: audit labels, due-soon sources."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.dashboard import register_due_source

    register_action_labels({
        "competitions.labour_create": pgettext_lazy("audit action", "Labour competition created"),
        "competitions.labour_edit": pgettext_lazy("audit action", "Labour competition changed"),
        "competitions.labour_criteria": pgettext_lazy("audit action", "Labour competition criteria and weights set"),
        "competitions.labour_team_add": pgettext_lazy("audit action", "Labour competition team added"),
        "competitions.labour_team_remove": pgettext_lazy("audit action", "Labour competition team removed"),
        "competitions.labour_start": pgettext_lazy("audit action", "Labour competition started"),
        "competitions.labour_cancel": pgettext_lazy("audit action", "Labour competition cancelled"),
        "competitions.labour_finish": pgettext_lazy("audit action", "Labour competition finished, ranking "
                                                                    "published"),
        "competitions.labour_round_open": pgettext_lazy("audit action", "Scoring round opened"),
        "competitions.labour_scores": pgettext_lazy("audit action", "Judge's scores recorded"),
        "competitions.labour_round_close": pgettext_lazy("audit action", "Scoring round closed"),
        "competitions.labour_evidence_add": pgettext_lazy("audit action", "Competition evidence uploaded"),
        "competitions.labour_evidence_remove": pgettext_lazy("audit action", "Competition evidence removed"),
        "competitions.labour_award": pgettext_lazy("audit action", "Labour competition award (立功) conferred"),
        "competitions.labour_export": pgettext_lazy("audit action", "Labour competitions exported"),
    }, group=_("Labour competitions"))
    register_object_labels({"competitions.LabourExport": _("Labour competitions export")})
    register_field_labels("competitions.LabourCompetition", {
        "criteria": _("criteria"), "team": _("team"), "union": _("union"), "kind": _("kind"), "round": _("round"),
        "label": _("period"), "judges": _("judges"), "judge": _("judge"), "scores": _("scores"),
        "results": _("results"), "file": _("file"), "size": _("size (bytes)"), "person": _("person"),
        "title": _("recognition"), "conferred_on": _("conferred on")})
    register_name_fields({"competitions.LabourCompetition": "name"})

    from ..selectors.labour import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
