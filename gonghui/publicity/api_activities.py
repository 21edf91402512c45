"""API of the `activities` area."""

from ninja import Router

router = Router(tags=["publicity-activities"])
