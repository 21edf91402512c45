ACTION_CODES = (
    "welfare.campaign_create", "welfare.campaign_update", "welfare.campaign_open", "welfare.campaign_close",
    "welfare.campaign_budget", "welfare.campaign_apply", "welfare.campaign_submit", "welfare.campaign_review",
    "welfare.campaign_approve", "welfare.campaign_reject", "welfare.campaign_withdraw", "welfare.campaign_pay",
    "welfare.campaign_goods", "welfare.campaign_export", "welfare.campaign_payments_export",
    "welfare.campaign_goods_export", "welfare.campaign_list_export",
)


def ready():
    """Registrations of this area: the member page, audit labels, the due-soon source."""
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
    from gonghui.core.member_pages import register_member_page

    register_member_page("welfare:my_applications", _("My applications for help"),
                         _("Seasonal campaigns (金秋助学, 平安返乡…) open to me, my applications and payments"),
                         order=60)
    register_action_labels({
        "welfare.campaign_create": pgettext_lazy("audit action", "Campaign created"),
        "welfare.campaign_update": pgettext_lazy("audit action", "Campaign changed"),
        "welfare.campaign_open": pgettext_lazy("audit action", "Campaign opened"),
        "welfare.campaign_close": pgettext_lazy("audit action", "Campaign closed"),
        "welfare.campaign_budget": pgettext_lazy("audit action", "Campaign budget allocated"),
        "welfare.campaign_apply": pgettext_lazy("audit action", "Campaign application made"),
        "welfare.campaign_submit": pgettext_lazy("audit action", "Campaign application submitted"),
        "welfare.campaign_review": pgettext_lazy("audit action", "Campaign application reviewed by the town"),
        "welfare.campaign_approve": pgettext_lazy("audit action", "Campaign application approved"),
        "welfare.campaign_reject": pgettext_lazy("audit action", "Campaign application rejected"),
        "welfare.campaign_withdraw": pgettext_lazy("audit action", "Campaign application withdrawn"),
        "welfare.campaign_pay": pgettext_lazy("audit action", "Campaign payment recorded"),
        "welfare.campaign_goods": pgettext_lazy("audit action", "Campaign goods handed out"),
        "welfare.campaign_export": pgettext_lazy("audit action", "Campaign applications exported"),
        "welfare.campaign_payments_export": pgettext_lazy("audit action", "Campaign payments exported"),
        "welfare.campaign_goods_export": pgettext_lazy("audit action", "Campaign goods exported"),
        "welfare.campaign_list_export": pgettext_lazy("audit action", "Campaigns exported"),
    }, group=_("Welfare and assistance"))
    register_object_labels({
        "welfare.CampaignApplicationExport": _("Campaign applications export"),
        "welfare.CampaignPaymentExport": _("Campaign payments export"),
        "welfare.GoodsDistributionExport": _("Campaign goods export"),
        "welfare.CampaignExport": _("Campaigns export"),
    })
    register_name_fields({"welfare.Campaign": "title", "welfare.CampaignApplication": "number"})
    register_field_labels("welfare.CampaignApplication", {
        "person": _("applicant"), "campaign": _("campaign"), "channel": _("applied through"),
        "payment": _("payment"), "paid": _("amount paid"), "method": _("method"), "goods": _("goods"),
        "budget_id": _("budget"), "budget_org": _("budget"), "paid_on": _("paid on"), "reference": _("reference"),
    })
    register_value_fields("welfare.CampaignApplication", {"budget_org": "welfare.CampaignBudget.org",
                                                          "method": "welfare.CampaignPayment.method"})
    register_field_labels("welfare.CampaignBudget", {"org": _("organisation"), "allocated": _("allocated (yuan)")})
    register_field_labels("welfare.GoodsDistribution", {"campaign": _("campaign"),
                                                        "site": pgettext_lazy("campaign goods", "site")})

    from ..selectors.campaigns import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
