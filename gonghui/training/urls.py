from django.urls import include, path

from .views.overview import overview

app_name = "training"

# One URL module per area, each owned by its views.
urlpatterns = [
    path("", overview, name="overview"),
    path("", include("gonghui.training.urls_schools")),
    path("", include("gonghui.training.urls_courses")),
    path("", include("gonghui.training.urls_enrolment")),
    path("", include("gonghui.training.urls_attendance")),
    path("", include("gonghui.training.urls_mentoring")),
    path("", include("gonghui.training.urls_stats")),
]
