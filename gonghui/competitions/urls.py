from django.urls import include, path

from .views.overview import overview

app_name = "competitions"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", overview, name="overview"),
    path("", include("gonghui.competitions.urls_labour")),
    path("", include("gonghui.competitions.urls_activities")),
    path("", include("gonghui.competitions.urls_contests")),
]
