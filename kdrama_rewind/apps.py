from django.apps import AppConfig


class KdramaRewindConfig(AppConfig):
    """The project itself, installed for its site-wide template tags, its
    checks and its management commands (``clean_media``)."""

    name = "kdrama_rewind"
    verbose_name = "K-Drama Rewind"
