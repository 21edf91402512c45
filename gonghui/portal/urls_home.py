"""Pages of the `home` area; included by urls.py under `portal:`."""

urlpatterns = []
