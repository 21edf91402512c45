"""Bulk import of existing wage agreements (views_import.py); included by urls.py."""

from django.urls import path

from . import views_import

urlpatterns = [
    path("import/", views_import.import_page, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/errors.xlsx", views_import.import_errors, name="import_errors"),
]
