from django.urls import path

from .views import events as views

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/export/", views.event_export, name="event_export"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/stats/", views.event_stats, name="event_stats"),
    path("events/stats/export/", views.event_stats_export, name="event_stats_export"),
    path("events/registrations/", views.registration_list, name="registration_list"),
    path("events/registrations/export/", views.registration_export, name="registration_export"),
    path("events/registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("events/registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/step/<slug:name>/", views.event_step, name="event_step"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/checkin-code/", views.event_rotate, name="event_rotate"),
    path("events/<int:pk>/checkin-list/", views.event_checkin_list, name="event_checkin_list"),
    path("events/<int:pk>/checkins/export/", views.event_checkin_export, name="event_checkin_export"),
    path("events/<int:pk>/checkin/", views.event_checkin, name="event_checkin"),
    path("events/<int:pk>/photos/", views.event_photo_add, name="event_photo_add"),
    path("events/<int:pk>/photos/<int:photo_pk>/", views.event_photo, name="event_photo"),
    path("events/<int:pk>/photos/<int:photo_pk>/delete/", views.event_photo_delete, name="event_photo_delete"),
    path("my/events/", views.my_events, name="my_events"),
    path("my/events/<int:pk>/register/", views.my_register, name="my_event_register"),
    path("my/events/registrations/<int:pk>/cancel/", views.my_cancel, name="my_event_cancel"),
]
