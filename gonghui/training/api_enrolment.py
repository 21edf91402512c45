"""API of the `enrolment` area of training."""

from ninja import Router

router = Router(tags=["training"])
