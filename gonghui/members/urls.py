from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.member_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/", views.reveal_pii, name="reveal"),
    path("memberships/<int:pk>/leave/", views.membership_end, name="leave"),
    path("memberships/<int:pk>/transfer/", views.transfer_request, name="transfer_request"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("options/unions/", views.union_options, name="union_options"),
    path("options/enterprises/", views.enterprise_options, name="enterprise_options"),
]

# Import and export (views_import.py).
from . import views_import  # noqa: E402

urlpatterns += [
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("imports/", views_import.import_list, name="import_list"),
    path("imports/export/", views_import.import_list_export, name="import_list_export"),
    path("imports/<int:pk>/", views_import.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", views_import.import_status, name="import_status"),
    path("imports/<int:pk>/errors.xlsx", views_import.import_errors, name="import_errors"),
    path("imports/<int:pk>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/cancel/", views_import.import_cancel, name="import_cancel"),
    path("imports/<int:pk>/recheck/", views_import.import_recheck, name="import_recheck"),
    path("export/", views_import.export, name="export"),
    path("exports/<str:job_id>/", views_import.export_status, name="export_status"),
    path("exports/<str:job_id>/download/", views_import.export_download, name="export_download"),
    path("transfers/export/", views_import.transfer_export, name="transfer_export"),
]
