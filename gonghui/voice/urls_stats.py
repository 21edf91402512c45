"""URLs of the `stats` area."""

urlpatterns = []
