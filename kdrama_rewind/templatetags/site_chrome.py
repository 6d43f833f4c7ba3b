"""The header every page has, drawn in Python: ``{% site_nav %}`` (the main
navigation, from the ``navigation`` context processor) and ``{% site_search
"id" %}`` (the search box; ``id`` unique on the page). The header and the
phone menu each show both, so every page draws them twice."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def site_nav(context):
    """The main navigation's links, each with its ``aria-current``."""
    esc = conditional_escape
    items = []
    for link in context.get("navigation") or ():
        current = f' aria-current="{esc(link["current"])}"' if link["current"] else ""
        items.append(f'<li><a href="{esc(link["url"])}"{current}>{esc(link["label"])}</a></li>\n  ')
    return mark_safe(f"\n<ul>\n  {''.join(items)}\n</ul>\n")  # every value escaped


@register.simple_tag(takes_context=True)
def site_search(context, id):
    """The search box, holding the query of the search page it is on."""
    esc = conditional_escape
    links = context.get("site_links") or {}
    return mark_safe(  # every value escaped
        f'\n<form class="site-search" role="search" action="{esc(links.get("search", ""))}"'
        ' method="get">\n'
        f'  <label class="visually-hidden" for="{esc(id)}">'
        "Search reviews, dramas and people</label>\n"
        f'  <input id="{esc(id)}" type="search" name="q" maxlength="200" placeholder="Search"'
        f' value="{esc(context.get("query") or "")}">\n'
        '  <button type="submit">Search</button>\n</form>\n'
    )
