from django.urls import path

from .views import mutualaid as views

urlpatterns = [
    path("mutual-aid/plans/", views.plan_list, name="plan_list"),
    path("mutual-aid/plans/export/", views.plan_export, name="plan_export"),
    path("mutual-aid/plans/new/", views.plan_create, name="plan_create"),
    path("mutual-aid/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("mutual-aid/plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("mutual-aid/plans/<int:pk>/<slug:step>/", views.plan_step, name="plan_step"),
    path("mutual-aid/enrolments/", views.enrolment_list, name="enrolment_list"),
    path("mutual-aid/enrolments/export/", views.enrolment_export, name="enrolment_export"),
    path("mutual-aid/enrolments/new/", views.enrolment_create, name="enrolment_create"),
    path("mutual-aid/enrolments/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("mutual-aid/enrolments/<int:pk>/remove/<int:coverage_pk>/", views.enrolment_remove,
         name="enrolment_remove"),
    path("mutual-aid/enrolments/<int:pk>/<slug:step>/", views.enrolment_step, name="enrolment_step"),
    path("mutual-aid/claims/", views.claim_list, name="claim_list"),
    path("mutual-aid/claims/export/", views.claim_export, name="claim_export"),
    path("mutual-aid/claims/new/", views.claim_create, name="claim_create"),
    path("mutual-aid/claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("mutual-aid/claims/<int:pk>/documents/", views.claim_document_add, name="claim_document_add"),
    path("mutual-aid/claims/<int:pk>/documents/<int:doc_pk>/", views.claim_document, name="claim_document"),
    path("mutual-aid/claims/<int:pk>/documents/<int:doc_pk>/remove/", views.claim_document_remove,
         name="claim_document_remove"),
    path("mutual-aid/claims/<int:pk>/<slug:step>/", views.claim_step, name="claim_step"),
    path("my/mutual-aid/", views.my_mutual_aid, name="my_mutual_aid"),
]
