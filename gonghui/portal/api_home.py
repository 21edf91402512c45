"""API of the `home` area."""

from ninja import Router

router = Router(tags=["portal-home"])
