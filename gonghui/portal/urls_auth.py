"""Pages of the `auth` area; included by urls.py under `portal:`."""

from django.urls import path

from .views import auth as views

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("signup/", views.sign_up, name="signup"),
    path("password/reset/", views.password_reset, name="password_reset"),
]
