"""API of the `joins` area."""

from ninja import Router

router = Router(tags=["portal-joins"])
