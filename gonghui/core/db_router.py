"""Send the reads of report and dashboard requests to a streaming read replica.

Only requests that opt in (views wrapped in `reads_from_replica`) ever read from the replica;
everything else, every write and every migration stays on `default`. Inside an opted-in request:

- once the request has written anything, its later reads go to the primary too
  (read-your-writes: a replica a few hundred milliseconds behind must not hide the write);
- a read inside a `transaction.atomic()` block the request opened stays on the primary, so a
  transaction sees one database;
- with no replica configured (`REPLICA_DATABASE_ALIAS` empty, the default) nothing changes.

The replica is a physical (streaming) copy of the primary, so it is never migrated and models
relate freely across the two aliases. Replica lag is discussed in docs/scaling.md.
"""

import functools
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


@dataclass
class _ReplicaReads:
    """The opt-in of one request. `wrote` flips on its first write; `atomic_depth` is how many
    transactions were open on the primary when it began (0 in a request; a test's own is 1)."""

    atomic_depth: int
    wrote: bool = False


_current: ContextVar[_ReplicaReads | None] = ContextVar("replica_reads", default=None)


def replica_alias() -> str:
    """The replica's alias, or '' when none is configured."""
    return getattr(settings, "REPLICA_DATABASE_ALIAS", "") or ""


class replica_reads:  # noqa: N801 - used like a function: `with replica_reads():`
    """Context manager: reads inside it may go to the replica (until the first write)."""

    def __enter__(self):
        self._token = _current.set(_ReplicaReads(atomic_depth=_primary_atomic_depth()))
        return self

    def __exit__(self, *exc_info):
        _current.reset(self._token)
        return False


def reads_from_replica(view):
    """View decorator: the view's reads may come from the replica. Put it innermost (under
    `login_required`), so the session and the signed-in user are still read from the primary."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


def _primary_atomic_depth() -> int:
    return len(connections[DEFAULT_DB_ALIAS].atomic_blocks)


# Who may see what is always read from the primary: a role revoked or an account locked a
# moment ago must not still open a report page because the replica lags behind.
ACCESS_APPS = frozenset({"accounts", "auth", "sessions", "otp_totp", "otp_static", "axes"})


class ReplicaRouter:
    """Database router: see the module docstring for the rules."""

    def db_for_read(self, model, **hints):
        state = _current.get()
        alias = replica_alias()
        if not alias or state is None or model._meta.app_label in ACCESS_APPS:
            return DEFAULT_DB_ALIAS
        if state.wrote or _primary_atomic_depth() > state.atomic_depth:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        state = _current.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        both = {obj1._state.db, obj2._state.db}
        if both <= {DEFAULT_DB_ALIAS, replica_alias()}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == replica_alias():
            return False  # a streaming replica replays the primary's schema; it cannot be migrated
        return None
