"""API of the `mentoring` area of training."""

from ninja import Router

router = Router(tags=["training"])
