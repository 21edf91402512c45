from django.urls import path

from .views import harmony as views

urlpatterns = [
    path("harmony/", views.harmony_list, name="harmony_list"),
    path("harmony/export/", views.harmony_export, name="harmony_export"),
    path("harmony/new/", views.harmony_create, name="harmony_create"),
    path("harmony/rated/", views.harmony_rated, name="harmony_rated"),
    path("harmony/rated/export/", views.harmony_rated_export, name="harmony_rated_export"),
    path("harmony/indicators/", views.harmony_indicator_list, name="harmony_indicator_list"),
    path("harmony/indicators/export/", views.harmony_indicator_export, name="harmony_indicator_export"),
    path("harmony/indicators/new/", views.harmony_indicator_create, name="harmony_indicator_create"),
    path("harmony/indicators/<int:pk>/", views.harmony_indicator_detail, name="harmony_indicator_detail"),
    path("harmony/indicators/<int:pk>/publish/", views.harmony_indicator_publish, name="harmony_indicator_publish"),
    path("harmony/evidence/<int:evidence_pk>/", views.harmony_evidence_file, name="harmony_evidence_file"),
    path("harmony/evidence/<int:evidence_pk>/delete/", views.harmony_evidence_delete, name="harmony_evidence_delete"),
    path("harmony/<int:pk>/", views.harmony_detail, name="harmony_detail"),
    path("harmony/<int:pk>/self-assessment/", views.harmony_self, name="harmony_self"),
    path("harmony/<int:pk>/review/", views.harmony_review, name="harmony_review"),
    path("harmony/<int:pk>/evidence/", views.harmony_evidence_add, name="harmony_evidence_add"),
    path("harmony/<int:pk>/<slug:step>/", views.harmony_step, name="harmony_step"),
]
