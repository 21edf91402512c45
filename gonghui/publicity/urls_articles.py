"""URLs of the `articles` area."""

urlpatterns = []
