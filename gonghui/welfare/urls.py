from django.urls import include, path

from .views.overview import overview

app_name = "welfare"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", overview, name="overview"),
    path("", include("gonghui.welfare.urls_mutualaid")),
    path("", include("gonghui.welfare.urls_campaigns")),
    path("", include("gonghui.welfare.urls_hardship")),
]
