from django.urls import path

from .views import leaders as views

urlpatterns = [
    path("leaders/", views.leader_list, name="leader_list"),
    path("leaders/export/", views.leader_export, name="leader_export"),
    path("leaders/new/", views.leader_create, name="leader_create"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader_detail"),
    path("leaders/<int:pk>/<slug:step>/", views.leader_step, name="leader_step"),
    path("allowances/", views.allowance_list, name="allowance_list"),
    path("allowances/export/", views.allowance_export, name="allowance_export"),
    path("allowances/run/", views.allowance_run, name="allowance_run"),
]
