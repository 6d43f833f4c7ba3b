"""Text for the site's XML written by templates (the news sitemap)."""

from django import template

from kdrama_rewind.web.escaping import xml_text as _xml_text

register = template.Library()


@register.filter(is_safe=False)
def xml_text(value):
    """The value without the control characters XML 1.0 cannot hold
    (``kdrama_rewind.web.escaping.NOT_XML``); escaped as any other text."""
    return _xml_text(value)
