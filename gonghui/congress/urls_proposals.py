"""Proposals (提案制); included by urls.py under `congress:`."""

from django.urls import path

from .views import proposals as views

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/export/", views.proposal_export, name="proposal_export"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/<slug:step>/", views.proposal_step, name="proposal_step"),
]
