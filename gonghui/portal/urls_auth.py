"""Pages of the `auth` area; included by urls.py under `portal:`."""

urlpatterns = []
