from django.urls import include, path

from .views.overview import overview

app_name = "grassroots"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", overview, name="overview"),
    path("", include("gonghui.grassroots.urls_foundings")),
    path("", include("gonghui.grassroots.urls_committees")),
    path("", include("gonghui.grassroots.urls_elections")),
    path("", include("gonghui.grassroots.urls_liaison")),
    path("", include("gonghui.grassroots.urls_homes")),
    path("", include("gonghui.grassroots.urls_harmony")),
]
