"""API of the `auth` area."""

from ninja import Router

router = Router(tags=["portal-auth"])
