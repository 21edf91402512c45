from django.urls import path

from .views import bodies as views

# Included by urls.py under the `congress:` namespace.
urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("export/", views.body_export, name="body_export"),
    path("new/", views.body_create, name="body_create"),
    path("new/preview/", views.body_preview, name="body_preview"),
    path("<int:pk>/", views.body_detail, name="body_detail"),
    path("<int:pk>/end/", views.body_end, name="body_end"),
    path("<int:pk>/next/", views.body_next, name="body_next"),
    path("<int:pk>/delegates/new/", views.delegate_add, name="delegate_add"),
    path("<int:pk>/delegates/paste/", views.delegate_bulk, name="delegate_bulk"),
    path("<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("delegates/<int:pk>/edit/", views.delegate_edit, name="delegate_edit"),
    path("delegates/<int:pk>/end/", views.delegate_end, name="delegate_end"),
    path("delegates/<int:pk>/promote/", views.delegate_promote, name="delegate_promote"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/export/", views.session_export, name="session_export"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/votes/", views.session_votes, name="session_votes"),
    path("sessions/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("sessions/<int:pk>/<slug:step>/", views.session_step, name="session_step"),
    path("agenda/<int:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("agenda/<int:pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("agenda/<int:pk>/<slug:direction>/", views.agenda_move, name="agenda_move"),
]
