"""Filled in by its owner; included by urls.py."""

urlpatterns = []
