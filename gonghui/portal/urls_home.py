"""Pages of the `home` area; included by urls.py under `portal:` (mounted at /m/)."""

from django.urls import path

from .views import home as views

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.services, name="services"),
    path("messages/", views.messages_list, name="messages"),
    path("messages/read-all/", views.messages_read_all, name="messages_read_all"),
    path("me/", views.me, name="me"),
    path("me/password/", views.password_change, name="password_change"),
    path("membership/", views.my_membership, name="my_membership"),
    path("offers/", views.my_offers, name="my_offers"),
]
