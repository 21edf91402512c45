"""Registrations of the `intake` area: audit labels and the member's phone page."""

ACTION_CODES = ("voice.appeal_submit", "voice.appeal_withdraw", "voice.appeal_rate", "voice.appeal_reopen")


def ready():
    """Audit labels, due-soon sources, member pages, tasks of this area."""
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from gonghui.core.audit_labels import register_action_labels
    from gonghui.core.member_pages import register_member_page

    register_action_labels({
        "voice.appeal_submit": pgettext_lazy("audit action", "Appeal received"),
        "voice.appeal_withdraw": pgettext_lazy("audit action", "Appeal withdrawn by the worker"),
        "voice.appeal_rate": pgettext_lazy("audit action", "Appeal rated by the worker"),
        "voice.appeal_reopen": pgettext_lazy("audit action", "Appeal re-opened by the worker"),
    }, group=_("Workers' voice"))
    register_member_page("voice:my_appeals", _("My appeals"),
                         _("Ask the union for help and follow the answer."), order=60)
