from django.urls import include, path

from .views.overview import overview

app_name = "publicity"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", overview, name="overview"),
    path("", include("gonghui.publicity.urls_articles")),
    path("", include("gonghui.publicity.urls_activities")),
    path("", include("gonghui.publicity.urls_studies")),
]
