"""API of the `benefits` area of services."""

from ninja import Router

router = Router(tags=["services"])
