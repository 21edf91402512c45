"""Tasks of the `studies` area: the nightly step that marks ended sessions held (idempotent)."""

from celery import shared_task


@shared_task(name="publicity.studies.hold_finished_sessions")
def hold_finished_sessions_task():
    from ..services.studies import hold_finished_sessions

    return hold_finished_sessions()
