from . import dramas, reviews, shared  # noqa: F401  (registers the admin classes)
