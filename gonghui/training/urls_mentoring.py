from django.urls import path

from .views import mentoring as views

urlpatterns = [
    path("mentorships/", views.mentoring_list, name="mentoring_list"),
    path("mentorships/export/", views.mentoring_export, name="mentoring_export"),
    path("mentorships/new/", views.mentoring_create, name="mentoring_create"),
    path("mentorships/<int:pk>/", views.mentoring_detail, name="mentoring_detail"),
    path("mentorships/<int:pk>/<slug:step>/", views.mentoring_step, name="mentoring_step"),
]
