from django.urls import path

from .views import liaison as views

urlpatterns = [
    path("liaison/", views.visit_list, name="liaison_visit_list"),
    path("liaison/visits/export/", views.visit_export, name="liaison_visit_export"),
    path("liaison/visits/new/", views.visit_create, name="liaison_visit_create"),
    path("liaison/visits/<int:pk>/", views.visit_detail, name="liaison_visit_detail"),
    path("liaison/visits/<int:pk>/edit/", views.visit_edit, name="liaison_visit_edit"),
    path("liaison/visits/<int:pk>/follow-ups/", views.follow_up_add, name="liaison_follow_up_add"),
    path("liaison/follow-ups/", views.follow_up_list, name="liaison_follow_up_list"),
    path("liaison/follow-ups/export/", views.follow_up_export, name="liaison_follow_up_export"),
    path("liaison/follow-ups/<int:pk>/close/", views.follow_up_close, name="liaison_follow_up_close"),
    path("liaison/assignments/", views.assignment_list, name="liaison_assignment_list"),
    path("liaison/assignments/export/", views.assignment_export, name="liaison_assignment_export"),
    path("liaison/assignments/assign/", views.assign, name="liaison_assign"),
    path("liaison/assignments/<int:pk>/end/", views.assignment_end, name="liaison_assignment_end"),
    path("liaison/coverage/", views.coverage, name="liaison_coverage"),
    path("liaison/coverage/export/", views.coverage_export, name="liaison_coverage_export"),
]
