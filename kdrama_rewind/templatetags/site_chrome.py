"""What every page has, drawn in Python: ``{% site_nav %}`` (the main
navigation, from the ``navigation`` context processor) and ``{% site_search
"id" %}`` (the search box; ``id`` unique on the page), which the header and
the phone menu each show, and ``{% social_meta … %}`` (link previews)."""

from django import template
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from kdrama_rewind.web.escaping import escape_text

register = template.Library()


@register.simple_tag(takes_context=True)
def site_nav(context):
    """The main navigation's links, each with its ``aria-current``."""
    esc = escape_text
    items = []
    for link in context.get("navigation") or ():
        current = f' aria-current="{esc(link["current"])}"' if link["current"] else ""
        items.append(f'<li><a href="{esc(link["url"])}"{current}>{esc(link["label"])}</a></li>\n  ')
    return mark_safe(f"\n<ul>\n  {''.join(items)}\n</ul>\n")  # every value escaped


@register.simple_tag(takes_context=True)
def site_search(context, id):
    """The search box, holding the query of the search page it is on."""
    esc = escape_text
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


SOCIAL_META_OPTIONS = (
    "og_type",
    "og_title",
    "og_description",
    "og_image",
    "og_image_alt",
    "card",
    "published",
    "modified",
)


@register.simple_tag(takes_context=True)
def social_meta(context, **options):
    """Open Graph and Twitter card tags. Takes (all optional): og_type,
    og_title, og_description, og_image, og_image_alt, card (True for a
    1200×630 social card), published, modified; an option not given is read
    from the context, as an include would."""
    unknown = set(options) - set(SOCIAL_META_OPTIONS)
    if unknown:
        raise template.TemplateSyntaxError(f"social_meta takes no {', '.join(sorted(unknown))}.")
    value = {
        name: options[name] if name in options else context.get(name)
        for name in SOCIAL_META_OPTIONS
    }
    esc = escape_text
    site_name = context.get("site_name") or ""
    title = value["og_title"] or site_name
    description = value["og_description"] or context.get("site_description") or ""
    image = value["og_image"] or context.get("default_social_image") or ""
    alt = value["og_image_alt"] or value["og_title"] or site_name
    lines = [
        f'\n<meta property="og:site_name" content="{esc(site_name)}">\n',
        f'<meta property="og:type" content="{esc(value["og_type"] or "website")}">\n',
        f'<meta property="og:title" content="{esc(title)}">\n',
        f'<meta property="og:description" content="{esc(description)}">\n',
        f'<meta property="og:url" content="{esc(context.get("canonical_url") or "")}">\n',
        f'<meta property="og:image" content="{esc(image)}">\n',
    ]
    if value["card"] or not value["og_image"]:
        lines.append(
            '<meta property="og:image:width" content="1200">\n'
            '<meta property="og:image:height" content="630">'
        )
    lines.append(
        f'\n<meta property="og:image:alt" content="{esc(alt)}">\n'
        '<meta property="og:locale" content="en_GB">\n'
    )
    for name, tag in (("published", "published_time"), ("modified", "modified_time")):
        if value[name]:
            moment = date_format(template_localtime(value[name]), "c")
            lines.append(f'<meta property="article:{tag}" content="{esc(moment)}">')
        lines.append("\n")
    lines.append(
        '<meta name="twitter:card" content="summary_large_image">\n'
        f'<meta name="twitter:title" content="{esc(title)}">\n'
        f'<meta name="twitter:description" content="{esc(description)}">\n'
        f'<meta name="twitter:image" content="{esc(image)}">\n'
    )
    return mark_safe("".join(lines))  # every value escaped
