"""Pages of the `annual` area; included by urls.py under `reports:`."""

urlpatterns = []
