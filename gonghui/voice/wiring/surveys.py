"""Registrations of the `surveys` area."""

ACTION_CODES = ("voice.survey_create", "voice.survey_update", "voice.survey_question_add",
                "voice.survey_question_remove", "voice.survey_question_move", "voice.survey_open",
                "voice.survey_close", "voice.survey_respond", "voice.survey_export", "voice.survey_list_export")


def ready():
    """Audit labels, member pages of this area."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
        register_value_fields,
    )
    from gonghui.core.member_pages import register_member_page

    register_member_page("voice:my_surveys", _("My surveys"),
                         _("晴雨表: the surveys addressed to me that are open now"), order=62)
    register_action_labels({
        "voice.survey_create": pgettext_lazy("audit action", "Survey created"),
        "voice.survey_update": pgettext_lazy("audit action", "Survey changed"),
        "voice.survey_question_add": pgettext_lazy("audit action", "Survey question added"),
        "voice.survey_question_remove": pgettext_lazy("audit action", "Survey question removed"),
        "voice.survey_question_move": pgettext_lazy("audit action", "Survey question moved"),
        "voice.survey_open": pgettext_lazy("audit action", "Survey opened"),
        "voice.survey_close": pgettext_lazy("audit action", "Survey closed"),
        "voice.survey_respond": pgettext_lazy("audit action", "Survey answered"),
        "voice.survey_export": pgettext_lazy("audit action", "Survey answers exported"),
        "voice.survey_list_export": pgettext_lazy("audit action", "Surveys list exported"),
    }, group=_("Workers' voice"))
    register_object_labels({"voice.SurveyExport": _("Surveys list export")})
    register_field_labels("voice.Survey", {
        "question": _("question"), "kind": _("kind of question"), "options": _("options"), "scale_max": _("scale"),
        "position": pgettext_lazy("survey question", "position"), "respondent_no": _("respondent no."),
        "rows": _("rows"),
        "target_orgs": _("targeted organisations"), "org": pgettext_lazy("survey", "owner"),
        "audience": pgettext_lazy("survey", "audience")})
    register_value_fields("voice.Survey", {"kind": "voice.Question.kind"})
    register_name_fields({"voice.Survey": "title"})
