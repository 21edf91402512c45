from django.contrib import admin
from django.urls import include, path

from gonghui.core.views_health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("members/", include("gonghui.members.urls")),
    path("bargaining/", include("gonghui.bargaining.urls")),
    path("congress/", include("gonghui.congress.urls")),
    path("innovation/", include("gonghui.innovation.urls")),
    path("grassroots/", include("gonghui.grassroots.urls")),
    path("competitions/", include("gonghui.competitions.urls")),
    path("honours/", include("gonghui.honours.urls")),
    path("training/", include("gonghui.training.urls")),
    path("services/", include("gonghui.services.urls")),
    path("welfare/", include("gonghui.welfare.urls")),
    path("voice/", include("gonghui.voice.urls")),
    path("publicity/", include("gonghui.publicity.urls")),
    path("reports/", include("gonghui.reports.urls")),
    path("m/", include("gonghui.portal.urls")),
    path("api/v1/", include("gonghui.api_urls")),
    path("", include("gonghui.core.urls")),
]

# An exception no view or middleware answered: a lost database connection or a full disk gets the
# same 503 / 507 page as InfrastructureFaultMiddleware gives for a view (e.g. the database is
# down when a middleware first reads request.user); anything else Django's usual 500 page.
handler500 = "gonghui.core.faults.server_error"

# MEDIA_ROOT is never served as static files, not even in DEBUG: it holds member uploads and
# exports with personal data, which only views that check permissions hand out.
