from django.urls import path

from .views import labour as views

urlpatterns = [
    path("competitions/", views.competition_list, name="competition_list"),
    path("competitions/export/", views.competition_export, name="competition_export"),
    path("competitions/new/", views.competition_create, name="competition_create"),
    path("competitions/<int:pk>/", views.competition_detail, name="competition_detail"),
    path("competitions/<int:pk>/board/", views.competition_board, name="competition_board"),
    path("competitions/<int:pk>/edit/", views.competition_edit, name="competition_edit"),
    path("competitions/<int:pk>/criteria/", views.competition_criteria, name="competition_criteria"),
    path("competitions/<int:pk>/teams/", views.team_add, name="competition_team_add"),
    path("competitions/<int:pk>/teams/<int:team_pk>/remove/", views.team_remove, name="competition_team_remove"),
    path("competitions/<int:pk>/rounds/", views.round_open, name="round_open"),
    path("competitions/<int:pk>/rounds/<int:round_pk>/", views.round_scores, name="round_scores"),
    path("competitions/<int:pk>/rounds/<int:round_pk>/close/", views.round_close, name="round_close"),
    path("competitions/<int:pk>/evidence/", views.evidence_add, name="competition_evidence_add"),
    path("competitions/<int:pk>/evidence/<int:evidence_pk>/", views.evidence, name="competition_evidence"),
    path("competitions/<int:pk>/evidence/<int:evidence_pk>/remove/", views.evidence_remove,
         name="competition_evidence_remove"),
    path("competitions/<int:pk>/awards/", views.award_add, name="competition_award_add"),
    path("competitions/<int:pk>/<slug:step>/", views.competition_step, name="competition_step"),
]
