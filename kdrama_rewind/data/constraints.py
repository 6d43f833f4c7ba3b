"""Constraints several models share. Their names carry the model
(``%(class)s``): ``not_blank("slug")`` on Person is ``person_slug_not_empty``."""

from django.db import models
from django.db.models import Q


def not_blank(field: str, message: str | None = None) -> models.CheckConstraint:
    """``field`` is never the empty string."""
    return models.CheckConstraint(
        condition=~Q(**{field: ""}),
        name=f"%(class)s_{field}_not_empty",
        violation_error_message=message or f"A {field} is required.",
    )


def image_has_alt(prefix: str, *, describing: str, image: str | None = None):
    """An image stored in ``image`` (the field named ``prefix`` unless given)
    has alt text in ``<prefix>_alt``, for readers who cannot see it."""
    return models.CheckConstraint(
        condition=Q(**{image or prefix: ""}) | ~Q(**{f"{prefix}_alt": ""}),
        name=f"%(class)s_{prefix}_has_alt",
        violation_error_message=f"Add alt text describing {describing}.",
    )
