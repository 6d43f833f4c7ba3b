from . import dramas, reviews  # noqa: F401  (registers the admin classes)
