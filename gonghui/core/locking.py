"""Lock rows in a fixed order (by pk) so two transactions never deadlock (Saleor's lock_objects)."""


def lock(queryset):
    """Return the rows of `queryset` locked FOR UPDATE, ordered by pk."""
    return list(queryset.select_for_update().order_by("pk"))


def lock_one(model, pk):
    return model.objects.select_for_update().get(pk=pk)
