"""Concurrency tests: run writes at the same moment from separate threads (each with its own
database connection) and collect how each ended. Used by the PostgreSQL-only race tests; SQLite
serialises writers, so there the race cannot happen."""

import threading

from django.db import connections

from gonghui.core.errors import DomainError


def race(calls) -> list[str]:
    """Run each zero-argument call in its own thread, released together; return the sorted
    outcomes: "won", a refused call's `DomainError.code`, or the name of any other exception (an
    IntegrityError or a deadlock leaking out, which the test should treat as a failure)."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 — reported as an outcome, asserted by the test
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def race_actors(actors, action) -> list[str]:
    """`race` of `action(actor)` for each actor."""
    return race([lambda actor=actor: action(actor) for actor in actors])
