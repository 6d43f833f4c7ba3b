from django.apps import AppConfig


class KdramaRewindConfig(AppConfig):
    """The project itself, installed only for its site-wide template tags."""

    name = "kdrama_rewind"
    verbose_name = "K-Drama Rewind"
