"""URLs of the `intake` area."""

urlpatterns = []
