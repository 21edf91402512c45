"""Write audit rows from services. `snapshot` turns a model into JSON-safe values, leaving out
encrypted and hashed PII columns so the trail never holds a clear ID or phone number."""

import datetime
import decimal
import uuid

from django.db import models
from django.db.models.fields.files import FieldFile

from .context import current_ip
from .models import AuditEvent

SECRET_SUFFIXES = ("_enc", "_hash")


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(obj, fields=None):
    """Field values of a model instance, PII ciphertext and hashes excluded, and the fields a
    model lists in `audit_exclude` (denormalised copies that are audited where they change)."""
    if obj is None:
        return None
    data = {}
    derived = getattr(obj, "audit_exclude", ())  # copies of other records' values (search columns)
    for field in obj._meta.concrete_fields:
        name = field.attname
        if fields is not None and field.name not in fields and name not in fields:
            continue
        if name in derived:
            continue
        if name.endswith(SECRET_SUFFIXES) or name == "password":
            continue
        data[name] = _json_value(getattr(obj, name))
    return data


def record(*, actor, action, obj, org=None, before=None, after=None, object_type=None, conceal_actor=False):
    """Append one audit event. `action` is a dotted code such as 'members.transfer.accept'.

    `conceal_actor`: the actor was promised anonymity (a worker's anonymous appeal); the row
    keeps neither the login nor the IP address, and reads as "anonymous"."""
    if conceal_actor:
        return AuditEvent.objects.create(actor=None, actor_name="anonymous", action=action,
                                         object_type=object_type or obj._meta.label, object_id=str(obj.pk),
                                         object_repr=str(obj)[:200], org=org, before=before, after=after, ip=None)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "system")[:150],
        action=action,
        object_type=object_type or obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        org=org,
        before=before,
        after=after,
        ip=current_ip.get(),
    )


class ExportRef:
    """What the audit row of an export points at: the export itself, which has no row of its
    own. `ref` is a fresh id (one export audited at several orgs shares it); `label` is how the
    trail names it (the ref when none is given)."""

    def __init__(self, ref: str, label=""):
        self.pk = ref
        self.label = label

    def __str__(self):
        return str(self.label or self.pk)


def record_export(*, actor, action, object_type, org, reach_action, after, label=""):
    """Audit an export (which has no row of its own): one row per place it is filed under, all
    pointing at the same `ExportRef` — the org the export was filtered to; else, for a superuser,
    the root orgs; else every org at which the actor holds `reach_action`, so the cadres of each
    of those subtrees see in their trail that their records left the system."""
    from gonghui.orgs.models import Org

    if org is not None:
        places = [org]
    elif actor.is_superuser:
        places = list(Org.objects.filter(depth=1))
    else:
        places = list(Org.objects.filter(path__in=actor.scope_paths(reach_action)))
    export = ExportRef(uuid.uuid4().hex, label)
    for place in places or [None]:
        record(actor=actor, action=action, obj=export, object_type=object_type, org=place, after=after)


# Bookkeeping columns that change on every save and say nothing to a reader of the trail.
NOISE_FIELDS = ("updated_at",)


def changed(before, after):
    """Only the keys whose values differ, as (before, after) dicts — keeps the trail readable."""
    keys = [k for k in (after or {}) if k not in NOISE_FIELDS and (before or {}).get(k) != after.get(k)]
    return {k: (before or {}).get(k) for k in keys}, {k: after[k] for k in keys}
