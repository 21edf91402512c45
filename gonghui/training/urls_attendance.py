from django.urls import path  # noqa: F401

from .views import attendance as views  # noqa: F401

urlpatterns = []
