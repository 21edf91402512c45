"""URLs of the `surveys` area."""

urlpatterns = []
