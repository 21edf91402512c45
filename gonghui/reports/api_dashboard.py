"""API of the `dashboard` area."""

from ninja import Router

router = Router(tags=["reports-dashboard"])
