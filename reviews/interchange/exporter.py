"""Exporting reviews: every review as ``<slug>.md`` with its hero image
beside it (the rules are in the package's docstring)."""

import posixpath
from collections.abc import Callable
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone

from kdrama_rewind.data.slugs import slug_for

from ..models import Character, Drama, Review
from .format import (
    CastEntry,
    CorrectionEntry,
    DramaEntry,
    HeroEntry,
    QuoteEntry,
    ReviewDocument,
    dump,
)


class ExportFailed(Exception):
    """A review could not be written out."""


def export_reviews(
    *, directory: Path, progress: Callable[[int, int], None] | None = None
) -> list[Path]:
    """Write every review, whatever its status, as ``<slug>.md`` with its hero
    image beside it as ``<slug>.<ext>`` (the original bytes); return the paths
    written. ``progress(done, total)`` is called after each review."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    reviews = (
        Review.objects.select_related("author", "column")
        .prefetch_related(
            "featured_people",
            "tags",
            "corrections",
            "quotes__character__played_by",
            "quotes__character__drama",
            Prefetch(
                "dramas",
                queryset=Drama.objects.prefetch_related(
                    Prefetch("characters", queryset=Character.objects.select_related("played_by"))
                ),
            ),
        )
        .order_by("slug")
    )
    total = reviews.count()
    written = []
    for done, review in enumerate(reviews.iterator(chunk_size=200), start=1):
        written += _export_review(review, directory)
        if progress:
            progress(done, total)
    return written


def review_document(review: Review, *, hero_file: str | None) -> ReviewDocument:
    """The review as a document: what its file says, in a fixed order."""
    featured = set(review.featured_people.all())
    quotes = sorted(
        review.quotes.all(),
        key=lambda q: (q.episode or 0, q.character.drama.title, q.character.name, q.text, q.pk),
    )
    reviewed = sorted(review.dramas.all(), key=lambda d: (d.title, d.slug))
    quoted_only = sorted(
        {q.character.drama for q in quotes} - set(reviewed), key=lambda d: (d.title, d.slug)
    )
    dramas = [*reviewed, *quoted_only]
    several = len(dramas) > 1
    quoted = {q.character for q in quotes}
    cast = [
        c
        for drama in reviewed
        for c in drama.characters.all()
        if c.played_by in featured or c in quoted
    ]
    cast += [c for c in quoted if c.drama in quoted_only]
    order = {drama: index for index, drama in enumerate(dramas)}
    cast.sort(key=lambda c: (order[c.drama], c.role != Character.Role.LEAD, c.name))
    in_cast = {c.played_by for c in cast if c.played_by in featured}
    ambiguous = {name for name in (c.name for c in cast) if [x.name for x in cast].count(name) > 1}
    hero = None
    if hero_file:
        hero = HeroEntry(
            file=hero_file,
            alt=review.hero_alt,
            caption=review.hero_caption,
            credit=review.hero_credit,
            focus=(review.hero_focus_x, review.hero_focus_y),
        )
    return ReviewDocument(
        title=review.title,
        slug=review.slug,
        standfirst=review.standfirst,
        column=review.column.name if review.column else None,
        author=review.author.name,
        author_title=review.author.job_title or None,
        status=review.status,
        published=_local(review.published_at),
        updated=_local(review.updated_at),
        tags=sorted((t.name for t in review.tags.all()), key=lambda n: (n.casefold(), n)),
        featured=sorted(p.name for p in featured - in_cast),
        dramas=[
            DramaEntry(
                title=d.title,
                year=d.year,
                original_title=d.original_title or None,
                network=d.network or None,
                episodes=d.episodes,
                slug=d.slug if d.slug != slug_for(d.title) else None,
                featured=d not in quoted_only,
                first_aired=d.first_aired,
            )
            for d in dramas
        ],
        cast=[
            CastEntry(
                character=c.name,
                person=c.played_by.name if c.played_by else None,
                aliases=c.alias_list or None,
                role="lead" if c.role == Character.Role.LEAD else None,
                drama=c.drama.title,
                featured=c.played_by is None or c.played_by in featured,
            )
            for c in cast
        ],
        quotes=[
            QuoteEntry(
                character=q.character.name,
                text=q.text,
                episode=q.episode,
                context=q.context or None,
                drama=q.character.drama.title if several or q.character.name in ambiguous else None,
            )
            for q in quotes
        ],
        corrections=[
            CorrectionEntry(kind=c.kind, date=_local(c.noted_at), text=c.text)
            for c in review.corrections.all()
        ],
        hero=hero,
        body=review.body,
    )


def _export_review(review: Review, directory: Path) -> list[Path]:
    paths = [directory / f"{review.slug}.md"]
    hero_file = None
    if review.hero_image:
        extension = posixpath.splitext(review.hero_image.name)[1].lower()
        hero_file = f"{review.slug}{extension}"
        try:
            with review.hero_image.storage.open(review.hero_image.name, "rb") as original:
                data = original.read()
        except FileNotFoundError:
            raise ExportFailed(
                f"review “{review.slug}”: its hero image {review.hero_image.name} "
                "is missing from media storage"
            ) from None
        (directory / hero_file).write_bytes(data)
        paths.append(directory / hero_file)
    text = dump(review_document(review, hero_file=hero_file))
    paths[0].write_bytes(text.encode("utf-8"))
    return paths


def _local(moment):
    """Date-times are written in the site's time zone, with their offset."""
    return timezone.localtime(moment, timezone.get_default_timezone()) if moment else None
