from . import columns, dramas, pages, reviews, shared, tags  # noqa: F401  (registers the admin classes)
