"""Pages of the `annual` area; included by urls.py under `reports:`."""

from django.urls import path, re_path

from .views import annual as views

urlpatterns = [
    path("annual/", views.annual_report, name="annual"),
    re_path(r"^annual/download/(?P<fmt>xlsx|pdf|json)/$", views.annual_report_download, name="annual_download"),
]
