"""Admin for superusers. Writes still go through the services, so the level rules hold and every
change lands in the audit trail (the admin's own form and drag-and-drop move would bypass both)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from . import services
from .models import ALLOWED_CHILDREN, Enterprise, Org, OrgLevel

ORG_ADMIN_FIELDS = ("name", "short_name", "level", "union_kind", "code", "founded_on", "chair_name",
                    "legal_cert_no", "address", "is_active")


def _target_parent(position, ref_node):
    """The parent a treebeard (position, reference node) pair places a node under."""
    if ref_node is None:
        return None
    if position in ("first-child", "last-child", "sorted-child"):
        return ref_node
    return ref_node.get_parent()


class OrgAdminForm(movenodeform_factory(Org, fields=ORG_ADMIN_FIELDS)):
    """The treebeard form, checked against the level rules before anything is written."""

    def clean(self):
        data = super().clean()
        parent = _target_parent(data.get("treebeard_position"), data.get("treebeard_ref_node"))
        level = data.get("level")
        if not level:
            return data
        if level == OrgLevel.GRASSROOTS and not data.get("union_kind"):
            self.add_error("union_kind", _("Choose the kind of grassroots union."))
        if parent is None:
            if not (self.instance.pk and self.instance.is_root()):
                raise ValidationError(_("Only the district federation sits at the top of the tree; "
                                        "choose where this organisation belongs."))
        elif level not in ALLOWED_CHILDREN.get(parent.level, set()):
            raise ValidationError(_("A %(child)s cannot be placed under a %(parent)s.")
                                  % {"child": OrgLevel(level).label, "parent": OrgLevel(parent.level).label})
        elif self.instance.pk and parent.path.startswith(self.instance.path):
            raise ValidationError(_("An organisation cannot be moved under itself or its own sub-units."))
        self.target_parent = parent
        return data


@admin.register(Org)
class OrgAdmin(TreeAdmin):
    form = OrgAdminForm
    list_display = ("name", "level", "code", "union_kind", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "code")
    list_per_page = 100

    def save_form(self, request, form, change):
        # Do not let the treebeard form write to the tree; save_model calls the services.
        return form.instance

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ORG_ADMIN_FIELDS if name in form.cleaned_data}
        parent = getattr(form, "target_parent", None)
        if not change:
            node = services.create_org(actor=request.user, parent=parent, **data)
            obj.pk, obj.path, obj.depth, obj.numchild = node.pk, node.path, node.depth, node.numchild
            return
        current = Org.objects.get(pk=obj.pk)
        changed = {name: value for name, value in data.items() if getattr(current, name) != value}
        if changed:
            services.update_org(actor=request.user, org=current, **changed)
        if parent is not None and not current.is_root() and current.path[: -Org.steplen] != parent.path:
            services.move_org(actor=request.user, org=current, new_parent=parent)

    def move_node(self, request):
        """Drag and drop in the tree changelist, through `services.move_org` (rules + audit)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            node = Org.objects.get(pk=request.POST.get("node"))
            target = Org.objects.get(pk=request.POST.get("target"))
        except (Org.DoesNotExist, ValueError, TypeError):
            return HttpResponseBadRequest("Invalid form data provided")
        new_parent = target if request.POST.get("relation") == "child" else target.get_parent()
        if new_parent is None:
            messages.error(request, _("Only the district federation sits at the top of the tree."))
            return HttpResponseBadRequest("Invalid move")
        if node.path[: -Org.steplen] == new_parent.path:
            return HttpResponse("OK")  # order among siblings carries no meaning here
        try:
            services.move_org(actor=request.user, org=node, new_parent=new_parent)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseBadRequest("Invalid move")
        messages.info(request, _("%(org)s now sits under %(parent)s.") % {"org": node, "parent": new_parent})
        return HttpResponse("OK")


class EnterpriseAdminForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ("name", "uscc", "industry", "headcount", "above_scale", "top100", "address", "town", "union")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    form = EnterpriseAdminForm
    list_display = ("name", "uscc", "industry", "headcount", "above_scale", "top100", "town", "union")
    list_filter = ("industry", "above_scale", "top100")
    search_fields = ("=uscc", "name")
    list_select_related = ("town", "union")
    raw_id_fields = ("town", "union")
    show_full_result_count = False  # never COUNT the whole table per page view

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in EnterpriseAdminForm.Meta.fields}
        if change:
            current = Enterprise.objects.get(pk=obj.pk)
            changed = {k: v for k, v in data.items() if getattr(current, k) != v}
            if changed:
                services.update_enterprise(actor=request.user, enterprise=current, **changed)
        else:
            created = services.create_enterprise(actor=request.user, **data)
            obj.pk = created.pk
