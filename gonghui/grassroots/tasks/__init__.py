"""Daily jobs of this app (Celery beat, see CELERY_BEAT_SCHEDULE), one module per area."""
