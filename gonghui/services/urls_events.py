from django.urls import path  # noqa: F401

from .views import events as views  # noqa: F401

urlpatterns = []
