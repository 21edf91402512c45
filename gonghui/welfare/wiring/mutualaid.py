ACTION_CODES = (
    "welfare.mutualaid_plan_create", "welfare.mutualaid_plan_update", "welfare.mutualaid_plan_open",
    "welfare.mutualaid_plan_close", "welfare.mutualaid_plan_export", "welfare.mutualaid_enrol",
    "welfare.mutualaid_enrol_add", "welfare.mutualaid_enrol_remove", "welfare.mutualaid_enrol_cancel",
    "welfare.mutualaid_enrol_pay", "welfare.mutualaid_enrolment_export", "welfare.mutualaid_claim_create",
    "welfare.mutualaid_claim_document_add", "welfare.mutualaid_claim_document_remove",
    "welfare.mutualaid_claim_submit", "welfare.mutualaid_claim_withdraw", "welfare.mutualaid_claim_review",
    "welfare.mutualaid_claim_reject", "welfare.mutualaid_claim_approve", "welfare.mutualaid_claim_pay",
    "welfare.mutualaid_claim_export", "welfare.mutualaid_claim_update", "welfare.mutualaid_claim_send",
    "welfare.mutualaid_claim_return",
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

    register_member_page("welfare:my_mutual_aid", _("My mutual aid"),
                         _("Medical mutual aid: my coverage, apply for a claim, payouts"), order=60)
    register_action_labels({
        "welfare.mutualaid_plan_create": pgettext_lazy("audit action", "Mutual aid plan created"),
        "welfare.mutualaid_plan_update": pgettext_lazy("audit action", "Mutual aid plan changed"),
        "welfare.mutualaid_plan_open": pgettext_lazy("audit action", "Mutual aid plan opened"),
        "welfare.mutualaid_plan_close": pgettext_lazy("audit action", "Mutual aid plan closed"),
        "welfare.mutualaid_plan_export": pgettext_lazy("audit action", "Mutual aid plans exported"),
        "welfare.mutualaid_enrol": pgettext_lazy("audit action", "Members enrolled in mutual aid"),
        "welfare.mutualaid_enrol_add": pgettext_lazy("audit action", "Members added to a mutual aid batch"),
        "welfare.mutualaid_enrol_remove": pgettext_lazy("audit action", "Member removed from a mutual aid batch"),
        "welfare.mutualaid_enrol_cancel": pgettext_lazy("audit action", "Mutual aid batch cancelled"),
        "welfare.mutualaid_enrol_pay": pgettext_lazy("audit action", "Mutual aid premium paid"),
        "welfare.mutualaid_enrolment_export": pgettext_lazy("audit action", "Mutual aid enrolments exported"),
        "welfare.mutualaid_claim_create": pgettext_lazy("audit action", "Mutual aid claim created"),
        "welfare.mutualaid_claim_document_add": pgettext_lazy("audit action", "Claim document uploaded"),
        "welfare.mutualaid_claim_document_remove": pgettext_lazy("audit action", "Claim document removed"),
        "welfare.mutualaid_claim_submit": pgettext_lazy("audit action", "Mutual aid claim submitted"),
        "welfare.mutualaid_claim_withdraw": pgettext_lazy("audit action", "Mutual aid claim withdrawn"),
        "welfare.mutualaid_claim_review": pgettext_lazy("audit action", "Mutual aid claim reviewed by the town"),
        "welfare.mutualaid_claim_reject": pgettext_lazy("audit action", "Mutual aid claim rejected"),
        "welfare.mutualaid_claim_approve": pgettext_lazy("audit action", "Mutual aid claim approved"),
        "welfare.mutualaid_claim_pay": pgettext_lazy("audit action", "Mutual aid payout recorded"),
        "welfare.mutualaid_claim_export": pgettext_lazy("audit action", "Mutual aid claims exported"),
        "welfare.mutualaid_claim_update": pgettext_lazy("audit action", "Mutual aid claim corrected by the member"),
        "welfare.mutualaid_claim_send": pgettext_lazy("audit action", "Mutual aid claim sent to the union by the "
                                                                      "member"),
        "welfare.mutualaid_claim_return": pgettext_lazy("audit action", "Mutual aid claim returned to the member"),
    }, group=_("Welfare and assistance"))
    register_object_labels({"welfare.MutualAidPlanExport": _("Mutual aid plans export"),
                            "welfare.MutualAidEnrolmentExport": _("Mutual aid enrolments export"),
                            "welfare.MutualAidClaimExport": _("Mutual aid claims export")})
    register_field_labels("welfare.MutualAidEnrolment", {"plan": _("plan"), "person_names": _("members enrolled"),
                                                         "person": _("worker")})
    register_field_labels("welfare.MutualAidClaim", {"person": _("worker"), "file": _("file"), "size": _("size"),
                                                     "cut": _("cut to the cap"), "amount": _("amount"),
                                                     "paid_on": _("paid on"), "reference": _("payment reference"),
                                                     "by_member": _("by the member"),
                                                     "sent_by_member_at": _("sent by the member at"),
                                                     "again": _("sent again"),
                                                     "return_reason": _("reason for returning it to the member")})
    # The id of the person removed from a batch reads as the person's name.
    register_value_fields("welfare.MutualAidEnrolment", {"person": "welfare.MutualAidClaim.person"})
    register_name_fields({"welfare.MutualAidClaim": "number", "welfare.MutualAidPlan": "name",
                          "welfare.MutualAidEnrolment": "union__name"})

    from ..selectors.mutualaid import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
