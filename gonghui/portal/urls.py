from django.urls import include, path

app_name = "portal"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", include("gonghui.portal.urls_auth")),
    path("", include("gonghui.portal.urls_joins")),
    path("", include("gonghui.portal.urls_home")),
]
