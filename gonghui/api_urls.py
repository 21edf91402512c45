from django.urls import path

from gonghui.api import api

urlpatterns = [path("", api.urls)]
