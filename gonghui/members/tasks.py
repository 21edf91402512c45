"""Background jobs of the member registry. Each is idempotent and is enqueued with
`delay_on_commit`, so it never runs against a transaction that did not commit."""

from celery import shared_task

DATABASE_RETRIES = 4  # after 5, 10, 20 and 40 seconds


@shared_task(acks_late=True, ignore_result=True)
def check_member_import_task(member_import_id):
    """Check every row of an uploaded member file (UPLOADED → VALIDATED / INVALID)."""
    from .importing import check_member_import

    check_member_import(member_import_id)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=DATABASE_RETRIES)
def run_member_import_task(self, member_import_id):
    """Import the valid rows of a confirmed file in one transaction (IMPORTING → IMPORTED / FAILED).
    A lost database connection rolls the whole file back; the job then runs again (a few times,
    waiting longer each time) and marks the import failed if the database stays away."""
    from gonghui.core.jobs import DATABASE_CONNECTION_ERRORS, retry_when_database_drops

    from .importing import fail_after_lost_connection, run_member_import

    try:
        run_member_import(member_import_id)
    except DATABASE_CONNECTION_ERRORS as exc:
        retry_when_database_drops(
            self, exc, give_up=lambda: fail_after_lost_connection(member_import_id, self.request.retries + 1))


@shared_task(acks_late=True, ignore_result=True)
def run_member_export_task(job_id):
    """Write a large member export to a file the requesting user downloads later."""
    from .exporting import run_export_job

    run_export_job(job_id)


@shared_task(ignore_result=True)
def purge_member_files_task():
    """Remove stored upload files of abandoned imports and expired export files (schedule daily)."""
    from .exporting import purge_export_files
    from .importing import purge_import_files

    purge_import_files()
    purge_export_files()


@shared_task(ignore_result=True)
def fail_stale_imports_task():
    """Mark failed the imports left IMPORTING after IMPORT_STALE_HOURS (schedule every 15 minutes)."""
    from .importing import fail_stale_imports

    return fail_stale_imports()


@shared_task(ignore_result=True)
def refresh_figures_task():
    """Recount the district's and the towns' subtree figures into the cache (scheduled a little
    more often than FIGURES_CACHE_SECONDS, so those dashboards never count on a request)."""
    from .figures import refresh_upper_levels

    refresh_upper_levels()
