"""A review as a card in a list: drawn in Python (lists show many cards, and
a template per card costs several times more), and stored on the review
when it is saved, so a list reads it instead of drawing it.

A card shows the review's headline, standfirst, hero image (cut around its
focal point), publish date, author's name and column's name. The review
keeps it in two forms (``card_html``: with its column's name as the kicker;
``card_html_in_column``: for its column's own list, without the kicker and
with the column's name taken off the start of the headline), both with a
level-2 heading; :func:`card_html` gives another level by changing the
heading's tag. They are drawn again when an edit changes what they show
(``reviews.services.derived``), when the author's or the column's name
changes or the column is deleted (the newest reviews at once, the rest by a
task), and for every review by
``manage.py regenerate_reviews --cards`` (after a change here).

Stored cards are never trusted blindly: each review keeps, beside its cards,
a digest of what they were drawn from (:func:`drawn_from`: the fields and
names a card shows, where media and pages are served, the time zone, and
``DRAWING``). A list computes it again from the row it reads anyway (about
9 µs a card) and draws the card afresh where it differs, so a review written
another way (a plain ``save()``, SQL by hand), a renamed author whose
reviews are not yet drawn again, or a moved media storage shows what a
fresh drawing shows. A card with a reason (Up Next) is always drawn."""

import hashlib
import re
from datetime import UTC

from django.conf import settings
from django.urls import get_script_prefix
from django.utils import timezone

from kdrama_rewind.templatetags.dates import datetime_attr, day
from kdrama_rewind.templatetags.pictures import picture_html
from kdrama_rewind.web.escaping import escape_text

CARD_IMAGE_SIZES = "(max-width: 39.99em) 7rem, (min-width: 60em) 20em, 45vw"
STORED_LEVEL = 2
# Changed with the drawing below: every stored card is then drawn afresh
# when shown, until ``regenerate_reviews --cards`` stores them again.
DRAWING = 1


def title_in_column(review) -> str:
    """A review's headline in a list of its own column's reviews, without
    the column's name where the headline starts with it: "K-Drama Rewind,
    Misaeng: …" reads "Misaeng: …" under a "K-Drama Rewind" heading."""
    title, column = review.title, review.column
    if column is None:
        return title
    pattern = rf"{re.escape(column.name)}\s*[,:;–—-]\s*(?=\S)"
    shortened = re.sub(f"^{pattern}", "", title, count=1, flags=re.IGNORECASE)
    return shortened[:1].upper() + shortened[1:] if shortened != title else title


def card_html(review, *, level=None, reason="", in_column=False) -> str:
    """The card's HTML: the stored form where the review has it loaded, it
    was drawn from what the review shows now, and the card has no reason;
    else drawn now."""
    level = int(level or STORED_LEVEL)
    stored = review.__dict__.get("card_html_in_column" if in_column else "card_html")
    if stored and not reason and review.__dict__.get("card_drawn_from") == drawn_from(review):
        return at_level(stored, level)
    return draw_card(review, level=level, reason=reason, in_column=in_column)


# The review's fields that keep its cards (``stored_cards``).
STORED_CARD_FIELDS = ("card_html", "card_html_in_column", "card_drawn_from")


def stored_cards(review) -> dict[str, str]:
    """What a review keeps, by field: its two cards, drawn in the site's
    time zone whoever is saving, and what they were drawn from."""
    with timezone.override(timezone.get_default_timezone()):
        kept = (draw_card(review), draw_card(review, in_column=True), drawn_from(review))
    return dict(zip(STORED_CARD_FIELDS, kept, strict=True))


_HEADING = f'<h{STORED_LEVEL} class="card__title">'


def drawn_from(review) -> str:
    """A digest of everything a card shows or is drawn with."""
    column, hero, published = review.column, review.hero_image, review.published_at
    shown = (
        DRAWING,
        review.title,
        review.slug,
        review.standfirst,
        hero.name if hero else "",
        review.hero_width,
        review.hero_height,
        review.hero_focus_x,
        review.hero_focus_y,
        review.hero_alt,
        published.astimezone(UTC).isoformat() if published else None,
        review.author.name,
        column.name if column is not None else None,
        *_served(),
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def _served() -> tuple:
    """Where a card's images and page are served, and in which time zone
    (the media storage's address, never its keys)."""
    storage = settings.STORAGES.get("default", {})
    options = storage.get("OPTIONS", {})
    return (
        storage.get("BACKEND"),
        options.get("custom_domain"),
        options.get("url_protocol"),
        settings.MEDIA_URL,
        get_script_prefix(),
        settings.TIME_ZONE,
        settings.LANGUAGE_CODE,
    )


def at_level(html: str, level: int) -> str:
    """A stored card with its heading at ``level``. Everything in the card
    that came from the review is escaped, so the heading's are its only
    heading tags."""
    if level == STORED_LEVEL:
        return html
    html = html.replace(_HEADING, f'<h{level} class="card__title">', 1)
    return html.replace(f"</h{STORED_LEVEL}>", f"</h{level}>", 1)


def draw_card(review, *, level=STORED_LEVEL, reason="", in_column=False) -> str:
    """The card drawn from the review (loaded as ``Review.objects.cards()``
    loads it), every value escaped. ``reason`` is said above the headline
    (Up Next); ``in_column`` is true in a column's own list. On phones the
    image is a thumbnail beside the headline."""
    esc = escape_text
    level = esc(level or STORED_LEVEL)
    parts = ['\n<article class="card">\n  ']
    if review.hero_image:
        crops = review.hero_image.crops
        image = picture_html(
            crops["wide"],
            phone=crops["square"],
            phone_sizes="7rem",
            alt=review.hero_alt,
            sizes=CARD_IMAGE_SIZES,
        )
        parts.append(f'\n  <div class="card__image">\n{image}\n</div>\n  ')
    parts.append('\n  <div class="card__text">\n    ')
    if reason:
        parts.append(f'<p class="kicker">{esc(reason)}</p>')
    elif not in_column:
        column = review.column
        parts.append(f'<p class="kicker">{esc(column.name) if column else "Review"}</p>')
    title = title_in_column(review) if in_column else review.title
    parts.append(
        f'\n    <h{level} class="card__title"><a href="{esc(review.get_absolute_url())}">'
        f"{esc(title)}</a></h{level}>\n    "
    )
    if review.standfirst and not reason:
        parts.append(f'<p class="card__standfirst">{esc(review.standfirst)}</p>')
    published = review.published_at
    shown = day(published)
    parts.append(
        f'\n    <p class="meta">{esc(review.author.name)} · '
        f'<time datetime="{esc(datetime_attr(published))}">{esc(shown)}</time></p>'
        "\n  </div>\n</article>\n"
    )
    return "".join(parts)
