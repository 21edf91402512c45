from django.urls import include, path

from .views.overview import overview

app_name = "honours"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", overview, name="overview"),
    path("", include("gonghui.honours.urls_awards")),
    path("", include("gonghui.honours.urls_modelworkers")),
    path("", include("gonghui.honours.urls_leaders")),
    path("", include("gonghui.honours.urls_rewards")),
]
