"""Readable names for what the audit trail stores as codes.

AuditEvent rows keep dotted action codes ("orgs.org.update"), model labels ("orgs.Org") and
snapshot keys (attnames such as "from_union_id"): stable, greppable, filterable. Cadres need
words instead, in their language. This module only *translates for display*; it never changes
what is stored.

Core must not import the other apps, so each app registers its own wording from its
AppConfig.ready() (see gonghui/orgs/apps.py). Everything here is read-only after start-up.
"""

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy

# code -> (label, group label); group is what the action filter groups the options under.
_ACTIONS: dict[str, tuple] = {}
# object_type -> label, for audit object types that are not models (an export, a third-party device).
_OBJECT_TYPES: dict[str, object] = {}
# object_type -> {snapshot key -> label}, for keys that are not model fields ("rows", "parent_name").
_EXTRA_FIELDS: dict[str, dict] = {}
# model label -> the one column that names a row: foreign-key ids pointing at these models are
# shown as names. Only cheap, non-sensitive columns (an org's name, a username) belong here.
_NAME_FIELDS: dict[str, str] = {}
# object type -> {snapshot key: "app_label.Model.field"} formatted like that field (choice labels).
_VALUE_FIELDS: dict[str, dict[str, str]] = {}

# The last segment of a code -> a verb, for codes nobody registered (a new service, an old row).
_VERBS = {
    "create": pgettext_lazy("audit verb", "created"),
    "update": pgettext_lazy("audit verb", "changed"),
    "delete": pgettext_lazy("audit verb", "deleted"),
    "remove": pgettext_lazy("audit verb", "removed"),
    "enable": pgettext_lazy("audit verb", "enabled"),
    "disable": pgettext_lazy("audit verb", "disabled"),
    "cancel": pgettext_lazy("audit verb", "cancelled"),
}


def register_action_labels(labels, *, group=None):
    """Name action codes, e.g. {"orgs.org.update": _("Organisation changed")}. Call from
    AppConfig.ready(); `group` titles these codes in the audit filter menu."""
    for code, label in labels.items():
        _ACTIONS[code] = (label, group)


def register_object_labels(labels):
    """Name object types that are not models, e.g. {"members.Export": _("member export")}."""
    _OBJECT_TYPES.update(labels)


def register_field_labels(object_type, labels):
    """Name snapshot keys of `object_type` that are not fields of its model."""
    _EXTRA_FIELDS.setdefault(object_type, {}).update(labels)


def register_value_fields(object_type, fields):
    """Snapshot keys of `object_type` that are not fields of its model but hold another model's
    field values, e.g. {"proposed_position": "grassroots.ElectionCandidate.proposed_position"}:
    the trail shows them as that field shows them (a choice by its label, not its code)."""
    _VALUE_FIELDS.setdefault(object_type, {}).update(fields)


def value_field(object_type, key):
    """The field registered for a snapshot key of `object_type` by `register_value_fields`, or None."""
    dotted = _VALUE_FIELDS.get(object_type, {}).get(key)
    if dotted is None:
        return None
    model_label, field_name = dotted.rsplit(".", 1)
    return apps.get_model(model_label)._meta.get_field(field_name)


def register_name_fields(fields):
    """{"orgs.Org": "name"}: ids pointing at these models are shown by that column (one query
    per model per page, see audit_display.resolve_names)."""
    _NAME_FIELDS.update(fields)


def name_field(model_label):
    return _NAME_FIELDS.get(model_label)


def get_model(object_type):
    """The model behind an audit object type, or None: exports and removed models have none."""
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _model_from_code(code):
    """'members.membership.end' -> Membership: the first two segments name the model."""
    parts = code.split(".")
    if len(parts) < 3:
        return None
    try:
        return apps.get_model(parts[0], parts[1])
    except LookupError:
        return None


def object_type_label(object_type):
    """'orgs.Org' -> 'organisation' (the model's verbose_name); the raw type when unknown."""
    if object_type in _OBJECT_TYPES:
        return str(_OBJECT_TYPES[object_type])
    model = get_model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def action_label(code, object_type=None):
    """The registered label; else '<model> <verb>' from the code; else the code itself, so a
    row is never blank and support can still read it."""
    if code in _ACTIONS:
        return str(_ACTIONS[code][0])
    verb = _VERBS.get(code.rsplit(".", 1)[-1])
    model = _model_from_code(code) or (get_model(object_type) if object_type else None)
    if verb is not None and model is not None:
        return capfirst(gettext("%(thing)s %(verb)s") % {"thing": model._meta.verbose_name, "verb": verb})
    return code


def is_known_action(code):
    return code in _ACTIONS


def action_choices():
    """Grouped choices for the audit filter: per group, "everything of this app" (a prefix such as
    'members.', which the filter matches as before) and then each registered code."""
    groups: dict[str, list] = {}
    titles = {}
    for code, (label, group) in _ACTIONS.items():
        prefix = code.split(".", 1)[0] + "."
        groups.setdefault(prefix, []).append((code, str(label)))
        if group is not None:
            titles[prefix] = str(group)
    choices = []
    for prefix in sorted(groups):
        title = titles.get(prefix, prefix)
        options = sorted(groups[prefix], key=lambda item: item[1])
        choices.append((title, [(prefix, gettext("All “%(group)s” actions") % {"group": title}), *options]))
    return choices


def field_label(object_type, key, model=None):
    """A snapshot key -> the model field's verbose_name ('from_union_id' -> 'from union'), or a
    registered label, or the key itself."""
    extra = _EXTRA_FIELDS.get(object_type, {})
    if key in extra:
        return capfirst(str(extra[key]))
    field = model_field(model if model is not None else get_model(object_type), key)
    if field is not None:
        return capfirst(str(field.verbose_name))
    return key


def model_field(model, key):
    """The concrete field a snapshot key names (by name or attname), or None."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)  # accepts attnames ("union_id") too
    except Exception:  # noqa: BLE001 — FieldDoesNotExist, or a key that is no field name at all
        return None
    return field if getattr(field, "concrete", False) else None
