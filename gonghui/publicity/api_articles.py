"""API of the `articles` area."""

from ninja import Router

router = Router(tags=["publicity-articles"])
