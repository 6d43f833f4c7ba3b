from django.apps import AppConfig


class KdramaRewindConfig(AppConfig):
    """The project itself, installed for its site-wide template tags, its
    checks, the rate-limit counts kept while the cache fails, and
    ``manage.py clean_media``."""

    name = "kdrama_rewind"
    verbose_name = "K-Drama Rewind"

    def ready(self):
        from kdrama_rewind import checks, tasks  # noqa: F401  (register checks and task signals)
