"""URLs of the `appeals` area."""

urlpatterns = []
