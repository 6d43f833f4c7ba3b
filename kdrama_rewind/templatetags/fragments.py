"""``{% fragment "name" vary_on... %}…{% endfragment %}``: a part of a public
page kept until what it shows changes (``kdrama_rewind.caching.pages``).

It is kept only when the template's context has ``fragments`` (from
``fragment_context``); elsewhere, and in previews, it is made afresh. The
name and the values after it say which fragment it is; the site's address is
added, since fragments hold absolute links.
"""

import hashlib

from django import template

from kdrama_rewind.caching.pages import kept

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        fragments = context.get("fragments")
        if not fragments:
            return self.nodelist.render(context)
        vary = [str(value.resolve(context)) for value in self.vary_on]
        address = "\x1f".join([self.name.resolve(context), *vary, fragments.scope])
        key = f"fragment:{hashlib.sha256(address.encode()).hexdigest()}"
        return kept(key, lambda: self.nodelist.render(context), seconds=fragments.seconds)


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} takes a name, then what it varies on.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist, parser.compile_filter(bits[1]), list(map(parser.compile_filter, bits[2:]))
    )
