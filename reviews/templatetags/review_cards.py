from django import template
from django.utils.safestring import mark_safe

from kdrama_rewind.templatetags.dates import datetime_attr, day
from kdrama_rewind.web.escaping import escape_text as esc
from reviews import cards

register = template.Library()


@register.simple_tag
def review_card(review, level=None, reason="", in_column=False):
    """One review in a list: ``{% review_card review level=3 %}``.

    ``review`` comes from ``Review.objects…cards()`` (or ``for_cards()``); ``level`` is the
    heading level (2 by default); ``reason`` is said above the headline (Up
    Next); ``in_column`` is true in a column's own list, which needs no
    column kicker. The review's stored card where it has one
    (``reviews.cards``)."""
    html = cards.card_html(review, level=level, reason=reason, in_column=in_column)
    return mark_safe(html)  # every value escaped when drawn (reviews.cards)


@register.simple_tag
def search_result(review):
    """One review found by a search, as an item of its list: its column,
    its headline and snippet highlighted (``title_html`` and
    ``snippet_html``, set by ``reviews.search.search``), its author and
    day. Drawn in Python like a card: as template markup, the ten results
    of a page took about 75 µs each, most of it looking up variables."""
    column, snippet, published = review.column, review.snippet_html, review.published_at
    kicker = f'<p class="kicker">{esc(column.name)}</p>' if column else ""
    snippet = f'<p class="search-results__snippet">{esc(snippet)}</p>' if snippet else ""
    return mark_safe(  # every value escaped
        f"<li>\n        {kicker}\n"
        f'        <h3 class="search-results__title"><a href="{esc(review.get_absolute_url())}">'
        f"{esc(review.title_html)}</a></h3>\n"
        f"        {snippet}\n"
        f'        <p class="meta">{esc(review.author.name)} · <time datetime="'
        f'{esc(datetime_attr(published))}">{esc(day(published))}</time></p>\n      </li>'
    )
