"""Audit events as a cadre reads them: labelled action, record type and field-by-field values.

The stored before/after snapshots hold raw values (attnames, choice codes, ids, ISO strings);
these helpers turn them into the words the rest of the site uses, for one page of events at a
time. Foreign-key ids are named with one query per target model for the whole page (never one
per row), and only for models that registered a name column (audit_labels.register_name_fields).
"""

import json
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from . import audit_labels

DATETIME_FORMAT = "Y-m-d H:i"  # as in the list and history templates


@dataclass
class ChangeRow:
    key: str  # the stored key, shown small for support staff
    label: str
    before: str | None  # display text; None when the snapshot has no value
    after: str | None
    raw_before: str | None  # the stored JSON value, for a tooltip
    raw_after: str | None
    in_before: bool
    in_after: bool

    @property
    def changed(self):
        return self.in_before and self.in_after and self.raw_before != self.raw_after


def _raw(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _fk_target(field):
    """The model label a foreign key points at, when its ids can be named cheaply."""
    if field is None or not getattr(field, "many_to_one", False) and not getattr(field, "one_to_one", False):
        return None
    label = field.related_model._meta.label
    return label if audit_labels.name_field(label) else None


def _snapshots(event):
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    return before, after


def collect_refs(events):
    """{model label: {ids}} of every nameable foreign key in these events' snapshots."""
    refs: dict[str, set] = {}
    for event in events:
        model = audit_labels.get_model(event.object_type)
        if model is None:
            continue
        for snapshot in _snapshots(event):
            for key, value in snapshot.items():
                field = audit_labels.model_field(model, key) or audit_labels.value_field(event.object_type, key)
                target = _fk_target(field)
                if target and _is_id(value):
                    refs.setdefault(target, set()).add(int(value))
    return refs


def resolve_names(refs):
    """{(model label, id): name}: one query per model. The base manager, because a stored id
    may point at a row a default manager hides; a deleted row simply stays an id."""
    names = {}
    for label, ids in refs.items():
        ids = {pk for pk in ids if pk < 2**63}  # a corrupt huge id must not overflow the database
        model = audit_labels.get_model(label)
        column = audit_labels.name_field(label)
        if model is None or not column or not ids:
            continue
        for pk, name in model._base_manager.filter(pk__in=ids).values_list("pk", column):
            names[(label, pk)] = name
    return names


def _is_id(value):
    return not isinstance(value, bool) and isinstance(value, int | str) and str(value).isdecimal()


def _parsed(parse, value):
    """parse_date/parse_datetime, None for anything that is not a valid ISO string."""
    try:
        return parse(value) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible, e.g. 2025-02-30
        return None


def _format_datetime(value):
    moment = _parsed(parse_datetime, value)
    if moment is None:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, DATETIME_FORMAT)


def format_value(field, value, names=None):
    """One stored value as display text; None stays None (the template shows a dash)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field is not None:
        target = _fk_target(field)
        if target is not None:
            name = (names or {}).get((target, int(value))) if _is_id(value) else None
            return name if name is not None else f"#{value}"
        if field.choices and isinstance(value, str | int):
            return str(dict(field.flatchoices).get(value, value))
        internal = field.get_internal_type()
        if internal == "DateTimeField":
            return _format_datetime(value)
        if internal == "DateField" and _parsed(parse_date, value):
            return value
        if field.is_relation:  # an id of a model without a registered name column
            return f"#{value}"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        # A list of words (trades, specialities) reads as words, not as JSON; empty is a dash.
        return "、".join(value) if value else None
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _key_order(model, keys):
    """Keys in the model's field order (how forms show them), unknown keys after, by name."""
    position = {}
    if model is not None:
        for index, field in enumerate(model._meta.concrete_fields):
            position[field.name] = position[field.attname] = index
    return sorted(keys, key=lambda key: (position.get(key, len(position)), key))


def change_rows(event, names=None):
    """Rows over the keys of both snapshots, labelled and formatted."""
    before, after = _snapshots(event)
    model = audit_labels.get_model(event.object_type)
    rows = []
    for key in _key_order(model, set(before) | set(after)):
        field = audit_labels.model_field(model, key) or audit_labels.value_field(event.object_type, key)
        rows.append(ChangeRow(
            key=key,
            label=audit_labels.field_label(event.object_type, key, model),
            before=format_value(field, before.get(key), names),
            after=format_value(field, after.get(key), names),
            raw_before=_raw(before[key]) if key in before else None,
            raw_after=_raw(after[key]) if key in after else None,
            in_before=key in before,
            in_after=key in after,
        ))
    return rows


def label_event(event):
    """Attach the labels every audit template shows (no queries)."""
    event.action_label = audit_labels.action_label(event.action, event.object_type)
    event.object_type_label = audit_labels.object_type_label(event.object_type)
    return event


def describe_events(events):
    """Label a page of events and attach `.changes`; names FK ids with one query per model."""
    events = list(events)
    names = resolve_names(collect_refs(events))
    for event in events:
        label_event(event)
        event.changes = change_rows(event, names)
    return events
