import io
import os

import pytest

# Fixtures and markers that make pytest-django run a test outside a transaction (committed data,
# a flush afterwards): such a test cannot nest inside a module-wide transaction.
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences",
                          "django_db_serialized_rollback"}


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
                               or marker.kwargs.get("serialized_rollback")):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def _uses_database(item) -> bool:
    return (item.get_closest_marker("django_db") is not None
            or bool({"db", "tree"} & set(getattr(item, "fixturenames", ()))))


def _can_share_tree(session, module) -> bool:
    """A module shares one Tree when every test of it that touches the database asks for `tree`
    and none runs outside a transaction: a test that did not ask for the tree must not find one,
    and a transactional test (live server, threads) must see committed rows only."""
    if not hasattr(session, "_gonghui_items_by_module"):  # grouped once, not once per module
        session._gonghui_items_by_module = {}
        for item in session.items:
            session._gonghui_items_by_module.setdefault(getattr(item, "module", None), []).append(item)
    return all("tree" in item.fixturenames and not _is_transactional(item)
               for item in session._gonghui_items_by_module.get(module, ()) if _uses_database(item))


class SharedTree:
    """A Tree built once inside an open transaction; every test gets its own Python objects,
    re-read from the database, so a test that changes an instance in memory cannot leak that
    change into the next test (its database changes are rolled back with its savepoint).

    A module may add its own fixed records to the shared tree with `SHARED_WORLD = build`, a
    function that sets them as attributes of the tree (model instances, or lists of them): they
    are built once per module too, and re-read for each test like the tree's own."""

    def __init__(self, extend=None):
        from django.db import transaction

        from gonghui.core.testing.factories import Tree

        # Marked like the transactions Django's TestCase opens, so that the application's
        # `atomic(durable=True)` blocks behave in these tests as in any other.
        self.atomic = transaction.atomic()
        self.atomic._from_testcase = True
        self.atomic.__enter__()
        built = Tree()
        if extend is not None:
            extend(built)
        self.members, self.lists, self.others = {}, {}, {}
        for name, value in vars(built).items():
            if hasattr(value, "_meta"):
                self.members[name] = (type(value), value.pk)
            elif isinstance(value, list | tuple) and value and all(hasattr(v, "_meta") for v in value):
                self.lists[name] = (type(value), [(type(v), v.pk) for v in value])
            else:
                self.others[name] = value

    def fresh(self):
        from gonghui.core.testing.factories import Tree

        tree = Tree.__new__(Tree)
        vars(tree).update(self.others)
        wanted = {}
        for model, pk in [*self.members.values(), *(ref for _, refs in self.lists.values() for ref in refs)]:
            wanted.setdefault(model, set()).add(pk)
        rows = {model: model._default_manager.in_bulk(pks) for model, pks in wanted.items()}
        for name, (model, pk) in self.members.items():
            setattr(tree, name, rows[model][pk])
        for name, (kind, refs) in self.lists.items():
            setattr(tree, name, kind(rows[model][pk] for model, pk in refs))
        return tree

    def close(self):
        from django.db import transaction

        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _shared_tree(request, django_db_setup, django_db_blocker):
    """One Tree per test module, inside a module-wide transaction that each test's own transaction
    nests in (as a savepoint), the way Django's setUpTestData works: a Tree is ~60 queries and most
    tests ask for one. None when the module cannot share one safely (_can_share_tree), or with
    SHARED_TREE=0 (a Tree per test, as before: to tell whether a failure comes from the sharing)."""
    if os.environ.get("SHARED_TREE") == "0" or not _can_share_tree(request.session, request.module):
        yield None
        return
    with django_db_blocker.unblock():
        shared = SharedTree(getattr(request.module, "SHARED_WORLD", None))
    try:
        yield shared
    finally:
        with django_db_blocker.unblock():
            shared.close()


@pytest.fixture
def tree(request, _shared_tree, db):
    from gonghui.core.testing.factories import Tree

    if _shared_tree is None:
        built = Tree()
        if (extend := getattr(request.module, "SHARED_WORLD", None)) is not None:
            extend(built)
        return built
    return _shared_tree.fresh()


def _delete_flush_sql(original):
    """PostgreSQL's flush between transactional tests as one batch of DELETEs instead of one
    TRUNCATE of every table: TRUNCATE gives each of ~170 tables and their indexes new files, which
    took 11 s per test on a loaded machine against 0.7 s for the DELETEs (issue 12). Rows are
    few in a test database, and Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so any
    order works within the flush's transaction. The audit trail's append-only trigger lets the
    DELETE through under its purge flag (gonghui.core.audit_guard), as TRUNCATE bypassed it.
    Sequence resets and CASCADE (available_apps) keep Django's TRUNCATE."""
    from gonghui.core.audit_guard import LIFT_FLAG

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        statements = [f"SELECT set_config('{LIFT_FLAG}', 'on', true);"]
        statements += [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                       for table in tables]
        return [" ".join(statements)]  # one round trip (no parameters: psycopg sends it as is)

    return sql_flush


@pytest.fixture(scope="session", autouse=True)
def _fast_postgresql_flush():
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", _delete_flush_sql(DatabaseOperations.sql_flush))
        yield


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    # A module on the shared demo reads the files that seeding wrote (certificate scans, photos).
    shared = _shared_demo.media if getattr(request.module, "SHARED_DEMO", False) else None
    settings.MEDIA_ROOT = shared or str(tmp_path / "media")


class SharedDemo:
    """The small demo seeded once per worker, inside an open transaction, for the per-area demo
    checks that set `SHARED_DEMO = True` (each only reads the plain small demo, and used to seed
    all of it, ~6 s, for one or two tests). `pytest_collection_modifyitems` puts those modules
    one after another, last; the first to run seeds, a module that is not one rolls it back (at the
    end of the run the test database is dropped with it).
    While it is open, their own `seed_demo --scale small --force` finds the demo there and does
    nothing (`_seed_once`); each test's own transaction still nests inside and is rolled back."""

    def __init__(self):
        self.atomic = None
        self.media = None

    def open(self, media):
        from django.core.management import call_command
        from django.db import transaction
        from django.test import override_settings

        self.atomic = transaction.atomic()
        self.atomic._from_testcase = True  # as SharedTree's: durable blocks behave as in TestCase
        self.atomic.__enter__()
        self.media = media
        with override_settings(MEDIA_ROOT=media):
            call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())

    def close(self):
        from django.db import transaction

        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)
        self.atomic = None


_shared_demo = SharedDemo()
SHARED_DEMO_OPTIONS = {"scale": "small", "if_empty": False, "force": True, "no_accounts": False, "method": None}


@pytest.fixture(scope="module", autouse=True)
def _demo_once_per_worker(request, tmp_path_factory):
    shares = getattr(request.module, "SHARED_DEMO", False)
    if _shared_demo.atomic is not None and not shares:
        with request.getfixturevalue("django_db_blocker").unblock():
            _shared_demo.close()
    if shares and _shared_demo.atomic is None:
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            _shared_demo.open(str(tmp_path_factory.mktemp("shared-demo-media")))
    if not shares:
        yield
        return
    from gonghui.core.demo import generator
    from gonghui.core.management.commands.seed_demo import Command

    seed = Command.handle

    def _seed_once(self, *args, **options):
        plain = {k: options.get(k) for k in SHARED_DEMO_OPTIONS} == SHARED_DEMO_OPTIONS
        if plain and options.get("seed") == generator.DEFAULT_SEED and _shared_demo.atomic is not None:
            return None  # the worker's shared demo is in the database already
        return seed(self, *args, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Command, "handle", _seed_once)
        yield


def pytest_collection_modifyitems(config, items):
    """CI's PostgreSQL pass leaves the per-area demo checks (`gonghui/<app>/tests/test_*demo*.py`,
    each seeding part of the small demo) to its SQLite pass: within the 30-minute budget
    (docs/decisions.md). The seeding code runs on PostgreSQL in that pass all the same, through
    `core/tests/test_seed_*.py` (the whole demo, deterministic, and wiped), and at district scale in
    the benchmarks; a local run on PostgreSQL runs every check."""
    from django.conf import settings

    # The modules on the shared demo one after another (stable: each keeps its place among them),
    # so a worker seeds it once or twice, not once per module.
    items.sort(key=lambda item: bool(getattr(getattr(item, "module", None), "SHARED_DEMO", False)))
    on_postgresql = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    if not (on_postgresql and os.environ.get("CI") == "true"):
        return
    skip = pytest.mark.skip(reason="demo check: CI runs it in its SQLite pass (conftest.py)")
    for item in items:
        path = item.path
        if path.parent.name == "tests" and "demo" in path.name and not path.name.startswith("test_seed_"):
            item.add_marker(skip)
