from django.urls import include, path

from .views.overview import overview

app_name = "services"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", overview, name="overview"),
    path("", include("gonghui.services.urls_centres")),
    path("", include("gonghui.services.urls_facilities")),
    path("", include("gonghui.services.urls_benefits")),
    path("", include("gonghui.services.urls_venues")),
    path("", include("gonghui.services.urls_events")),
]
