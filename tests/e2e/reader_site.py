"""A small published site with one page of every type a reader can open,
for the browser tests and the HTML check: the Rewind column on Run On, its
cast, quotes (one placed in the body), tags, a correction, other reviews for
"Up Next", a second column, a flat page. :func:`make_reader_site` returns
the pages by name."""

from datetime import timedelta

from django.contrib.flatpages.models import FlatPage
from django.utils import timezone

from reviews.models import Correction, Genre
from reviews.services import ReviewEdit, edit_review
from tests.factories import (
    image_upload,
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_quote,
    make_review,
)

HERO_ALT = "Two runners on an empty track under floodlights"
CORRECTION = "An earlier version gave the wrong episode for the rooftop scene."
PLACED_QUOTE = "Subtitles are a promise to be understood."
BODY = f"""\
*Run On* (런 온) opens on a track and stays there longer than you expect. Im Si-wan \
plays a sprinter who has only ever been told to win; Shin Se-kyung plays a subtitler \
who has never been told anything she did not check twice.

[pull quote: “{PLACED_QUOTE}”]

## A drama that walks

Most romances hurry. This one idles, and the idling is the point: two people work \
out how to be in the same room without either of them leaving it.

> The slowest scenes are the ones you remember.

What it does well:

- conversations that are allowed to go nowhere;
- a second couple who are more than comic relief;
- a soundtrack that knows when to stop.

:::spoiler How it ends
Nobody wins a race, and nobody needs to.
:::
"""
# An address no page has: the friendly 404 page is a page type too.
NOT_FOUND = "/no-such-page/"


def make_reader_site() -> dict[str, str]:
    now = timezone.now()
    rewind = make_column("K-Drama Rewind", is_featured=True, description="Old dramas, again.")
    weekend = make_column("Weekend Watch", description="One drama for the weekend.")
    author = make_author(
        "Mina Park",
        job_title="Assistant Features Editor",
        bio="Mina writes about television.",
        photo=image_upload("mina.jpg", size=(400, 400)),
        photo_alt="Mina Park",
    )
    run_on = make_drama(
        "Run On",
        original_title="런 온",
        network="JTBC",
        episodes=16,
        synopsis="A sprinter and a subtitler learn to slow down.",
        poster=image_upload("run-on.jpg", size=(400, 600)),
        poster_alt="The two leads back to back on a running track",
    )
    run_on.genres.add(Genre.objects.create(name="Romance"), Genre.objects.create(name="Sports"))
    im = make_person(
        "Im Si-wan",
        hangul_name="임시완",
        aliases="Yim Si-wan",
        bio="An actor and singer.",
        photo=image_upload("im.jpg", size=(400, 400)),
        photo_alt="Im Si-wan at a press event",
    )
    shin = make_person("Shin Se-kyung", hangul_name="신세경", aliases="Shin Se-kyeong")
    seon_gyeom = make_character(run_on, "Ki Seon-gyeom", played_by=im, role="lead")
    mi_joo = make_character(run_on, "Oh Mi-joo", played_by=shin, role="lead")
    quotes = [
        make_quote(seon_gyeom, "I came without a reason.", episode=5, context="On the rooftop."),
        make_quote(mi_joo, PLACED_QUOTE, episode=2),
    ]
    others = [
        make_review(
            f"{title}: another look back",
            standfirst="More from the desk.",
            author=author,
            column=column,
            dramas=[run_on] if i < 2 else [],
            people=[im] if i == 2 else [],
            tags=["Run On"],
            hero_image=image_upload(f"other-{i}.jpg", size=(800, 450)),
            hero_alt=f"A still from {title}",
            published_at=now - timedelta(days=10 + i),
        )
        for i, (title, column) in enumerate(
            [
                ("Misaeng", rewind),
                ("Reply 1988", None),
                ("Hometown Cha-Cha-Cha", weekend),
                ("Hospital Playlist", weekend),
            ]
        )
    ]
    review = make_review(
        "K-Drama Rewind, Run On: a romance that takes its time",
        standfirst="Im Si-wan and Shin Se-kyung find a pace they can share.",
        body=BODY,
        author=author,
        column=rewind,
        dramas=[run_on],
        people=[im, shin],
        tags=["Run On", "Romance", "Im Si-wan"],
        hero_image=image_upload("hero.jpg", size=(1200, 675)),
        hero_alt=HERO_ALT,
        hero_caption="The track at night.",
        hero_credit="Illustration: the desk",
        published_at=now - timedelta(days=2),
        updated_at=now - timedelta(days=1),
    )
    edit = ReviewEdit(quotes=quotes, up_next_picks=[others[1]])
    edit_review(review=review, edit=edit, by=None, via="test")
    Correction.objects.create(review=review, text=CORRECTION, noted_at=now - timedelta(days=1))
    FlatPage.objects.create(
        url="/about/",
        title="About the desk",
        content="We watch **every** episode.\n\n## Contact\n\n"
        "[Write to us](mailto:desk@example.com).",
    )
    return {
        "front page": "/",
        "review": review.get_absolute_url(),
        "column": rewind.get_absolute_url(),
        "tag": "/tags/run-on/",
        "dramas": "/dramas/",
        "drama": run_on.get_absolute_url(),
        "character": seon_gyeom.get_absolute_url(),
        "quotes": "/quotes/",
        "person": im.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search": "/search/?q=Run+On",
        "newsletter": "/newsletter/",
        "all reviews": "/reviews/",
        "columns": "/columns/",
        "tags": "/tags/",
        "people": "/people/",
        "authors": "/authors/",
        "flat page": "/about/",
        "not found": NOT_FOUND,
    }
