from django.urls import include, path

app_name = "congress"

# One URL module per area, each owned by its views: congress terms, delegates and sessions;
# proposals; the yearly status pages (congress held, 厂务公开) and statistics.
urlpatterns = [
    path("", include("gonghui.congress.urls_bodies")),
    path("", include("gonghui.congress.urls_proposals")),
    path("", include("gonghui.congress.urls_status")),
]
