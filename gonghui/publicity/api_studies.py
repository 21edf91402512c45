"""API of the `studies` area."""

from ninja import Router

router = Router(tags=["publicity-studies"])
