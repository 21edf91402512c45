"""API of the `rollups` area."""

from ninja import Router

router = Router(tags=["reports-rollups"])
