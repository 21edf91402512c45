"""Pages of the `rollups` area; included by urls.py under `reports:`."""

urlpatterns = []
