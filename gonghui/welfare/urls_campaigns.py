from django.urls import path  # noqa: F401

from .views import campaigns as views  # noqa: F401

urlpatterns = []
