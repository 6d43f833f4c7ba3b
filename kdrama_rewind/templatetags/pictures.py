"""``{% picture image alt=… sizes=… %}``: a responsive image.

``image`` is a ``RenditionImageField`` file or one of its crops (such as
``review.hero_image.crops.wide``); ``eager`` marks the one image at the top
of a page; ``phone`` (another crop, e.g. ``crops.square``) with
``phone_sizes`` is shown on screens under 40em. Drawn in Python: pages show
many, and a template per picture costs several times more.
"""

from django import template
from django.utils.safestring import mark_safe

from kdrama_rewind.web.escaping import escape_text

register = template.Library()


def picture_html(image, *, alt="", sizes="", eager=False, phone=None, phone_sizes="") -> str:
    """The ``<picture>``/``<img>`` markup for ``image``, escaped ("" without one)."""
    if not image:
        return ""
    esc = escape_text
    parts = []
    if phone:
        parts.append(
            f'<picture><source media="(max-width: 39.99em)" srcset="{esc(phone.srcset)}"'
            f' sizes="{esc(phone_sizes or "100vw")}"'
        )
        if phone.original_width:
            parts.append(
                f' width="{esc(phone.original_width)}" height="{esc(phone.original_height)}"'
            )
        parts.append(">")
    parts.append(
        f'<img src="{esc(image.src)}" srcset="{esc(image.srcset)}" sizes="{esc(sizes or "100vw")}"'
    )
    if image.original_width:
        parts.append(f' width="{esc(image.original_width)}" height="{esc(image.original_height)}"')
    parts.append(f' alt="{esc(alt)}"')
    parts.append(' fetchpriority="high"' if eager else ' loading="lazy"')
    parts.append(' decoding="async">')
    if phone:
        parts.append("</picture>")
    return "".join(parts)


@register.simple_tag
def picture(image, alt="", sizes="", eager=False, phone=None, phone_sizes=""):
    """The picture on a line of its own, as pages have always had it."""
    html = picture_html(
        image, alt=alt, sizes=sizes, eager=eager, phone=phone, phone_sizes=phone_sizes
    )
    return mark_safe(f"\n{html}\n")  # every value escaped in picture_html
