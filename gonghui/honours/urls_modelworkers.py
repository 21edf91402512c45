from django.urls import path

from .views import modelworkers as views

urlpatterns = [
    path("model-workers/", views.modelworker_list, name="modelworker_list"),
    path("model-workers/export/", views.modelworker_export, name="modelworker_export"),
    path("model-workers/new/", views.modelworker_create, name="modelworker_create"),
    path("model-workers/<int:pk>/", views.modelworker_detail, name="modelworker_detail"),
    path("model-workers/stories/<int:pk>/", views.modelworker_story, name="modelworker_story"),
    path("model-workers/<int:pk>/care/<int:care_pk>/remove/", views.modelworker_care_remove,
         name="modelworker_care_remove"),
    path("model-workers/<int:pk>/<slug:step>/", views.modelworker_step, name="modelworker_step"),
]
