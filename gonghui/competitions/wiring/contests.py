ACTION_CODES = (
    "competitions.contest_trade_add", "competitions.contest_trade_edit", "competitions.contest_create",
    "competitions.contest_edit", "competitions.contest_open", "competitions.contest_close",
    "competitions.contest_cancel", "competitions.contest_register", "competitions.contest_withdraw",
    "competitions.contest_scores", "competitions.contest_publish", "competitions.contest_certificate",
    "competitions.contest_export",
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
        "competitions.contest_trade_add": pgettext_lazy("audit action", "Contest trade added"),
        "competitions.contest_trade_edit": pgettext_lazy("audit action", "Contest trade changed"),
        "competitions.contest_create": pgettext_lazy("audit action", "Skills contest set up"),
        "competitions.contest_edit": pgettext_lazy("audit action", "Skills contest changed"),
        "competitions.contest_open": pgettext_lazy("audit action", "Skills contest registration opened"),
        "competitions.contest_close": pgettext_lazy("audit action", "Skills contest registration closed"),
        "competitions.contest_cancel": pgettext_lazy("audit action", "Skills contest cancelled"),
        "competitions.contest_register": pgettext_lazy("audit action", "Worker registered for a skills contest"),
        "competitions.contest_withdraw": pgettext_lazy("audit action", "Worker withdrawn from a skills contest"),
        "competitions.contest_scores": pgettext_lazy("audit action", "Skills contest scores recorded"),
        "competitions.contest_publish": pgettext_lazy("audit action", "Skills contest results published"),
        "competitions.contest_certificate": pgettext_lazy("audit action", "Skills contest certificate issued"),
        "competitions.contest_export": pgettext_lazy("audit action", "Skills contests exported"),
    }, group=_("Skills contests"))
    register_object_labels({"competitions.ContestExport": _("Skills contest export")})
    register_field_labels("competitions.SkillContest", {"scores": _("scores"), "ranked": _("ranked"),
                                                        "winners": _("ranks honoured")})
    register_field_labels("competitions.ContestEntry", {"reason": _("reason")})
    register_name_fields({"competitions.SkillContest": "name", "competitions.ContestEntry": "person_name",
                          "competitions.ContestTrade": "name"})

    from ..selectors.contests import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
