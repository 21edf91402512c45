from django.urls import path

from .views import homes as views

urlpatterns = [
    path("homes/", views.home_list, name="home_list"),
    path("homes/export/", views.home_export, name="home_export"),
    path("homes/new/", views.home_create, name="home_create"),
    path("homes/<int:pk>/", views.home_detail, name="home_detail"),
    path("homes/<int:pk>/score/<slug:kind>/", views.home_score, name="home_score"),
    path("homes/<int:pk>/evidence/", views.home_evidence_add, name="home_evidence_add"),
    path("homes/<int:pk>/evidence/<int:evidence_pk>/", views.home_evidence, name="home_evidence"),
    path("homes/<int:pk>/evidence/<int:evidence_pk>/remove/", views.home_evidence_remove,
         name="home_evidence_remove"),
    path("homes/<int:pk>/<slug:step>/", views.home_step, name="home_step"),
    path("home-standards/", views.home_standard_list, name="home_standard_list"),
    path("home-standards/export/", views.home_standard_export, name="home_standard_export"),
    path("home-standards/new/", views.home_standard_create, name="home_standard_create"),
    path("home-standards/<int:pk>/", views.home_standard_detail, name="home_standard_detail"),
    path("home-standards/<int:pk>/criteria/<int:criterion_pk>/<slug:step>/", views.home_criterion_step,
         name="home_criterion_step"),
    path("home-standards/<int:pk>/<slug:step>/", views.home_standard_step, name="home_standard_step"),
]
