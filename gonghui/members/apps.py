from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        # Words for this app's audit codes (gonghui/core/audit_labels.py): core cannot import us.
        from gonghui.core.audit_labels import (
            register_action_labels,
            register_field_labels,
            register_name_fields,
            register_object_labels,
        )

        register_action_labels({
            "members.person.create": pgettext_lazy("audit action", "Person registered"),
            "members.person.update": pgettext_lazy("audit action", "Personal details changed"),
            "members.person.reveal_pii": pgettext_lazy("audit action", "Full ID number and phone viewed"),
            "members.person.skill_level": pgettext_lazy("audit action", "Skill level changed"),
            "members.person.link_account": pgettext_lazy("audit action", "Member portal account linked"),
            "members.membership.create": pgettext_lazy("audit action", "Member joined"),
            "members.membership.end": pgettext_lazy("audit action", "Member left"),
            "members.membership.transfer_out": pgettext_lazy("audit action", "Membership transferred out"),
            "members.transfer.request": pgettext_lazy("audit action", "Transfer requested"),
            "members.transfer.accept": pgettext_lazy("audit action", "Transfer accepted"),
            "members.transfer.reject": pgettext_lazy("audit action", "Transfer rejected"),
            "members.transfer.cancel": pgettext_lazy("audit action", "Transfer withdrawn"),
            "members.import.upload": pgettext_lazy("audit action", "Import file uploaded"),
            "members.import.recheck": pgettext_lazy("audit action", "Import file checked again"),
            "members.import.confirm": pgettext_lazy("audit action", "Import confirmed"),
            "members.import.commit": pgettext_lazy("audit action", "Import completed"),
            "members.import.fail": pgettext_lazy("audit action", "Import failed"),
            "members.import.cancel": pgettext_lazy("audit action", "Import cancelled"),
            "members.export": pgettext_lazy("audit action", "Members exported"),
            "members.export_full": pgettext_lazy("audit action", "Members exported with full ID numbers and phones"),
        }, group=_("Members"))
        # An export has no model row; its audit rows use this object type.
        register_object_labels({"members.Export": _("Member export")})
        # A person referenced in another record's history (a trainee, an apprentice…) shows by name.
        register_name_fields({"members.Person": "name"})
        # Snapshot keys written by services that are not model fields.
        register_field_labels("members.Export", {
            "filters": _("filters"),
            "rows": _("rows exported"),
            "full_pii_rows": _("rows with full ID number and phone"),
            "background": _("prepared in the background"),
        })
        register_field_labels("members.MemberImport", {
            "file": _("file"),
            "bytes": _("file size (bytes)"),
            "sha256": _("file checksum (SHA-256)"),
            "imported": _("rows imported"),
            "new_persons": _("new people"),
            "rejoined": _("people who rejoined"),
            "skipped_invalid_rows": _("invalid rows skipped"),
            "unions": _("unions"),
            "person_ids": _("person ids"),
            "rejoined_person_ids": _("ids of people who rejoined"),
            "membership_ids": _("membership ids"),
            "per_membership_audit": _("one audit row per membership"),
            "errors": _("errors"),
        })
        register_field_labels("members.Membership", {"import": _("member import")})
        register_field_labels("members.Person", {"fields": _("fields viewed")})
        register_field_labels("members.Transfer", {"note": _("decision note")})
