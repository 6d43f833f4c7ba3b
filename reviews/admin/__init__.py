from . import dramas, pages, reviews  # noqa: F401  (registers the admin classes)
