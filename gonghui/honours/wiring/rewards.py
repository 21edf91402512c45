ACTION_CODES = (
    "honours.reward_create", "honours.reward_edit", "honours.reward_scan", "honours.reward_submit",
    "honours.reward_withdraw", "honours.reward_town_pass", "honours.reward_return", "honours.reward_reject",
    "honours.reward_approve", "honours.reward_batch_pay", "honours.reward_pay", "honours.reward_export",
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
        "honours.reward_create": pgettext_lazy("audit action", "Skill training reward claim created"),
        "honours.reward_edit": pgettext_lazy("audit action", "Skill training reward claim corrected"),
        "honours.reward_scan": pgettext_lazy("audit action", "Certificate scan uploaded"),
        "honours.reward_submit": pgettext_lazy("audit action", "Skill training reward claim submitted"),
        "honours.reward_withdraw": pgettext_lazy("audit action", "Skill training reward claim withdrawn"),
        "honours.reward_town_pass": pgettext_lazy("audit action", "Skill training reward claim passed on by the "
                                                                  "town"),
        "honours.reward_return": pgettext_lazy("audit action", "Skill training reward claim returned to the union"),
        "honours.reward_reject": pgettext_lazy("audit action", "Skill training reward claim refused"),
        "honours.reward_approve": pgettext_lazy("audit action", "Skill training reward claim approved"),
        "honours.reward_batch_pay": pgettext_lazy("audit action", "Skill training reward payment recorded"),
        "honours.reward_pay": pgettext_lazy("audit action", "Skill training reward paid"),
        "honours.reward_export": pgettext_lazy("audit action", "Skill training rewards exported"),
    }, group=_("Honours and model workers"))
    register_object_labels({"honours.RewardExport": _("Skill training rewards export")})
    register_field_labels("honours.SkillRewardClaim", {
        "person": _("worker"), "file": _("file"), "size": _("size (bytes)"), "reason": _("reason"),
        "batch": _("payment batch")})
    register_field_labels("honours.SkillRewardBatch", {"claims": _("claims"), "total": _("total (yuan)"),
                                                       "reference": _("payment reference")})
    register_name_fields({"honours.SkillRewardClaim": "person_name", "honours.SkillRewardBatch": "reference"})

    from ..selectors.rewards import DUE_SOURCES

    for source in DUE_SOURCES:
        register_due_source(source)
