"""The site's addresses, and the benchmark's baseline view before them
(scripts/benchmark_settings.py)."""

from django.urls import path

from kdrama_rewind.urls import handler500  # noqa: F401
from kdrama_rewind.urls import urlpatterns as site
from scripts.benchmark_settings import baseline

urlpatterns = [path("_benchmark/baseline/", baseline), *site]
