"""API of the `stats` area of training."""

from ninja import Router

router = Router(tags=["training"])
