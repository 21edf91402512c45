"""URLs of the `surveys` area."""

from django.urls import path

from .views import surveys as views

urlpatterns = [
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/export/", views.survey_list_export, name="survey_list_export"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/questions/", views.survey_question_add, name="survey_question_add"),
    path("surveys/<int:pk>/questions/<int:question_id>/<str:step>/", views.survey_question_step,
         name="survey_question_step"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
    path("surveys/<int:pk>/export/", views.survey_export, name="survey_export"),
    path("surveys/<int:pk>/<str:step>/", views.survey_step, name="survey_step"),
    path("my/surveys/", views.my_surveys, name="my_surveys"),
    path("my/surveys/<int:pk>/", views.my_survey_answer, name="my_survey_answer"),
]
