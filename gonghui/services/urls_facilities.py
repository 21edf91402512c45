from django.urls import path

from .views import facilities as views

urlpatterns = [
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/export/", views.facility_export, name="facility_export"),
    path("facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/<slug:step>/", views.facility_step, name="facility_step"),
]
