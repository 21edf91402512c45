from django.urls import path  # noqa: F401

from .views import stats as views  # noqa: F401

urlpatterns = []
