ACTION_CODES = ("welfare.help_record", "welfare.hardship_create", "welfare.hardship_household_add",
                "welfare.hardship_income_add", "welfare.hardship_cost_add", "welfare.hardship_household_remove",
                "welfare.hardship_income_remove", "welfare.hardship_cost_remove", "welfare.hardship_submit",
                "welfare.hardship_review", "welfare.hardship_yearly_review", "welfare.hardship_exit",
                "welfare.hardship_reveal", "welfare.hardship_export")


def ready():
    """Registrations of this area: audit labels, due-soon sources, tasks."""
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
        "welfare.help_record": pgettext_lazy("audit action", "Help recorded"),
        "welfare.hardship_create": pgettext_lazy("audit action", "Hardship file opened"),
        "welfare.hardship_household_add": pgettext_lazy("audit action", "Household member added to a hardship file"),
        "welfare.hardship_income_add": pgettext_lazy("audit action", "Income line added to a hardship file"),
        "welfare.hardship_cost_add": pgettext_lazy("audit action", "Cost line added to a hardship file"),
        "welfare.hardship_household_remove": pgettext_lazy("audit action",
                                                           "Household member removed from a hardship file"),
        "welfare.hardship_income_remove": pgettext_lazy("audit action", "Income line removed from a hardship file"),
        "welfare.hardship_cost_remove": pgettext_lazy("audit action", "Cost line removed from a hardship file"),
        "welfare.hardship_submit": pgettext_lazy("audit action", "Hardship file submitted to the town"),
        "welfare.hardship_review": pgettext_lazy("audit action", "Hardship file reviewed"),
        "welfare.hardship_yearly_review": pgettext_lazy("audit action", "Hardship file: yearly review"),
        "welfare.hardship_exit": pgettext_lazy("audit action", "Hardship file exited"),
        "welfare.hardship_reveal": pgettext_lazy("audit action", "Hardship file's household and income viewed"),
        "welfare.hardship_export": pgettext_lazy("audit action", "Hardship files exported"),
    }, group=_("Welfare and assistance"))
    register_object_labels({"welfare.HardshipExport": _("Hardship files export")})
    register_field_labels("welfare.HardshipFile", {
        "number": _("file number"), "person": _("worker"), "org": _("union"), "decision": _("decision"),
        "outcome": _("outcome"), "relation": _("relation"), "kind": _("kind"), "fields": _("fields shown"),
        "household_size": _("household size"), "computed_category": _("category by the calculator"),
        "exit_kind": _("exit"), "income_kind": _("income kind"), "cost_kind": _("cost kind")})
    # Codes in the trail read as their labels (a choice by its label, never its code).
    register_value_fields("welfare.HardshipFile", {
        "decision": "welfare.HardshipReview.outcome", "outcome": "welfare.HardshipReview.outcome",
        "relation": "welfare.HouseholdMember.relation", "income_kind": "welfare.IncomeLine.kind",
        "cost_kind": "welfare.CostLine.kind"})
    register_field_labels("welfare.HelpRecord", {
        "person": _("worker"), "file": _("hardship file"), "org": _("given by"), "kind": _("kind"),
        "source_label": _("source"), "amount": _("amount (yuan)"), "goods": _("goods"), "given_on": _("given on")})
    register_name_fields({"welfare.HardshipFile": "number"})

    from ..selectors.hardship import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
