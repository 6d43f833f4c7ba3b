"""Social cards: the 1200×630 image a review shows when it is shared.

The card is the hero image, cut around its focal point, with the headline
and the column's name over it, made with Pillow the first time it is asked
for and kept in media storage. Its name carries a digest of what is drawn on it, so a new headline
or image makes a new card (and a new address that caches and social sites
have not seen), and the old one is removed; so does a moved focal point.
Never the body: spoilers stay out.
"""

import hashlib
import io
import posixpath
import textwrap

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont, ImageOps

from kdrama_rewind.media.renditions import CENTRE, focal_box

from .models import Review

SIZE = (1200, 630)
DESIGN = "2"  # change when the drawing changes, so every card is made again
FOLDER = "social/reviews"
BRAND = (155, 28, 63)
FONT_FILES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")


def card_digest(review: Review) -> str:
    column = review.column.name if review.column_id else ""
    drawn = [DESIGN, review.title, review.hero_image.name, column]
    if review.hero_image and review.hero_image.focus != CENTRE:
        drawn.append("{}-{}".format(*review.hero_image.focus))
    return hashlib.sha256("\n".join(drawn).encode()).hexdigest()[:16]


def card_url(review: Review) -> str:
    return reverse("reviews:social_card", kwargs={"pk": review.pk, "digest": card_digest(review)})


def card_name(review: Review) -> str:
    return f"{FOLDER}/{review.pk}-{card_digest(review)}.jpg"


def cards_in_use():
    """The name of every review's current card (older ones are removed as
    new ones are drawn; a deleted review's is no longer in use)."""
    reviews = Review.objects.select_related("column").only("title", "hero_image", "column__name")
    return (card_name(review) for review in reviews.iterator())


def ensure_card(review: Review) -> str:
    """The stored card's name, drawing it first if it is not there yet."""
    name = card_name(review)
    if not default_storage.exists(name):
        data = draw_card(review)
        _remove_old_cards(review)
        default_storage.save(name, ContentFile(data))
    return name


def _remove_old_cards(review: Review) -> None:
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for file in files:
        if file.startswith(f"{review.pk}-"):
            default_storage.delete(posixpath.join(FOLDER, file))


def _font(size: int):
    for file in FONT_FILES:
        try:
            return ImageFont.truetype(file, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw_card(review: Review) -> bytes:
    card = _background(review)
    draw = ImageDraw.Draw(card)
    margin = 64
    if review.column_id:
        draw.text((margin, margin), review.column.name.upper(), font=_font(30), fill="white")
    lines, font = _fit_headline(draw, review.title, width=SIZE[0] - 2 * margin)
    line_height = font.size + 12
    top = SIZE[1] - margin - line_height * len(lines)
    for index, line in enumerate(lines):
        draw.text((margin, top + index * line_height), line, font=font, fill="white")
    buffer = io.BytesIO()
    card.save(buffer, "JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def _background(review: Review) -> Image.Image:
    if review.hero_image:
        with review.hero_image.open("rb") as file, Image.open(file) as hero:
            hero = ImageOps.exif_transpose(hero).convert("RGB")
            box = focal_box(hero.width, hero.height, SIZE, review.hero_image.focus)
            base = hero.resize(SIZE, Image.Resampling.LANCZOS, box=box)
    else:
        base = Image.new("RGB", SIZE, BRAND)
    # Darken towards the bottom so white text stays readable on any image.
    shade = Image.linear_gradient("L").resize(SIZE)
    black = Image.new("RGB", SIZE, (0, 0, 0))
    return Image.composite(black, base, shade.point(lambda v: int(v * 0.85)))


def _fit_headline(draw, text: str, *, width: int):
    """The largest size at which the headline fits in four lines."""
    for size in (64, 56, 48, 42, 36):
        font = _font(size)
        average = draw.textlength("abcdefghijklmnopqrstuvwxyz", font=font) / 26
        lines = textwrap.wrap(text, width=max(10, int(width / average)))
        if len(lines) <= 4 and all(draw.textlength(line, font=font) <= width for line in lines):
            return lines, font
    return textwrap.wrap(text, width=int(width / (36 * 0.55)))[:4], _font(36)
