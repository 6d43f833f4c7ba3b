import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Characters that could end the script element or confuse an HTML parser,
# written as JSON escapes instead (JSON readers decode them unchanged).
_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


@register.filter(is_safe=True)
def json_ld(data) -> str:
    """``data`` as a JSON-LD script element, safe whatever text it holds."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, default=str).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # escaped above
