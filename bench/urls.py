"""The project's URLs plus `/bench/bare`: a plain HttpResponse without a database query, the
reference of the load benchmark (bench/load.py): what gunicorn, the middleware and the network
cost on their own, measured with the same users and the same locust configuration."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *project_urlpatterns]
