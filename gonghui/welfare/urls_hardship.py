from django.urls import path  # noqa: F401

from .views import hardship as views  # noqa: F401

urlpatterns = []
