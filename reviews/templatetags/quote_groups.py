from django import template
from django.utils.safestring import mark_safe

from kdrama_rewind.web.escaping import escape_text as esc

register = template.Library()


@register.simple_tag
def quotes_by_drama(quotes):
    """A page of the quotes index: a section per drama, in the list's order
    (consecutive quotes of one drama share it), each quote with its
    character, actor and episode. ``quotes`` come with their character,
    drama and actor loaded (``QuoteListView``). Drawn in Python: as
    template markup, a page of 50 quotes looked up about 500 variables."""
    parts, drama = [], None
    for quote in quotes:
        character = quote.character
        if drama is None or character.drama_id != drama.pk:
            if drama is not None:
                parts.append("  \n</section>\n")
            drama = character.drama
            pk = esc(drama.pk)
            parts.append(
                f'\n<section aria-labelledby="drama-{pk}">\n'
                f'  <h2 id="drama-{pk}"><a href="{esc(drama.get_absolute_url())}">'
                f'{esc(drama.title)}</a> <span class="meta">{esc(drama.year)}</span></h2>\n'
            )
        actor = character.played_by
        played = f" ({esc(actor.name)})" if actor else ""
        episode = f", episode {esc(quote.episode)}" if quote.episode else ""
        parts.append(
            f'  \n  <figure class="quote" id="quote-{esc(quote.pk)}">\n'
            f"    <blockquote><p>{esc(quote.text)}</p></blockquote>\n"
            f'    <figcaption><a href="{esc(character.get_absolute_url())}">'
            f"{esc(character.name)}</a>{played}{episode}</figcaption>\n  </figure>\n"
        )
    if drama is not None:
        parts.append("  \n</section>\n")
    return mark_safe("".join(parts))  # every value escaped
