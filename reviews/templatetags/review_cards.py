from django import template
from django.utils.safestring import mark_safe

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
