"""URLs of the `studies` area."""

urlpatterns = []
