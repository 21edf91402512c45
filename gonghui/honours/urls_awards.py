from django.urls import path

from .views import awards as views

urlpatterns = [
    path("nominations/", views.nomination_list, name="nomination_list"),
    path("nominations/export/", views.nomination_export, name="nomination_export"),
    path("nominations/new/", views.nomination_create, name="nomination_create"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/<slug:step>/", views.nomination_step, name="nomination_step"),
    path("award-types/", views.award_type_list, name="award_type_list"),
    path("award-types/export/", views.award_type_export, name="award_type_export"),
    path("records/", views.record_list, name="record_list"),
    path("records/export/", views.record_export, name="record_export"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("people/<int:person_pk>/", views.person_honours, name="person_honours"),
]
