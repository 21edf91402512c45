from django.urls import path

from .views import foundings as views

urlpatterns = [
    path("foundings/", views.founding_list, name="founding_list"),
    path("foundings/export/", views.founding_export, name="founding_export"),
    path("foundings/new/", views.founding_create, name="founding_create"),
    path("foundings/<int:pk>/", views.founding_detail, name="founding_detail"),
    path("foundings/<int:pk>/edit/", views.founding_edit, name="founding_edit"),
    path("foundings/<int:pk>/<slug:step>/", views.founding_step, name="founding_step"),
    path("unorganised/", views.unorganised_list, name="unorganised_list"),
    path("unorganised/export/", views.unorganised_export, name="unorganised_export"),
]
