from django.urls import include, path

from . import views

app_name = "bargaining"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("due/", views.due_list, name="due"),
    path("due/export/", views.due_export, name="due_export"),
    path("new/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/document/", views.signed_file, name="signed_file"),
    path("<int:pk>/<slug:step>/", views.agreement_step, name="step"),
    path("options/parties/", views.party_options, name="party_options"),
    path("requests/new/", views.staff_request_create, name="request_create"),
    path("requests/<int:pk>/", views.staff_request_detail, name="request_detail"),
    # Statistics and exports (urls_stats.py), bulk import (urls_import.py).
    path("", include("gonghui.bargaining.urls_stats")),
    path("", include("gonghui.bargaining.urls_import")),
]
