ACTION_CODES = (
    "honours.award_type_add", "honours.award_type_edit", "honours.award_quota_set", "honours.award_nominate",
    "honours.award_town_forward", "honours.award_town_reject", "honours.award_notice_start",
    "honours.award_district_reject", "honours.award_objection_add", "honours.award_objection_decide",
    "honours.award_confer", "honours.award_withdraw", "honours.award_export", "honours.record_add",
    "honours.record_export",
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
        "honours.award_type_add": pgettext_lazy("audit action", "Award type added"),
        "honours.award_type_edit": pgettext_lazy("audit action", "Award type changed"),
        "honours.award_quota_set": pgettext_lazy("audit action", "Nomination quota set"),
        "honours.award_nominate": pgettext_lazy("audit action", "Honour nomination submitted"),
        "honours.award_town_forward": pgettext_lazy("audit action", "Honour nomination forwarded by the town"),
        "honours.award_town_reject": pgettext_lazy("audit action", "Honour nomination rejected by the town"),
        "honours.award_notice_start": pgettext_lazy("audit action", "Honour nomination approved by the district; "
                                                                    "public notice started"),
        "honours.award_district_reject": pgettext_lazy("audit action", "Honour nomination rejected by the "
                                                                       "district"),
        "honours.award_objection_add": pgettext_lazy("audit action", "Objection to a nomination received"),
        "honours.award_objection_decide": pgettext_lazy("audit action", "Objection to a nomination decided"),
        "honours.award_confer": pgettext_lazy("audit action", "Award conferred"),
        "honours.award_withdraw": pgettext_lazy("audit action", "Honour nomination withdrawn"),
        "honours.award_export": pgettext_lazy("audit action", "Honour nominations exported"),
        "honours.record_add": pgettext_lazy("audit action", "Honour recorded"),
        "honours.record_export": pgettext_lazy("audit action", "Honour records exported"),
    }, group=_("Honours"))
    register_object_labels({"honours.NominationExport": _("Nominations export"),
                            "honours.RecordExport": _("Honour records export")})
    register_field_labels("honours.HonourNomination", {
        "objection": _("objection"), "decision": _("decision"), "note": _("finding"), "content": _("objection"),
        "objector": _("raised by"), "received_on": _("received on"), "quota": _("quota"),
        "places_used": _("places used"), "record": _("honour record")})
    register_field_labels("honours.HonourQuota", {"honour_type": _("award type"), "places": _("places"),
                                                  "year": _("year")})
    register_name_fields({"honours.HonourType": "name",
                          "honours.HonourRecord": "title"})

    from ..selectors.awards import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
