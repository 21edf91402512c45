from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BargainingConfig(AppConfig):
    name = "gonghui.bargaining"
    label = "bargaining"
    verbose_name = _("Collective wage negotiation")

    def ready(self):
        from gonghui.core.audit_labels import (
            register_action_labels,
            register_field_labels,
            register_object_labels,
        )

        register_action_labels({
            "bargaining.offer": pgettext_lazy("audit action", "Wage negotiation offer recorded"),
            "bargaining.update_offer": pgettext_lazy("audit action", "Negotiation parties or coverage changed"),
            "bargaining.reply": pgettext_lazy("audit action", "Reply to the offer recorded"),
            "bargaining.schedule": pgettext_lazy("audit action", "First meeting scheduled"),
            "bargaining.data": pgettext_lazy("audit action", "Wage data provided"),
            "bargaining.representatives": pgettext_lazy("audit action", "Representatives named"),
            "bargaining.round": pgettext_lazy("audit action", "Round of talks recorded"),
            "bargaining.terms": pgettext_lazy("audit action", "Agreement terms changed"),
            "bargaining.vote": pgettext_lazy("audit action", "Vote on the draft recorded"),
            "bargaining.sign": pgettext_lazy("audit action", "Agreement signed"),
            "bargaining.attach": pgettext_lazy("audit action", "Signed agreement file attached"),
            "bargaining.file": pgettext_lazy("audit action", "Agreement filed with the labour bureau"),
            "bargaining.objection": pgettext_lazy("audit action", "Labour bureau objection recorded"),
            "bargaining.effective": pgettext_lazy("audit action", "Agreement took effect"),
            "bargaining.publish": pgettext_lazy("audit action", "Agreement published to staff"),
            "bargaining.cancel": pgettext_lazy("audit action", "Negotiation cancelled"),
            "bargaining.staff_request": pgettext_lazy("audit action", "Staff request for negotiation recorded"),
            "bargaining.import": pgettext_lazy("audit action", "Wage agreements imported"),
            "bargaining.export": pgettext_lazy("audit action", "Wage agreements exported"),
        }, group=_("Collective wage negotiation"))
        register_field_labels("bargaining.WageAgreement", {
            "coverage": _("enterprises covered"),
            "union_side": _("workers' side"),
            "employer_side": _("employer side"),
            "round": _("round"),
            "held_on": _("held on"),
            "chaired_by": _("chaired by"),
            "vote": _("vote"),
        })
        from gonghui.core import workdays
        from gonghui.core.dashboard import register_due_source

        from .tasks import refresh_deadlines_task

        # Working-day deadlines move when the district enters a year's holidays.
        workdays.on_calendar_change(refresh_deadlines_task.delay)

        from .selectors import due_summary

        register_due_source(due_summary)
        # An export has no model row; its audit rows use this object type.
        register_object_labels({"bargaining.Export": _("Wage agreement export")})
        register_field_labels("bargaining.Export", {"report": _("report"), "filters": _("filters"),
                                                    "rows": _("rows exported"), "on": _("as at"),
                                                    "org": _("organisation")})
