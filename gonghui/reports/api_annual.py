"""API of the `annual` area."""

from ninja import Router

router = Router(tags=["reports-annual"])
