"""Pages of the `joins` area; included by urls.py under `portal:`."""

urlpatterns = []
