from django.urls import path

from . import views, views_exports, views_notifications

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audit/export/", views_exports.audit_export, name="audit_export"),
    path("exports/<str:job_id>/", views_exports.export_status, name="export_status"),
    path("exports/<str:job_id>/download/", views_exports.export_download, name="export_download"),
    path("notifications/", views_notifications.notification_list, name="notification_list"),
    path("notifications/read-all", views_notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/open", views_notifications.notification_open, name="notification_open"),
    path("notifications/<int:pk>/read", views_notifications.notification_read, name="notification_read"),
]
