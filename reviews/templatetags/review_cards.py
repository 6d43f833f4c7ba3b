import re

from django import template

register = template.Library()


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
