import re

from django import template
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from kdrama_rewind.templatetags.dates import datetime_attr
from kdrama_rewind.templatetags.pictures import picture_html
from kdrama_rewind.web.escaping import escape_text

register = template.Library()

CARD_IMAGE_SIZES = "(max-width: 39.99em) 7rem, (min-width: 60em) 20em, 45vw"


@register.filter
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


@register.simple_tag
def review_card(review, level=None, reason="", in_column=False):
    """One review in a list: ``{% review_card review level=3 %}``.

    ``review`` comes from ``Review.objects…cards()`` (or ``for_cards()``); ``level`` is the
    heading level (2 by default); ``reason`` is said above the headline (Up
    Next); ``in_column`` is true in a column's own list, which needs no
    column kicker. On phones the image is a thumbnail beside the headline.
    Drawn in Python: lists show many cards, and a template per card costs
    several times more."""
    esc = escape_text
    level = esc(level or 2)
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
    shown = date_format(template_localtime(published), "j M Y") if published else ""
    parts.append(
        f'\n    <p class="meta">{esc(review.author.name)} · '
        f'<time datetime="{esc(datetime_attr(published))}">{esc(shown)}</time></p>'
        "\n  </div>\n</article>\n"
    )
    return mark_safe("".join(parts))  # every value escaped above
