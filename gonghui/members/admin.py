"""Read-only admin views of the member registry.

Every write goes through members.services (validation, locking, audit), so the admin only looks:
no add, change or delete. It never shows the encrypted columns or the lookup hashes — only the
masked numbers — and it never counts or lists the whole table for a filter (600,000 rows)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Person, Transfer
from .selectors import classify_query


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False  # no second COUNT(*) over a huge table
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    fields = ("union", "enterprise", "status", "join_kind", "joined_on", "ended_on", "end_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("name", "id_number_masked", "phone_masked", "gender", "birth_on", "hometown_province",
                    "is_migrant")
    list_filter = ("is_migrant", "gender")
    search_fields = ("name",)
    # Only masked values: id_number_enc / id_number_hash / phone_enc / phone_hash are never shown.
    fields = ("name", "name_initials", "id_number_masked", "phone_masked", "gender", "birth_on",
              "hometown_province", "is_migrant", "education", "skill_level", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [MembershipInline]

    search_help_text = _("Name or pinyin initials. Search ID card and mobile numbers in the member list: "
                         "the admin search puts its term in the web address.")

    def get_search_results(self, request, queryset, search_term):
        """Names by prefix, pinyin initials by prefix. An ID card or mobile number is not searched
        here: the admin sends its search in the query string, which lands in access logs."""
        term = search_term.strip()
        kind = classify_query(term)
        if kind in ("id", "phone"):
            return queryset.none(), False
        if kind == "initials":
            return queryset.filter(name_initials__startswith=term.lower()), False
        return queryset.filter(name__startswith=term), False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("person", "union", "status", "join_kind", "joined_on", "ended_on")
    list_filter = ("status", "join_kind")
    list_select_related = ("person", "union")
    raw_id_fields = ("person", "union", "enterprise")
    fields = ("person", "union", "enterprise", "status", "join_kind", "joined_on", "ended_on", "end_reason",
              "created_at")
    readonly_fields = fields


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("person", "from_union", "to_union", "status", "effective_on", "requested_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("person", "from_union", "to_union")
    fields = ("person", "from_union", "to_union", "to_enterprise", "from_membership", "to_membership", "status",
              "effective_on", "reason", "requested_by", "requested_at", "decided_by", "decided_at",
              "decision_note")
    readonly_fields = fields
