from django.urls import include, path

app_name = "reports"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", include("gonghui.reports.urls_rollups")),
    path("", include("gonghui.reports.urls_dashboard")),
    path("", include("gonghui.reports.urls_annual")),
]
