"""The audit trail in the admin (read-only, no add/change/delete, no full-table counts) and the
working-day overrides (edited here, written through core.services)."""

from django.contrib import admin
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AuditEvent, WorkdayOverride


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "object_repr", "org", "ip")
    list_select_related = ("org",)
    search_fields = ("=action", "=actor_name", "=object_id")
    date_hierarchy = "at"
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class YearFilter(admin.SimpleListFilter):
    """The years that have overrides (a handful), newest first."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(d.year), str(d.year)) for d in WorkdayOverride.objects.dates("day", "year", order="DESC")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(day__year=int(value))
        return queryset


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    """The holiday arrangement the State Council publishes each autumn, entered day by day (or
    loaded for a whole year with `manage.py load_workdays`). Every change goes through
    core.services: audited, and the cached calendar is refreshed after commit."""

    list_display = ("day", "weekday", "is_working_day", "note", "updated_at")
    list_editable = ("is_working_day",)
    list_filter = (YearFilter,)
    date_hierarchy = "day"
    search_fields = ("note",)
    ordering = ("day",)
    fields = ("day", "is_working_day", "note")

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return WEEKDAYS[obj.day.weekday()]

    def save_model(self, request, obj, form, change):
        services.save_workday_override(actor=request.user, override=obj)

    def delete_model(self, request, obj):
        services.delete_workday_overrides(actor=request.user, overrides=[obj])

    def delete_queryset(self, request, queryset):
        services.delete_workday_overrides(actor=request.user, overrides=list(queryset))
