"""Pages of the `joins` area; included by urls.py under `portal:`.

The worker's pages (phone-first) and the cadres' list and decisions, all under /m/."""

from django.urls import path

from .views import joins as views

urlpatterns = [
    path("join/", views.join_new, name="join_new"),
    path("join/status/", views.my_join, name="my_join"),
    path("join/<int:pk>/withdraw/", views.my_join_withdraw, name="my_join_withdraw"),
    path("transfer/", views.my_transfer_new, name="my_transfer_new"),
    path("joins/", views.join_list, name="join_list"),
    path("joins/export/", views.join_export, name="join_export"),
    path("joins/<int:pk>/", views.join_detail, name="join_detail"),
    path("joins/<int:pk>/approve/", views.join_approve, name="join_approve"),
    path("joins/<int:pk>/reject/", views.join_reject, name="join_reject"),
]
