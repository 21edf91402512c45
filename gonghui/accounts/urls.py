from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/setup/confirm/", views.otp_setup_confirm, name="otp_setup_confirm"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/export/", views.role_export, name="role_export"),
    path("roles/org/<int:pk>/", views.org_roles, name="org_roles"),
    path("roles/<int:pk>/remove/", views.role_remove, name="role_remove"),
    path("roles/org/<int:pk>/accounts/new/", views.account_create, name="account_create"),
    path("users/<int:pk>/reset-password/", views.account_reset_password, name="account_reset_password"),
    path("users/<int:pk>/disable/", views.account_disable, name="account_disable"),
    path("users/<int:pk>/enable/", views.account_enable, name="account_enable"),
]
