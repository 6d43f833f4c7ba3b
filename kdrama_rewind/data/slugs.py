"""The one slug rule every model follows.

Slugs are Django's ``slugify`` of a name or title (``/dramas/run-on/``); a name
with no Latin letters keeps a Unicode slug (``/dramas/런-온/``).
"""

from django.utils.text import slugify


def slug_for(text: str) -> str:
    return slugify(text) or slugify(text, allow_unicode=True)


def split_lines(text: str) -> list[str]:
    """The non-empty, stripped, de-duplicated lines of a one-per-line field."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            seen.setdefault(line, None)
    return list(seen)


class AutoSlugMixin:
    """For models with a ``slug``: an empty one is filled from the field
    named by ``slug_source`` when the object is saved, made unique with
    ``-2``, ``-3``… (two actors can share a name; names that differ only
    in punctuation or invisible characters share a slug)."""

    slug_source = "name"

    def save(self, *args, **kwargs):
        self.fill_slug()
        super().save(*args, **kwargs)

    def fill_slug(self) -> None:
        """Fill an empty slug now, as saving would (for what shows it first)."""
        if not self.slug:
            self.slug = self.unique_slug(slug_for(getattr(self, self.slug_source)) or "untitled")

    def unique_slug(self, base: str) -> str:
        limit = self._meta.get_field("slug").max_length
        base = base[: limit - 6].rstrip("-") or "untitled"
        taken = type(self)._default_manager.filter(slug__startswith=base).exclude(pk=self.pk)
        taken = set(taken.values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug
