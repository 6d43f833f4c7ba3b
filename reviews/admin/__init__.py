from . import dramas, pages, reviews, shared  # noqa: F401  (registers the admin classes)
