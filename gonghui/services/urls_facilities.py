from django.urls import path  # noqa: F401

from .views import facilities as views  # noqa: F401

urlpatterns = []
