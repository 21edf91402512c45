from django.urls import include, path

from .views.overview import overview

app_name = "voice"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", overview, name="overview"),
    path("", include("gonghui.voice.urls_appeals")),
    path("", include("gonghui.voice.urls_intake")),
    path("", include("gonghui.voice.urls_surveys")),
    path("", include("gonghui.voice.urls_stats")),
]
