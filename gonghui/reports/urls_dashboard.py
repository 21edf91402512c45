"""Pages of the `dashboard` area; included by urls.py under `reports:`."""

urlpatterns = []
