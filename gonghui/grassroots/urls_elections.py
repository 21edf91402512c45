from django.urls import path

from .views import elections as views

urlpatterns = [
    path("elections/", views.election_list, name="election_list"),
    path("elections/export/", views.election_export, name="election_export"),
    path("elections/new/", views.election_create, name="election_create"),
    path("elections/<int:pk>/", views.election_detail, name="election_detail"),
    path("elections/<int:pk>/plan/", views.election_edit, name="election_edit"),
    path("elections/<int:pk>/candidates/", views.election_candidates, name="election_candidates"),
    path("elections/<int:pk>/candidates/<int:candidate_id>/remove/", views.candidate_remove,
         name="election_candidate_remove"),
    path("elections/<int:pk>/ballots/", views.election_ballots, name="election_ballots"),
    path("elections/<int:pk>/officers/", views.election_officers, name="election_officers"),
    path("elections/<int:pk>/<slug:step>/", views.election_step, name="election_step"),
]
