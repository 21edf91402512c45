"""URLs of the `activities` area."""

urlpatterns = []
