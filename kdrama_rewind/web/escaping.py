"""Escaping for markup written in Python (cards, pictures, the header), and
text the site's XML can hold."""

import re
from html import escape

from django.utils.functional import Promise


def escape_text(value) -> str:
    """What ``django.utils.html.conditional_escape`` writes: safe markup as it
    is, anything else HTML-escaped; as a plain string, for a fraction of its
    cost (a list of cards escapes hundreds of values)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


# What XML 1.0 cannot hold: the control characters other than tab, line
# feed and carriage return (a vertical tab pasted from a word processor),
# and the two noncharacters U+FFFE and U+FFFF. They show nothing, so the
# site's XML leaves them out rather than fail.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value) -> str:
    """``value`` as text XML 1.0 can hold (``NOT_XML`` left out)."""
    return NOT_XML.sub("", str(value))
