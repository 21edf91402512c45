"""URLs of the `intake` area: the member's phone pages, the public form and tracking page (no
login), and staff entry of a call or visit."""

from django.urls import path

from .views import intake as views

urlpatterns = [
    path("my/appeals/", views.my_appeals, name="my_appeals"),
    path("my/appeals/new/", views.my_appeal_new, name="my_appeal_new"),
    path("my/appeals/<int:pk>/", views.my_appeal_detail, name="my_appeal_detail"),
    path("my/appeals/<int:pk>/<str:step>/", views.my_appeal_step, name="my_appeal_step"),
    path("my/appeals/<int:pk>/files/<int:file_pk>/", views.my_appeal_file, name="my_appeal_file"),
    path("appeal/", views.public_submit, name="public_submit"),
    path("appeal/received/", views.public_done, name="public_done"),
    path("appeal/track/", views.public_track, name="public_track"),
    path("appeal/track/<int:pk>/files/<int:file_pk>/", views.public_file, name="public_file"),
    path("appeals/new/", views.appeal_create, name="appeal_create"),
]
