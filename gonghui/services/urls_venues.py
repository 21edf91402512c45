from django.urls import path

from .views import venues as views

urlpatterns = [
    path("venues/", views.venue_list, name="venue_list"),
    path("venues/export/", views.venue_export, name="venue_export"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/", views.venue_detail, name="venue_detail"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("venues/<int:venue_pk>/rooms/new/", views.room_form, name="room_create"),
    path("venues/<int:venue_pk>/rooms/<int:pk>/", views.room_form, name="room_edit"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/export/", views.booking_export, name="booking_export"),
    path("bookings/new/", views.booking_create, name="booking_create"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/<slug:step>/", views.booking_step, name="booking_step"),
    path("calendar/", views.calendar_view, name="venue_calendar"),
    path("programme/", views.programme_list, name="programme_list"),
    path("programme/export/", views.performance_export, name="performance_export"),
    path("programme/new/", views.performance_create, name="performance_create"),
    path("programme/<int:pk>/", views.performance_detail, name="performance_detail"),
    path("programme/<int:pk>/<slug:step>/", views.performance_step, name="performance_step"),
    path("screenings/", views.screening_list, name="screening_list"),
    path("screenings/export/", views.screening_export, name="screening_export"),
    path("screenings/new/", views.screening_create, name="screening_create"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening_detail"),
    path("screenings/<int:pk>/<slug:step>/", views.screening_step, name="screening_step"),
]
