ACTION_CODES = (
    "services.merchant_create", "services.merchant_update", "services.merchant_suspend", "services.merchant_resume",
    "services.merchant_expire", "services.merchant_pin", "services.merchant_export", "services.offer_create",
    "services.offer_update", "services.offer_withdraw", "services.offer_reinstate", "services.offer_export",
    "services.redemption_create", "services.redemption_export",
)


def ready():
    """Registrations of this area: audit labels, the due-soon source, the member page."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import (
        register_action_labels,
        register_field_labels,
        register_name_fields,
        register_object_labels,
    )
    from gonghui.core.dashboard import register_due_source
    from gonghui.core.member_pages import register_member_page

    register_action_labels({
        "services.merchant_create": pgettext_lazy("audit action", "Partner merchant signed"),
        "services.merchant_update": pgettext_lazy("audit action", "Partner merchant edited"),
        "services.merchant_suspend": pgettext_lazy("audit action", "Partner merchant suspended"),
        "services.merchant_resume": pgettext_lazy("audit action", "Partner merchant resumed"),
        "services.merchant_expire": pgettext_lazy("audit action", "Partner merchant agreement ended"),
        "services.merchant_pin": pgettext_lazy("audit action", "Merchant PIN set"),
        "services.merchant_export": pgettext_lazy("audit action", "Partner merchants exported"),
        "services.offer_create": pgettext_lazy("audit action", "Offer added"),
        "services.offer_update": pgettext_lazy("audit action", "Offer edited"),
        "services.offer_withdraw": pgettext_lazy("audit action", "Offer withdrawn"),
        "services.offer_reinstate": pgettext_lazy("audit action", "Offer reinstated"),
        "services.offer_export": pgettext_lazy("audit action", "Offers exported"),
        "services.redemption_create": pgettext_lazy("audit action", "Offer redeemed"),
        "services.redemption_export": pgettext_lazy("audit action", "Redemptions exported"),
    }, group=_("Worker services"))
    register_object_labels({"services.MerchantExport": _("Partner merchants export"),
                            "services.OfferExport": _("Offers export"),
                            "services.RedemptionExport": _("Redemptions export")})
    register_field_labels("services.Merchant", {"org": _("signed by"), "reason": _("reason"),
                                                "pin_set": _("PIN set"), "code": _("merchant code")})
    register_field_labels("services.Offer", {"merchant": _("merchant"), "reason": _("reason")})
    register_field_labels("services.Redemption", {"merchant": _("merchant"), "offer": _("offer"),
                                                  "person": _("member"), "union": _("union")})
    register_name_fields({"services.Merchant": "name", "services.Offer": "title"})

    from ..selectors.benefits import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)

    from ..tasks import benefits as _tasks  # noqa: F401 — registers expire_merchant_agreements_task

    register_member_page("services:my_card", _("My member e-card"),
                         _("Show the QR code at partner merchants; offers open to you."), order=40)
